"""Who may change which file: a society changes only its own records, staff change anything.

`kexie check-ownership --base REF --author HANDLE` compares BASE with HEAD (through their merge
base, so a PR checkout and its merge commit give the same answer) and refuses every changed file
that the author may not touch:

* a record under records/<folder>/ (experts, needs, projects, proposals, societies,
  workstations) whose owner before *or* after the change is not a society the author maintains;
  a society record is owned by the society itself (unless it says `owner: kexie`);
* a record whose owner changes (moving it to another owner), even between two societies the
  author maintains;
* every other file (schemas/, generator/, records/policies/, records/staff/, workflows, …).

Staff (records/staff/*.yaml `handles`) may change anything. Maintainers and staff are read from
the BASE revision, so a pull request cannot add its author as a maintainer and use that right
away. GitHub handles compare case-insensitively.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from generator.common.quoting import escape, quote
from generator.records.recordset import RECORD_TYPES, STAFF_OWNER
from generator.records.schemas import common_pattern
from generator.records.strict_yaml import ParseError, parse

# record folders a society may maintain; everything else needs staff
SOCIETY_FOLDERS = {"experts", "needs", "projects", "proposals", "societies", "workstations"}
# the schema's patterns, matching whole values only: "some-handle\n" is no handle (issue #9)
HANDLE = common_pattern("handle")
RECORD_NAME = re.compile(common_pattern("id").pattern.removesuffix(r"\Z") + r"\.yaml\Z")



class GitError(Exception):
    """A git command failed; the message is for people (Chinese)."""


@dataclass
class Change:
    status: str  # A, M, D, R, C, T
    old: str | None  # path at BASE (None when added)
    new: str | None  # path at HEAD (None when deleted)

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
        """Files changed from base to head, renames detected, as Change rows."""
        out = self.run(
            "diff", "--no-ext-diff", "--no-textconv", "--name-status", "-z", "-M",
            base, head, "--", *paths,
        )
        parts = out.decode("utf-8", "surrogateescape").split("\0")
        changes, i = [], 0
        while i < len(parts) and parts[i]:
            status = parts[i][0]
            if status in "RC":
                old, new = parts[i + 1], parts[i + 2]
                changes.append(Change(status, old if status == "R" else None, new))
                i += 3
            else:
                path = parts[i + 1]
                changes.append(
                    Change(status, None if status == "A" else path, None if status == "D" else path)
                )
                i += 2
        return changes

    def list_files(self, rev: str, folder: str) -> list[str]:
        out = self.run("ls-tree", "-r", "-z", "--name-only", rev, "--", folder)
        return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]

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


def load_data(raw: bytes | None):
    """The record's mapping, or None when missing or unreadable (strict loader)."""
    if raw is None:
        return None
    result = parse(raw)
    if isinstance(result, ParseError) or not isinstance(result.data, dict):
        return None
    return result.data


def record_folder(path: str | None) -> str | None:
    """The society-maintainable folder of a record path, or None (= staff only)."""
    if not path:
        return None
    parts = PurePosixPath(path).parts
    if len(parts) == 3 and parts[0] == "records" and parts[1] in SOCIETY_FOLDERS:
        if RECORD_NAME.match(parts[2]):
            return parts[1]
    return None


UNREADABLE = "?"  # owner of a record whose YAML cannot be read


def owner_of(path: str, data) -> str:
    if data is None:
        return UNREADABLE
    owner = data.get("owner")
    if RECORD_TYPES.get(PurePosixPath(path).parts[1]) == "society" and owner != STAFF_OWNER:
        return PurePosixPath(path).stem  # a society record belongs to the society itself
    return owner if isinstance(owner, str) and owner else UNREADABLE


@dataclass
class Authority:
    staff: set[str] = field(default_factory=set)  # lower-cased handles
    maintainers: dict[str, set[str]] = field(default_factory=dict)  # society → lower-cased handles

    def is_staff(self, handle: str) -> bool:
        return handle.lower() in self.staff

    def societies_of(self, handle: str) -> list[str]:
        return sorted(s for s, hs in self.maintainers.items() if handle.lower() in hs)


def _handles(values) -> set[str]:
    if not isinstance(values, list):
        return set()
    return {v.lower() for v in values if isinstance(v, str) and HANDLE.match(v)}


