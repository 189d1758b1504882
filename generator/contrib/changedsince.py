"""`kexie validate --changed-since REF`: the changed records and the records they affect, checked
exactly as a full run checks them, at a cost that follows the change (issue #14, item 2).

What changed: `git diff --raw REF` against the working tree (commits since REF, staged and unstaged
edits, deletions; renames as a deletion plus an addition) and `git ls-files --others` (untracked
files, ignored ones too: the full run reads every file under records/). A changed policy file or
schema changes what every record means: then every record is checked (a full run).

What is affected and what must be loaded: checks/affected.py, from each record's *facts* (its
references). Facts of an unchanged file come from a cache keyed by the file's git blob hash at REF
(`git ls-tree -r REF`): content-addressed, so never stale, and shared by every branch and REF. It
lives in the repository's git directory (`git rev-parse --git-path kexie/…`), one pickle of
{blob sha1: facts} with the version of the fact extractor in its name; the first run (or a run after
many new files) parses what the cache lacks, in two processes when there are many.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from dataclasses import dataclass
from pathlib import Path

from generator.checks import affected as aff
from generator.checks.integrity import REFERENCES
from generator.checks.pipeline import Checked, check_loaded
from generator.contrib.gitread import Git, GitError
from generator.records.problems import Problem, Report
from generator.records.recordset import (
    FOLDERS, NOT_UTF8_NAME, RECORD_TYPES, Record, RecordSet, _NOT_UTF8, _parse_all, _read_and_parse,
    display_path, iter_files, skipped_problem,
)
from generator.records.schemas import SchemaSet, find_schemas_dir
from generator.records.strict_yaml import ParseError, parse

CACHE_VERSION = hashlib.sha1(repr(("facts-1", REFERENCES)).encode()).hexdigest()[:12]
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
    """path → blob sha of every file under folder at REF."""
    entries = (e.split("\t", 1) for e in _git_paths(git.run("ls-tree", "-r", "-z", ref, "--", folder)))
    return {path: meta.split(" ")[2] for meta, path in entries}


class FactCache:
    """{blob sha: facts} in the git directory; see the module docstring."""

    def __init__(self, git: Git):
        self.path = Path(git.cwd) / git.run("rev-parse", "--git-path", f"kexie/facts-{CACHE_VERSION}.pickle").decode().strip()
        try:
            with open(self.path, "rb") as handle:
                self.known: dict[str, aff.Facts] = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
            self.known = {}
        self.added = 0

    def put(self, sha: str, facts: aff.Facts) -> None:
        self.known[sha] = facts
        self.added += 1

    def save(self) -> None:
        if not self.added:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".facts-")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(self.known, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only git directory: the next run parses again, nothing is wrong


def _facts(record_type: str, result) -> aff.Facts:
    return () if isinstance(result, ParseError) else aff.facts_of(record_type, result.data)


def _key(rel: Path) -> aff.Key | None:
    """(type, id) of a records-relative path that is a record's place, else None."""
    parts = rel.parts
    if len(parts) == 2 and parts[0] in RECORD_TYPES and parts[1].endswith(".yaml"):
        return RECORD_TYPES[parts[0]], parts[1][: -len(".yaml")]
    return None


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
    schemas_dir = find_schemas_dir(root)
    specs = [rel]
    if schemas_dir.resolve().is_relative_to(top.resolve()):
        specs.append(schemas_dir.resolve().relative_to(top.resolve()).as_posix())
    changes = _changes(git, commit, specs)
    prefix = "" if rel == "." else rel + "/"
    policies = f"{prefix}{FOLDERS['policy']}/"
    full = any(not p.startswith(prefix) or p.startswith(policies) for p, _, _ in changes)
    return _check(root, git, commit, prefix, changes, SchemaSet(schemas_dir), full)


