"""`kexie validate --changed-since REF`: the changed records and the records they affect, checked
exactly as a full run checks them, at a cost that follows the change (issue #14, item 2).

What changed: `git diff --raw REF` against the working tree (commits since REF, staged and unstaged
edits, deletions; renames as a deletion plus an addition) and `git ls-files --others` (untracked
files, ignored ones too: the full run reads every file under records/). A changed policy file,
schema or generator/ (when it is in the same repository: the checks themselves) changes what every
record means: then every record is checked (a full run).

What is affected and what must be loaded: checks/affected.py, from each record's *facts* (its
references). Facts of an unchanged file come from a cache keyed by the file's git blob hash at REF
(`git ls-tree -r REF`): content-addressed, so never stale, and shared by every branch and REF. It
lives in the repository's git directory (`git rev-parse --git-path kexie/…`), one JSON file of
{blob sha1: facts} with the version of the fact extractor in its name; the first run (or a run after
many new files) parses what the cache lacks, in two processes when there are many.
"""

from __future__ import annotations

import hashlib
import os
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.checks import affected as aff
from generator.checks.integrity import REFERENCES
from generator.checks.pipeline import Checked, check_loaded
from generator.contrib.gitread import Git, GitError
from generator.records.problems import Problem, Report
from generator.records.recordset import (
    FOLDERS, NOT_UTF8_NAME, QUIET_HIDDEN, RECORD_TYPES, Record, RecordSet, _NOT_UTF8, _parse_all,
    _read_and_parse, display_path, load_records, skipped_problem,
)
from generator.records.schemas import SchemaSet, find_schemas_dir
from generator.records.strict_yaml import ParseError, parse

CODE = Path(__file__).resolve().parent.parent  # generator/: when it changed since REF, run in full
CACHE_VERSION = hashlib.sha1(repr(("facts-2", REFERENCES)).encode()).hexdigest()[:12]
ZERO = "0" * 40


class ChangedError(Exception):
    """Not a git repository, or REF unknown: the message is for people (Chinese)."""


@dataclass
class ChangedResult:
    checked: Checked
    report: Report  # the affected files' problems only
    count: int  # records checked (affected records that exist and parse)
    affected: set[str]  # display paths
    full: bool  # a policy or schema changed: every record was checked


def blob_sha(raw: bytes) -> str:
    """git's blob id of a file's bytes (sha1 of "blob <size>\\0" + bytes)."""
    return hashlib.sha1(b"blob %d\0" % len(raw) + raw).hexdigest()


def _git_paths(out: bytes) -> list[str]:
    return [p for p in out.decode("utf-8", "surrogateescape").split("\0") if p]


def _changes(git: Git, ref: str, specs: list[str]) -> list[tuple[str, str, str]]:
    """(path, old blob or ZERO, status) for every path that differs between REF and the work tree."""
    parts = _git_paths(git.run("diff", "--no-ext-diff", "--no-textconv", "--raw", "--no-abbrev", "-z",
                               "--no-renames", ref, "--", *specs))
    rows = []
    for meta, path in zip(parts[0::2], parts[1::2]):
        _, _, old_sha, _, status = meta[1:].split(" ")[:5]
        rows.append((path, old_sha, status[0]))
    rows += [(p, ZERO, "A") for p in _git_paths(git.run("ls-files", "-z", "--others", "--", *specs))]
    return rows


def _tree(git: Git, ref: str, folder: str) -> dict[str, str]:
    """path → (git mode, blob sha) of every file under folder at REF."""
    entries = (e.split("\t", 1) for e in _git_paths(git.run("ls-tree", "-r", "-z", ref, "--", folder)))
    return {path: tuple(meta.split(" ")[0::2]) for meta, path in entries}


class FactCache:
    """{blob sha: facts} in the git directory; see the module docstring. JSON, not pickle: the file
    may come from a shared CI cache, and reading it must never run code; a file of the wrong shape
    is ignored (then the files are parsed again). Every record loaded for the check is compared with
    its entry: a wrong entry is mended and the run becomes a full one. A wrong entry of a record
    that is not loaded can only leave that record out of the report, never add a wrong problem."""

    def __init__(self, git: Git):
        name = f"kexie/facts-{CACHE_VERSION}.json"
        self.path = Path(git.cwd) / git.run("rev-parse", "--git-path", name).decode().strip()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        valid = isinstance(data, dict) and all(isinstance(v, str) for v in data.values())
        self.known: dict[str, str] = data if valid else {}  # blob sha → affected.encode(facts)
        self.added = 0

    def put(self, sha: str, encoded: str) -> None:
        self.known[sha] = encoded
        self.added += 1

    def save(self) -> None:
        if not self.added:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".facts-")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self.known, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only git directory: the next run parses again, nothing is wrong


