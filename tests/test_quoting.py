"""Record text cannot forge output lines (issue #10, item 4) and a file name that is not UTF-8 is
an error naming the file, not a crash (item 5).

The hostile values: a newline followed by a GitHub workflow command, ANSI escape sequences, a bidi
override, a 250 KB key, and file names with a byte that is not UTF-8 or with a newline. Every
command is run for real (validate in all three formats, build, check-ownership, diff) with a strict
UTF-8 stdout, as CI has.
"""

from __future__ import annotations

import json
import os

import pytest

from generator.common.quoting import LIMIT, escape, escape_lines, quote
from tests.conftest import run_kexie
from tests.gitrepo import Repo

FORGED = "\n::error file=README.md,line=1::x"
ANSI = "\x1b[2J\x1b[31m"


# ---------------------------------------------------------------- the function


@pytest.mark.parametrize(
    "text, shown",
    [
        ("li-na", "li-na"),
        ("杭州市材料学会", "杭州市材料学会"),
        ("a" + FORGED, "a\\n::error file=README.md,line=1::x"),
        ("a\r\nb\tc", "a\\r\\nb\\tc"),
        (ANSI + "red", "\\x1b[2J\\x1b[31mred"),
        ("abc\u202edcba", "abc\\u202edcba"),  # right-to-left override
        ("a\u2066b\u2069\u200b\ufeff", "a\\u2066b\\u2069\\u200b\\ufeff"),
        ("x\x00\x7f\x85y", "x\\x00\\x7f\\x85y"),
        ("\u2028line\u2029", "\\u2028line\\u2029"),
        ("caf\udcff.yaml", "caf\\xff.yaml"),  # os.fsdecode of the byte 0xff
        ("C:\\dir", "C:\\dir"),  # a backslash is printable: left alone
    ],
)
def test_escape(text, shown):
    assert escape(text) == shown
    assert escape(shown) == shown  # escaping twice changes nothing


def test_quote_marks_and_truncates():
    assert quote("li-na") == "“li-na”"
    assert quote("li-na", marks="``") == "`li-na`"
    assert quote(12) == "“12”"
    long = quote("k" * 250_000)
    assert long == "“" + "k" * LIMIT + "…”"
    assert quote("\n" * 100) == "“" + "\\n" * (LIMIT // 2) + "…”"  # the escaped form is bounded


def test_escape_lines_keeps_our_lines_and_defuses_workflow_commands():
    text = "第一行\n::error file=README.md::x\n  ::warning::y\n##[error]z\n" + ANSI + "w"
    assert escape_lines(text).split("\n") == [
        "第一行",
        "\\::error file=README.md::x",
        "\\  ::warning::y",
        "\\##[error]z",
        "\\x1b[2J\\x1b[31mw",
    ]
    assert escape_lines("x" * 5000, limit=100) == "x" * 100 + "…"


# ---------------------------------------------------------------- validate, every format


def _set_kind(tree, value_yaml: str):
    path = tree / "records/societies/hz-computer.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: 学会", f"kind: {value_yaml}"), encoding="utf-8")


def _no_forged_lines(output: str, allowed_annotations: int = 0):
    lines = output.splitlines()
    assert sum(1 for line in lines if line.lstrip().startswith(("::", "##["))) == allowed_annotations, output
    assert "\x1b" not in output and "\u202e" not in output


def test_a_forged_annotation_stays_inside_its_message(tree):
    _set_kind(tree, '"学会\\n::error file=README.md,line=1::x"')
    text = run_kexie("validate", cwd=tree)
    assert text.exit_code == 1
    assert text.lines == [
        "records/societies/hz-computer.yaml:4:7: 错误: `kind`（类型） 的值 “学会\\n::error file=README.md,line=1::x” "
        "不在允许范围内：请改为以下之一：学会、协会、研究会 [schema-enum]",
        "检查了 12 条记录：1 个错误，0 个警告。",
    ]
    _no_forged_lines(text.stdout)
    github = run_kexie("validate", "--format", "github", cwd=tree)
    _no_forged_lines(github.stdout, allowed_annotations=1)
    assert "“学会\\n::error file=README.md,line=1::x”" in github.stdout
    problems = json.loads(run_kexie("validate", "--format", "json", cwd=tree).stdout)["problems"]
    assert problems[0]["message"].startswith("`kind`（类型） 的值 “学会\\n::error file=README.md,line=1::x”")


def test_ansi_and_bidi_never_reach_the_terminal(tree):
    _set_kind(tree, '"\\e[2J\\e[31m学会\\u202E"')
    for fmt in ("text", "github", "json"):
        run = run_kexie("validate", "--format", fmt, cwd=tree)
        assert run.exit_code == 1
        # one annotation for the value, one per refused character (issue #9: text-control)
        _no_forged_lines(run.stdout, allowed_annotations=3 if fmt == "github" else 0)
        assert "\\x1b[2J\\x1b[31m学会\\u202e" in run.stdout.replace("\\\\", "\\")
        assert "U+001B 转义符（ESC）" in run.stdout and "U+202E 从右至左覆盖" in run.stdout


