"""Which records a change can affect, and the few records needed to check them exactly.

`kexie validate --changed-since REF` (issue #14, item 2) checks the changed records and every record
whose problems can depend on them, by running the one pipeline (checks/pipeline.py) over a small
subset of the records, then keeping only the affected files' problems. That is exact when

* the affected set A holds every record that *reads* a changed record, and
* the loaded set L holds everything a record of A reads,

because every check reads only the records it resolves by id. What the checks read (checks/integrity.py,
checks/policy/*):

    any record  → its references (REFERENCES + owner): existence, parse-ability, an expert's consent
    project     → its references' references when they are projects or workstations (names of a
                  station's organisers, of a contained project's society: eligibility, overseas-activity,
                  double-funding messages); the whole `contains` component (double-funding chains,
                  cycles are found by a DFS that stays inside a component); its (workstation, lead
                  society) group and their components (double-funding-implicit)
    workstation → the projects that name it and their references (agreement-parties reports on the
                  station, once per station, in project order)
    society     → the projects its bans name and their references (ban-records)
    policy      → everything: a changed policy file, or a changed schema, means a full run

A record's *facts* are its references as (field, target type, id): all this module needs to know of
a record that is not loaded. They come from the parsed, normalised data (so escapes and removed
zero-width characters cannot hide a reference), and callers cache them by content (blob) hash.
"""

from __future__ import annotations

import bisect

from generator.checks.integrity import REFERENCES, resolve

Key = tuple[str, str]  # (record type, id)
Facts = tuple[tuple[str, str, str], ...]  # ((field pattern, target type, target id), ...)

PROJECT, STATION, SOCIETY, POLICY = "project", "workstation", "society", "policy"
_READ_THROUGH = {PROJECT, STATION}  # records whose references other records' checks read too


def facts_of(record_type: str, data) -> Facts:
    """The references a record makes, from its parsed data; () for anything unreadable.

    Every pattern of integrity.REFERENCES whose record type matches, plus `owner` (→ society)."""
    if not isinstance(data, dict):
        return ()
    found = []
    for source, pattern, target, _ in REFERENCES:
        if source != record_type:
            continue
        name = ".".join(pattern)
        for _, value in resolve(data, pattern):
            if isinstance(value, str):
                found.append((name, target, value))
    owner = data.get("owner")
    if isinstance(owner, str):
        found.append(("owner", SOCIETY, owner))
    return tuple(sorted(set(found)))


def encode(facts: Facts) -> str:
    """Facts as one string, "field\x1ftype\x1fid\x1e" per reference: cheap to store, load and search
    (a reference to T is the substring "\x1f<type>\x1f<id>\x1e"; an id holding these separators can
    only add false matches, which widen the affected set, never lose one)."""
    return "".join(f"{name}\x1f{target_type}\x1f{target_id}\x1e" for name, target_type, target_id in facts)


def decode(text: str) -> Facts:
    return tuple(tuple(item.split("\x1f", 2)) for item in text.split("\x1e") if item.count("\x1f") >= 2)


