"""`kexie validate`: one fixture case per check, output formats, PATH selection, exit codes.

Cases are folders under tests/cases/negative/ (see conftest.py): each lays a few files over the
valid base tree and pins the exact output lines in expected.txt. Adding a case is adding a folder.
"""

from __future__ import annotations

import json
import re

import pytest

from generator.records.recordset import RECORD_TYPES

from tests.conftest import (
    BASE,
    CJK,
    NEGATIVE,
    PROBLEM_LINE,
    REPO,
    SUMMARY_LINE,
    expected_exit,
    kexie_env,
    key,
    negative_cases,
    overlay,
    read_expected,
    run_kexie,
)

CASES = negative_cases()

# every check the validator promises; each must have at least one negative case
CHECKS = [
    "yaml-syntax",
    "yaml-duplicate-key",
    "yaml-alias",
    "yaml-tag",
    "file-encoding",
    "file-empty",
    "file-not-mapping",
    "file-location",
    "file-hidden",
    "schema-required",
    "schema-unknown-field",
    "schema-type",
    "schema-enum",
    "schema-format",
    "schema-length",
    "schema-items",
    "schema-unique",
    "schema-range",
    "id-filename",
    "id-reserved",
    "ref-missing",
    "ref-unpublished",
    "owner-unknown",
    "owner-society",
    "privacy-email-consent",
    "privacy-id-number",
    "privacy-mobile",
    "pinyin-surname",
    "pinyin-unknown",
    "date-invalid",
    "schema-comment",
    "policy-period",
    "funding-range",
    "yaml-fullwidth",
    "text-control",
    "text-invisible",
    "text-blank",
]


def problem_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if PROBLEM_LINE.match(line)]


# ---------------------------------------------------------------- the base tree


def test_base_tree_is_valid(tree):
    run = run_kexie("validate", cwd=tree)
    assert run.stderr == ""
    assert run.stdout == "检查了 12 条记录，全部通过。\n"
    assert run.exit_code == 0


def test_base_tree_files_start_with_schema_comment():
    files = sorted((BASE / "records").rglob("*.yaml"))
    assert len(files) == 12
    for path in files:
        record_type = RECORD_TYPES[path.parent.name]
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert (
            first == f"# yaml-language-server: $schema=../../schemas/{record_type}.schema.json"
        ), path


# ---------------------------------------------------------------- one case per check


@pytest.mark.parametrize("case", CASES)
def test_negative_case(case, tree, invoke):
    overlay(NEGATIVE / case, tree)
    expected = read_expected(NEGATIVE / case)
    run = invoke("validate")
    # location, severity and rule first (the clearest diff), then the whole lines
    assert [key(line) for line in run.lines] == [key(line) for line in expected]
    assert run.lines == expected
    assert run.exit_code == expected_exit(expected)


@pytest.mark.parametrize("case", ["yaml-tag", "schema-enum", "funding-range", "schema-comment"])
def test_negative_case_same_through_subprocess(case, tree):
    """The in-process runs above see what CI sees: same lines, same exit code."""
    overlay(NEGATIVE / case, tree)
    expected = read_expected(NEGATIVE / case)
    run = run_kexie("validate", cwd=tree)
    assert run.lines == expected
    assert run.exit_code == expected_exit(expected)
    assert run.stderr == ""


def test_every_check_has_a_case():
    covered = {
        PROBLEM_LINE.match(line)["rule"]
        for case in CASES
        for line in read_expected(NEGATIVE / case)
        if PROBLEM_LINE.match(line)
    }
    assert sorted(set(CHECKS) - covered) == []


@pytest.mark.parametrize("case", CASES)
def test_case_is_well_formed(case):
    """Each case is named after the one rule it breaks, reports it, and ends with the summary."""
    lines = read_expected(NEGATIVE / case)
    problems = problem_lines(lines)
    assert problems, f"{case}: expected.txt lists no problem"
    assert lines == problems + [lines[-1]] and SUMMARY_LINE.match(lines[-1]), case
    for line in problems:
        m = PROBLEM_LINE.match(line)
        assert case == m["rule"] or case.startswith(m["rule"] + "-"), (case, line)
        assert m["path"].startswith("records/"), line
        assert CJK.search(m["message"]), line
    assert (NEGATIVE / case / "records").is_dir()


# ---------------------------------------------------------------- several problems in one run


