"""`kexie new <type> <id>`: the skeleton it writes, and what it refuses (exit 2)."""

from __future__ import annotations

import re

import pytest

from generator.records.recordset import FOLDERS
from tests.conftest import PROBLEM_LINE, key, run_kexie

SCHEMA_COMMENT = "# yaml-language-server: $schema=../../schemas/{}.schema.json"

# an empty placeholder the skeleton leaves for a person to fill: `key: ""` or `- ""`
PLACEHOLDER = re.compile(r'^\s*(?:- )?(?:[a-z_]+: )?""$')
# anything a skeleton writes as a value to be replaced: "", 0 or false
ANY_PLACEHOLDER = re.compile(r'^\s*(?:- )?(?:[a-z_]+: )?(?:""|0|false)$')

# how a person fills the expert skeleton's placeholders
EXPERT_VALUES = {
    "name": "王芳",
    "title": "副研究员",
    "affiliation": "杭州示例研究所",
    "date": '"2016-07-01"',
    "owner": "kexie",
    "-": '"520"',  # the first discipline
}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace every `key: ""` / `- ""` placeholder line with a real value."""

    def one(match: re.Match) -> str:
        indent, dash, name = match["indent"], match["dash"], match["key"]
        if name is None:
            return f"{indent}- {values['-']}"
        return f"{indent}{dash or ''}{name}: {values[name]}"

    return re.sub(
        r'^(?P<indent>[ ]*)(?:(?P<dash>- )?(?P<key>[a-z_]+): |- )""$', one, text, flags=re.M
    )


def problems_in(run, path: str) -> list[re.Match]:
    found = [PROBLEM_LINE.match(line) for line in run.lines]
    assert all(m is None or m["path"] == path for m in found), run.stdout
    return [m for m in found if m]


# ---------------------------------------------------------------- the expert skeleton


def test_new_expert_writes_a_skeleton(tree, invoke):
    run = invoke("new", "expert", "wang-fang")
    assert run.exit_code == 0, run.stderr
    path = tree / "records/experts/wang-fang.yaml"
    assert run.stdout == (
        "已新建 records/experts/wang-fang.yaml：请按注释填写，"
        "然后运行 kexie validate records/experts/wang-fang.yaml\n"
    )
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == SCHEMA_COMMENT.format("expert")
    assert "id: wang-fang" in lines
    # every required field is there, each explained by a comment above it
    for field in ["id", "name", "title", "affiliation", "disciplines", "consent", "owner"]:
        [index] = [i for i, line in enumerate(lines) if line.startswith(f"{field}:")]
        assert lines[index - 1].startswith("# "), field
    # nothing published before a person decides: consent.publish starts false
    assert "  publish: false" in lines


def test_new_expert_fails_only_on_its_empty_placeholders(tree, invoke):
    invoke("new", "expert", "wang-fang")
    path = "records/experts/wang-fang.yaml"
    lines = (tree / path).read_text(encoding="utf-8").splitlines()
    placeholder_lines = {i + 1 for i, line in enumerate(lines) if PLACEHOLDER.match(line)}
    assert (
        len(placeholder_lines) == 6
    )  # name, title, affiliation, a discipline, consent.date, owner

    run = invoke("validate")
    problems = problems_in(run, path)
    assert run.exit_code == 1
    assert {int(m["line"]) for m in problems} == placeholder_lines
    assert len(problems) == len(placeholder_lines)
    assert all(m["rule"].startswith("schema-") and m["severity"] == "错误" for m in problems)
    assert run.lines[-1] == "检查了 13 条记录：6 个错误，0 个警告。"


def test_filled_expert_skeleton_validates(tree, invoke):
    invoke("new", "expert", "wang-fang")
    path = tree / "records/experts/wang-fang.yaml"
    path.write_text(fill(path.read_text(encoding="utf-8"), EXPERT_VALUES), encoding="utf-8")
    assert '""' not in path.read_text(encoding="utf-8")
    run = invoke("validate")
    assert run.lines == ["检查了 13 条记录，全部通过。"]
    assert run.exit_code == 0
    # and through the real command, on just the new file
    run = run_kexie("validate", "records/experts/wang-fang.yaml", cwd=tree)
    assert run.lines == ["检查了 1 条记录，全部通过。"] and run.exit_code == 0


@pytest.mark.parametrize("record_id", ["2016", "true", "null", "017"])
def test_filled_skeleton_validates_whatever_the_id_looks_like(record_id, tree, invoke):
    """An id that YAML would read as a number, boolean or null must still be written as text."""
    assert invoke("new", "expert", record_id).exit_code == 0
    path = tree / f"records/experts/{record_id}.yaml"
    path.write_text(fill(path.read_text(encoding="utf-8"), EXPERT_VALUES), encoding="utf-8")
    run = invoke("validate", f"records/experts/{record_id}.yaml")
    assert run.lines == ["检查了 1 条记录，全部通过。"]
    assert run.exit_code == 0


# ---------------------------------------------------------------- every type


@pytest.mark.parametrize("record_type", sorted(FOLDERS))
def test_every_skeleton_parses_and_fails_only_on_placeholders(record_type, tree, invoke):
    record_id = f"demo-{record_type}"
    run = invoke("new", record_type, record_id)
    assert run.exit_code == 0, run.stderr
    path = f"records/{FOLDERS[record_type]}/{record_id}.yaml"
    lines = (tree / path).read_text(encoding="utf-8").splitlines()
    assert lines[0] == SCHEMA_COMMENT.format(record_type)
    assert f"id: {record_id}" in lines

    run = invoke("validate", path)
    problems = problems_in(run, path)
    assert problems, "an unfilled skeleton must not pass"
    for m in problems:
        # the file itself is well-formed YAML; only field values are wrong
        assert m["rule"].startswith("schema-"), m.group(0)
        assert ANY_PLACEHOLDER.match(lines[int(m["line"]) - 1]), m.group(0)


# ---------------------------------------------------------------- refusals: exit 2


def test_new_refuses_an_existing_id(tree, invoke):
    path = tree / "records/experts/zhang-wei.yaml"
    before = path.read_bytes()
    run = invoke("new", "expert", "zhang-wei")
    assert run.exit_code == 2
    assert "records/experts/zhang-wei.yaml 已存在" in run.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "record_id",
    [
        "Wang-Fang",
        "wang_fang",
        "wang fang",
        "-wang",
        "wang-",
        "wang--fang",
        "王芳",
        "../zhang-wei",
        "x",
        "a" * 65,
    ],
)
def test_new_refuses_a_bad_id(record_id, tree, invoke):
    """Ids the schema would reject (pattern, 2–64 characters) are refused before a file exists."""
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    run = invoke("new", "--", "expert", record_id)  # `--`: "-wang" is an id, not an option
    assert run.exit_code == 2, run.stdout
    assert "不合格式" in run.stderr or "编号" in run.stderr
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before


@pytest.mark.parametrize("record_type", ["person", "experts", "Expert", ""])
def test_new_refuses_an_unknown_type(record_type, tree, invoke):
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    run = invoke("new", record_type, "wang-fang")
    assert run.exit_code == 2
    assert f"没有“{record_type}”这种记录类型" in run.stderr
    assert "expert" in run.stderr
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before


def test_new_usage_errors_through_the_real_command(tree):
    for args in (["new", "expert"], ["new", "person", "wang-fang"], ["new", "expert", "Wang"]):
        run = run_kexie(*args, cwd=tree)
        assert run.exit_code == 2, args
        assert "用法: kexie new" in run.stderr and "Traceback" not in run.stderr
        assert not (tree / "records/experts/Wang.yaml").exists()


def test_new_then_validate_names_the_new_file(tree):
    """What `kexie new` tells the person to run works, and points at the new file only."""
    run = run_kexie("new", "expert", "wang-fang", cwd=tree)
    assert run.exit_code == 0
    command = run.stdout.strip().rsplit("运行 ", 1)[1]
    assert command == "kexie validate records/experts/wang-fang.yaml"
    run = run_kexie(*command.split()[1:], cwd=tree)
    assert run.exit_code == 1
    assert {key(line)[0] for line in run.lines[:-1]} == {"records/experts/wang-fang.yaml"}
    assert run.lines[-1] == "检查了 1 条记录：6 个错误，0 个警告。"


@pytest.mark.parametrize("record_id", ["kexie", "hzkx-office"])
def test_new_society_refuses_a_reserved_id(record_id, tree, invoke):
    """`kexie` is the staff owner: a society with that id would pass for staff (issue #10)."""
    run = invoke("new", "society", record_id)
    assert run.exit_code == 2
    assert f"编号 `{record_id}` 是保留编号" in run.stderr
    assert not (tree / "records" / "societies" / f"{record_id}.yaml").exists()
    assert invoke("new", "expert", record_id).exit_code == 0  # other types keep their own ids
