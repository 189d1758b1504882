"""Incremental `kexie build` (issue #14, item 2): after each kind of change, building over the previous
site gives the very bytes of a full build from scratch — every file, every folder, the manifest too.

One scratch project under git (so 最近更新, the feed and each page's history change as well) goes
through edits, additions, deletions, renames of records of several kinds, a change to the page
frame (overrides/) and to a prose page; after each step the incremental site is compared with a
full build of the same records, and untouched pages must be the previous files (hard links).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest

from generator.site.build import build_site
from generator.common.hashing import read_json_gz, write_json_gz
from generator.site.manifest import path_of
from tests.gitrepo import Repo
from tests.sitebuild import REPO

IGNORED = {".git"}


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under root, by relative path."""
    found = {}
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        for name in dirs:
            found[os.path.normpath(os.path.join(rel, name)) + "/"] = None
        for name in files:
            found[os.path.normpath(os.path.join(rel, name))] = Path(folder, name).read_bytes()
    return found


def assert_same(incremental: Path, full: Path) -> None:
    a, b = tree(incremental), tree(full)
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    differ = sorted(p for p in set(a) & set(b) if a[p] != b[p])
    assert (only_a, only_b, differ) == ([], [], []), "incremental build differs from the full build"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Repo:
    root = tmp_path_factory.mktemp("incremental") / "project"
    repo = Repo(root)
    for name in ("site_src", "overrides", "schemas", "records"):
        _copy(REPO / name, root / name)
    (root / "mkdocs.yml").write_bytes((REPO / "mkdocs.yml").read_bytes())
    repo.commit("start")
    return repo


def _copy(source: Path, target: Path) -> None:
    shutil.copytree(source, target, symlinks=True)


def build(root: Path, out: Path, full: bool = False) -> str:
    notices: list = []
    build_site(root / "mkdocs.yml", out, full=full, notices=notices)
    return notices[0]


