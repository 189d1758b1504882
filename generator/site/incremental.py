"""Incremental builds (issue #14, item 2): reuse every output file whose inputs did not change.

How a build decides what to redo — the dependency map
-----------------------------------------------------
The scheme is a verifying trace: every output is produced by a writer that reads the public model
only through `tracking.TrackedModel`, so the build notes, per output, exactly which records (and
model attributes) it read, plus a `base` string of its other inputs (the page frame, links, site
address, demo flag, warnings…). The manifest stores, per output, the list of those reads and a key:
the sha256 of `base` and of the current value of each read. The next build recomputes the key from
the *same* list of reads against the new model; equal keys mean every value the previous writer read
is unchanged, so — writers being deterministic — it would read the same things and write the same
bytes, and the previous file is hard-linked instead of being written. A different key re-runs the
writer, which notes its new reads. Nobody has to keep a hand-written map of "which page shows which
record" in step with the templates: the map is recorded from what the templates actually read.

What that gives for each kind of output:

- record pages (`experts/<id>/` + `<id>.json`, and the five other kinds): an expert page reads
  itself, its societies, workstations, projects and proposals (their names/titles), and the experts
  listed under 相似专家; a society page its members and core team, workstations, projects… The
  record dicts already carry what is computed across records (history, 相似专家, 推荐专家 of a
  need), so their hashes change exactly when that changes.
- 推荐专家 / 相似专家 are computed with BM25 over ALL experts (model/matching.py): a corpus
  statistic changes with any edit, so matching is recomputed in full on every build (it is part of
  the model), and a page is re-rendered only when its own recommendation lists (its record dict)
  or the names it links to changed. Identity with a full build holds by construction.
- open data (api/), the docking files, each year's report files, the search index: regenerated on
  every build for now (they run beside MkDocs and the pages in other processes:
  common.forking.Background / fork_stages). `Incremental.unit` can wrap each as one unit with its
  own key (they read whole collections, `experts:*`, so any change to a record they show rebuilds
  the unit); the search index's key would be the hash of its documents.
- list pages, dashboards (/funding/, /targets/), 最近更新 and the other MkDocs pages, the page frame,
  the sitemap, the Atom feed, 404, schemas/: re-rendered on every build (MkDocs renders them from
  the model and git history; they are few). The frame's bytes are part of every record page's key:
  a change to the navigation or the theme re-renders every record page.
- validation: policy rules look across records (per-society caps, double funding, bans), so every
  build re-checks all records with the same pipeline as `kexie validate` — the problems are those
  of a full run by construction.

What the manifest cannot vouch for — the generator's code, templates or versions, mkdocs.yml and the
build options, schemas/, records/policies/ — is in its fingerprint (generator/site/manifest.py):
if any differs, or the manifest is missing or corrupt, or `--full` is given, the build is a full
one and says why in Chinese.

Atomicity: the build still happens in a fresh staging folder beside the live site; reused files
are hard links to the live site's files (read, never opened for writing: every writer writes only
files it did not link, and a unit whose links fail half-way removes them before it runs), so the
live site is never modified, and a failed or killed build leaves it exactly as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from generator.site import manifest
from generator.site.tracking import Fingerprints, TrackedModel, digest


class Incremental:
    """One build's reuse bookkeeping. `previous` is None for a full build (`reason` says why)."""

    def __init__(self, model, current: dict, previous_site: Path | None, previous: dict | None, reason: str):
        self.model = model
        self.current = current
        self.previous_site = previous_site if previous is not None else None
        self.previous = previous or {"pages": {}, "units": {}, "outputs": {}}
        self.reason = reason
        self.fingerprints = Fingerprints(model)
        self.pages: dict[str, dict] = {}
        self.units: dict[str, dict] = {}
        self.known: dict[str, str] = {}  # linked file → its sha256 (from the previous manifest)
        self.rendered = 0
        self.reused = 0

    @classmethod
    def start(cls, model, current: dict, previous_site: Path | None, why_not: str = "") -> "Incremental":
        """Read the previous manifest from `previous_site`; None means a full build, `why_not` says why."""
        if previous_site is None:
            return cls(model, current, None, None, why_not or "没有指定上次的网站")
        if not previous_site.is_dir():
            return cls(model, current, None, None, "输出目录中还没有网站")
        try:
            previous = manifest.read(previous_site, current)
        except manifest.ManifestError as exc:
            return cls(model, current, None, None, str(exc))
        return cls(model, current, previous_site, previous, "")

    @property
    def is_incremental(self) -> bool:
        return self.previous_site is not None

    def notice(self) -> str:
        """One Chinese line for the terminal: which kind of build this was, and why."""
        if self.is_incremental:
            return f"增量生成：重新生成 {self.rendered} 项，沿用上次的 {self.reused} 项。"
        return f"完整生成（{self.reason}）。"

    # -- linking ---------------------------------------------------------------------------------

    def _link(self, site: Path, files: list[str]) -> dict[str, str] | None:
        """Hard-link `files` from the previous site into `site`; {file: sha256} or None (then
        nothing is left linked) when one of them is missing."""
        done = []
        try:
            for rel in files:
                target = site / rel
                if rel.endswith("/"):  # a folder the writer made, possibly empty
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.exists():
                    target.unlink()  # MkDocs wrote it: ours replaces it, as in a full build
                os.link(self.previous_site / rel, target)
                done.append(target)
        except OSError:
            for target in done:
                target.unlink()
            return None
        outputs = self.previous["outputs"]
        return {rel: outputs.get(rel, "") for rel in files if not rel.endswith("/")}

    # -- record pages ----------------------------------------------------------------------------

    def reuse_page(self, site: Path, url: str, base: str, files: list[str]):
        """If page `url` (its `files`) has the previous key, link them; return (entry, hashes) or None."""
        entry = self.previous["pages"].get(url) if self.is_incremental else None
        if not entry or self.fingerprints.key(base, entry["deps"]) != entry["key"]:
            return None
        linked = self._link(site, files)
        return None if linked is None else (entry, linked)

    def page_entry(self, base: str, reads: set) -> dict:
        return {"key": self.fingerprints.key(base, reads), "deps": sorted(reads)}

    def record_page(self, url: str, entry: dict, linked: dict | None) -> None:
        """Note a page's manifest entry (in the parent process, after the parallel writers)."""
        self.pages[url] = entry
        if linked is None:
            self.rendered += 1
        else:
            self.reused += 1
            self.known.update({rel: h for rel, h in linked.items() if h})

    # -- units -----------------------------------------------------------------------------------

    def unit(self, site: Path, name: str, base: str, folders: list[str], run) -> None:
        """Run `run(model)` (the model tracked) unless unit `name` can be reused; its files are
        the ones it adds under `folders` (relative to `site`)."""
        previous = self.previous["units"].get(name) if self.is_incremental else None
        if previous and self.fingerprints.key(base, previous["deps"]) == previous["key"]:
            linked = self._link(site, previous["files"])
            if linked is not None:
                self.units[name] = previous
                self.known.update({rel: h for rel, h in linked.items() if h})
                self.reused += 1
                return
        before = _listing(site, folders)
        reads: set = set()
        run(TrackedModel(self.model, reads))
        files = sorted(_listing(site, folders) - before)
        self.units[name] = {**self.page_entry(base, reads), "files": files}
        self.rendered += 1

    def write_manifest(self, site: Path) -> dict:
        return manifest.write(site, self.current, self.pages, self.units, self.known)


