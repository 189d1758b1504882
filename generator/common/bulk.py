"""Bulk files published gzip-compressed past a size threshold (mkdocs.yml's kexie option
`open_data_compress_over`, in bytes): GitHub Pages counts files' bytes, and a 100,000-expert
directory's open data is several hundred MB plain, about a tenth of that compressed."""

from __future__ import annotations

import gzip


def gzip_bytes(data: bytes) -> bytes:
    """gzip of `data`, deterministic: mtime 0, no file name in the header, level 9."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def bulk_file(name: str, data: bytes, compress_over: int | None) -> tuple[str, bytes]:
    """(published name, bytes): `name` with the plain bytes, or `name.gz` with their gzip when the
    plain file is larger than `compress_over` bytes (None: never compressed)."""
    if compress_over is not None and len(data) > compress_over:
        return f"{name}.gz", gzip_bytes(data)
    return name, data
