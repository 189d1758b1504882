"""Where `kexie build` may write, and its temporary folders (issue #10, items 1 and 2).

A build replaces its output folder wholesale, so the folder must be one it may delete:

- it does not exist yet, is empty, or holds the marker file `SITE_MARKER` that every build writes
  into the site it makes (so a build replaces only its own previous output);
- it is not the project (the folder of mkdocs.yml), nor one of its parents, nor a source folder
  (records/ schemas/ site_src/ generator/ .git/ .github/ tests/ bench/, the `--records` folder,
  the MkDocs docs_dir),
  nor inside or above one of them;
- no part of its path is a symbolic link (a link could lead anywhere).

Temporary folders sit beside the output (`.NAME-building-*`, `.NAME-old-*`). Each holds a lock file
`TEMP_MARKER`, locked (flock) by the build that made it for as long as it runs: a later build removes
the ones whose lock it can take (their build was killed), and only folders holding that file.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from pathlib import Path

SITE_MARKER = ".kexie-site"
SITE_MARKER_TEXT = "这个目录由 kexie build 生成；kexie build 会整体替换它。\n"
TEMP_MARKER = ".kexie-temporary"
SOURCE_FOLDERS = ("records", "schemas", "site_src", "generator", ".git", ".github", "tests", "bench")


class OutRefused(Exception):
    """The output folder is one a build must not replace; the message is Chinese and names it."""


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_out(out: Path, project: Path, sources: list[Path]) -> Path:
    """The absolute output folder for `out`, or OutRefused saying why a build may not replace it.

    `project` is the folder of mkdocs.yml; `sources` are further folders the build reads (the
    `--records` folder, the docs_dir). Nothing is created or changed here.
    """
    shown = os.fsdecode(out)
    absolute = Path(os.path.abspath(out))
    for part in [absolute, *absolute.parents]:
        if part.is_symlink():
            where = "" if part == absolute else f"（其中的 {part} 是符号链接）"
            raise OutRefused(f"拒绝输出到 {shown}：输出目录经过符号链接{where}，可能指向任何地方。请指定一个真实的目录。")
    project = project.resolve()
    if _within(project, absolute):
        raise OutRefused(f"拒绝输出到 {shown}：这是项目目录（mkdocs.yml 所在目录）或它的上级目录，生成网站会替换整个目录。")
    protected = [project / name for name in SOURCE_FOLDERS] + [s.resolve() for s in sources]
    for folder in protected:
        if absolute == folder:
            why = "这是源目录"
        elif folder in absolute.parents:
            why = f"它在源目录 {folder} 之中"
        elif absolute in folder.parents:
            why = f"它包含源目录 {folder}"
        else:
            continue
        raise OutRefused(f"拒绝输出到 {shown}：{why}，生成网站会替换或弄乱源文件。请用 --out 指定项目源目录以外的目录。")
    if absolute.exists() and not absolute.is_dir():
        raise OutRefused(f"拒绝输出到 {shown}：这是一个文件，不是目录。")
    if absolute.is_dir() and any(absolute.iterdir()) and not (absolute / SITE_MARKER).is_file():
        raise OutRefused(
            f"拒绝输出到 {shown}：这个目录不是空的，也不是 kexie build 生成的（缺少 {SITE_MARKER}），"
            "生成网站会删除其中的内容。请指定一个空目录、新目录或以前生成的网站目录；确实不要的话请先手动删除它。"
        )
    return absolute


def mark_site(folder: Path) -> None:
    """Write the marker that lets a later build replace `folder`."""
    (folder / SITE_MARKER).write_text(SITE_MARKER_TEXT, encoding="utf-8")


class Temporary:
    """A locked temporary folder beside the output; `remove()` deletes it (idempotent)."""

    def __init__(self, parent: Path, prefix: str):
        self.path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
        self._fd = os.open(self.path / TEMP_MARKER, os.O_CREAT | os.O_WRONLY, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        os.write(self._fd, f"{os.getpid()}\n".encode())  # written under the lock: an empty file is never swept

    def remove(self) -> None:
        if self._fd is not None:
            shutil.rmtree(self.path, ignore_errors=True)
            os.close(self._fd)
            self._fd = None


def sweep_stale(out: Path) -> list[Path]:
    """Remove `.NAME-building-*` / `.NAME-old-*` beside `out` left by a killed build; return them.

    Only real folders holding a non-empty TEMP_MARKER whose lock nobody holds are removed: another
    build still running keeps its lock, and folders we did not make have no marker.
    """
    removed = []
    if not out.parent.is_dir():
        return removed
    for entry in sorted(out.parent.iterdir()):
        if not entry.name.startswith((f".{out.name}-building-", f".{out.name}-old-")):
            continue
        marker = entry / TEMP_MARKER
        if entry.is_symlink() or not entry.is_dir() or marker.is_symlink() or not marker.is_file():
            continue
        fd = os.open(marker, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            if os.fstat(fd).st_size > 0:
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        finally:
            os.close(fd)
    return removed
