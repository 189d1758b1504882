"""`kexie check-ownership`: a society changes only its own records; staff change anything.

Every case builds a real git repository: main holds staff, two societies and some records, a
branch makes the change, and the command compares the branch with main's commit.
"""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from generator.cli.contrib import register
from tests.gitrepo import Repo

STAFF = "id: kexie\nhandles:\n  - Staff-One\nowner: kexie\n"


def society(sid: str, *maintainers: str, owner: str | None = None) -> str:
    people = "".join(f"  - {m}\n" for m in maintainers)
    return f"id: {sid}\nname: 杭州市{sid}学会\nmaintainers:\n{people}owner: {owner or sid}\n"


def expert(eid: str, owner: str, title: str = "教授") -> str:
    return f"id: {eid}\nname: 张伟\ntitle: {title}\nowner: {owner}\n"


@pytest.fixture
def repo(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.write("records/staff/kexie.yaml", STAFF)
    repo.write("records/societies/hz-a.yaml", society("hz-a", "alice", "carol"))
    repo.write("records/societies/hz-b.yaml", society("hz-b", "bob", "carol"))
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-a"))
    repo.write("records/experts/b-one.yaml", expert("b-one", "hz-b"))
    repo.write("records/experts/k-one.yaml", expert("k-one", "kexie"))
    repo.write("records/policies/2015-2017.yaml", "id: 2015-2017\nowner: kexie\n")
    repo.write("schemas/need.schema.json", "{}\n")
    repo.write("generator/x.py", "x = 1\n")
    repo.write("README.md", "readme\n")
    repo.base = repo.commit("base")
    repo.branch("pr")
    return repo


def run(repo: Repo, author: str, base: str | None = None):
    group = click.Group("kexie")
    register(group)
    result = CliRunner().invoke(
        group,
        ["check-ownership", "--repo", str(repo.root), "--base", base or repo.base, "--author", author],
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def refused(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.startswith("拒绝：")]


# ------------------------------------------------------------------ allowed


def test_maintainer_edits_adds_and_deletes_own_records(repo):
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-a", "研究员"))
    repo.write("records/experts/a-two.yaml", expert("a-two", "hz-a"))
    repo.write("records/needs/a-need.yaml", "id: a-need\nowner: hz-a\n")
    repo.commit()
    result = run(repo, "alice")
    assert result.exit_code == 0, result.output
    assert "权限检查通过" in result.output and "hz-a" in result.output


def test_maintainer_deletes_and_renames_own_record(repo):
    repo.move("records/experts/a-one.yaml", "records/experts/a-renamed.yaml")
    repo.write("records/experts/a-renamed.yaml", expert("a-renamed", "hz-a"))
    repo.commit()
    assert run(repo, "alice").exit_code == 0
    repo.remove("records/experts/a-renamed.yaml")
    repo.commit()
    assert run(repo, "alice").exit_code == 0


def test_maintainer_edits_own_society_record(repo):
    repo.write("records/societies/hz-a.yaml", society("hz-a", "alice", "carol", "dave"))
    repo.commit()
    assert run(repo, "alice").exit_code == 0


def test_handles_compare_case_insensitively(repo):
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-a", "研究员"))
    repo.write("schemas/need.schema.json", "{\"x\": 1}\n")
    repo.commit()
    assert run(repo, "ALICE").exit_code == 1  # schemas need staff
    assert run(repo, "staff-one").exit_code == 0
    assert run(repo, "@Staff-One").exit_code == 0


def test_staff_may_change_anything(repo):
    repo.write("records/experts/b-one.yaml", expert("b-one", "hz-a"))  # moves owner
    repo.write("records/staff/kexie.yaml", STAFF + "# note\n")
    repo.write("schemas/need.schema.json", "{\"changed\": true}\n")
    repo.remove("records/policies/2015-2017.yaml")
    repo.commit()
    result = run(repo, "Staff-One")
    assert result.exit_code == 0
    assert "市科协工作人员" in result.output


def test_no_changes_is_fine(repo):
    repo.commit("empty")
    result = run(repo, "nobody")
    assert result.exit_code == 0
    assert "没有文件改动" in result.output


# ------------------------------------------------------------------ refused


def test_other_societys_record_is_refused_naming_file_owner_and_author(repo):
    repo.write("records/experts/b-one.yaml", expert("b-one", "hz-b", "研究员"))
    repo.commit()
    result = run(repo, "alice")
    assert result.exit_code == 1
    [line] = refused(result)
    assert "records/experts/b-one.yaml" in line and "`hz-b`" in line and "@alice" in line


def test_staff_record_is_refused_for_a_society(repo):
    repo.write("records/experts/k-one.yaml", expert("k-one", "kexie", "研究员"))
    repo.commit()
    [line] = refused(run(repo, "alice"))
    assert "k-one.yaml" in line and "市科协（kexie）" in line


@pytest.mark.parametrize("action", ["add", "delete", "rename"])
def test_adding_deleting_renaming_other_societys_records_is_refused(repo, action):
    if action == "add":
        repo.write("records/experts/b-two.yaml", expert("b-two", "hz-b"))
    elif action == "delete":
        repo.remove("records/experts/b-one.yaml")
    else:
        repo.move("records/experts/b-one.yaml", "records/experts/b-moved.yaml")
    repo.commit()
    result = run(repo, "alice")
    assert result.exit_code == 1
    [line] = refused(result)
    assert "hz-b" in line


def test_rename_onto_own_owner_is_refused(repo):
    """Taking another society's record by renaming it and changing its owner."""
    repo.move("records/experts/b-one.yaml", "records/experts/mine-now.yaml")
    repo.write("records/experts/mine-now.yaml", expert("mine-now", "hz-a"))
    repo.commit()
    [line] = refused(run(repo, "alice"))
    assert "b-one.yaml → records/experts/mine-now.yaml" in line
    assert "`hz-b`" in line and "`hz-a`" in line


def test_moving_own_record_to_another_owner_needs_staff(repo):
    """Even when the author maintains both societies (carol maintains hz-a and hz-b)."""
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-b"))
    repo.commit()
    result = run(repo, "carol")
    assert result.exit_code == 1
    [line] = refused(result)
    assert "更换记录的维护单位" in line and "@carol" in line
    # handing a record over to staff is a move too
    repo.write("records/experts/a-one.yaml", expert("a-one", "kexie"))
    repo.commit()
    assert run(repo, "alice").exit_code == 1


def test_carol_edits_both_her_societies(repo):
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-a", "研究员"))
    repo.write("records/experts/b-one.yaml", expert("b-one", "hz-b", "研究员"))
    repo.commit()
    assert run(repo, "carol").exit_code == 0


def test_maintainers_are_read_from_base_not_from_the_pr(repo):
    """A PR that adds its author as maintainer cannot use that in the same PR."""
    repo.write("records/societies/hz-b.yaml", society("hz-b", "bob", "carol", "mallory"))
    repo.write("records/experts/b-one.yaml", expert("b-one", "hz-b", "研究员"))
    repo.commit()
    result = run(repo, "mallory")
    assert result.exit_code == 1
    assert len(refused(result)) == 2
    assert "不是任何学会的维护人" in result.output


def test_staff_list_is_read_from_base(repo):
    repo.write("records/staff/kexie.yaml", "id: kexie\nhandles:\n  - Staff-One\n  - alice\nowner: kexie\n")
    repo.write("schemas/need.schema.json", "{\"x\": 2}\n")
    repo.commit()
    lines = refused(run(repo, "alice"))
    assert any("records/staff/kexie.yaml" in line for line in lines)
    assert any("schemas/need.schema.json" in line for line in lines)


def test_new_society_needs_staff(repo):
    repo.write("records/societies/hz-new.yaml", society("hz-new", "alice"))
    repo.commit()
    [line] = refused(run(repo, "alice"))
    assert "hz-new.yaml" in line and "`hz-new`" in line


def test_society_record_owned_by_itself_whatever_owner_says(repo):
    """hz-b's record claiming `owner: hz-a` still belongs to hz-b."""
    repo.write("records/societies/hz-b.yaml", society("hz-b", "bob", "alice", owner="hz-a"))
    repo.commit()
    [line] = refused(run(repo, "alice"))
    assert "hz-b.yaml" in line and "`hz-b`" in line


@pytest.mark.parametrize(
    "path",
    [
        "schemas/need.schema.json",
        "generator/x.py",
        "records/policies/2015-2017.yaml",
        "records/staff/kexie.yaml",
        ".github/workflows/pr.yml",
        "README.md",
        "records/experts/nested/deep.yaml",
        "records/experts/Bad Name.yaml",
        "records/unknown/x.yaml",
    ],
)
def test_files_outside_society_records_need_staff(repo, path):
    repo.write(path, "id: x\nowner: hz-a\n")
    repo.commit()
    result = run(repo, "alice")
    assert result.exit_code == 1
    [line] = refused(result)
    assert path in line and "市科协工作人员" in line and "@alice" in line


def test_one_line_per_refused_file(repo):
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-a", "研究员"))  # allowed
    repo.write("records/experts/b-one.yaml", expert("b-one", "hz-b", "研究员"))
    repo.write("records/experts/k-one.yaml", expert("k-one", "kexie", "研究员"))
    repo.write("generator/x.py", "x = 2\n")
    repo.commit()
    result = run(repo, "alice")
    assert result.exit_code == 1
    lines = refused(result)
    assert len(lines) == 3
    assert not any("a-one" in line for line in lines)


def test_unreadable_yaml_is_refused_with_a_hint(repo):
    repo.write("records/experts/a-one.yaml", "id: a-one\nowner: [unclosed\n")
    repo.commit()
    [line] = refused(run(repo, "alice"))
    assert "a-one.yaml" in line and "YAML" in line


def test_owner_hidden_by_yaml_tricks_is_unreadable(repo):
    """Anchors and duplicate keys are refused by the strict loader, so they cannot hide an owner."""
    repo.write("records/experts/a-one.yaml", "id: a-one\nowner: hz-b\nowner: hz-a\n")
    repo.commit()
    assert run(repo, "alice").exit_code == 1


def test_outside_person_is_refused(repo):
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-a", "研究员"))
    repo.commit()
    result = run(repo, "stranger")
    assert result.exit_code == 1
    assert "不是任何学会的维护人" in refused(result)[0]


def test_merge_commit_checkout_compares_with_base(repo):
    """CI checks out the PR's merge commit; main moved on meanwhile with someone else's changes."""
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-a", "研究员"))
    repo.commit("alice's change")
    repo.checkout("main")
    repo.write("records/experts/b-one.yaml", expert("b-one", "hz-b", "研究员"))
    main_tip = repo.commit("bob's change on main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "pr")
    assert run(repo, "alice", base=main_tip).exit_code == 0
    repo.checkout("pr")  # the PR head with the old base: main's later change is not the PR's
    assert run(repo, "alice", base=main_tip).exit_code == 0


# ------------------------------------------------------------------ usage errors: no tracebacks


def test_unknown_base_is_a_clear_error(repo):
    result = run(repo, "alice", base="no-such-ref")
    assert result.exit_code == 2
    assert "找不到 git 版本 no-such-ref" in result.output


@pytest.mark.parametrize("author", ["", "a b", "--x", "x" * 60, "a\nb"])
def test_invalid_author_is_a_clear_error(repo, author):
    result = run(repo, author)
    assert result.exit_code == 2
    assert "不是有效的 GitHub 用户名" in result.output


def test_not_a_git_repository(tmp_path):
    group = click.Group("kexie")
    register(group)
    result = CliRunner().invoke(
        group, ["check-ownership", "--repo", str(tmp_path), "--base", "main", "--author", "alice"]
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
