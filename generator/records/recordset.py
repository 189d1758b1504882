"""Find and parse record files into a RecordSet; every unreadable file becomes a Problem."""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from generator.common.forking import can_fork, fork_map
from generator.records.problems import ERROR, Problem
from generator.records.files import (  # noqa: F401 - re-exported: recordset is where callers look
    QUIET_HIDDEN, _read_bounded, display_path, skipped_problem,
)
from generator.records.strict_yaml import Document, ParseError, parse

# folder under records/ → record type (= schema name `<type>.schema.json`)
RECORD_TYPES = {
    "societies": "society",
    "experts": "expert",
    "workstations": "workstation",
    "projects": "project",
    "needs": "need",
    "proposals": "proposal",
    "policies": "policy",
    "staff": "staff",
}
FOLDERS = {record_type: folder for folder, record_type in RECORD_TYPES.items()}
TYPE_ZH = {  # record type → its name in messages
    "society": "学会",
    "expert": "专家",
    "workstation": "工作站",
    "project": "项目",
    "need": "需求",
    "proposal": "建议",
    "policy": "政策期",
    "staff": "工作人员名单",
}

STAFF_OWNER = "kexie"  # `owner: kexie` means the association's own staff maintain the record


@dataclass(slots=True)
class Record:
    type: str
    id: str  # the file name's stem: the id every reference uses
    path: str  # as shown to people: relative to the working directory when possible
    doc: Document
    mtime_key: str = ""

    @property
    def data(self) -> dict:
        return self.doc.data

    def at(self, path, rule, message, severity=ERROR, key=False) -> Problem:
        line, column = self.doc.where(tuple(path), key=key)
        return Problem(
            self.path, line, column, rule, message, severity, ".".join(str(p) for p in path)
        )


@dataclass
class RecordSet:
    root: Path
    by_type: dict[str, dict[str, Record]] = field(default_factory=dict)
    # records that failed the schema: still reference targets, but their content is not checked
    # further (later layers may rely on the shapes the schema guarantees)
    invalid: set = field(default_factory=set)
    # files that exist but could not be parsed: their one error is enough, so references to
    # them are not reported as missing as well
    unparsed: set = field(default_factory=set)

    def unreadable(self, record_type: str, record_id: str) -> bool:
        return (record_type, record_id) in self.unparsed

    def of(self, record_type: str) -> dict[str, Record]:
        return self.by_type.setdefault(record_type, {})

    def get(self, record_type: str, record_id: str) -> Record | None:
        return self.by_type.get(record_type, {}).get(record_id)

    def all(self):
        for record_type in sorted(self.by_type):
            for record_id in sorted(self.by_type[record_type]):
                yield self.by_type[record_type][record_id]

    def valid(self, record_type: str | None = None):
        """Records that passed the schema, of one type or of all, in a stable order."""
        source = self.all() if record_type is None else (
            self.of(record_type)[i] for i in sorted(self.of(record_type))
        )
        return (r for r in source if (r.type, r.id) not in self.invalid)

    def only(self, paths) -> "RecordSet":
        """A RecordSet of the records whose shown path is in `paths` (and this one's invalid and
        unparsed sets): what a later stage keeps when it needs a few records, so the rest can be
        freed (the build keeps the records that have warnings, for the yearly report)."""
        paths = set(paths)
        kept = RecordSet(root=self.root, invalid=set(self.invalid), unparsed=set(self.unparsed))
        for record in self.all():
            if record.path in paths:
                kept.of(record.type)[record.id] = record
        return kept

    def published_experts(self) -> dict[str, Record]:
        # judged on the raw data, so an expert with an unrelated schema error is not called unconsented
        return {
            r.id: r
            for r in self.of("expert").values()
            if isinstance(r.data.get("consent"), dict) and r.data["consent"].get("publish") is True
        }


_NOT_UTF8 = re.compile("[\udc80-\udcff]")
NOT_UTF8_NAME = (
    "文件名含有不是 UTF-8 编码的字节（显示为 \\xNN）：请把文件改名为 `<编号>.yaml`，"
    "编号只用小写字母、数字和连字符"
)


def iter_files(root: Path, skipped: list | None = None):
    """Every regular file under root, sorted, with the record type its folder implies (None:
    misplaced). Hidden entries (a name starting with ".") and symlinks, to folders or files, are
    not read; each is appended to `skipped` as (path, is_dir, "hidden" | "symlink" | "unreadable")
    so the caller can say so, except the files in QUIET_HIDDEN. A folder that cannot be listed
    (permissions) is "unreadable", not silently left out."""
    for folder, _relative, name, record_type in _entries(root, [] if skipped is None else skipped):
        yield Path(folder, name), record_type


