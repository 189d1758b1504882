"""`kexie check-ownership` against files that are not what they seem (issue #10, items 8 and 9).

* a society that took a reserved id (`kexie`, the staff owner) gets no staff rights;
* a symlink (git mode 120000) or a submodule (160000) under records/ is refused by its git mode,
  for staff too, and a link's target text is never read as YAML: not as a changed record, and not
  as a staff or society file at BASE.

Every case is a real git repository (tests/gitrepo.py) and a real run of the command.
"""

from __future__ import annotations

import os

import pytest

from tests.gitrepo import Repo
from tests.test_ownership import STAFF, expert, refused, run, society

SYMLINK_FIX = (
    "records/ 中只能有普通文件，链接的目标和子模块的内容不会被读取，也无法校验：请删除它，改为提交记录文件本身"
)
STAFF_FIX = "请改由市科协工作人员提交，或请工作人员审核后代为合并"


@pytest.fixture
def repo(tmp_path):
    """main: staff, societies hz-a (alice) and hz-b (bob), a record of each and of staff; branch pr."""
    repo = Repo(tmp_path / "repo")
    repo.write("records/staff/kexie.yaml", STAFF)
    repo.write("records/societies/hz-a.yaml", society("hz-a", "alice"))
    repo.write("records/societies/hz-b.yaml", society("hz-b", "bob"))
    repo.write("records/experts/a-one.yaml", expert("a-one", "hz-a"))
    repo.write("records/experts/b-one.yaml", expert("b-one", "hz-b"))
    repo.write("records/experts/k-one.yaml", expert("k-one", "kexie"))
    repo.write("records/policies/2015-2017.yaml", "id: 2015-2017\nowner: kexie\n")
    repo.write("README.md", "readme\n")
    repo.base = repo.commit("base")
    repo.branch("pr")
    return repo


def link(repo, path: str, target: str) -> None:
    where = repo.root / path
    where.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, where)


# ------------------------------------------------------------------ item 8: reserved society ids


def test_society_called_kexie_gets_no_staff_rights(repo):
    """A society record `kexie.yaml` that reached main: its maintainer must not pass for staff records."""
    repo.checkout("main")
    repo.write("records/societies/kexie.yaml", society("kexie", "mallory"))
    repo.base = repo.commit("a society took the id kexie")
    repo.git("checkout", "-q", "-B", "pr")
    repo.write("records/experts/k-one.yaml", expert("k-one", "kexie", "研究员"))
    repo.write("records/policies/2015-2017.yaml", "id: 2015-2017\nowner: kexie\n# changed\n")
    repo.commit()
    result = run(repo, "mallory")
    assert result.exit_code == 1, result.output
    assert refused(result) == [
        "拒绝：records/experts/k-one.yaml 的维护单位是 市科协（kexie），提交人 @mallory（不是任何学会的维护人）："
        f"只有该单位的维护人或市科协工作人员可以修改；{STAFF_FIX}",
        "拒绝：records/policies/2015-2017.yaml 的维护单位是 市科协（kexie），提交人 @mallory（不是任何学会的维护人）："
        f"政策期（records/policies/）只有市科协工作人员可以修改；{STAFF_FIX}",
    ]


@pytest.mark.parametrize("sid", ["kexie", "hzkx", "kexie-staff", "hzast-office"])
def test_taking_a_reserved_id_is_refused_with_the_reason(repo, sid):
    repo.write(f"records/societies/{sid}.yaml", society(sid, "alice"))
    repo.commit()
    result = run(repo, "alice")
    assert result.exit_code == 1
    assert refused(result) == [
        f"拒绝：records/societies/{sid}.yaml 的维护单位是 市科协（kexie），提交人 @alice（维护：`hz-a`）："
        f"`{sid}` 是保留编号（代表市科协），学会不能使用；{STAFF_FIX}"
    ]


def test_a_reserved_society_file_is_staffs_to_edit(repo):
    repo.checkout("main")
    repo.write("records/societies/hzkx.yaml", society("hzkx", "alice"))
    repo.base = repo.commit()
    repo.git("checkout", "-q", "-B", "pr")
    repo.write("records/societies/hzkx.yaml", society("hzkx", "alice", "bob"))
    repo.commit()
    assert run(repo, "alice").exit_code == 1
    assert run(repo, "Staff-One").exit_code == 0


def test_codeowners_gives_a_reserved_society_nobody(tmp_path):
    from generator.contrib.codeowners import render

    records = tmp_path / "records"
    (records / "societies").mkdir(parents=True)
    (records / "experts").mkdir()
    (records / "staff").mkdir()
    (records / "staff" / "kexie.yaml").write_text(STAFF, encoding="utf-8")
    (records / "societies" / "hzkx.yaml").write_text(society("hzkx", "mallory"), encoding="utf-8")
    (records / "experts" / "x-one.yaml").write_text(expert("x-one", "hzkx"), encoding="utf-8")
    assert "mallory" not in render(records)


