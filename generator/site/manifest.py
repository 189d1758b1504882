"""The build manifest, `<site>/.kexie/manifest.json.gz`: what a later build needs to reuse this one.

    {"format": 2,
     "fingerprint": {"code": …, "config": …, "schemas": …, "policies": …},   # sha256 each
     "pages":   {"experts/zhang-wei/": {"key": key, "deps": ["experts:zhang-wei", …]}, …},
     "units":   {"opendata": {"key": key, "deps": […], "files": ["api/experts.json", …]}, …},
     "outputs": {"api/experts.json": sha256 of the file's bytes, …}}

`fingerprint` is everything the manifest cannot vouch for page by page: the generator's own code,
templates and theme (every file of the `generator` package), the installed versions of kexie,
MkDocs, mkdocs-material and Python, mkdocs.yml with the build's options, the schemas folder and
the policy files (records/policies/: its rules look across all records). When any of them differs
from the previous build's, the next build is a full one. `outputs` lists every file of the site
except the manifest itself, with its sha256: a deploy uploads only the files whose hash changed.

The manifest holds only hashes of the public model and public output files, and public record ids:
nothing that is not already on the published pages. It is written the same way by a full and by an
incremental build, so the two sites are byte-identical, manifest included.

Size: it is JSON compressed with gzip (common/hashing.write_json_gz: deterministic bytes). At
10,000 experts the plain JSON was 13.6 MB: the repeated path prefixes and dependency names are
what gzip removes best, the hashes what it cannot. A page or unit key (tracking.Fingerprints.key)
is the first 128 bits of a sha256: a page is reused only when its recomputed key equals the stored
one, so a wrong reuse needs the new inputs of one page to collide with its old ones in 128 bits —
2^-128 per page and build, about 10^-27 over a million pages and a hundred thousand builds; a
deliberate collision (about 2^64 work) would only keep the page the same author wrote before. The
output hashes stay whole sha256: the deploy plan compares them with the deployed manifest's.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

from generator.common.hashing import BUILD_MANIFEST, file_sha256, read_json_gz, write_json_gz

FORMAT = 2
FOLDER, NAME = BUILD_MANIFEST
_CODE = Path(__file__).resolve().parents[1]  # the generator package
_CODE_SUFFIXES = {".py", ".html", ".js", ".css", ".json", ".txt", ".xml", ".yml", ".yaml", ".svg"}
REASONS = {
    "code": "生成器的代码、模板或版本变了",
    "config": "网站配置（mkdocs.yml 或生成选项）变了",
    "schemas": "结构定义（schemas/）变了",
    "policies": "政策文件（records/policies/）变了",
}


class ManifestError(Exception):
    """The previous manifest cannot be used; the message is Chinese and says why."""


def _hash_tree(folder: Path, suffixes: set | None = None) -> str:
    h = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file() or (suffixes and path.suffix not in suffixes):
                continue
            h.update(path.relative_to(folder).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


def fingerprint(config_file: Path, options: dict, schemas_dir: Path, policies_dir: Path) -> dict:
    """The four hashes a previous build must share for its pages to be reused (see the module doc).

    `options` are the build's settings that reach the output (site_url, the plugin's options).
    """
    versions = [sys.version, *(f"{d}={_version(d)}" for d in ("kexie", "mkdocs", "mkdocs-material", "jinja2", "markdown"))]
    config = hashlib.sha256(Path(config_file).read_bytes())
    config.update(json.dumps(options, sort_keys=True, ensure_ascii=False, default=str).encode())
    return {
        "code": hashlib.sha256((_hash_tree(_CODE, _CODE_SUFFIXES) + "\n".join(versions)).encode()).hexdigest(),
        "config": config.hexdigest(),
        "schemas": _hash_tree(schemas_dir),
        "policies": _hash_tree(policies_dir),
    }


def path_of(site: Path) -> Path:
    return site / FOLDER / NAME


def read(site: Path, current: dict) -> dict:
    """The previous build's manifest in `site`, or ManifestError (Chinese) saying why it cannot be
    reused: missing, unreadable, of another format, or its fingerprint differs from `current`."""
    path = path_of(site)
    if not path.is_file():
        raise ManifestError(f"输出目录中没有上次生成的清单（{FOLDER}/{NAME}）")
    try:
        data = read_json_gz(path)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError
        for part in ("pages", "units", "outputs"):
            if not isinstance(data.get(part), dict):
                raise ValueError
    except (OSError, ValueError):
        raise ManifestError(f"上次生成的清单（{FOLDER}/{NAME}）已损坏或格式不符") from None
    previous = data.get("fingerprint") or {}
    for part, why in REASONS.items():
        if previous.get(part) != current[part]:
            raise ManifestError(why)
    return data


def outputs(site: Path, known: dict[str, str]) -> dict[str, str]:
    """{relative path: sha256} of every file in `site` but the manifest folder; `known` gives the
    hashes of files linked unchanged from the previous site (not read again)."""
    result = {}
    root = str(site)
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        if rel == ".":
            dirs[:] = [d for d in dirs if d != FOLDER]
            rel = ""
        for name in files:
            path = f"{rel}/{name}" if rel else name
            result[path] = known.get(path) or file_sha256(Path(folder) / name)
    return dict(sorted(result.items()))


def write(site: Path, current: dict, pages: dict, units: dict, known: dict[str, str]) -> dict:
    """Write `<site>/.kexie/manifest.json.gz`; return it. `known`: see `outputs`."""
    data = {
        "format": FORMAT,
        "fingerprint": current,
        "pages": pages,
        "units": dict(sorted(units.items())),
        "outputs": outputs(site, known),
    }
    path = path_of(site)
    path.parent.mkdir(exist_ok=True)
    write_json_gz(path, data)
    return data
