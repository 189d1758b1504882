"""Who may change which file: a society changes only its own records, staff change anything.

`kexie check-ownership --base REF --author HANDLE` compares BASE with HEAD (through their merge
base, so a PR checkout and its merge commit give the same answer) and refuses every changed file
that the author may not touch:

* a record under records/<folder>/ (experts, needs, projects, proposals, societies,
  workstations) whose owner before *or* after the change is not a society the author maintains;
  a society record is owned by the society itself (unless it says `owner: kexie`);
* a record whose owner changes (moving it to another owner), even between two societies the
  author maintains;
* every other file (schemas/, generator/, records/policies/, records/staff/, workflows, …);
* for everyone, staff included: a symlink (git mode 120000) or a submodule (160000) under
  records/. Git modes are read from the diff and the tree, so a symlink's target text is never
  parsed as YAML, neither as a changed record nor as a staff or society file at BASE;
* a society record with a reserved id (`kexie` and the others listed in
  schemas/common.schema.json `$defs/society-id`): its maintainers never count, and only staff may
  touch the file.

Staff (records/staff/*.yaml `handles`) may change anything. Maintainers and staff are read from
the BASE revision, so a pull request cannot add its author as a maintainer and use that right
away. GitHub handles compare case-insensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from generator.common.quoting import quote
from generator.contrib.gitread import SPECIAL_MODES, Change, Git, GitError  # noqa: F401 - re-exported
from generator.records.recordset import RECORD_TYPES, STAFF_OWNER
from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet, common_pattern
from generator.records.strict_yaml import ParseError, parse

# record folders a society may maintain; everything else needs staff
SOCIETY_FOLDERS = {"experts", "needs", "projects", "proposals", "societies", "workstations"}
# the schema's patterns, matching whole values only: "some-handle\n" is no handle (issue #9)
HANDLE = common_pattern("handle")
RECORD_NAME = re.compile(common_pattern("id").pattern.removesuffix(r"\Z") + r"\.yaml\Z")


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
_SCHEMAS: list[SchemaSet] = []


def reserved_society(path: str | None) -> str | None:
    """The id of a society file whose id is reserved (schemas/common.schema.json, `kexie` always)."""
    parts = PurePosixPath(path or "").parts
    if len(parts) != 3 or parts[:2] != ("records", "societies"):
        return None
    if not _SCHEMAS:
        _SCHEMAS.append(SchemaSet(PACKAGE_SCHEMAS))
    stem = PurePosixPath(parts[2]).stem
    return stem if _SCHEMAS[0].is_reserved_society_id(stem) else None


def owner_of(path: str, data) -> str:
    if data is None:
        return UNREADABLE
    owner = data.get("owner")
    if reserved_society(path):
        return STAFF_OWNER  # a society may not take a reserved id: its file is the staff's
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
    society_files = [
        p for p in git.list_files(rev, "records/societies") if record_folder(p) and not reserved_society(p)
    ]
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
    special: str = ""  # "是符号链接（git 文件模式 120000）": the file is not read at all

    def line(self, author: str, societies: list[str], is_staff: bool = False) -> str:
        mine = "、".join(f"`{s}`" for s in societies) if societies else "任何学会"
        who = f"@{author}（维护：{mine}）" if societies else f"@{author}（不是任何学会的维护人）"
        if is_staff:
            who = f"@{author}（市科协工作人员）"
        if self.special:
            return f"拒绝：{self.change.shown} {self.special}，提交人 {who}：{self.reason}"
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
            return [r.line(self.author, self.societies, self.is_staff) for r in self.refusals]
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
    # a symlink or submodule under records/ is refused for everyone, staff included
    refusals = [_special_refusal(c, c.new, c.new_mode, SPECIAL_FIX) for c in changes
                if _in_records(c.new) and c.new_mode in SPECIAL_MODES]
    if authority.is_staff(author):
        return Verdict(author, True, societies, changes, refusals)

    refused = {id(r.change) for r in refusals}
    record_changes = [c for c in changes if _is_record_change(c) and not c.special()]
    before = git.read(start, [c.old for c in record_changes if c.old])
    after = git.read(head_commit, [c.new for c in record_changes if c.new])
    for change in changes:
        if id(change) in refused:
            continue
        if _in_records(change.old) and change.old_mode in SPECIAL_MODES:
            fix = f"只有市科协工作人员可以删除或替换它；{STAFF_FIX}"
            refusals.append(_special_refusal(change, change.old, change.old_mode, fix, "原来"))
            continue
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
        elif reserved := reserved_society(change.new) or reserved_society(change.old):
            refusals.append(Refusal(change, owners, f"`{reserved}` 是保留编号（代表市科协），学会不能使用；{STAFF_FIX}"))
        elif owners[0] not in mine:
            refusals.append(Refusal(change, owners, f"只有该单位的维护人或市科协工作人员可以修改；{STAFF_FIX}"))
    return Verdict(author, False, societies, changes, refusals)


SPECIAL_FIX = "records/ 中只能有普通文件，链接的目标和子模块的内容不会被读取，也无法校验：请删除它，改为提交记录文件本身"


def _in_records(path: str | None) -> bool:
    return bool(path) and PurePosixPath(path).parts[:1] == ("records",)


def _special_refusal(change: Change, path: str, mode: str, fix: str, when: str = "") -> Refusal:
    return Refusal(change, [], fix, f"{when}是{SPECIAL_MODES[mode]}（git 文件模式 {mode}）")


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