def _facts(record_type: str, result) -> str:
    """The encoded facts of a parse result (affected.encode)."""
    return "" if isinstance(result, ParseError) else aff.encode(aff.facts_of(record_type, result.data))


def _key(relative: str) -> aff.Key | None:
    """(type, id) of a records-relative path that is a record's place, else None."""
    if not relative.endswith(".yaml"):
        return None
    folder, _, name = relative.partition("/")
    record_type = RECORD_TYPES.get(folder)
    if record_type is None or "/" in name or name.startswith("."):
        return None
    return record_type, name[: -len(".yaml")]


def check_changed(root: Path, ref: str) -> ChangedResult:
    """Check what changed under `root` since git revision `ref`, and what it affects.

    Raises ChangedError (Chinese message) when root is not in a git work tree or ref is unknown."""
    root = Path(root)
    try:
        top = Path(Git(root).run("rev-parse", "--show-toplevel").decode().strip())
    except GitError:
        raise ChangedError(f"{display_path(root)} 不在 git 仓库中：--changed-since 需要 git 记录的版本历史，"
                           "请在仓库中运行，或去掉 --changed-since 校验全部记录") from None
    git = Git(top)
    try:
        commit = git.resolve(ref)
    except GitError as exc:
        raise ChangedError(str(exc)) from None
    rel = root.resolve().relative_to(top.resolve()).as_posix()
    specs = [rel]
    for folder in (find_schemas_dir(root), CODE):  # a changed schema or check: every record
        if folder.resolve().is_relative_to(top.resolve()):
            specs.append(folder.resolve().relative_to(top.resolve()).as_posix())
    schemas_dir = find_schemas_dir(root)
    changes = _changes(git, commit, specs)
    prefix = "" if rel == "." else rel + "/"
    policies = f"{prefix}{FOLDERS['policy']}/"
    full = any(not p.startswith(prefix) or p.startswith(policies) for p, _, _ in changes)
    return _check(root, git, commit, prefix, changes, SchemaSet(schemas_dir), full)


def _file_problems(root: Path, relative: str, show) -> tuple[list[Problem], str | None]:
    """What a full run's walk (recordset.iter_files + load) says of one path under root, and
    "record" or "symlink" when the path is a record's place: the same order of tests, for one path."""
    parts = relative.split("/")
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        if folder.is_symlink():
            return [skipped_problem(root, folder, True, "symlink", show(folder))], None
        if part.startswith("."):
            return [skipped_problem(root, folder, True, "hidden", show(folder))], None
    path = root / relative
    if not os.path.lexists(path) or (path.is_dir() and not path.is_symlink()):
        return [], None
    name = parts[-1]
    if path.is_symlink():
        return [skipped_problem(root, path, False, "symlink", show(path))], "symlink"
    if name.startswith("."):
        return ([] if name in QUIET_HIDDEN else [skipped_problem(root, path, False, "hidden", show(path))]), None
    if not name.isprintable() and _NOT_UTF8.search(name):
        return [Problem(show(path), 0, 0, "file-name", NOT_UTF8_NAME)], None
    if _key(relative) is None:
        folders = "、".join(f"records/{f}/" for f in RECORD_TYPES)
        return [Problem(show(path), 0, 0, "file-location",
                        f"这里不应有这个文件：记录必须是 {folders} 之一中的 `<编号>.yaml` 文件（扩展名用 .yaml，不用 .yml）")], None
    return [], "record"


