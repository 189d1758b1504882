"""Which records a page read while it was rendered: the model behind a recording proxy.

A page's bytes are a pure function of what its template (or Python writer) reads. Templates reach
other records only through the model (`m.experts[eid].name`, `sid in m.societies`,
`m.projects.get(pid)`, `m.needs.values()`), so the model is handed to them wrapped: every lookup is
noted as a dependency. `expert:zhang-wei` means "read expert zhang-wei, or learnt it is absent";
`experts:*` means "iterated or counted all experts"; `@policies` means "read the model's
`policies` attribute". `labels` (the schemas' vocabularies) is not noted: a schema change already
forces a full build (see generator/site/manifest.py).

`Fingerprints` turns a dependency into the sha256 of what was read, computed once per record per
build: `repr` of the record dict. The model's records are plain dicts, lists, tuples, strings and
numbers built in a fixed order, so equal `repr` means equal data; anything whose `repr` is not
stable (an object without its own `repr`) only makes the page look changed, never the reverse.
"""

from __future__ import annotations

import hashlib

COLLECTIONS = ("experts", "societies", "workstations", "projects", "needs", "proposals")
NOT_TRACKED = {"labels"}  # covered by the schemas fingerprint: a change there means a full build
ABSENT = "-"
KEY_DIGITS = 32  # hex digits of a page key kept in the manifest: 128 bits


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class TrackedDict:
    """A read-only view of one model collection that notes which ids were looked up."""

    __slots__ = ("_name", "_data", "_reads")

    def __init__(self, name: str, data: dict, reads: set):
        self._name, self._data, self._reads = name, data, reads

    def __getitem__(self, key):
        self._reads.add(f"{self._name}:{key}")
        return self._data[key]

    def __contains__(self, key):
        self._reads.add(f"{self._name}:{key}")
        return key in self._data

    def get(self, key, default=None):
        self._reads.add(f"{self._name}:{key}")
        return self._data.get(key, default)

    def _all(self):
        self._reads.add(f"{self._name}:*")
        return self._data

    def __iter__(self):
        return iter(self._all())

    def __len__(self):
        return len(self._all())

    def __bool__(self):
        return bool(self._all())

    def keys(self):
        return self._all().keys()

    def values(self):
        return self._all().values()

    def items(self):
        return self._all().items()


class TrackedModel:
    """The SiteModel as a template sees it, noting every record and attribute it reads in `reads`."""

    def __init__(self, model, reads: set | None = None):
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "reads", set() if reads is None else reads)

    def __getattr__(self, name):
        value = getattr(self._model, name)
        if name in COLLECTIONS:
            return TrackedDict(name, value, self.reads)
        if name not in NOT_TRACKED and not name.startswith("__"):
            self.reads.add(f"@{name}")
        return value

    def __setattr__(self, name, value):  # pragma: no cover - a writer must never change the model
        raise AttributeError("页面生成时不能修改数据模型")


class Fingerprints:
    """sha256 of each dependency's current value, computed lazily and cached for one build."""

    def __init__(self, model):
        self.model = model
        self._cache: dict[str, str] = {}

    def of(self, dep: str) -> str:
        cached = self._cache.get(dep)
        if cached is None:
            cached = self._cache[dep] = self._compute(dep)
        return cached

    def _compute(self, dep: str) -> str:
        if dep.startswith("@"):
            return digest(repr(getattr(self.model, dep[1:], ABSENT)))
        name, _, key = dep.partition(":")
        if name not in COLLECTIONS:
            return ABSENT + dep  # an unknown dependency never matches a fresh build's key
        data = getattr(self.model, name)
        if key == "*":
            return digest("\n".join(f"{k}\t{self.of(f'{name}:{k}')}" for k in data))
        record = data.get(key)
        return ABSENT if record is None else digest(repr(record))

    def key(self, base: str, deps) -> str:
        """The page key: `base` (what the page's own writer adds: global inputs) and each
        dependency's hash; 32 hex digits, the first 128 bits of a sha256 (why that is enough:
        generator/site/manifest.py)."""
        lines = [base] + [f"{dep}\t{self.of(dep)}" for dep in sorted(deps)]
        return digest("\n".join(lines))[:KEY_DIGITS]
