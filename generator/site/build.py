"""`kexie build` (and each rebuild of `kexie serve`, generator/site/serve.py): MkDocs with our plugin, built atomically.

The site is built into a fresh sibling folder; only a complete build replaces the old one, so a
failed build never leaves a half-written site behind. Which folders a build may replace, and the
temporary folders beside it, are `outdir`'s job; SIGTERM (CI, `timeout`) cleans up like Ctrl+C.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from generator.site.options import option_problems
from generator.site.outdir import OutRefused, Temporary, check_out, mark_site, sweep_stale

__all__ = ["BuildError", "OutRefused", "build_site"]


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


def _config_file_options(config_file: Path) -> dict:
    from mkdocs.utils.yaml import get_yaml_loader, yaml_load

    with open(config_file, "rb") as fd:
        return yaml_load(fd, get_yaml_loader()) or {}


def _options(config_file: Path, records: Path | None) -> dict:
    """MkDocs options that point our plugin at `records` (its `records` option), or none.

    MkDocs replaces a whole top-level key given to `load_config`, so the file's plugin list is read
    and given back with only the kexie plugin's `records` changed.
    """
    if records is None:
        return {}
    plugins = _config_file_options(config_file).get("plugins") or []
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


def _plugin_options(config_file: Path) -> dict:
    """The kexie plugin's options as mkdocs.yml gives them ({} when it has none, or when the file
    does not read: MkDocs then says why)."""
    try:
        plugins = _config_file_options(config_file).get("plugins") or []
    except Exception:  # noqa: BLE001 - MkDocs reports an unreadable mkdocs.yml itself
        return {}
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(e.items())) if isinstance(e, dict) and e else (e, None) for e in plugins)
    for name, options in entries:
        if name == "kexie":
            return options if isinstance(options, dict) else {}
    return {}


def _sources(config_file: Path, records: Path | None) -> list[Path]:
    """Folders the build reads besides the fixed ones: the records folder, MkDocs' docs_dir and
    the theme's custom_dir (overrides/)."""
    project = config_file.resolve().parent
    config = _config_file_options(config_file)
    sources = [project / str(config.get("docs_dir") or "docs")]
    theme = config.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        sources.append(project / str(theme["custom_dir"]))
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and isinstance(entry.get("kexie"), dict):
            sources.append(project / str(entry["kexie"].get("records") or "records"))
    if records is not None:
        sources.append(records)
    return sources


def build_site(config_file: Path, out: Path, records: Path | None = None, warnings: list | None = None,
               full: bool = False, notices: list | None = None, site_url: str | None = None) -> Path:
    """Build the site from `records` (default: the plugin's `records` option) into `out`, atomically.

    `warnings`, when given, receives the records' warnings (Problem objects; they do not stop a build).
    A previous site in `out` with its manifest is reused for what did not change (incremental build,
    generator/site/incremental.py), unless `full`; `notices` receives one Chinese line saying which
    kind of build it was and why. `site_url` replaces mkdocs.yml's (the `kexie serve` preview).

    Raises OutRefused (nothing touched) when `out` is not a folder a build may replace (see
    `generator.site.outdir`), BuildError with the plugin's Chinese messages when the records or the
    config fail. SIGTERM and SIGINT remove the temporary folders and exit (143 / KeyboardInterrupt).
    """
    out = check_out(out, config_file.resolve().parent, _sources(config_file, records))
    _environment()
    _quiet_mkdocs()
    collected = _Collect()
    logging.getLogger("mkdocs").addHandler(collected)
    try:
        with _terminate_like_interrupt():
            options = _options(config_file, records) | ({"site_url": site_url} if site_url else {})
            return _build(config_file, out, collected, options, warnings, full, notices)
    finally:
        logging.getLogger("mkdocs").removeHandler(collected)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


@contextmanager
def _terminate_like_interrupt():
    """While building, SIGTERM unwinds the stack (so `finally` blocks remove the temporary folders)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _signals_held():
    """SIGINT/SIGTERM wait until the old and the new site have swapped places (no site-less moment)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _build(config_file: Path, out: Path, collected: _Collect, options: dict, warnings: list | None = None,
           full: bool = False, notices: list | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    sweep_stale(out)
    staging = Temporary(out.parent, f".{out.name}-building-")
    retired = None
    try:
        site = staging.path / out.name
        plugin = None
        wrong = option_problems(config_file, _plugin_options(config_file))
        if wrong:  # before MkDocs, whose message is English and names no line
            raise BuildError("\n".join(wrong))
        try:
            config = load_config(str(config_file), site_dir=str(site), strict=True, **options)
            plugin = config.plugins.get("kexie")
            if plugin is not None:  # read only: the live site is never written (see incremental.py)
                plugin.previous_site, plugin.full_reason = (None, "指定了 --full") if full else (out, "")
            mkdocs_build.build(config)
            if warnings is not None:
                warnings.extend(getattr(plugin, "warnings", []))
        except (MkDocsException, Abort) as exc:
            details = [m for m in collected.messages if m.strip()]
            raise BuildError("\n".join(details) if details else str(exc)) from None
        mark_site(site)
        site.chmod(0o755)
        if plugin is not None:
            plugin.incremental.write_manifest(site)
            if notices is not None:
                notices.append(plugin.incremental.notice())
        if out.exists():
            retired = Temporary(out.parent, f".{out.name}-old-")
        with _signals_held():
            if retired:
                os.replace(out, retired.path / out.name)
            os.replace(site, out)
    finally:
        staging.remove()
        if retired:
            retired.remove()
    return out