def read_authority(git: Git, rev: str) -> Authority:
    authority = Authority()
    staff_files = [
        p for p in git.list_files(rev, "records/staff") if RECORD_NAME.match(PurePosixPath(p).name)
    ]
    for path, raw in git.read(rev, staff_files).items():
        data = load_data(raw)
        if data:
            authority.staff |= _handles(data.get("handles"))
    society_files = [p for p in git.list_files(rev, "records/societies") if record_folder(p)]
    for path, raw in git.read(rev, society_files).items():
        data = load_data(raw)
        if data:
            authority.maintainers[PurePosixPath(path).stem] = _handles(data.get("maintainers"))
    return authority


@dataclass
class Refusal:
    change: Change
    owners: list[str]  # owners before/after, in order, without repeats
    reason: str

    def line(self, author: str, societies: list[str]) -> str:
        mine = "、".join(f"`{s}`" for s in societies) if societies else "任何学会"
        who = f"@{author}（维护：{mine}）" if societies else f"@{author}（不是任何学会的维护人）"
        if len(self.owners) > 1:
            owners = f"由 {_owner_zh(self.owners[0])} 改为 {_owner_zh(self.owners[-1])}"
        else:
            owners = f"是 {_owner_zh(self.owners[0] if self.owners else STAFF_OWNER)}"
        return f"拒绝：{self.change.shown} 的维护单位{owners}，提交人 {who}：{self.reason}"


def _owner_zh(owner: str) -> str:
    if owner == STAFF_OWNER:
        return "市科协（kexie）"
    if owner == UNREADABLE:
        return "无法读取（YAML 有误）"
    return quote(owner, marks="``")


@dataclass
class Verdict:
    author: str
    is_staff: bool
    societies: list[str]
    changes: list[Change]
    refusals: list[Refusal]

    @property
    def ok(self) -> bool:
        return not self.refusals

    def lines(self) -> list[str]:
        if self.refusals:
            return [r.line(self.author, self.societies) for r in self.refusals]
        if not self.changes:
            return ["没有文件改动，无需检查维护权限。"]
        if self.is_staff:
            return [f"权限检查通过：@{self.author} 是市科协工作人员，可以修改全部 {len(self.changes)} 个文件。"]
        mine = "、".join(f"`{s}`" for s in self.societies)
        return [f"权限检查通过：@{self.author} 修改的 {len(self.changes)} 个文件都属于其维护的学会（{mine}）。"]


STAFF_FIX = "请改由市科协工作人员提交，或请工作人员审核后代为合并"


def check(git: Git, base: str, head: str, author: str) -> Verdict:
    base_commit, head_commit = git.resolve(base), git.resolve(head)
    start = git.merge_base(base_commit, head_commit)
    authority = read_authority(git, start)
    changes = git.changes(start, head_commit)
    societies = authority.societies_of(author)
    if authority.is_staff(author):
        return Verdict(author, True, societies, changes, [])

    record_changes = [c for c in changes if _is_record_change(c)]
    before = git.read(start, [c.old for c in record_changes if c.old])
    after = git.read(head_commit, [c.new for c in record_changes if c.new])
    refusals = []
    for change in changes:
        if change not in record_changes:
            where = change.new or change.old
            refusals.append(Refusal(change, [STAFF_OWNER], f"{_area(where)}只有市科协工作人员可以修改；{STAFF_FIX}"))
            continue
        owners = []
        if change.old:
            owners.append(owner_of(change.old, load_data(before.get(change.old))))
        if change.new:
            owner = owner_of(change.new, load_data(after.get(change.new)))
            if owner not in owners:
                owners.append(owner)
        mine = set(societies)
        if UNREADABLE in owners:
            refusals.append(Refusal(change, owners, "无法读取记录的 owner 字段，请先修正 `kexie validate` 报告的 YAML 错误"))
        elif len(owners) > 1:
            refusals.append(Refusal(change, owners, f"更换记录的维护单位需要市科协工作人员办理；{STAFF_FIX}"))
        elif owners[0] not in mine:
            refusals.append(Refusal(change, owners, f"只有该单位的维护人或市科协工作人员可以修改；{STAFF_FIX}"))
    return Verdict(author, False, societies, changes, refusals)


def _is_record_change(change: Change) -> bool:
    return all(record_folder(p) for p in (change.old, change.new) if p)


def _area(path: str) -> str:
    parts = PurePosixPath(path).parts
    if parts and parts[0] == "records" and len(parts) > 1 and parts[1] in ("policies", "staff"):
        return f"{'政策期' if parts[1] == 'policies' else '工作人员名单'}（records/{parts[1]}/）"
    if parts and parts[0] == "records":
        return "记录目录中这个位置的文件"
    if parts and parts[0] in ("schemas", "generator", ".github"):
        return f"{parts[0]}/ 下的文件"
    return "记录目录以外的文件"
