"""The build manifest, `<site>/.kexie/manifest.json`: what a later build needs to reuse this one.

    {"format": 1,
     "fingerprint": {"code": …, "config": …, "schemas": …, "policies": …},   # sha256 each
     "pages":   {"experts/zhang-wei/": {"key": sha256, "deps": ["experts:zhang-wei", …]}, …},
     "units":   {"opendata": {"key": sha256, "deps": […], "files": ["api/experts.json", …]}, …},
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
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

from generator.common.hashing import file_sha256

FORMAT = 1
FOLDER = ".kexie"
NAME = "manifest.json"
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
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError
        for part in ("pages", "units", "outputs"):
            if not isinstance(data.get(part), dict):
                raise ValueError
    except (OSError, UnicodeDecodeError, ValueError):
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
    """Write `<site>/.kexie/manifest.json`; return it. `known`: see `outputs`."""
    data = {
        "format": FORMAT,
        "fingerprint": current,
        "pages": pages,
        "units": dict(sorted(units.items())),
        "outputs": outputs(site, known),
    }
    path = path_of(site)
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    return data