def test_all_problems_of_a_file_in_one_run(tree, invoke):
    (tree / "records/experts/zhou-li.yaml").write_text(
        "# yaml-language-server: $schema=../../schemas/expert.schema.json\n"
        "id: zhou-li\n"
        "name: 周立\n"
        "title: 高级工程师\n"
        "affiliation: 杭州示例电子有限公司\n"
        "district: 杭州市\n"
        "disciplines:\n"
        '  - "510"\n'
        "wechat: zhouli-2016\n"
        "consent:\n"
        "  publish: true\n"
        '  date: "2016/06/01"\n'
        "owner: kexie\n",
        encoding="utf-8",
    )
    run = invoke("validate")
    assert [key(line) for line in run.lines] == [
        ("records/experts/zhou-li.yaml", "6", "11", "错误", "schema-enum"),
        ("records/experts/zhou-li.yaml", "9", "1", "错误", "schema-unknown-field"),
        ("records/experts/zhou-li.yaml", "12", "9", "错误", "schema-format"),
        ("检查了 13 条记录：3 个错误，0 个警告。",),
    ]
    assert run.exit_code == 1


def test_problems_in_several_files_in_one_run(tree, invoke):
    """Independent cases laid over one tree report exactly the union of their lines."""
    cases = [
        "date-invalid",
        "owner-society",
        "privacy-mobile",
        "funding-range",
        "file-location-unknown-folder",
        "yaml-tag",
        "schema-comment",
    ]
    expected = []
    for case in cases:
        overlay(NEGATIVE / case, tree)
        expected += problem_lines(read_expected(NEGATIVE / case))
    run = invoke("validate")
    assert problem_lines(run.lines) == sorted(expected)
    assert run.lines[-1] == "检查了 12 条记录：6 个错误，1 个警告。"
    assert run.exit_code == 1


def test_one_mistake_is_reported_once(tree, invoke):
    """An impossible month fails the date pattern; it is not also reported as date-invalid."""
    path = tree / "records/proposals/materials-industry-2016.yaml"
    text = path.read_text(encoding="utf-8").replace(
        'submitted: "2016-09-01"', 'submitted: "2016-13-01"'
    )
    path.write_text(text, encoding="utf-8")
    run = invoke("validate")
    problems = problem_lines(run.lines)
    assert [key(line)[:3] for line in problems] == [
        ("records/proposals/materials-industry-2016.yaml", "11", "12")
    ], problems
    assert run.exit_code == 1


# ---------------------------------------------------------------- output formats


def test_format_json_lists_the_problems(tree):
    for case in ["ref-unpublished", "schema-comment", "file-location-yml"]:
        overlay(NEGATIVE / case, tree)
    text = run_kexie("validate", cwd=tree)
    run = run_kexie("validate", "--format", "json", cwd=tree)
    assert run.exit_code == 1 and run.stderr == ""
    report = json.loads(run.stdout)
    assert report["checked"] == 12
    rows = report["problems"]
    assert [set(row) for row in rows] == [
        {"path", "line", "column", "severity", "rule", "field", "message"}
    ] * 3
    # the same problems, in the same order, as the text report
    assert [
        (
            r["path"],
            str(r["line"] or ""),
            str(r["column"] or ""),
            r["severity"],
            r["rule"],
            r["message"],
        )
        for r in rows
    ] == [
        (
            m["path"],
            m["line"] or "",
            m["column"] or "",
            {"错误": "error", "警告": "warning"}[m["severity"]],
            m["rule"],
            m["message"],
        )
        for m in map(PROBLEM_LINE.match, problem_lines(text.lines))
    ]
    by_rule = {r["rule"]: r for r in rows}
    assert by_rule["ref-unpublished"] == {
        "path": "records/needs/new-alloy-coating.yaml",
        "line": 17,
        "column": 7,
        "severity": "error",
        "rule": "ref-unpublished",
        "field": "matched.experts.1",
        "message": (
            "专家 `chen-jing` 没有同意公开（consent.publish 不为 true），"
            "不能在公开页面列出：请删除此项，或先取得本人书面同意"
        ),
    }
    assert by_rule["file-location"]["line"] == 0 and by_rule["file-location"]["column"] == 0


def test_format_json_when_clean(tree):
    run = run_kexie("validate", "--format", "json", cwd=tree)
    assert run.exit_code == 0
    assert json.loads(run.stdout) == {"checked": 12, "problems": []}


