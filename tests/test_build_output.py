"""`kexie build --out X` replaces only folders it may (issue #10, items 1 and 2).

Each refused case runs the real command in a scratch project and checks the exact message, exit 2,
and that every source file is still there byte for byte; a killed build is really killed (SIGTERM,
SIGKILL) and the next build sweeps what it left.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.gitrepo import Repo
from tests.sitebuild import REPO, make_project, run_kexie

BASE = REPO / "tests" / "cases" / "base" / "records"

MARKER = ".kexie-site"


def _snapshot(project: Path) -> dict:
    return {
        str(p.relative_to(project)): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture
def project():
    project = make_project(BASE, "out-guard")
    Repo(project).git("add", "-A")  # a real .git folder beside records/
    return project


SOURCE = "拒绝输出到 {}：这是源目录，生成网站会替换或弄乱源文件。请用 --out 指定项目源目录以外的目录。"
PROJECT = "拒绝输出到 {}：这是项目目录（mkdocs.yml 所在目录）或它的上级目录，生成网站会替换整个目录。"


@pytest.mark.parametrize(
    "out, message",
    [
        ("records", SOURCE),
        ("schemas", SOURCE),
        ("site_src", SOURCE),
        ("overrides", SOURCE),  # theme.custom_dir in mkdocs.yml
        (".git", SOURCE),
        (".", PROJECT),
        ("..", PROJECT),
        ("records/site", "拒绝输出到 {}：它在源目录 {project}/records 之中，生成网站会替换或弄乱源文件。请用 --out 指定项目源目录以外的目录。"),
    ],
)
def test_build_refuses_source_folders_and_the_project(project, out, message):
    before = _snapshot(project)
    neighbours = sorted(p.name for p in project.parent.iterdir())
    result = run_kexie("build", "--out", out, cwd=project)
    assert result.returncode == 2, result.stderr
    assert result.stderr == "错误: " + message.format(out, project=project) + "\n"
    assert result.stdout == ""
    assert _snapshot(project) == before
    assert sorted(p.name for p in project.parent.iterdir()) == neighbours  # no temporary folder anywhere


def test_build_refuses_the_records_folder_given(project, tmp_path):
    records = tmp_path / "elsewhere"
    (project / "records").rename(records)
    before = _snapshot(records)
    result = run_kexie("build", "--records", str(records), "--out", str(records), cwd=project)
    assert result.returncode == 2
    assert result.stderr == f"错误: {SOURCE.format(records)}\n"
    assert _snapshot(records) == before


def test_build_refuses_the_docs_dir_named_in_mkdocs_yml(project):
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("docs_dir: site_src", "docs_dir: pages"), encoding="utf-8")
    (project / "site_src").rename(project / "pages")
    before = _snapshot(project)
    result = run_kexie("build", "--out", "pages", cwd=project)
    assert result.returncode == 2
    assert result.stderr == f"错误: {SOURCE.format('pages')}\n"
    assert _snapshot(project) == before


def test_build_refuses_a_symlink_and_a_path_through_one(project, tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep.txt").write_text("keep", encoding="utf-8")
    (tmp_path / "link").symlink_to(target, target_is_directory=True)
    (tmp_path / "records-link").symlink_to(project / "records", target_is_directory=True)
    before = _snapshot(project)
    for out, where in [
        ("link", ""),
        ("records-link", ""),
        ("link/site", f"（其中的 {tmp_path}/link 是符号链接）"),
    ]:
        result = run_kexie("build", "--out", str(tmp_path / out), cwd=project)
        assert result.returncode == 2, out
        assert result.stderr == f"错误: 拒绝输出到 {tmp_path / out}：输出目录经过符号链接{where}，可能指向任何地方。请指定一个真实的目录。\n"
    assert sorted(p.name for p in target.iterdir()) == ["keep.txt"]
    assert _snapshot(project) == before


def test_build_refuses_a_foreign_folder_and_a_file(project, tmp_path):
    foreign = tmp_path / "photos"
    foreign.mkdir()
    (foreign / "holiday.jpg").write_bytes(b"\xff\xd8 not really")
    result = run_kexie("build", "--out", str(foreign), cwd=project)
    assert result.returncode == 2
    assert result.stderr == (
        f"错误: 拒绝输出到 {foreign}：这个目录不是空的，也不是 kexie build 生成的（缺少 .kexie-site），"
        "生成网站会删除其中的内容。请指定一个空目录、新目录或以前生成的网站目录；确实不要的话请先手动删除它。\n"
    )
    assert (foreign / "holiday.jpg").read_bytes() == b"\xff\xd8 not really"
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    result = run_kexie("build", "--out", str(a_file), cwd=project)
    assert result.returncode == 2
    assert result.stderr == f"错误: 拒绝输出到 {a_file}：这是一个文件，不是目录。\n"
    assert a_file.read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "photos"]


def test_build_fills_an_empty_folder_and_replaces_its_own_output(project, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    assert run_kexie("build", "--out", str(out), cwd=project).returncode == 0
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    (out / "stale.html").write_text("from an older build", encoding="utf-8")
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert not (out / "stale.html").exists()  # replaced wholesale
    assert (out / MARKER).is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def _start_build(project: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--out", str(out)],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _wait_for_staging(build: subprocess.Popen, parent: Path) -> None:
    deadline = time.monotonic() + 60
    while not list(parent.glob(".site-building-*/site")):
        assert build.poll() is None, build.communicate()
        assert time.monotonic() < deadline, "the build never started writing"
        time.sleep(0.005)


def test_sigterm_removes_the_staging_folder_and_keeps_the_old_site(project, tmp_path):
    out = tmp_path / "site"
    assert run_kexie("build", "--out", str(out), cwd=project).returncode == 0
    before = (out / "index.html").read_bytes()
    build = _start_build(project, out)
    _wait_for_staging(build, tmp_path)
    build.send_signal(signal.SIGTERM)
    _, stderr = build.communicate(timeout=60)
    assert build.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
    assert (out / "index.html").read_bytes() == before


def test_next_build_sweeps_what_a_killed_build_left_and_only_that(project, tmp_path):
    out = tmp_path / "site"
    build = _start_build(project, out)
    _wait_for_staging(build, tmp_path)
    build.send_signal(signal.SIGKILL)  # nothing can clean up after this one
    build.communicate(timeout=60)
    left = [p.name for p in tmp_path.glob(".site-building-*")]
    assert len(left) == 1
    foreign = tmp_path / ".site-old-notours"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("keep", encoding="utf-8")
    running = tmp_path / ".site-building-running"  # a build still running holds its lock
    running.mkdir()
    lock = os.open(running / ".kexie-temporary", os.O_CREAT | os.O_WRONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        os.write(lock, b"1\n")
        result = run_kexie("build", "--out", str(out), cwd=project)
    finally:
        os.close(lock)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site-building-running", ".site-old-notours", "site"]
    assert (foreign / "keep.txt").read_text(encoding="utf-8") == "keep"


def test_the_shipped_default_out_is_allowed():
    # `kexie build` with no --out writes site/ in the project: not a source folder
    from generator.site.outdir import check_out

    assert check_out(REPO / "site-test-does-not-exist", REPO, [REPO / "records"]) == REPO / "site-test-does-not-exist"