class ReusedPages:
    """Wraps `stages.RecordPages`: links a page whose key is unchanged, else renders it with the model
    tracked. Called with (attribute, record id) in the page writers' processes; returns (url,
    last-changed date, manifest entry, linked file hashes or None) for `Incremental.record_page`."""

    def __init__(self, pages, incremental: Incremental, base: str):
        self.pages, self.incremental, self.model = pages, incremental, pages.model
        self.bases = {attribute: base_of(base, attribute, pages.titles[attribute]) for attribute in pages.titles}

    def __call__(self, job):
        from generator.site.pages import RECORD_PAGES

        attribute, record_id = job
        folder = RECORD_PAGES[attribute][0]
        url = f"{folder}/{record_id}/"
        base = self.bases[attribute]
        files = [f"{url}index.html", f"{folder}/{record_id}.json"] if self.pages.own_json else [f"{url}index.html"]
        reused = self.incremental.reuse_page(self.pages.site, url, base, files)
        if reused:
            return url, getattr(self.model, attribute)[record_id]["changed"], *reused
        reads: set = set()
        tracked = TrackedModel(self.model, reads)  # notes which records the page shows (its manifest deps)
        self.pages.model, self.pages.context["m"] = tracked, tracked
        try:
            url, changed = self.pages(job)
        finally:
            self.pages.model, self.pages.context["m"] = self.model, self.model
        return url, changed, self.incremental.page_entry(base, reads), None


def _listing(site: Path, folders: list[str]) -> set[str]:
    """Files and folders (with a trailing /) under `folders`, relative to `site`."""
    found = set()
    for folder in folders:
        root = site / folder
        for path, dirs, files in os.walk(root):
            rel = Path(path).relative_to(site).as_posix()
            found.update(f"{rel}/{name}" for name in files)
            found.update(f"{rel}/{name}/" for name in dirs)
    return found


def base_of(*parts) -> str:
    """A writer's non-model inputs as one hash (each part by its `repr`)."""
    return digest("\n".join(repr(part) for part in parts))
