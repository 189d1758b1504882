"""`kexie codeowners`: .github/CODEOWNERS from the records, and `--check` for CI."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from generator.cli.contrib import register
from generator.contrib.codeowners import render


def write(root, path, text):
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


@pytest.fixture
def records(tmp_path):
    root = tmp_path / "records"
    write(root, "staff/kexie.yaml", "id: kexie\nhandles: [hzkx-a, hzkx-b]\nowner: kexie\n")
    write(root, "societies/hz-a.yaml", "id: hz-a\nmaintainers: [alice, Carol]\nowner: hz-a\n")
    write(root, "societies/hz-b.yaml", "id: hz-b\nmaintainers: [bob, hzkx-a]\nowner: kexie\n")
    write(root, "experts/a-one.yaml", "id: a-one\nowner: hz-a\n")
    write(root, "experts/b-one.yaml", "id: b-one\nowner: hz-b\n")
    write(root, "experts/k-one.yaml", "id: k-one\nowner: kexie\n")
    write(root, "projects/p-1.yaml", "id: p-1\nowner: hz-a\n")
    write(root, "policies/2015-2017.yaml", "id: 2015-2017\nowner: hz-a\n")
    return root


def run(*args):
    group = click.Group("kexie")
    register(group)
    result = CliRunner().invoke(group, ["codeowners", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_render(records):
    text = render(records)
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert lines[0] == "* @hzkx-a @hzkx-b"
    assert "/records/experts/a-one.yaml @alice @Carol @hzkx-a @hzkx-b" in lines
    assert "/records/projects/p-1.yaml @alice @Carol @hzkx-a @hzkx-b" in lines
    assert "/records/societies/hz-a.yaml @alice @Carol @hzkx-a @hzkx-b" in lines
    assert "/records/experts/b-one.yaml @bob @hzkx-a @hzkx-b" in lines  # staff listed once
    # staff-owned records and everything outside the society folders fall to the catch-all
    assert not any("k-one" in line or "policies" in line for line in lines)
    # hz-b's own record says owner: kexie, so only staff review it
    assert not any("societies/hz-b.yaml" in line for line in lines)
    assert text == render(records)  # stable


def test_later_lines_are_more_specific(records):
    lines = [line for line in render(records).splitlines() if line and not line.startswith("#")]
    assert lines[0].startswith("* ")
    assert all(line.startswith("/records/") for line in lines[1:])


def test_hostile_handles_and_names_are_skipped(records):
    write(records, "societies/hz-a.yaml",
          "id: hz-a\nmaintainers: ['alice', 'evil\\n* @mallory', '-x', 'a b', '@c']\nowner: hz-a\n")
    write(records, "experts/Bad Name.yaml", "id: x\nowner: hz-a\n")
    write(records, "experts/broken.yaml", "id: broken\nowner: [\n")
    text = render(records)
    assert "mallory" not in text and "@-x" not in text and "@@c" not in text
    assert "Bad Name" not in text and "broken" not in text
    assert "/records/experts/a-one.yaml @alice @hzkx-a @hzkx-b" in text


def test_no_staff_still_writes_a_valid_file(tmp_path):
    write(tmp_path / "records", "societies/hz-a.yaml", "id: hz-a\nmaintainers: [alice]\nowner: hz-a\n")
    text = render(tmp_path / "records")
    assert "没有工作人员用户名" in text
    assert "/records/societies/hz-a.yaml @alice" in text


def test_write_then_check(records, tmp_path):
    out = tmp_path / ".github" / "CODEOWNERS"
    result = run("--records", records, "--check", "--out", out)
    assert result.exit_code == 1
    assert "不存在" in result.output and "kexie codeowners" in result.output

    result = run("--records", records, "--out", out)
    assert result.exit_code == 0 and out.is_file()
    assert run("--records", records, "--check", "--out", out).exit_code == 0

    write(records, "societies/hz-a.yaml", "id: hz-a\nmaintainers: [alice, dave]\nowner: hz-a\n")
    result = run("--records", records, "--check", "--out", out)
    assert result.exit_code == 1
    assert "已过期" in result.output and "请运行 `kexie codeowners` 重新生成" in result.output
    assert "+/records/experts/a-one.yaml @alice @dave" in result.output  # the diff shows what changes


def test_hand_edit_is_stale(records, tmp_path):
    out = tmp_path / "CODEOWNERS"
    run("--records", records, "--out", out)
    out.write_text(out.read_text(encoding="utf-8") + "/generator/ @alice\n", encoding="utf-8")
    assert run("--records", records, "--check", "--out", out).exit_code == 1


def test_missing_records_folder(tmp_path):
    result = run("--records", tmp_path / "nope", "--out", tmp_path / "CODEOWNERS")
    assert result.exit_code == 2
    assert "找不到记录目录" in result.output
