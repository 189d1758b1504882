"""`kexie serve`: the preview a secretary watches while editing records.

Each change of the records, schemas, pages, overrides or mkdocs.yml triggers `build_site` into the
preview's own folder — an incremental build over the previous preview (generator/site/incremental.py),
atomic like `kexie build` — and MkDocs' live-reload server (which serves that folder and adds its
reload script to each page as it is sent) refreshes the browser. A rebuild that fails says so in
Chinese (the records' reasons are printed above it) and the browser keeps the last good site.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from pathlib import Path

from generator.common.quoting import escape_lines
from generator.site.build import BuildError, _sources, build_site

FAILED = "网站未更新：请按上面的提示修改记录并保存，预览会自动重新生成；在此之前浏览器显示的是上次成功生成的网站。"
RECOVERED = "记录已通过校验，网站已重新生成，浏览器会自动刷新。"


class _EscapingFormatter(logging.Formatter):
    """MkDocs' messages may carry record text: no raw controls or forged lines on the terminal."""

    def format(self, record):
        return escape_lines(super().format(record))


def serve_site(config_file: Path, address: str, records: Path | None = None) -> None:
    """Preview at `address` ("host:port"), rebuilt on every change of records/, schemas/ or the pages.

    Raises BuildError when the first build fails (its Chinese reasons are printed as they happen).
    """
    from mkdocs.livereload import LiveReloadServer

    host, _, port = address.rpartition(":")
    # the terminal is where a secretary sees why a rebuild failed: print MkDocs' messages plainly
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_EscapingFormatter("%(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    folder = Path(tempfile.mkdtemp(prefix="kexie-serve-"))
    out = folder / "site"
    site_url = f"http://{address}/"  # served at the root of the address, not under the public path
    state = {"failed": False}

    def rebuild() -> None:
        try:
            build_site(config_file, out, records, site_url=site_url)
        except BuildError:  # its reasons were printed by the handler as MkDocs logged them
            state["failed"] = True
            print(FAILED, file=sys.stderr, flush=True)
            return
        if state["failed"]:
            state["failed"] = False
            print(RECOVERED, file=sys.stderr, flush=True)

    try:
        try:
            build_site(config_file, out, records, site_url=site_url)
        except BuildError:
            raise BuildError("") from None  # the reasons are printed above
        server = LiveReloadServer(builder=rebuild, host=host or "127.0.0.1", port=int(port), root=str(out))
        server.error_handler = lambda code: _error_page(out, code)
        project = config_file.resolve().parent
        for path in [*_sources(config_file, records), project / "schemas", config_file.resolve()]:
            if path.exists():
                server.watch(str(path))
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        logging.getLogger("mkdocs").removeHandler(handler)
        shutil.rmtree(folder, ignore_errors=True)


def _error_page(out: Path, code: int) -> bytes | None:
    page = out / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None
