"""Record files on disk: how a path is shown, which entries are skipped and how they are worded,
and reading one file safely (bounded, no link, no FIFO). records/recordset.py walks and loads."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from generator.records.problems import ERROR, WARNING, Problem
from generator.records.strict_yaml import MAX_BYTES


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path, Path.cwd()).replace(os.sep, "/")
    except ValueError:  # another drive on Windows
        return path.as_posix()


# hidden files that are never records and need no word: git's own and the Mac Finder's
QUIET_HIDDEN = {".gitkeep", ".gitignore", ".gitattributes", ".DS_Store"}


def skipped_problem(root: Path, path: Path, is_dir: bool, why: str, shown: str) -> Problem:
    """The word for an entry iter_files did not read: a warning for a hidden one, an error for a
    symlink (a record must be the file itself; a link may lead anywhere, even out of the repository)."""
    what = "文件夹" if is_dir else "文件"
    unread = "，其中的文件不会被读取" if is_dir else "，不会被读取"
    if why == "unreadable":
        return Problem(shown, 0, 0, "file-unreadable", "无法读取这个文件夹，其中的文件都没有检查：请检查文件夹的访问权限")
    if why == "hidden":
        return Problem(shown, 0, 0, "file-hidden", f"{what}名以“.”开头，是隐藏{what}{unread}：如果是记录，请去掉名称开头的“.”；否则请删除它", WARNING)
    target = Path(os.path.realpath(path))
    if not target.exists():
        where = "，指向的目标不存在"
    elif not target.is_relative_to(root.resolve().parent):
        where = "，指向仓库以外的位置"
    elif not target.is_relative_to(root.resolve()):
        where = "，指向 records/ 以外的位置"
    else:
        where = ""
    return Problem(shown, 0, 0, "file-symlink", f"这个{what}是符号链接{where}{unread}：records/ 中只能放普通的{what}，请删除链接，换成{what}本身", ERROR)


_NOT_REGULAR = "不是普通文件（符号链接、设备或管道）：记录必须是普通的文本文件"
# open without following a final symlink and without waiting on a FIFO, then ask the open file
# what it is: one open and one fstat instead of two stats before the open (240,000 files)
_NO_WAIT = getattr(os, "O_NOFOLLOW", 0) and os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


def _read_bounded(path: Path | str) -> bytes:
    """Read at most one byte past the cap: a symlink to /dev/zero or a FIFO cannot hang us."""
    if not _NO_WAIT:  # no O_NOFOLLOW (Windows): ask first
        path = Path(path)
        if path.is_symlink() or not path.is_file():
            raise OSError(0, _NOT_REGULAR)
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    try:
        fd = os.open(path, _NO_WAIT)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # the file is a symlink
            raise OSError(0, _NOT_REGULAR) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO, a device, a folder
            raise OSError(0, _NOT_REGULAR)
        return handle.read(MAX_BYTES + 1)
