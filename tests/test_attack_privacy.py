"""Attack round on issue #9 class 6 / #10 item 4: a private number must not reach the public CI log
through any message, not only through the privacy check's own (which masks it).

`kexie validate` runs on every pull request and its output (text, GitHub annotations, the JSON the
PR comment is made from) is public. A mobile number typed as a field name, or as a value that some
other check quotes (an id, a vocabulary value), used to be printed in full by that other message.
Fixed at the one quoting function (common/quoting.py masks private numbers in all it escapes, and
every Problem goes through it), and the privacy check now reads field names too."""

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


def test_a_field_name_is_checked_like_a_value(tmp_path):
    copy_base(tmp_path)
    expert = tmp_path / "records" / "experts" / "zhang-wei.yaml"
    expert.write_text(expert.read_text(encoding="utf-8").replace("title: 教授", f"title: 教授\n联系{MOBILE}: 有"), encoding="utf-8")
    run = run_kexie("validate", cwd=tmp_path)
    assert run.lines[:2] == [
        "records/experts/zhang-wei.yaml:6:1: 错误: 字段名 `联系138******78` 中有像是个人手机号码的数字（138******78）：平台不公开个人手机号，请删除，或改为单位办公电话（例如 0571-85012345） [privacy-mobile]",
        "records/experts/zhang-wei.yaml:6:1: 错误: 不认识的字段 `联系138******78`：请检查拼写，或删除该字段。此处允许的字段有：affiliation, bio, consent, disciplines, district, email, homepage, honours, id, industries, name, owner, pinyin, societies, title [schema-unknown-field]",
    ], run.stdout