def replace_id(root: Path, old: str, new: str) -> None:
    """Rename record `old` to `new` everywhere under records/ (its file and every reference)."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])")
    for path in (root / "records").rglob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        if pattern.search(text):
            path.write_text(pattern.sub(new, text), encoding="utf-8")


def referenced(root: Path, record_id: str) -> bool:
    pattern = re.compile(rf"(?<![\w-]){re.escape(record_id)}(?![\w-])")
    return sum(bool(pattern.search(p.read_text(encoding="utf-8"))) for p in (root / "records").rglob("*.yaml")) > 1


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path.name}: {old!r} not found"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def unreferenced(root: Path, folder: str) -> str:
    return next(p.stem for p in sorted((root / "records" / folder).glob("*.yaml")) if not referenced(root, p.stem))


def _edits(root: Path) -> None:
    r = root / "records"
    edit(r / "experts/cai-yu.yaml", "title: 教授", "title: 研究员")  # shown under 相似专家 of other experts
    edit(r / "experts/cai-yu.yaml", "长期从事", "多年来长期从事")  # bio: search index, open data
    # a society's name is on its experts', projects' and stations' pages (and in the stations' agreements)
    society = sorted((r / "societies").glob("*.yaml"))[0]
    name = re.search(r"\nname: (.+)\n", society.read_text(encoding="utf-8")).group(1)
    for path in r.rglob("*.yaml"):
        if name in (text := path.read_text(encoding="utf-8")):
            path.write_text(text.replace(name, name.replace("杭州市", "杭州市新")), encoding="utf-8")
    project = sorted((r / "projects").glob("*.yaml"))[0]
    edit(project, "\ntitle: ", "\ntitle: 改进的")  # funding pages and yearly reports
    need = sorted((r / "needs").glob("*.yaml"))[0]
    edit(need, "\ntitle: ", "\ntitle: 紧急：")  # 推荐专家 and the docking list


def _additions_deletions(root: Path) -> None:
    r = root / "records"
    proposal = sorted((r / "proposals").glob("*.yaml"))[0]
    text = proposal.read_text(encoding="utf-8")
    (r / "proposals" / f"{proposal.stem}-b.yaml").write_text(text.replace(f"id: {proposal.stem}", f"id: {proposal.stem}-b"), encoding="utf-8")
    need = sorted((r / "needs").glob("*.yaml"))[1]
    text = need.read_text(encoding="utf-8")
    (r / "needs" / f"{need.stem}-b.yaml").write_text(text.replace(f"id: {need.stem}", f"id: {need.stem}-b"), encoding="utf-8")
    (r / "needs" / f"{unreferenced(root, 'needs')}.yaml").unlink()
    (r / "proposals" / f"{unreferenced(root, 'proposals')}.yaml").unlink()


def _renames(root: Path) -> None:
    r = root / "records"
    for folder, old in (("experts", "cai-yu"), ("societies", sorted(p.stem for p in (r / "societies").glob("*.yaml"))[1]),
                        ("projects", sorted(p.stem for p in (r / "projects").glob("*.yaml"))[2])):
        new = f"{old}-x" if folder != "projects" else old[:-3] + "099"
        (r / folder / f"{old}.yaml").rename(r / folder / f"{new}.yaml")
        replace_id(root, old, new)


def _frame_and_prose(root: Path) -> None:
    edit(root / "overrides/partials/search.html", 'role="dialog"', 'role="dialog" data-kx-changed')
    index = root / "site_src/index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n本站内容每日更新。\n", encoding="utf-8")


STEPS = [("edits", _edits), ("additions and deletions", _additions_deletions), ("renames", _renames),
         ("frame and prose", _frame_and_prose)]


def pages(out: Path) -> dict[str, tuple[str, int]]:
    """Each record page of the manifest: (its key, the inode of its index.html)."""
    data = read_json_gz(path_of(out))["pages"]
    return {url: (entry["key"], os.stat(out / url / "index.html").st_ino) for url, entry in data.items()}


def test_incremental_build_is_byte_identical_to_full_build(project, tmp_path):
    root = project.root
    out = tmp_path / "site"
    assert build(root, out) == "完整生成（输出目录中还没有网站）。"
    for number, (step, change) in enumerate(STEPS):
        before = pages(out)
        change(root)
        project.commit(step)
        notice = build(root, out)
        assert notice.startswith("增量生成："), (step, notice)
        reference = tmp_path / f"full-{number}"
        assert build(root, reference, full=True) == "完整生成（指定了 --full）。"
        assert_same(out, reference)
        after = pages(out)
        kept = {url for url in after if url in before and after[url][0] == before[url][0]}
        # a page whose inputs did not change is the previous file itself, never rewritten
        assert all(after[url][1] == before[url][1] for url in kept), step
        assert all(after[url][1] != before[url][1] for url in set(after) - kept if url in before), step
        if step == "frame and prose":
            assert not kept  # the frame is on every record page
        else:
            assert len(kept) > len(after) / 2, step  # most pages did not show what changed
        if step == "edits":
            assert "experts/cai-yu/" not in kept


@pytest.fixture(scope="module")
def built(project, tmp_path_factory) -> Path:
    """A full build of the project's records as they are after the steps above."""
    out = tmp_path_factory.mktemp("built") / "site"
    build(project.root, out, full=True)
    return out


def test_unchanged_rebuild_reuses_everything_and_outputs_list_every_file(project, built, tmp_path):
    out = tmp_path / "site"
    _copy(built, out)
    notice = build(project.root, out)
    assert re.fullmatch(r"增量生成：重新生成 0 项，沿用上次的 \d+ 项。", notice), notice
    data = read_json_gz(path_of(out))
    files = {p for p, v in tree(out).items() if v is not None and not p.startswith(".kexie/")}
    assert set(data["outputs"]) == files

    assert data["outputs"]["api/experts.json"] == hashlib.sha256((out / "api/experts.json").read_bytes()).hexdigest()


def _edit_fingerprint(part: str):
    def spoil(manifest: Path) -> None:
        data = read_json_gz(manifest)
        data["fingerprint"][part] = "0" + data["fingerprint"][part]
        write_json_gz(manifest, data)
    return spoil


