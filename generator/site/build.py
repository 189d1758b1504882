"""`kexie build` and `kexie serve`: MkDocs with our plugin, built atomically.

The site is built into a fresh sibling folder; only a complete build replaces the old one, so a
failed build never leaves a half-written site behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException


class BuildError(Exception):
    pass


def _quiet_mkdocs() -> None:
    # MkDocs' INFO lines ("Building documentation…") are noise for staff; warnings still show
    logging.getLogger("mkdocs").setLevel(logging.WARNING)


def _environment() -> None:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # no clock time may reach the output
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # the theme's end-of-life banner is for us, not staff


class _Collect(logging.Handler):
    """MkDocs logs a plugin's error and then raises a bare Abort: keep the message for the user."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def _options(config_file: Path, records: Path | None) -> dict:
    """MkDocs options that point our plugin at `records` (its `records` option), or none.

    MkDocs replaces a whole top-level key given to `load_config`, so the file's plugin list is read
    and given back with only the kexie plugin's `records` changed.
    """
    if records is None:
        return {}
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    with open(config_file, "rb") as fd:
        plugins = yaml_load(fd, get_yaml_loader()).get("plugins") or []
    if isinstance(plugins, dict):
        plugins = [{name: options} for name, options in plugins.items()]
    changed = []
    for entry in plugins:
        name = entry if isinstance(entry, str) else next(iter(entry))
        if name == "kexie":
            options = dict((entry.get("kexie") if isinstance(entry, dict) else None) or {})
            options["records"] = str(records.resolve())
            entry = {"kexie": options}
        changed.append(entry)
    return {"plugins": changed}


def build_site(config_file: Path, out: Path, records: Path | None = None) -> Path:
    """Build the site from `records` (default: the plugin's `records` option) into `out`, atomically.

    Raises BuildError with the plugin's Chinese messages when the records or the config fail.
    """
    _environment()
    _quiet_mkdocs()
    collected = _Collect()
    logging.getLogger("mkdocs").addHandler(collected)
    try:
        return _build(config_file, out, collected, _options(config_file, records))
    finally:
        logging.getLogger("mkdocs").removeHandler(collected)


def _build(config_file: Path, out: Path, collected: _Collect, options: dict) -> Path:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-building-", dir=out.parent))
    try:
        config = load_config(str(config_file), site_dir=str(staging), strict=True, **options)
        mkdocs_build.build(config)
    except (MkDocsException, Abort) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        details = [m for m in collected.messages if m.strip()]
        raise BuildError("\n".join(details) if details else str(exc)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    staging.chmod(0o755)
    retired = None
    if out.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-", dir=out.parent))
        os.replace(out, retired / out.name)
    os.replace(staging, out)
    if retired:
        shutil.rmtree(retired, ignore_errors=True)
    return out


def serve_site(config_file: Path, address: str, records: Path | None = None) -> None:
    from mkdocs.commands.serve import serve

    _environment()
    _quiet_mkdocs()
    # the terminal is where a secretary sees why a rebuild failed: print MkDocs' messages plainly
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    watch = [str((records or Path("records")).resolve()), str(Path("schemas").resolve())]
    # served at the root of the address, not under the public site_url's path
    serve(str(config_file), livereload=True, watch=[w for w in watch if Path(w).exists()], dev_addr=address, site_url=f"http://{address}/", **_options(config_file, records))