def test_format_github_prints_annotations(tree):
    for case in ["ref-unpublished", "schema-comment", "file-location-yml"]:
        overlay(NEGATIVE / case, tree)
    run = run_kexie("validate", "--format", "github", cwd=tree)
    assert run.exit_code == 1 and run.stderr == ""
    location = (
        "这里不应有这个文件：记录必须是 "
        "records/societies/、records/experts/、records/workstations/、records/projects/、"
        "records/needs/、records/proposals/、records/policies/、records/staff/ "
        "之一中的 `<编号>.yaml` 文件（扩展名用 .yaml，不用 .yml）"
    )
    comment = "`# yaml-language-server: $schema=../../schemas/expert.schema.json`"
    unpublished = (
        "专家 `chen-jing` 没有同意公开（consent.publish 不为 true），"
        "不能在公开页面列出：请删除此项，或先取得本人书面同意"
    )
    assert run.lines == [
        (
            "::warning file=records/experts/li-na.yaml,line=1,col=1,title=schema-comment::"
            f"第一行应为 {comment}，这样编辑器能边输入边检查"
        ),
        "::error file=records/experts/zhao-min.yml,title=file-location::" + location,
        "::error file=records/needs/new-alloy-coating.yaml,line=17,col=7,title=ref-unpublished::"
        + unpublished,
        "检查了 12 条记录：2 个错误，1 个警告。",
    ]


def test_format_github_escapes_newlines_and_percent(tree):
    """An annotation is one line whatever the record contains (the message quotes the value)."""
    path = tree / "records/societies/hz-computer.yaml"
    text = path.read_text(encoding="utf-8").replace("kind: 学会", 'kind: "学会%0A\\n::error::x"')
    path.write_text(text, encoding="utf-8")
    run = run_kexie("validate", "--format", "github", cwd=tree)
    assert run.exit_code == 1
    annotations = [line for line in run.lines if line.startswith("::")]
    assert len(annotations) == 1 and len(run.lines) == 2
    assert annotations[0].startswith(
        "::error file=records/societies/hz-computer.yaml,line=4,col=7,title=schema-enum::"
    )
    # the record's newline is quoted as \n (issue #10): the same text in every format
    assert "“学会%250A\\n::error::x”" in annotations[0]


# ---------------------------------------------------------------- PATH arguments


def test_paths_restrict_the_report(tree):
    for case in ["ref-unpublished", "schema-comment"]:
        overlay(NEGATIVE / case, tree)
    need = "records/needs/new-alloy-coating.yaml"
    run = run_kexie("validate", need, cwd=tree)
    assert run.lines == [
        problem_lines(read_expected(NEGATIVE / "ref-unpublished"))[0],
        "检查了 1 条记录：1 个错误，0 个警告。",
    ]
    assert run.exit_code == 1

    # the unpublished expert's own file is fine: the problem is in the file that names her
    run = run_kexie("validate", "records/experts/chen-jing.yaml", cwd=tree)
    assert run.lines == ["检查了 1 条记录，全部通过。"] and run.exit_code == 0

    # a folder selects the files under it; a warning alone does not fail
    run = run_kexie("validate", "records/experts", cwd=tree)
    assert run.lines == [
        problem_lines(read_expected(NEGATIVE / "schema-comment"))[0],
        "检查了 4 条记录：0 个错误，1 个警告。",
    ]
    assert run.exit_code == 0

    # several paths
    run = run_kexie("validate", need, "records/experts/li-na.yaml", cwd=tree)
    assert len(problem_lines(run.lines)) == 2 and run.lines[-1].startswith("检查了 2 条记录")


def test_paths_resolve_references_against_the_whole_tree(tree, invoke):
    """Selecting one file does not make the records it references disappear."""
    run = invoke("validate", "records/projects/xihu-materials-station-2016.yaml")
    assert run.lines == ["检查了 1 条记录，全部通过。"] and run.exit_code == 0
    # and a broken target elsewhere is not reported for the selected file
    overlay(NEGATIVE / "yaml-tag", tree)
    run = invoke("validate", "records/projects/xihu-materials-station-2016.yaml")
    assert run.lines == ["检查了 1 条记录，全部通过。"] and run.exit_code == 0