def _check(root, git, commit, prefix, changes, schemas, full) -> ChangedResult:
    shown_root = display_path(root)

    def show(path: Path) -> str:
        if path == root:
            return shown_root
        relative = path.relative_to(root).as_posix()
        return relative if shown_root == "." else f"{shown_root}/{relative}"

    problems: list[Problem] = []
    skipped: list = []
    files: dict[aff.Key, Path] = {}
    unparsed: set[aff.Key] = set()
    for path, record_type in iter_files(root, skipped):
        if not path.name.isprintable() and _NOT_UTF8.search(path.name):
            problems.append(Problem(show(path), 0, 0, "file-name", NOT_UTF8_NAME))
        elif record_type is None or path.suffix != ".yaml":
            folders = "、".join(f"records/{f}/" for f in RECORD_TYPES)
            problems.append(Problem(show(path), 0, 0, "file-location",
                                    f"这里不应有这个文件：记录必须是 {folders} 之一中的 `<编号>.yaml` 文件（扩展名用 .yaml，不用 .yml）"))
        else:
            files[(record_type, path.stem)] = path
    for path, is_dir, why in skipped:
        problems.append(skipped_problem(root, path, is_dir, why, show(path)))
        key = _key(path.relative_to(root))
        if why == "symlink" and not is_dir and key:
            unparsed.add(key)

    changed_paths = {p[len(prefix):] for p, _, _ in changes if p.startswith(prefix)}
    changed = {k for k in map(lambda p: _key(Path(p)), changed_paths) if k}
    parsed: dict[aff.Key, object] = {}
    for key in changed:
        if key in files:
            parsed[key] = _read_and_parse(files[key])
    if full:
        affected_keys = set(files) | unparsed
        load = set(files)
    else:
        affected_keys, load = _plan(root, git, commit, prefix, changes, files, changed, parsed)
    for key in sorted(load - parsed.keys()):
        if key in files:
            parsed[key] = None
    todo = [k for k, v in parsed.items() if v is None]
    for key, result in zip(todo, _parse_all([files[k] for k in todo])):
        parsed[key] = result
    for key, path in files.items():  # every policy: each project's period comes from them
        if key[0] == aff.POLICY and key not in parsed:
            parsed[key] = _read_and_parse(path)

    records = RecordSet(root=root)
    records.unparsed |= unparsed
    for (record_type, record_id), result in sorted(parsed.items()):
        shown = show(files[(record_type, record_id)])
        if isinstance(result, ParseError):
            problems.append(Problem(shown, result.line, result.column, result.rule, result.message))
            records.unparsed.add((record_type, record_id))
        else:
            records.of(record_type)[record_id] = Record(record_type, record_id, shown, result)
    checked = check_loaded(records, problems, schemas)

    wanted = {show(files[k]) for k in affected_keys if k in files}
    wanted |= {show(root / f"{FOLDERS[t]}/{i}.yaml") for t, i in affected_keys & unparsed}
    for relative in changed_paths:
        wanted.add(show(root / relative))
        for parent in Path(relative).parents:
            if parent != Path("."):
                wanted.add(show(root / parent))
    shown = {Problem(w, 0, 0, "", "").path: w for w in wanted}  # Problem escapes its path
    report = Report([p for p in checked.report.problems if p.path in shown])
    count = sum(1 for r in records.all() if r.path in wanted)
    return ChangedResult(checked, report, count, wanted, full)


def _plan(root, git, commit, prefix, changes, files, changed, parsed):
    """(affected keys, keys to load): facts of every record (cache or parse), then affected.plan."""
    cache = FactCache(git)
    tree = _tree(git, commit, prefix or ".")
    versions: dict[aff.Key, list[aff.Facts]] = {}
    changed_full = {p for p, _, _ in changes}
    missing: list[tuple[aff.Key, str, Path]] = []
    for key, path in files.items():
        if key in parsed:
            result = parsed[key]
            versions[key] = [_facts(key[0], result)]
            continue
        full_path = prefix + path.relative_to(root).as_posix()
        sha = tree.get(full_path) if full_path not in changed_full else None
        if sha is not None and sha in cache.known:
            versions[key] = [cache.known[sha]]
        else:
            missing.append((key, sha, path))
    for (key, sha, _), result in zip(missing, _parse_all([p for _, _, p in missing])):
        versions[key] = [_facts(key[0], result)]
        if sha:
            cache.put(sha, versions[key][0])
    old = [(p, sha) for p, sha, _ in changes if sha != ZERO and p.startswith(prefix)]
    need = [(p, sha) for p, sha in old if sha not in cache.known]
    blobs = git.read(commit, [p for p, _ in need]) if need else {}
    for path, sha in need:
        key = _key(Path(path[len(prefix):]))
        raw = blobs.get(path)
        if key and raw is not None:
            cache.put(sha, _facts(key[0], parse(raw, keep_tree=False)))
    for path, sha in old:
        key = _key(Path(path[len(prefix):]))
        if key and sha in cache.known:
            versions.setdefault(key, []).append(cache.known[sha])
    cache.save()
    graph = aff.Graph(versions)
    return aff.plan(graph, changed)
