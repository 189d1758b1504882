"""#16 items 5–7 and 9 in Debian's Chromium at 390 px and 1280 px: what changed, machine-readable
records, the contact route and the 404 page served from a place the site did not expect."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from tests.sitebuild import demo_site

CHROMIUM = "/usr/bin/chromium"
SHOTS = os.environ.get("KEXIE_SCREENSHOTS")  # a folder to keep the screenshots in, for looking at
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None, reason="Debian chromium 未安装"),
]
WIDTHS = [390, 1280]


class _Site(http.server.SimpleHTTPRequestHandler):
    """A static host that answers unknown paths with the site's 404.html, as GitHub Pages does."""

    def log_message(self, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    # served at the root of the address, not under /kexie/ as site_url says: "anywhere else"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Site, directory=str(demo_site())))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()




def _page(browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
    return context, context.new_page()


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_home_and_changes_page_show_recent_changes_and_the_feed(browser, server, width):
    context, page = _page(browser, width)
    try:
        page.goto(server)
        items = page.locator("ul.kx-latest > li")
        assert items.count() == 12
        kinds = {text.split("：")[0][-2:] for text in items.all_inner_texts()}
        assert len(kinds) >= 3, kinds  # a mix of record types, not twelve of one
        feed = page.evaluate("document.querySelector('link[rel=alternate][type=\"application/atom+xml\"]').href")
        response = page.request.get(feed)
        assert response.status == 200 and b"<feed xmlns=\"http://www.w3.org/2005/Atom\"" in response.body()
        _no_sideways_scroll(page)
        _shot(page, f"home-{width}")
        page.get_by_role("link", name="全部最近更新").click()
        page.wait_for_url("**/changes/")
        assert page.locator("table[data-changes] tbody tr").count() > 12
        _no_sideways_scroll(page)
        _shot(page, f"changes-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_record_page_history_json_and_contact(browser, server, width):
    context, page = _page(browser, width)
    try:
        page.goto(server + "societies/hz-cailiao-xuehui/")
        history = page.locator("ul.kx-history li")
        assert history.count() >= 1 and history.first.is_visible()
        data = json.loads(page.locator('script[type="application/ld+json"]').text_content())
        assert data["@type"] == "Organization" and data["name"] == page.locator("h1").inner_text()
        contact = page.locator("p.kx-contact")
        assert contact.is_visible() and "请求更正" in contact.inner_text()
        contact.get_by_role("link").click()  # to the about page's contact section: e-mail and phone
        page.wait_for_url("**/about/#contact")
        assert page.locator("h2#contact").is_visible()
        for link in ("a[href^='mailto:']", "a[href^='tel:']"):
            assert page.locator(f"article {link}").first.is_visible(), link
        page.go_back()
        with page.expect_response("**/hz-cailiao-xuehui.json") as answer:
            page.get_by_role("link", name="本记录的开放数据（JSON）").click()
        assert answer.value.json()["id"] == "hz-cailiao-xuehui"
        page.go_back()
        _no_sideways_scroll(page)
        _shot(page, f"society-{width}")
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_404_is_styled_and_its_links_work_when_served_elsewhere(browser, server, width):
    context, page = _page(browser, width)
    try:
        response = page.goto(server + "no/such/deep/page/")
        assert response.status == 404
        header = page.locator("header.md-header")
        colour = header.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), colour  # the theme's stylesheet loaded
        assert page.evaluate("[...document.styleSheets].some(s => s.href && s.href.endsWith('kexie.css'))")
        about = page.locator("a[href='about/']").first
        assert about.evaluate("a => a.href") == server + "about/"
        assert page.locator("h1").inner_text() == "404 - 页面不存在"
        _shot(page, f"404-{width}")
        page.get_by_role("link", name="在专家名录中查找专家").click()
        page.wait_for_url(server + "experts/")
        assert page.locator("h1").inner_text() == "专家名录"
    finally:
        context.close()
