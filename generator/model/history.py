"""What changed in records/ and when, from git history in one pass (never the clock: builds repeat).

`read_history(root)` runs one `git log --raw` over the records folder: every commit's added, changed
and removed record files with the commit's own date and time. The site's "最近更新" page, the Atom
feed, each record page's short history and its "last changed" date all come from it. Copies without
git history (a downloaded tarball, uncommitted records) give `History(available=False)`: pages then
say so, and the site still builds.

Summaries ("修改：职称、工作单位") are the record diff of `generator/records/recorddiff.py` with
values left out (`values=False`), computed only for the changes a page shows; the blobs they need are
read through one `git cat-file --batch`.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from generator.records.recorddiff import record_notes
from generator.records.recordset import RECORD_TYPES

ACTIONS = {"A": "新增", "M": "修改", "T": "修改", "D": "删除"}
_TYPE_RANK = {t: i for i, t in enumerate(["expert", "society", "workstation", "project", "need", "proposal"])}
NO_BLOB = "0" * 40
MAX_NOTES = 4


@dataclass
class Change:
    """One record file in one commit. `when` is the committer's ISO 8601 time (with offset)."""

    commit: str
    when: str
    type: str
    id: str
    action: str  # 新增 / 修改 / 删除
    old_blob: str
    new_blob: str
    order: int  # position in `git log` (0 = newest): ties on time keep git's order
    summary: str = ""  # filled by History.summarise for the changes that are shown

    @property
    def date(self) -> str:
        return self.when[:10]


@dataclass
class History:
    available: bool
    changes: list[Change] = field(default_factory=list)  # newest first
    root: Path | None = None
    _by_record: dict = field(default_factory=dict)

    def __post_init__(self):
        by_record = defaultdict(list)
        for change in self.changes:
            by_record[(change.type, change.id)].append(change)
        self._by_record = dict(by_record)

    def of(self, record_type: str, record_id: str) -> list[Change]:
        """One record's changes, newest first ([] when git never saw it)."""
        return self._by_record.get((record_type, record_id), [])

    def last_changed(self, record_type: str, record_id: str) -> str:
        """YYYY-MM-DD of the record's newest commit, or "" when git does not know the file."""
        changes = self.of(record_type, record_id)
        return changes[0].date if changes else ""

    def summarise(self, changes: list[Change], schemas) -> None:
        """Fill `summary` of each change: the fields that changed, never their values.

        Reads the blobs of modified records in one `git cat-file --batch`; a blob git cannot give
        (a shallow clone) leaves the plain "修改" wording.
        """
        wanted = [c for c in changes if not c.summary and c.action == "修改"]
        blobs = _read_blobs(self.root, {b for c in wanted for b in (c.old_blob, c.new_blob)}) if wanted else {}
        for change in changes:
            if change.summary:
                continue
            if change.action != "修改":
                change.summary = change.action + "记录"
                continue
            old, new = _changed_parts(blobs.get(change.old_blob), blobs.get(change.new_blob))
            readable = old is not None and new is not None
            notes = record_notes(schemas, change.type, old, new, values=False) if readable else []
            if not notes:
                change.summary = "仅调整了格式或注释" if readable else "修改"
                continue
            shown = "、".join(n.removeprefix("修改") for n in notes[:MAX_NOTES])
            change.summary = "修改：" + shown + (f" 等 {len(notes)} 处" if len(notes) > MAX_NOTES else "")

    def removed_names(self, changes: list[Change]) -> dict[str, str]:
        """Old blob → the removed record's name or title (for "删除项目“…”"), read in one pass."""
        blobs = _read_blobs(self.root, {c.old_blob for c in changes if c.action == "删除"})
        names = {}
        for blob, raw in blobs.items():
            data = _data(raw) or {}
            name = data.get("name") or data.get("title")
            if isinstance(name, str) and name.strip():
                # an old revision may predate today's checks: controls become U+FFFD, visibly
                names[blob] = _CONTROL.sub("\ufffd", " ".join(name.split())[:60])
        return names


def read_history(records_root: Path) -> History:
    """All changes to record files under `records_root`, newest first, from `git log`.

    No git, not a repository, or no commit touching the folder: `History(available=False)`.
    """
    root = records_root.resolve()
    try:
        log = subprocess.run(
            ["git", "-C", str(root), "log", "--raw", "--no-renames", "--no-abbrev", "--relative",
             "--format=%x01%H %cI", "--", "."],
            capture_output=True, check=True,
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.CalledProcessError):
        return History(False, root=root)
    changes: list[Change] = []
    commit = when = ""
    for line in log.splitlines():
        if line.startswith("\x01"):
            commit, _, when = line[1:].partition(" ")
        elif line.startswith(":") and commit:
            meta, _, path = line.partition("\t")
            parts = meta.split()
            if len(parts) < 5 or parts[4][:1] not in ACTIONS:
                continue
            record = _record_of(path)
            if record:
                changes.append(Change(commit, when, *record, ACTIONS[parts[4][:1]], parts[2], parts[3], len(changes)))
    return History(bool(changes), _newest_first(changes), root)


