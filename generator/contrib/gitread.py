"""Git read as data: changed files with their modes, trees and blobs of a revision.

Nothing here checks out or runs what a revision contains: paths and blobs come from git plumbing
(`diff --raw`, `ls-tree`, `cat-file --batch`), so a pull request's files are only ever data. Git
modes travel with every path, so callers can refuse a symlink (120000) or a submodule (160000)
instead of reading a link's target text as if it were the file.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from generator.common.quoting import escape

class GitError(Exception):
    """A git command failed; the message is for people (Chinese)."""


# git file modes that are not a file's text: a symlink's blob is its target, a submodule a commit
SPECIAL_MODES = {"120000": "符号链接", "160000": "子模块（submodule）"}


@dataclass
class Change:
    status: str  # A, M, D, R, C, T
    old: str | None  # path at BASE (None when added)
    new: str | None  # path at HEAD (None when deleted)
    old_mode: str = "100644"  # git file modes ("000000" when absent)
    new_mode: str = "100644"

    def special(self) -> tuple[str, str] | None:
        """(side's path, git mode) of a symlink or submodule on either side, new side first."""
        for path, mode in ((self.new, self.new_mode), (self.old, self.old_mode)):
            if path and mode in SPECIAL_MODES:
                return path, mode
        return None

    @property
    def shown(self) -> str:
        """The path(s) for a message, escaped: a file name may hold newlines or non-UTF-8 bytes."""
        if self.old and self.new and self.old != self.new:
            return f"{escape(self.old)} → {escape(self.new)}"
        return escape(self.new or self.old or "")


class Git:
    def __init__(self, cwd="."):
        self.cwd = cwd

    def run(self, *args: str, input: bytes | None = None) -> bytes:
        try:
            done = subprocess.run(
                ["git", "-c", "core.quotepath=off", *args],
                cwd=self.cwd,
                input=input,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError:
            raise GitError("找不到 git 命令：请先安装 git") from None
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitError(f"git {args[0]} 失败：{detail[-1] if detail else '未知错误'}")
        return done.stdout

    def resolve(self, ref: str) -> str:
        if not ref or ref.startswith("-"):
            raise GitError(f"不是有效的 git 版本：{ref!r}")
        try:
            return self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()
        except GitError:
            raise GitError(
                f"找不到 git 版本 {ref}：请确认它存在（在 GitHub Actions 中 checkout 需设 fetch-depth: 0）"
            ) from None

    def merge_base(self, base: str, head: str) -> str:
        try:
            return self.run("merge-base", base, head).decode().strip()
        except GitError:
            return base  # unrelated histories: compare the trees directly

    def changes(self, base: str, head: str, paths: tuple[str, ...] = ()) -> list[Change]:
        """Files changed from base to head, renames detected, as Change rows with git modes."""
        out = self.run(
            "diff", "--no-ext-diff", "--no-textconv", "--raw", "--no-abbrev", "-z", "-M",
            base, head, "--", *paths,
        )
        parts = out.decode("utf-8", "surrogateescape").split("\0")
        changes, i = [], 0
        while i < len(parts) and parts[i].startswith(":"):
            old_mode, new_mode, _, _, status = parts[i][1:].split(" ")[:5]
            status = status[0]
            if status in "RC":
                old, new = parts[i + 1], parts[i + 2]
                old_mode = old_mode if status == "R" else "000000"
                changes.append(Change(status, old if status == "R" else None, new, old_mode, new_mode))
                i += 3
            else:
                path = parts[i + 1]
                changes.append(Change(status, None if status == "A" else path,
                                      None if status == "D" else path, old_mode, new_mode))
                i += 2
        return changes

    def list_files(self, rev: str, folder: str) -> list[str]:
        """Regular files under folder at rev: symlinks and submodules are left out by git mode."""
        out = self.run("ls-tree", "-r", "-z", rev, "--", folder)
        entries = (e.split("\t", 1) for e in out.decode("utf-8", "surrogateescape").split("\0") if e)
        return [path for meta, path in entries if meta.split(" ")[0] in ("100644", "100755")]

    def read(self, rev: str, paths: list[str]) -> dict[str, bytes | None]:
        """Blob contents at rev, in one `git cat-file --batch`; None for a missing path.

        The batch protocol is line-based: a path with a newline in its name is read on its own."""
        odd = [p for p in paths if "\n" in p]
        if odd:
            result = self.read(rev, [p for p in paths if "\n" not in p])
            for path in odd:
                try:
                    result[path] = self.run("cat-file", "blob", f"{rev}:{path}")
                except GitError:
                    result[path] = None
            return result
        if not paths:
            return {}
        request = "".join(f"{rev}:{p}\n" for p in paths).encode("utf-8", "surrogateescape")
        out = self.run("cat-file", "--batch", input=request)
        result, pos = {}, 0
        for path in paths:
            end = out.index(b"\n", pos)
            header = out[pos:end].split()
            pos = end + 1
            if len(header) == 3 and header[1] == b"blob":
                size = int(header[2])
                result[path] = out[pos : pos + size]
                pos += size + 1
            elif len(header) == 3:  # a tree or a submodule commit, not a file
                pos += int(header[2]) + 1
                result[path] = None
            else:  # "<object> missing"
                result[path] = None
        return result