def _check(root, git, commit, prefix, changes, schemas, full) -> ChangedResult:
    shown_root = display_path(root)

    def show(path) -> str:
        relative = Path(path).relative_to(root).as_posix() if isinstance(path, Path) else path
        return relative if shown_root == "." else f"{shown_root}/{relative}"

    if full:
        result = _check_all(root, schemas)
        result.affected |= {show(p[len(prefix):]) for p, _, _ in changes if p.startswith(prefix)}
        return result

    tree = _tree(git, commit, prefix or ".")  # path → (mode, blob)
    changed_paths = sorted({p[len(prefix):] for p, _, _ in changes})
    problems: list[Problem] = []
    files: dict[aff.Key, str] = {}  # record key → records-relative path
    unparsed: set[aff.Key] = set()
    changed_set = set(changed_paths)
    for path, (mode, _) in tree.items():
        relative = path[len(prefix):]
        key = _key(relative)
        if key is None or relative in changed_set or _NOT_UTF8.search(relative):
            continue
        if mode == "120000":
            unparsed.add(key)
        elif mode in ("100644", "100755"):
            files[key] = relative
    for relative in changed_paths:
        found, what = _file_problems(root, relative, show)
        problems.extend(found)
        if what == "symlink":
            unparsed.add(_key(relative))
        elif what == "record":
            files[_key(relative)] = relative
    changed = {k for k in map(_key, changed_paths) if k}
    parsed: dict[aff.Key, object] = {k: _read_and_parse(root / files[k]) for k in changed if k in files}
    graph, cache = _graph(root, git, commit, prefix, changes, tree, files, parsed)
    affected_keys, load = aff.plan(graph, changed)
    todo = sorted(k for k in load if k in files and k not in parsed)
    todo += sorted(k for k in files if k[0] == aff.POLICY and k not in parsed and k not in load)
    stale = False
    for key, result in zip(todo, _parse_all([(root / files[k], None) for k in todo])):
        parsed[key] = result
        if key not in changed and _facts(key[0], result) != graph.encoded.get(key):
            # the cache disagrees with the file (hand-edited, or a poisoned CI cache): the plan is
            # not to be trusted, so mend the entry and check everything
            cache.put(tree[prefix + files[key]][1], _facts(key[0], result))
            stale = True
    cache.save()
    if stale:
        result = _check_all(root, schemas)
        result.affected |= {show(p) for p in changed_paths}
        return result
    records = _recordset(root, parsed, {k: show(files[k]) for k in parsed}, unparsed, problems)
    checked = check_loaded(records, problems, schemas)
    wanted = {show(files[k]) for k in affected_keys if k in files}
    wanted |= {show(f"{FOLDERS[t]}/{i}.yaml") for t, i in affected_keys & unparsed}
    for relative in changed_paths:
        wanted.add(show(relative))
        wanted |= {show(parent.as_posix()) for parent in Path(relative).parents if parent != Path(".")}
    return _result(checked, records, wanted, False)


def _recordset(root, parsed, shown, unparsed, problems) -> RecordSet:
    records = RecordSet(root=root)
    records.unparsed |= unparsed
    for (record_type, record_id), result in sorted(parsed.items()):
        if isinstance(result, ParseError):
            problems.append(Problem(shown[(record_type, record_id)], result.line, result.column, result.rule, result.message))
            records.unparsed.add((record_type, record_id))
        else:
            records.of(record_type)[record_id] = Record(record_type, record_id, shown[(record_type, record_id)], result)
    return records


def _result(checked, records, wanted, full) -> ChangedResult:
    escaped = {Problem(w, 0, 0, "", "").path for w in wanted}  # Problem escapes its path
    report = Report(sorted({p for p in checked.report.problems if full or p.path in escaped}, key=Problem.sort_key))
    count = sum(1 for r in records.all() if full or r.path in wanted)
    if full:
        wanted = {r.path for r in records.all()} | {p.path for p in report.problems}
    return ChangedResult(checked, report, count, wanted, full)


def _check_all(root, schemas) -> ChangedResult:
    """A policy or schema changed: every record is affected, the full run is the answer."""
    records, problems = load_records(root)
    checked = check_loaded(records, problems, schemas)
    return _result(checked, records, set(), True)


def _graph(root, git, commit, prefix, changes, tree, files, parsed):
    """The reference graph of every record (and the old versions of changed ones), from the fact
    cache or by parsing what it lacks; with the cache, saved by the caller."""
    cache = FactCache(git)
    known = cache.known
    versions: dict[aff.Key, list[str]] = {}
    missing: list[tuple[aff.Key, str]] = []
    for key, relative in files.items():
        if key in parsed:
            versions[key] = [_facts(key[0], parsed[key])]
            continue
        sha = tree[prefix + relative][1]
        facts = known.get(sha)
        if facts is None:
            missing.append((key, sha))
        else:
            versions[key] = [facts]
    # unchanged since REF: the file on disk is the blob, so read it there, in two processes when many
    for (key, sha), result in zip(missing, _parse_all([(root / files[k], None) for k, _ in missing])):
        versions[key] = [_facts(key[0], result)]
        cache.put(sha, versions[key][0])
    old = [(p[len(prefix):], sha) for p, sha, _ in changes if sha != ZERO]
    need = [(p, sha) for p, sha in old if sha not in known and _key(p)]
    blobs = git.read(commit, [prefix + p for p, _ in need]) if need else {}
    for path, sha in need:
        raw = blobs.get(prefix + path)
        if raw is not None:
            cache.put(sha, _facts(_key(path)[0], parse(raw, keep_tree=False)))
    for path, sha in old:
        key = _key(path)
        if key and sha in known:
            versions.setdefault(key, []).append(known[sha])
    return aff.Graph({k: "".join(v) for k, v in versions.items()}), cache