class Graph:
    """References between records, from encoded facts (no record is parsed here). `encoded` maps a
    record key to its encoded facts; a changed record may carry its old and new versions joined:
    edges are their union, which can only widen the affected set.

    Who refers to a record is answered by scanning the encoded strings (str.find over all of them
    joined) while few questions are asked, and by a full reverse index once many are (a change to a
    large society), so a small change never pays for the index."""

    SCANS_BEFORE_INDEX = 200  # a scan costs a few ms; the index, every record's facts decoded

    def __init__(self, encoded: dict[Key, str]):
        self.encoded = encoded
        self._decoded: dict[Key, Facts] = {}
        self._reverse: dict[Key, set[Key]] = {}
        self._index: dict[Key, list[Key]] | None = None
        self._scans = 0
        self._contains = self._groups = self._group_of = None
        self._blob: str | None = None

    def facts(self, key: Key) -> Facts:
        found = self._decoded.get(key)
        if found is None:
            found = self._decoded[key] = decode(self.encoded.get(key, ""))
        return found

    def forward(self, key: Key) -> set[Key]:
        return {(t, i) for _, t, i in self.facts(key)}

    def reverse(self, target: Key) -> set[Key]:
        """Records with a reference to target."""
        found = self._reverse.get(target)
        if found is not None:
            return found
        if self._index is None and self._scans >= self.SCANS_BEFORE_INDEX:
            index: dict[Key, list[Key]] = {}
            for key in self.encoded:
                for _, t, i in self.facts(key):
                    index.setdefault((t, i), []).append(key)
            self._index = index
        if self._index is not None:
            found = set(self._index.get(target, ()))
        else:
            self._scans += 1
            found = {key for key in self._scan(f"\x1f{target[0]}\x1f{target[1]}\x1e")
                     if target in self.forward(key)}  # exact, after the cheap test
        self._reverse[target] = found
        return found

    def _scan(self, needle: str):
        """Keys whose encoded facts hold needle: str.find over all of them joined (C speed)."""
        if self._blob is None:
            self._keys = list(self.encoded)
            self._offsets, position = [], 0
            for key in self._keys:
                self._offsets.append(position)
                position += len(self.encoded[key])
            self._blob = "".join(self.encoded[key] for key in self._keys)
        at = self._blob.find(needle)
        while at != -1:
            yield self._keys[bisect.bisect_right(self._offsets, at) - 1]
            at = self._blob.find(needle, at + 1)

    def _projects(self):
        """`contains` edges (undirected) and (workstation, lead society) groups, from the projects'
        facts only (a few thousand of the records), built once on first use."""
        if self._contains is None:
            self._contains, self._groups, self._group_of = {}, {}, {}
            for key in self.encoded:
                if key[0] != PROJECT:
                    continue
                stations, leads = set(), set()
                for name, _, target_id in self.facts(key):
                    if name == "contains.*":
                        other = (PROJECT, target_id)
                        self._contains.setdefault(key, set()).add(other)
                        self._contains.setdefault(other, set()).add(key)
                    elif name == "workstation":
                        stations.add(target_id)
                    elif name == "lead_society":
                        leads.add(target_id)
                for pair in ((s, l) for s in stations for l in leads):
                    self._groups.setdefault(pair, set()).add(key)
                    self._group_of.setdefault(key, set()).add(pair)
        return self._contains, self._groups, self._group_of

    def component(self, key: Key) -> set[Key]:
        """The project's weakly connected `contains` component, itself included."""
        contains = self._projects()[0]
        seen, stack = {key}, [key]
        while stack:
            for other in contains.get(stack.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        return seen

    def group(self, key: Key) -> set[Key]:
        """Projects sharing a (workstation, lead society) with this one (any of its versions)."""
        _, groups, group_of = self._projects()
        return set().union(*(groups[g] for g in group_of.get(key, ())))

    def _projects_around(self, key: Key) -> set[Key]:
        """Component, group and the groups of the component: the projects double-funding reads."""
        around = self.component(key) | self.group(key)
        for member in list(around):
            around |= self.component(member) | self.group(member)
        return around

    def readers(self, key: Key) -> set[Key]:
        """Every record whose problems can depend on record `key` (module docstring, inverted)."""
        direct = self.reverse(key)
        found = set(direct)
        for reader in direct:
            if reader[0] in _READ_THROUGH:
                found |= self.reverse(reader)
        for project in {k for k in direct | {key} if k[0] == PROJECT}:
            found |= self._projects_around(project)
            found |= {t for t in self.forward(project) if t[0] == STATION}
        return found

    def reads(self, key: Key) -> set[Key]:
        """Every record the checks of record `key` read (module docstring)."""
        first = self.forward(key)
        found = set(first)
        for target in first:
            if target[0] in _READ_THROUGH:
                found |= self.forward(target)
        if key[0] == PROJECT:
            around = self._projects_around(key)
        elif key[0] == STATION:
            around = {k for k in self.reverse(key) if k[0] == PROJECT}
        elif key[0] == SOCIETY:
            around = {k for k in first if k[0] == PROJECT}
        else:
            around = set()
        for other in around:
            found.add(other)
            found |= self.forward(other)
        return found


def plan(graph: Graph, changed: set[Key]) -> tuple[set[Key], set[Key]]:
    """(affected, to load) for a set of changed record keys. Policies are always loaded."""
    affected = set(changed)
    for key in changed:
        affected |= graph.readers(key)
    load = set(affected)
    for key in affected:
        load |= graph.reads(key)
    return affected, load