def test_paths_from_outside_the_tree(tree, tmp_path):
    """Run from elsewhere: records/ is found from the PATH, and paths are shown relative to cwd."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    overlay(NEGATIVE / "date-invalid", tree)
    run = run_kexie("validate", str(tree / "records/proposals"), cwd=elsewhere)
    assert run.lines[0].startswith(
        "../records/proposals/materials-industry-2016.yaml:11:12: 错误: "
    )
    assert run.exit_code == 1
    run = run_kexie("validate", "--records", str(tree / "records"), cwd=elsewhere)
    assert key(run.lines[0])[1:] == ("11", "12", "错误", "date-invalid")
    assert run.exit_code == 1


def test_a_file_outside_the_records_folder_is_refused_not_passed(tree, tmp_path):
    """A record kept outside records/ is checked by nothing: it must not "pass" with exit 0."""
    mine = tmp_path / "mine.yaml"
    mine.write_text("id: li-na\nbio: 手机 13812345678\n", encoding="utf-8")
    for cwd, args in ((tree, [str(mine)]), (tree, ["records/experts", str(mine)]), (tmp_path, ["--records", str(tree / "records"), str(mine)])):
        run = run_kexie("validate", *args, cwd=cwd)
        assert run.exit_code == 2, run.stdout
        assert run.stdout == ""
        assert f"{mine} 不在记录目录" in run.stderr and "kexie validate 不会检查它" in run.stderr


# ---------------------------------------------------------------- usage errors: exit 2


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "--no-such-option"],
        ["validate", "--format", "xml"],
        ["validate", "records/experts/no-such-file.yaml"],
        ["validate", "--records", "no-such-dir"],
        ["no-such-command"],
    ],
    ids=[
        "unknown-option",
        "unknown-format",
        "missing-path",
        "missing-records-dir",
        "unknown-command",
    ],
)
def test_usage_errors_exit_2(args, tree):
    run = run_kexie(*args, cwd=tree)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert "用法: kexie" in run.stderr and "Traceback" not in run.stderr


def test_missing_records_dir_exits_2(tmp_path):
    run = run_kexie("validate", cwd=tmp_path)
    assert run.exit_code == 2
    assert "找不到记录目录 records" in run.stderr and "--records" in run.stderr
    assert "Traceback" not in run.stderr


# ---------------------------------------------------------------- YAML messages in Chinese

# The commonest hand-editing mistakes. libyaml (the C loader in use) words its errors differently
# from pure-Python PyYAML, so each one is checked through the real loader.
SYNTAX_MISTAKES = {
    "tab-before-key": 'consent:\n  publish: true\n\tdate: "2016-06-01"\n',
    "tab-before-item": 'disciplines:\n\t- "520"\n',
    "colon-in-value": "bio: 研究方向: 机器学习\n",
    "unclosed-bracket": 'disciplines: ["520", "510"\n',
    "backtick": "bio: `Python` 专家\n",
    "two-documents": "id: zhao-min\n---\nid: zhao-min\n",
}


@pytest.mark.parametrize("mistake", sorted(SYNTAX_MISTAKES))
def test_yaml_syntax_errors_are_explained_in_chinese(mistake, tree, invoke):
    path = tree / "records/experts/zhao-min.yaml"
    path.write_text(
        "# yaml-language-server: $schema=../../schemas/expert.schema.json\n"
        + SYNTAX_MISTAKES[mistake],
        encoding="utf-8",
    )
    run = invoke("validate")
    assert run.exit_code == 1
    [line] = problem_lines(run.lines)
    m = PROBLEM_LINE.match(line)
    assert (m["path"], m["rule"]) == ("records/experts/zhao-min.yaml", "yaml-syntax")
    assert m["line"] and m["column"], line
    explanation = re.match(r"YAML 语法错误：(.*?)。请检查", m["message"])
    assert explanation, line
    # the part that says what is wrong is Chinese, not libyaml's English
    assert not re.search(r"[A-Za-z]{4,}", explanation[1].replace("YAML", "").replace("Tab", "")), (
        line
    )


@pytest.mark.parametrize("value", ["=", "<<"])
def test_plain_scalars_with_yaml11_special_tags_are_text(value, tree, invoke):
    """`=` and `<<` are ordinary text to the person typing them: there is no `!` tag to delete."""
    path = tree / "records/societies/hz-computer.yaml"
    text = path.read_text(encoding="utf-8").replace("role: 理事长", f"role: {value}")
    path.write_text(text, encoding="utf-8")
    run = invoke("validate")
    assert run.lines == ["检查了 12 条记录，全部通过。"]
    assert run.exit_code == 0


# ---------------------------------------------------------------- the shipped demo data


def test_repository_records_validate():
    """The demo data in the repository's records/ passes, as CI's `kexie validate` checks it."""
    env = kexie_env()
    del env["KEXIE_TODAY"]  # as in CI: the clock is the reference date
    run = run_kexie("validate", cwd=REPO, env=env, timeout=120)
    assert "Traceback" not in run.stderr
    assert run.exit_code == 0, run.stdout[-3000:]
    assert SUMMARY_LINE.match(run.lines[-1])
    assert not [line for line in run.lines if PROBLEM_LINE.match(line) and "错误" in line]