def test_a_250_kb_unknown_key_is_cut(tree):
    path = tree / "records/experts/li-na.yaml"
    # an explicit key ("? "): PyYAML refuses plain keys over 1,024 characters
    path.write_text(path.read_text(encoding="utf-8") + "? " + "k" * 250_000 + "\n: 1\n", encoding="utf-8")
    text = run_kexie("validate", cwd=tree)
    assert text.exit_code == 1
    line = next(line for line in text.lines if "[schema-unknown-field]" in line)
    assert "不认识的字段 `" + "k" * LIMIT + "…`：请检查拼写" in line
    assert len(text.stdout) < 3000
    report = run_kexie("validate", "--format", "json", cwd=tree)
    assert len(report.stdout) < 5000
    problem = json.loads(report.stdout)["problems"][0]
    assert problem["field"] == "k" * LIMIT + "…"


def test_the_build_error_output_quotes_record_text(tmp_path):
    from tests.sitebuild import REPO, make_project

    project = make_project(REPO / "tests/cases/base/records", "forged-build")
    _set_kind(project, '"学会\\n::error file=README.md,line=1::x\\e[31m"')
    run = run_kexie("build", "--out", str(tmp_path / "site"), cwd=project)
    assert run.exit_code == 1
    assert "“学会\\n::error file=README.md,line=1::x\\x1b[31m”" in run.stderr
    _no_forged_lines(run.stderr + run.stdout)
    assert not (tmp_path / "site").exists()


# ---------------------------------------------------------------- file names (item 5)

XFF = "records/experts/\\xff.yaml"


def _hostile_names(root):
    experts = os.fsencode(root / "records" / "experts")
    li_na = (root / "records/experts/li-na.yaml").read_bytes()
    for name in (b"\xff.yaml", b"a\n::error file=README.md,line=1::x.yaml"):
        with open(os.path.join(experts, name), "wb") as handle:
            handle.write(li_na)


def test_validate_names_a_file_whose_name_is_not_utf8(tree):
    _hostile_names(tree)
    for fmt in ("text", "github", "json"):
        run = run_kexie("validate", "--format", fmt, cwd=tree)
        assert run.exit_code == 1, run.stderr
        assert "Traceback" not in run.stderr and run.stderr == ""
        _no_forged_lines(run.stdout, allowed_annotations=2 if fmt == "github" else 0)
        assert XFF in run.stdout.replace("\\\\", "\\")
        assert "records/experts/a\\n::error file=README.md,line=1::x.yaml" in run.stdout.replace("\\\\", "\\").replace("%3A", ":").replace("%2C", ",")
    text = run_kexie("validate", cwd=tree)
    assert (
        f"{XFF}: 错误: 文件名含有不是 UTF-8 编码的字节（显示为 \\xNN）：请把文件改名为 `<编号>.yaml`，"
        "编号只用小写字母、数字和连字符 [file-name]"
    ) in text.lines
    assert (
        "records/experts/a\\n::error file=README.md,line=1::x.yaml:2:5: 错误: 编号 `li-na` 与文件名 "
        "`a\\n::error file=README.md,line=1::x.yaml` 不一致：请把文件改名为 `li-na.yaml`"
        # the file name is no valid id, so it is not offered as one (issue #9, class 10)
        "（文件名 `a\\n::error file=README.md,line=1::x` 不能用作编号：编号只能用小写字母、数字和连字符，例如 zhang-wei） [id-filename]"
    ) in text.lines


@pytest.fixture
def hostile_repo(tmp_path):
    from tests.sitebuild import REPO

    repo = Repo(tmp_path / "repo")
    for folder in ("records", "schemas"):
        import shutil

        shutil.copytree(REPO / ("tests/cases/base/records" if folder == "records" else "schemas"), repo.root / folder)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "base")
    _hostile_names(repo.root)
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "hostile names")
    return repo


def test_check_ownership_names_files_that_are_not_utf8_or_hold_newlines(hostile_repo):
    run = run_kexie("check-ownership", "--base", "HEAD~1", "--author", "someone", cwd=hostile_repo.root)
    assert run.exit_code == 1, run.stderr
    assert run.stderr == ""
    _no_forged_lines(run.stdout)
    assert f"拒绝：{XFF} 的维护单位" in run.stdout
    assert "拒绝：records/experts/a\\n::error file=README.md,line=1::x.yaml 的维护单位" in run.stdout


def test_diff_names_files_that_are_not_utf8_or_hold_newlines(hostile_repo):
    run = run_kexie("diff", "HEAD~1", cwd=hostile_repo.root)
    assert run.exit_code == 0, run.stderr
    assert run.stderr == ""
    _no_forged_lines(run.stdout)
    assert "- 新增专家“李娜”（`\\xff`）\n" in run.stdout
    assert "- 新增专家“李娜”（`a::errorfile=README.md,line=1::x`）\n" in run.stdout  # code spans drop whitespace
