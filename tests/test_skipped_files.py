"""Nothing under records/ is skipped in silence (issue #10, item 10).

The loader reads only regular files in regular folders. A hidden entry (".x.yaml", ".drafts/")
gets a warning; a symlink, to a folder or a file, inside or outside the repository, or dangling,
gets an error (a record must be the file itself). Each case runs the real command in a subprocess
on the valid base tree (the negative-case folders cannot hold symlinks: copying them would follow
the link); the hidden-file case also lives in tests/cases/negative/file-hidden/.
"""

from __future__ import annotations

import os
import shutil

from tests.conftest import BASE, run_kexie

SUMMARY_OK = "检查了 12 条记录，全部通过。"
LINK_FILE = "records/ 中只能放普通的文件，请删除链接，换成文件本身 [file-symlink]"
LINK_DIR = "records/ 中只能放普通的文件夹，请删除链接，换成文件夹本身 [file-symlink]"
HIDDEN = "如果是记录，请去掉名称开头的“.”；否则请删除它 [file-hidden]"


def test_symlinked_folder_leading_out_of_the_repository_is_an_error(tree, tmp_path_factory):
    """A records sub-folder that is a link to a folder of valid records elsewhere: once read
    silently as nothing, now an error naming the folder."""
    outside = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(BASE / "records" / "experts", outside / "experts")
    (tree / "records" / "experts-more").symlink_to(outside / "experts", target_is_directory=True)
    run = run_kexie("validate", cwd=tree)
    assert run.stderr == ""
    assert run.lines == [
        "records/experts-more: 错误: 这个文件夹是符号链接，指向仓库以外的位置，其中的文件不会被读取：" + LINK_DIR,
        "检查了 12 条记录：1 个错误，0 个警告。",
    ]
    assert run.exit_code == 1


def test_symlinked_record_folder_inside_the_repository(tree):
    shutil.move(tree / "records" / "proposals", tree / "proposals-real")
    (tree / "records" / "proposals").symlink_to("../proposals-real", target_is_directory=True)
    run = run_kexie("validate", cwd=tree)
    assert run.lines[0] == (
        "records/proposals: 错误: 这个文件夹是符号链接，指向 records/ 以外的位置，其中的文件不会被读取：" + LINK_DIR
    )
    assert run.exit_code == 1


def test_symlinked_record_files(tree):
    experts = tree / "records" / "experts"
    (experts / "passwd.yaml").symlink_to("/etc/passwd")
    (experts / "gone.yaml").symlink_to("nowhere.yaml")
    (experts / "twin.yaml").symlink_to("li-na.yaml")
    run = run_kexie("validate", cwd=tree)
    assert run.lines == [
        "records/experts/gone.yaml: 错误: 这个文件是符号链接，指向的目标不存在，不会被读取：" + LINK_FILE,
        "records/experts/passwd.yaml: 错误: 这个文件是符号链接，指向仓库以外的位置，不会被读取：" + LINK_FILE,
        "records/experts/twin.yaml: 错误: 这个文件是符号链接，不会被读取：" + LINK_FILE,
        "检查了 12 条记录：3 个错误，0 个警告。",
    ]
    assert "root:" not in run.stdout  # the target's text is never read


def test_hidden_files_and_folders_are_warned_about(tree):
    experts = tree / "records" / "experts"
    shutil.copy(experts / "li-na.yaml", experts / ".li-na.yaml")
    (tree / "records" / ".drafts").mkdir()
    shutil.copy(experts / "li-na.yaml", tree / "records" / ".drafts" / "li-na.yaml")
    for quiet in (".gitkeep", ".DS_Store"):
        (experts / quiet).write_bytes(b"")
    run = run_kexie("validate", cwd=tree)
    assert run.lines == [
        "records/.drafts: 警告: 文件夹名以“.”开头，是隐藏文件夹，其中的文件不会被读取：" + HIDDEN,
        "records/experts/.li-na.yaml: 警告: 文件名以“.”开头，是隐藏文件，不会被读取：" + HIDDEN,
        "检查了 12 条记录：0 个错误，2 个警告。",
    ]
    assert run.exit_code == 0  # warnings alone do not fail


def test_paths_in_github_annotations(tree):
    (tree / "records" / "needs" / "link.yaml").symlink_to(os.devnull)
    run = run_kexie("validate", "--format", "github", cwd=tree)
    assert run.lines[0].startswith("::error file=records/needs/link.yaml,title=file-symlink::这个文件是符号链接")


def test_nothing_to_say_about_a_clean_tree(tree):
    run = run_kexie("validate", cwd=tree)
    assert run.lines == [SUMMARY_OK]


def test_folder_that_cannot_be_listed_is_an_error(tree, invoke, monkeypatch):
    """os.walk leaves out a folder it cannot list (permissions) unless asked; the loader asks.
    Tests run as root here, where chmod 000 does not stop reading, so the refusal is simulated."""
    real = os.scandir
    denied = os.path.join("records", "experts")

    def scandir(path="."):
        if os.fspath(path).endswith(denied):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    run = invoke("validate")
    assert run.lines[0] == (
        "records/experts: 错误: 无法读取这个文件夹，其中的文件都没有检查：请检查文件夹的访问权限 [file-unreadable]"
    )
    assert run.exit_code == 1
