"""The search index is stored gzip-compressed (issue 14: the site at 100,000 experts must fit in
GitHub Pages' 1 GB, which counts stored bytes) and the browser inflates it (search-engine.js with
DecompressionStream). In Debian's Chromium, by real typing: the header box and the directory find
records from the compressed files as GitHub Pages serves them (plain bytes, no Content-Encoding), and
also behind a server that sends them with Content-Encoding: gzip (the browser then inflates them
itself and the page must not inflate twice)."""

from __future__ import annotations

import functools
import gzip
import http.server
import shutil
import threading
from pathlib import Path

import pytest
import yaml

from tests.sitebuild import REPO, demo_site

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None, reason="Debian chromium 未安装"),
]


class _Pages(http.server.SimpleHTTPRequestHandler):
    """Like GitHub Pages: a .gz file is sent as it is stored (application/gzip, no Content-Encoding)."""

    def log_message(self, *args):
        pass


class _Encoding(_Pages):
    """A server that labels the stored gzip as a transfer encoding of JSON (some CDNs do)."""

    def end_headers(self):
        if self.path.split("?")[0].endswith(".json.gz"):
            self.send_header("Content-Encoding", "gzip")
        super().end_headers()

    def guess_type(self, path):
        return "application/json" if str(path).endswith(".json.gz") else super().guess_type(path)


def _serve(handler):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(demo_site())))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="module", params=[_Pages, _Encoding], ids=["pages", "content-encoding"])
def server(request):
    httpd = _serve(request.param)
    yield request.param, f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.search_files = []
    pg.on("response", lambda r: pg.search_files.append(r) if "/search/" in r.url else None)
    yield pg
    assert pg.errors == []
    context.close()


def _expert() -> tuple[str, str, str]:
    """(id, name, affiliation) of the first published demo expert."""
    for path in sorted((REPO / "records" / "experts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["consent"]["publish"]:
            return path.stem, data["name"], data["affiliation"]
    raise AssertionError("no published expert")


def test_stored_files_are_gzip_and_hold_the_index():
    site = demo_site() / "search"
    stored = sorted(p for p in site.rglob("*") if p.is_file() and p.name not in ("manifest.json", "search_index.json"))
    assert stored and all(p.name.endswith(".json.gz") for p in stored)
    raw = sum(len(gzip.decompress(p.read_bytes())) for p in stored)
    assert sum(p.stat().st_size for p in stored) < raw / 2  # what Pages counts is the compressed size


def test_typing_finds_records_from_the_compressed_files(page, server):
    handler, url = server
    rid, name, affiliation = _expert()
    # the header box on a prose page: type the name, read the answer
    page.goto(url + "about/")
    page.click("input.md-search__input")
    page.type("input.md-search__input", name)
    link = page.locator(f"[data-kx-hs] [data-kx-kind=experts] a.kx-hs__link[href$='/experts/{rid}/']")
    link.first.wait_for()
    assert name in link.first.inner_text()
    # the directory: type a word of the affiliation, click the first hit, land on the expert's page
    page.search_files.clear()  # the bodies of the files read on the page left behind are gone
    page.goto(url + "experts/")
    page.evaluate("window.kexieDirectory.ready")
    page.click("#kx-dir-q")
    page.type("#kx-dir-q", affiliation[:4])
    page.wait_for_function("q => new URLSearchParams(location.search).get('query') === q", arg=affiliation[:4])
    page.wait_for_function("!document.querySelector('.kx-dir').hasAttribute('aria-busy')")
    hrefs = page.eval_on_selector_all("[data-kx-results] a.kx-dir__name", "els => els.map(e => e.getAttribute('href'))")
    assert any(h.endswith(f"/experts/{rid}/") for h in hrefs), hrefs
    assert affiliation[:4] in page.locator(".kx-dir__why mark").first.inner_text()
    # what travelled: the stored gzip bytes (or, labelled as an encoding, the same bytes inflated by the browser)
    files = [r for r in page.search_files if ".json.gz" in r.url]
    assert any("/search/t/" in r.url for r in files) and any("/search/i/" in r.url for r in files)
    for r in files:
        assert r.status == 200, r.url
        if handler is _Pages:
            assert r.headers.get("content-encoding") is None and r.headers["content-type"] == "application/gzip"
            assert r.body()[:2] == b"\x1f\x8b", r.url
        else:
            assert r.headers.get("content-encoding") == "gzip" and r.body()[:1] in (b"{", b"["), r.url
    page.locator(f"[data-kx-results] a.kx-dir__name[href$='/experts/{rid}/']").first.click()
    page.wait_for_url(f"**/experts/{rid}/")
    assert page.locator("h1").first.inner_text().strip().startswith(name)
