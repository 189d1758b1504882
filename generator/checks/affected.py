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

from dataclasses import dataclass, field

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


@dataclass
class Graph:
    """References between records, built from facts (no record is parsed here). `facts` maps a
    record key to its facts; several fact sets per key are allowed (old and new versions of a
    changed record): edges are their union, which can only widen the affected set."""

    facts: dict[Key, list[Facts]]
    forward: dict[Key, set[Key]] = field(default_factory=dict)
    reverse: dict[Key, set[Key]] = field(default_factory=dict)
    contains: dict[Key, set[Key]] = field(default_factory=dict)  # undirected `contains` edges
    groups: dict[tuple[str, str], set[Key]] = field(default_factory=dict)
    group_of: dict[Key, set[tuple[str, str]]] = field(default_factory=dict)

    def __post_init__(self):
        for key, versions in self.facts.items():
            out = self.forward.setdefault(key, set())
            for facts in versions:
                station = lead = None
                for name, target_type, target_id in facts:
                    target = (target_type, target_id)
                    out.add(target)
                    self.reverse.setdefault(target, set()).add(key)
                    if name == "contains.*":
                        self.contains.setdefault(key, set()).add(target)
                        self.contains.setdefault(target, set()).add(key)
                    elif key[0] == PROJECT and name == "workstation":
                        station = target_id
                    elif key[0] == PROJECT and name == "lead_society":
                        lead = target_id
                if station is not None and lead is not None:
                    self.groups.setdefault((station, lead), set()).add(key)
                    self.group_of.setdefault(key, set()).add((station, lead))

    def component(self, key: Key) -> set[Key]:
        """The project's weakly connected `contains` component, itself included."""
        seen, stack = {key}, [key]
        while stack:
            for other in self.contains.get(stack.pop(), ()):
                if other not in seen:
                    seen.add(other)
                    stack.append(other)
        return seen

    def group(self, key: Key) -> set[Key]:
        return set().union(*(self.groups[g] for g in self.group_of.get(key, ())))

    def _projects_around(self, key: Key) -> set[Key]:
        """Component, group and the groups of the component: the projects double-funding reads."""
        around = self.component(key) | self.group(key)
        for member in list(around):
            around |= self.component(member) | self.group(member)
        return around

    def readers(self, key: Key) -> set[Key]:
        """Every record whose problems can depend on record `key` (module docstring, inverted)."""
        direct = self.reverse.get(key, set())
        found = set(direct)
        for reader in direct:
            if reader[0] in _READ_THROUGH:
                found |= self.reverse.get(reader, set())
        for project in {k for k in direct | {key} if k[0] == PROJECT}:
            found |= self._projects_around(project)
            found |= {t for t in self.forward.get(project, ()) if t[0] == STATION}
        return found

    def reads(self, key: Key) -> set[Key]:
        """Every record the checks of record `key` read (module docstring)."""
        first = set(self.forward.get(key, ()))
        found = set(first)
        for target in first:
            if target[0] in _READ_THROUGH:
                found |= self.forward.get(target, set())
        if key[0] == PROJECT:
            around = self._projects_around(key)
        elif key[0] == STATION:
            around = {k for k in self.reverse.get(key, ()) if k[0] == PROJECT}
        elif key[0] == SOCIETY:
            around = {k for k in first if k[0] == PROJECT}
        else:
            around = set()
        for other in around:
            found.add(other)
            found |= self.forward.get(other, set())
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
