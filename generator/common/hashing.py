"""Content hashes of files, as the incremental build's manifest and the object-store deploy both use them."""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks (site files can be several MB). Raises OSError."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# The build manifest (generator/site/manifest.py writes it; the deploy plan reads its "outputs"):
# JSON, gzip-compressed — most of it is hashes and paths, and it sits in the output folder beside
# the site. Compressed without a file name or time stamp, so equal data gives equal bytes.
BUILD_MANIFEST = (".kexie", "manifest.json.gz")


def write_json_gz(path: Path, data) -> bytes:
    """Write data as compact JSON (keys sorted), gzip-compressed, deterministically; return the
    bytes written."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    raw = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)
    path.write_bytes(raw)
    return raw


def read_json_gz(path: Path):
    """The data write_json_gz wrote. Raises OSError (missing, unreadable, not gzip) or ValueError
    (not JSON, not UTF-8, truncated)."""
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (EOFError, zlib.error) as exc:
        raise ValueError(str(exc)) from None
    return json.loads(text)


def build_outputs(site: Path) -> dict | None:
    """The "outputs" map ({site path: sha256}) of the build manifest in `site`, or None when there
    is none or it cannot be read."""
    try:
        data = read_json_gz(site.joinpath(*BUILD_MANIFEST))
    except (OSError, ValueError):
        return None
    outputs = data.get("outputs") if isinstance(data, dict) else None
    return outputs if isinstance(outputs, dict) else None