@pytest.mark.parametrize("spoil, reason", [
    (lambda m: m.write_text("{不是 JSON", encoding="utf-8"), "上次生成的清单（.kexie/manifest.json.gz）已损坏或格式不符"),
    (lambda m: m.write_bytes(m.read_bytes()[:-9]), "上次生成的清单（.kexie/manifest.json.gz）已损坏或格式不符"),  # cut short
    (lambda m: m.write_bytes(gzip.compress(b'{"format": 1, "pages": {}}')), "上次生成的清单（.kexie/manifest.json.gz）已损坏或格式不符"),
    (lambda m: m.unlink(), "输出目录中没有上次生成的清单（.kexie/manifest.json.gz）"),
    (_edit_fingerprint("code"), "生成器的代码、模板或版本变了"),
    (_edit_fingerprint("policies"), "政策文件（records/policies/）变了"),
    (_edit_fingerprint("schemas"), "结构定义（schemas/）变了"),
])
def test_what_the_manifest_cannot_vouch_for_means_a_full_build(project, built, tmp_path, spoil, reason):
    out = tmp_path / "site"
    _copy(built, out)
    spoil(path_of(out))
    assert build(project.root, out) == f"完整生成（{reason}）。"
    assert_same(out, built)


def test_config_change_means_a_full_build(project, built, tmp_path):
    out = tmp_path / "site"
    _copy(built, out)
    config = project.root / "mkdocs.yml"
    original = config.read_bytes()
    try:
        edit(config, "site_name: ", "site_name: 新")
        assert build(project.root, out) == "完整生成（网站配置（mkdocs.yml 或生成选项）变了）。"
    finally:
        config.write_bytes(original)


def test_failed_incremental_build_leaves_the_previous_site_as_it_was(project, built, tmp_path):
    out = tmp_path / "site"
    _copy(built, out)
    before = tree(out)
    expert = project.root / "records/experts/chen-bin.yaml"
    original = expert.read_bytes()
    try:
        edit(expert, "\nname: ", "\nname: [")
        from generator.site.build import BuildError

        with pytest.raises(BuildError):
            build(project.root, out)
    finally:
        expert.write_bytes(original)
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no staging folder left behind


def test_crossing_record_json_max_rebuilds_every_page_and_equals_a_full_build(tmp_path):
    """A directory that grows past mkdocs.yml's `record_json_max` (no config change) drops every
    per-record JSON and relinks every footer; shrinking back brings them back: each incremental
    build equals the full one, no stale `<id>.json` stays behind."""
    root = tmp_path / "project"
    repo = Repo(root)
    for name in ("site_src", "overrides", "schemas", "records"):
        _copy(REPO / name, root / name)
    (root / "mkdocs.yml").write_bytes((REPO / "mkdocs.yml").read_bytes())
    folders = ("experts", "societies", "workstations", "projects", "needs", "proposals")
    out = tmp_path / "site"
    build(root, out)
    count = sum(1 for folder in folders for _ in (out / folder).glob("*/index.html"))
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    config, n = re.subn(r"(\n      record_json_max:) *\d+", rf"\g<1> {count}", config)
    assert n == 1
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    repo.commit("start")
    assert build(root, out) == "完整生成（网站配置（mkdocs.yml 或生成选项）变了）。"
    assert len(list((out / "proposals").glob("*.json"))) == len(list((out / "proposals").glob("*/index.html")))
    proposal = sorted((root / "records" / "proposals").glob("*.yaml"))[0]
    extra = root / "records" / "proposals" / f"{proposal.stem}-b.yaml"
    for number, step in enumerate(("past", "back")):
        if step == "past":
            extra.write_text(proposal.read_text(encoding="utf-8").replace(f"id: {proposal.stem}", f"id: {proposal.stem}-b"),
                             encoding="utf-8")
        else:
            extra.unlink()
        repo.commit(step)
        assert build(root, out).startswith("增量生成："), step
        reference = tmp_path / f"full-{number}"
        build(root, reference, full=True)
        assert_same(out, reference)
        own = [p for folder in folders for p in (out / folder).glob("*.json")]
        assert (own == []) == (step == "past"), step