def _entries(root: Path, skipped: list):
    """iter_files as (folder, its parts relative to root, file name, record type) strings: the
    same files in the same order, without a Path and a stat per file (os.scandir says which entry
    is a folder or a link). Folders as os.walk sees them: top-down, names sorted, a link to a
    folder not followed."""
    stack = [(str(root), ())]
    while stack:
        folder, relative = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            skipped.append((Path(error.filename or folder), True, "unreadable"))
            continue
        dirs, files = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # follows a link, as os.walk does
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry)
        keep = []
        for entry in sorted(dirs, key=_name):
            if entry.is_symlink():
                skipped.append((Path(folder, entry.name), True, "symlink"))
            elif entry.name.startswith("."):
                skipped.append((Path(folder, entry.name), True, "hidden"))
            else:
                keep.append(entry.name)
        record_type = RECORD_TYPES.get(relative[0]) if len(relative) == 1 else None
        for entry in sorted(files, key=_name):
            name = entry.name
            if entry.is_symlink():  # dangling links land here too
                skipped.append((Path(folder, name), False, "symlink"))
            elif name.startswith("."):
                if name not in QUIET_HIDDEN:
                    skipped.append((Path(folder, name), False, "hidden"))
            else:
                yield folder, relative, name, record_type
        stack += [(os.path.join(folder, name), relative + (name,)) for name in reversed(keep)]


def _name(entry) -> str:
    return entry.name


def _read_and_parse(path: Path | str):
    try:
        raw = _read_bounded(path)
    except OSError as exc:
        return ParseError("file-unreadable", f"无法读取文件：{exc.strerror}")
    return parse(raw, keep_tree=False)


PARALLEL_FROM = 2000  # below this many files a second process costs more than it saves


def _parse_scanned(item: tuple, scan=None):
    """_read_and_parse of (path, record type), with doc.scanned = scan(record type, data)."""
    path, record_type = item
    result = _read_and_parse(path)
    if scan is not None and not isinstance(result, ParseError):
        result.scanned = scan(record_type, result.data)
    return result


def _parse_lean(item: tuple, scan=None):
    """As _read_and_parse, as plain data (Document.parts) and minus the text: sending every
    file's text back from the worker cost more than parsing it, and pickling the Document
    dataclass four times what its parts cost. A problem's position re-reads the file (see
    Document.where)."""
    result = _parse_scanned(item, scan)
    return result if isinstance(result, ParseError) else result.parts()


def _parse_all(items: list[tuple[Path, str]], scan=None) -> list:
    """Parse files ((path, record type) each), in two processes when there are many: parsing is
    most of validation. Results are identical either way; only plain data crosses processes."""
    if len(items) >= PARALLEL_FROM and can_fork():
        results = fork_map(partial(_parse_lean, scan=scan), items, PARALLEL_FROM)
        return [
            result if isinstance(result, ParseError) else Document.from_parts(result, os.path.abspath(path))
            for (path, _), result in zip(items, results)
        ]
    return [_parse_scanned(item, scan) for item in items]


def load_records(root: Path, scan=None) -> tuple[RecordSet, list[Problem]]:
    """Every record file under root, parsed: (records, the problems of files that could not be
    read or parsed). scan: a function (record type, data) → anything, run on each parsed record
    where it was parsed (in the parsing processes) and kept as record.doc.scanned — the checks'
    per-value walks (checks/values.py), so the main process need not walk every value again."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects, none cyclic: collections only cost time
    try:
        return _load_records(root, scan)
    finally:
        if gc_was_enabled:
            gc.enable()


def _load_records(root: Path, scan=None) -> tuple[RecordSet, list[Problem]]:
    records = RecordSet(root=root)
    problems: list[Problem] = []
    shown_root = display_path(root)  # relpath once, not per file: it was 10% of loading
    wanted: list[tuple[str, str, str, str]] = []  # (path, record type, shown path, id)
    skipped: list = []

    def show(path: Path) -> str:
        if path == root:
            return shown_root
        return f"{shown_root}/{path.relative_to(root).as_posix()}" if shown_root != "." else path.relative_to(root).as_posix()

    prefix = "" if shown_root == "." else shown_root + "/"
    for folder, relative, name, record_type in _entries(root, skipped):
        shown = prefix + "/".join(relative + (name,))  # show(path), from strings
        if not name.isprintable() and _NOT_UTF8.search(name):  # os.fsdecode's stand-ins for bytes
            problems.append(Problem(shown, 0, 0, "file-name", NOT_UTF8_NAME))
            continue
        if record_type is None or not (name.endswith(".yaml") and len(name) > 5):  # Path.suffix == ".yaml"
            folders = "、".join(f"records/{f}/" for f in RECORD_TYPES)
            problems.append(
                Problem(
                    shown,
                    0,
                    0,
                    "file-location",
                    f"这里不应有这个文件：记录必须是 {folders} 之一中的 `<编号>.yaml` 文件（扩展名用 .yaml，不用 .yml）",
                )
            )
            continue
        wanted.append((os.path.join(folder, name), record_type, shown, name[:-5]))
    for path, is_dir, why in skipped:
        problems.append(skipped_problem(root, path, is_dir, why, show(path)))
        folder = path.relative_to(root).parts
        if why == "symlink" and not is_dir and len(folder) == 2 and folder[0] in RECORD_TYPES:
            records.unparsed.add((RECORD_TYPES[folder[0]], path.stem))  # its one error is enough
    results = _parse_all([(path, record_type) for path, record_type, _, _ in wanted], scan)
    for (path, record_type, shown, stem), result in zip(wanted, results):
        if isinstance(result, ParseError):
            problems.append(Problem(shown, result.line, result.column, result.rule, result.message))
            records.unparsed.add((record_type, stem))
            continue
        records.of(record_type)[stem] = Record(record_type, stem, shown, result)
    return records, problems
