"""Attack round on issue #9 class 6 / #10 item 4: a private number must not reach the public CI log
through any message, not only through the privacy check's own (which masks it).

`kexie validate` runs on every pull request and its output (text, GitHub annotations, the JSON the
PR comment is made from) is public. A mobile number typed as a field name, or as a value that some
other check quotes (an id, a vocabulary value), used to be printed in full by that other message.
"""

from __future__ import annotations

import pytest

from tests.conftest import copy_base, run_kexie

MOBILE = "13812345678"

EDITS = {
    # a field name: reported as an unknown field, quoting the key
    "key": ("title: 教授", f"title: 教授\n联系{MOBILE}: 有"),
    # a vocabulary value: the enum message quotes it
    "enum": ("district: 西湖区", f"district: {MOBILE}"),
    # a number typed in a text field: the type message quotes it
    "type": ("title: 教授", f"title: {MOBILE}"),
    # an id: the id/file-name message quotes it
    "id": ("id: zhang-wei", f"id: zhang-{MOBILE}"),
}


@pytest.mark.xfail(strict=True, reason="messages other than privacy-* quote record text unmasked; "
                   "fix: common.quoting masks private numbers (needs input-b's common/private_numbers.py)")
@pytest.mark.parametrize("where", sorted(EDITS))
def test_no_message_prints_a_mobile_number_in_full(tmp_path, where):
    copy_base(tmp_path)
    expert = tmp_path / "records" / "experts" / "zhang-wei.yaml"
    old, new = EDITS[where]
    text = expert.read_text(encoding="utf-8")
    assert old in text
    expert.write_text(text.replace(old, new, 1), encoding="utf-8")
    for fmt in ("text", "github", "json"):
        run = run_kexie("validate", "--format", fmt, cwd=tmp_path)
        assert run.exit_code == 1, run.stdout
        assert MOBILE not in run.stdout + run.stderr, (fmt, run.stdout)
        assert "privacy-mobile" in run.stdout, (fmt, run.stdout)
