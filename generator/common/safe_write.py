"""Writing one output file without following links or leaving half a file: the one way the tools write.

`write_file(path, data)` is how `kexie export`, `template`, `report`, `import`, `new`, `codeowners`
and the need form write a file (the site build has its own atomic folder swap, generator/site/build.py):

* a symlink at `path` is refused, never followed: `--out` given as a link, or a record file that is
  a link, must not let a write land on the file it points to (a record, a file outside the
  repository) — `kexie export --out link.csv` used to overwrite the record the link named;
* anything there that is not a regular file (a folder, a device, a pipe) is refused;
* the bytes go to a temporary file in the same folder, which then replaces `path` in one step
  (os.replace): an interrupted write leaves the old file or the new one, never half of one, and a
  link that appears in between is replaced, not followed;
* a missing folder is an error, not a traceback (callers that create folders do so first).

Every refusal is an OutputError with a Chinese message naming the file; the CLI turns it into an
exit code.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from generator.common.quoting import quote


class OutputError(Exception):
    """A file could not or must not be written; str() is the Chinese message, naming the file."""


def refuse_inside(path: Path, sources: list[Path]) -> None:
    """OutputError when path (a file or folder to write) lies inside one of the source folders
    (records/, schemas/): a report or a spreadsheet written there would be read as a misplaced
    record, or replace one. Paths are compared resolved, so `records/../records/x` and links count."""
    target = Path(os.path.realpath(path))
    for source in sources:
        root = Path(os.path.realpath(source))
        if target == root or target.is_relative_to(root):
            raise OutputError(
                f"拒绝写入 {quote(str(path), limit=500)}：它在源目录 {quote(str(source), limit=500)} 之中，"
                "生成的文件会和记录混在一起。请指定源目录以外的路径"
            )


def write_file(path: Path, data: bytes | str) -> None:
    """Write data (text as UTF-8) to path atomically, refusing symlinks and non-files (see module
    docstring). Raises OutputError."""
    path = Path(path)
    shown = quote(str(path), limit=500)  # a path, escaped: it may hold any bytes
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise OutputError(f"无法写入 {shown}：{exc.strerror}") from None
    if mode is not None and stat.S_ISLNK(mode):
        raise OutputError(
            f"拒绝写入 {shown}：它是符号链接，写入会改掉它指向的文件。请指定一个普通文件的路径，或先删除这个链接"
        )
    if mode is not None and not stat.S_ISREG(mode):
        raise OutputError(f"拒绝写入 {shown}：它不是普通文件（文件夹、设备或管道）。请指定一个文件路径")
    folder = path.parent
    if not folder.is_dir():
        raise OutputError(f"无法写入 {shown}：文件夹 {quote(str(folder), limit=500)} 不存在，请先创建它或换一个路径")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name[:40]}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(f"无法写入 {shown}：{exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        if mode is not None:
            os.chmod(temporary, stat.S_IMODE(mode))  # replacing a file keeps its permissions
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # as open() would have made it
        os.replace(temporary, path)
    except OSError as exc:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise OutputError(f"无法写入 {shown}：{exc.strerror}") from None