def _newest_first(changes: list[Change]) -> list[Change]:
    """Newest commit first; inside one commit the types take turns (a commit that touched twelve
    workstations and three projects lists workstation, project, workstation, … not twelve in a row)."""
    turn: dict[tuple[str, str], int] = defaultdict(int)
    ranked = []
    for change in changes:  # git's order: commit by commit
        ranked.append((turn[(change.commit, change.type)], change))
        turn[(change.commit, change.type)] += 1
    commit_order = {}
    for change in changes:
        commit_order.setdefault(change.commit, len(commit_order))
    ranked.sort(key=lambda rc: (commit_order[rc[1].commit], rc[0], _TYPE_RANK.get(rc[1].type, 99), rc[1].order))
    ranked.sort(key=lambda rc: _utc(rc[1].when), reverse=True)  # stable: ties keep the order above
    return [change for _, change in ranked]


def _record_of(path: str):
    parts = PurePosixPath(path).parts
    if len(parts) != 2 or not parts[1].endswith(".yaml") or parts[0] not in RECORD_TYPES:
        return None
    return RECORD_TYPES[parts[0]], parts[1][: -len(".yaml")]


def _utc(when: str) -> str:
    """An ISO time with offset as a sortable UTC string (commits from different time zones)."""
    from datetime import datetime, timezone

    try:
        return datetime.fromisoformat(when).astimezone(timezone.utc).isoformat()
    except ValueError:
        return when


def _read_blobs(root: Path | None, blobs: set[str]) -> dict[str, bytes]:
    blobs = sorted(b for b in blobs if b and b != NO_BLOB)
    if not blobs or root is None:
        return {}
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "cat-file", "--batch"],
            input="".join(b + "\n" for b in blobs).encode(), capture_output=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    result, at = {}, 0
    for blob in blobs:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            result[blob] = out[at: at + size]
            at += size + 1
    return result


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_TOP_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)[ \t]*:")


def _blocks(text: str) -> dict[str, str] | None:
    """A record's text cut at its top-level keys: key → that key's lines. None when the text is
    not plain block-style YAML (flow style, several documents, a repeated key): parse it whole."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines(keepends=True):
        if line[:1] in (" ", "\t", "#", "-", "\r", "\n") or not line.strip():
            if line.startswith("---") or line.startswith("..."):
                return None
            if current is not None:
                blocks[current].append(line)
            continue
        match = _TOP_KEY.match(line)
        if not match or match.group(1) in blocks:
            return None
        current = match.group(1)
        blocks[current] = [line]
    return {key: "".join(lines) for key, lines in blocks.items()}


def _changed_parts(old_raw: bytes | None, new_raw: bytes | None):
    """(old, new) mappings holding only the top-level fields whose text changed, parsed.

    Parsing is the cost of a history (thousands of revisions): unchanged fields give no note, so
    only the changed ones are read. Falls back to whole documents when the text is unusual.
    """
    if old_raw is None or new_raw is None:
        return None, None
    old_text, new_text = old_raw.decode("utf-8", "replace"), new_raw.decode("utf-8", "replace")
    old_blocks, new_blocks = _blocks(old_text), _blocks(new_text)
    if old_blocks is None or new_blocks is None:
        return _data(old_raw), _data(new_raw)
    changed = [k for k in dict.fromkeys([*old_blocks, *new_blocks]) if old_blocks.get(k) != new_blocks.get(k)]
    old = _data("".join(old_blocks.get(k, "") for k in changed).encode()) if changed else {}
    new = _data("".join(new_blocks.get(k, "") for k in changed).encode()) if changed else {}
    if old is None or new is None:
        return _data(old_raw), _data(new_raw)
    return old, new


def _data(raw: bytes | None):
    """An old revision's mapping, or None. It was validated when committed (or is reported as
    unreadable): libyaml's safe loader is enough here and ~10x faster than our strict one."""
    if raw is None:
        return None
    try:
        data = yaml.load(raw, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError:
        return None
    if data is None and not raw.strip(b" \t\r\n"):
        return {}
    return data if isinstance(data, dict) else None