# ------------------------------------------------------------------ item 9: git modes


def test_symlink_whose_target_text_is_yaml_is_refused_not_read(repo):
    """A link's blob is its target: `id: a-two\\nowner: hz-a` would read as alice's own record."""
    link(repo, "records/experts/a-two.yaml", "id: a-two\nowner: hz-a\n")
    repo.commit()
    result = run(repo, "alice")
    assert result.exit_code == 1, result.output
    assert refused(result) == [
        f"拒绝：records/experts/a-two.yaml 是符号链接（git 文件模式 120000），提交人 @alice（维护：`hz-a`）：{SYMLINK_FIX}"
    ]


def test_symlink_leading_out_of_the_repository_is_refused_for_staff_too(repo):
    link(repo, "records/experts/k-two.yaml", "../../../../etc/passwd")
    repo.commit()
    result = run(repo, "Staff-One")
    assert result.exit_code == 1
    assert refused(result) == [
        "拒绝：records/experts/k-two.yaml 是符号链接（git 文件模式 120000），提交人 @Staff-One（市科协工作人员）："
        + SYMLINK_FIX
    ]


def test_file_turned_into_a_symlink_is_refused(repo):
    (repo.root / "records/experts/a-one.yaml").unlink()
    link(repo, "records/experts/a-one.yaml", "b-one.yaml")
    repo.commit()
    [line] = refused(run(repo, "alice"))
    assert line.startswith("拒绝：records/experts/a-one.yaml 是符号链接（git 文件模式 120000）")


def test_submodule_under_records_is_refused(repo):
    commit = repo.git("rev-parse", "HEAD")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{commit},records/experts/a-sub.yaml")
    repo.git("commit", "-q", "-m", "submodule")
    result = run(repo, "alice")
    assert result.exit_code == 1
    assert refused(result) == [
        "拒绝：records/experts/a-sub.yaml 是子模块（submodule）（git 文件模式 160000），提交人 @alice（维护：`hz-a`）："
        + SYMLINK_FIX
    ]


def test_symlinked_staff_file_at_base_grants_nothing(repo):
    """records/staff/extra.yaml → a link whose target text is `handles: [mallory]`, merged earlier."""
    repo.checkout("main")
    link(repo, "records/staff/extra.yaml", "handles: [mallory]")
    link(repo, "records/societies/hz-c.yaml", "id: hz-c\nmaintainers: [mallory]\nowner: hz-c")
    repo.base = repo.commit("links")
    repo.git("checkout", "-q", "-B", "pr")
    repo.write("generator/x.py", "x = 2\n")
    repo.write("records/experts/c-one.yaml", expert("c-one", "hz-c"))
    repo.commit()
    result = run(repo, "mallory")
    assert result.exit_code == 1, result.output
    assert len(refused(result)) == 2
    assert "不是任何学会的维护人" in result.output


def test_removing_a_symlink(repo):
    repo.checkout("main")
    link(repo, "records/experts/a-link.yaml", "a-one.yaml")
    repo.base = repo.commit("a link")
    repo.git("checkout", "-q", "-B", "pr")
    repo.remove("records/experts/a-link.yaml")
    repo.commit()
    assert refused(run(repo, "alice")) == [
        "拒绝：records/experts/a-link.yaml 原来是符号链接（git 文件模式 120000），提交人 @alice（维护：`hz-a`）："
        f"只有市科协工作人员可以删除或替换它；{STAFF_FIX}"
    ]
    assert run(repo, "Staff-One").exit_code == 0


def test_symlinks_outside_records_follow_the_usual_rule(repo):
    link(repo, "docs/link.md", "../README.md")
    repo.commit()
    assert run(repo, "Staff-One").exit_code == 0
    [line] = refused(run(repo, "alice"))
    assert "docs/link.md 的维护单位是 市科协（kexie）" in line


def test_diff_summary_does_not_read_a_link(repo):
    from generator.contrib.diffsummary import summarize
    from generator.contrib.ownership import Git
    from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet

    link(repo, "records/experts/a-two.yaml", "id: a-two\nname: 伪造的名字\nowner: hz-a\n")
    repo.commit()
    text = summarize(Git(repo.root), repo.base, "HEAD", SchemaSet(PACKAGE_SCHEMAS)).markdown()
    assert "伪造的名字" not in text
    assert "是符号链接或子模块，不是普通文件" in text


def test_codeowners_does_not_follow_a_linked_folder(tmp_path):
    from generator.contrib.codeowners import render

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "hz-x.yaml").write_text(society("hz-x", "mallory"), encoding="utf-8")
    records = tmp_path / "records"
    (records / "staff").mkdir(parents=True)
    (records / "staff" / "kexie.yaml").write_text(STAFF, encoding="utf-8")
    (records / "societies").symlink_to(elsewhere, target_is_directory=True)
    (records / "experts").mkdir()
    (records / "experts" / "x-one.yaml").write_text(expert("x-one", "hz-x"), encoding="utf-8")
    assert "mallory" not in render(records)
