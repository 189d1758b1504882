"""The demo site in Debian's Chromium: search, facets, an expert page, a phone-sized screen."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import urllib.parse
from pathlib import Path

import pytest
import yaml

from generator.model.public import derive_pinyin
from tests.sitebuild import REPO, demo_site

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None, reason="Debian chromium 未安装"),
]


def _published():
    experts = {}
    for path in sorted((REPO / "records" / "experts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data["consent"]["publish"]:
            data.setdefault("pinyin", derive_pinyin(data["name"]))
            experts[path.stem] = data
    return experts


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_Quiet, directory=str(demo_site()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()




@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    assert page.errors == []  # no console errors on any page a test visited
    context.close()


def _search(page, server, query) -> list[str]:
    page.goto(server + "experts/?query=" + urllib.parse.quote(query))
    page.evaluate("window.kexieDirectory.ready")
    page.wait_for_function("document.querySelector('[data-kx-count]').textContent.includes('位专家')")
    return _result_ids(page)


def _result_ids(page) -> list[str]:
    hrefs = page.eval_on_selector_all("[data-kx-results] a", "els => els.map(e => e.getAttribute('href'))")
    return [re.search(r"experts/([^/]+)/", h).group(1) for h in hrefs if "experts/" in h]


def _count(page) -> int:
    return int(re.search(r"(\d+)", page.inner_text("[data-kx-count]")).group(1))


def _an_expert():
    experts = _published()
    return next((i, e) for i, e in experts.items() if len(e["name"]) == 3 and e.get("bio"))


def test_search_by_full_name_given_name_and_surname(page, server):
    eid, expert = _an_expert()
    assert eid in _search(page, server, expert["name"])
    given = expert["name"][1:]
    same_given = [i for i, e in _published().items() if given in e["name"]]
    page_ids = _search(page, server, given)
    assert eid in page_ids and _count(page) == len(same_given)
    surname = expert["name"][0]
    _search(page, server, surname)
    assert _count(page) == sum(1 for e in _published().values() if surname in e["name"])


def test_search_by_pinyin_spaced_pinyin_and_initials(page, server):
    eid, expert = _an_expert()
    parts = expert["pinyin"].lower().split()
    joined = "".join(parts)
    assert eid in _search(page, server, joined)
    assert eid in _search(page, server, " ".join(parts))
    initials = parts[0][0] + "".join(p[0] for p in parts[1:])
    hits = _search(page, server, initials)
    assert _count(page) >= 1
    if _count(page) <= len(hits):  # all on the first page
        assert eid in hits


def _searchable_text(expert, labels, societies) -> str:
    """The oracle: the same fields the index covers, as plain text."""
    from generator.model.bio import plain_text

    parts = [expert["name"], expert["title"], expert["affiliation"], expert.get("district", "")]
    parts += [labels["discipline"].get(c, c) for c in expert["disciplines"]]
    parts += expert.get("industries", [])
    parts += [societies.get(s["society"], "") for s in expert.get("societies", [])]
    parts += [labels["honour"].get(h, h) for h in expert.get("honours", [])]
    parts.append(plain_text(expert.get("bio", "")))
    return "\n".join(parts)


@pytest.mark.parametrize("word", ["材料", "科学院", "医院"])
def test_search_by_a_chinese_word_matches_a_substring_oracle(page, server, word):
    import json

    vocab = json.loads((REPO / "schemas" / "vocab.schema.json").read_text(encoding="utf-8"))["$defs"]
    labels = {name: vocab[name].get("x-labels", {}) for name in ("discipline", "honour")}
    societies = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))["name"]
        for p in (REPO / "records" / "societies").glob("*.yaml")
    }
    oracle = {i for i, e in _published().items() if word in _searchable_text(e, labels, societies)}
    found = set(_search(page, server, word))
    # precision and recall 1.00: the same number of hits, and every listed hit is a true one
    assert _count(page) == len(oracle)
    assert found <= oracle


def test_two_facets_combine_and_the_url_can_be_shared(page, server):
    experts = _published()
    pairs = {}
    for e in experts.values():
        for industry in e.get("industries", []):
            if e.get("district"):
                pairs[(industry, e["district"])] = pairs.get((industry, e["district"]), 0) + 1
    (industry, district), expected = max(pairs.items(), key=lambda kv: kv[1])
    page.goto(server + "experts/")
    page.evaluate("window.kexieDirectory.ready")
    page.click("details[data-kx-group=industry] summary")
    page.check(f"input[data-kx-facet=industry][value='{industry}']")
    page.click("details[data-kx-group=district] summary")
    page.check(f"input[data-kx-facet=district][value='{district}']")
    page.wait_for_function(f"document.querySelector('[data-kx-count]').textContent.includes('{expected} 位')")
    assert _count(page) == expected
    params = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert params["industry"] == [industry] and params["district"] == [district]
    shared = page.url
    page.goto(server)
    page.goto(shared)
    page.evaluate("window.kexieDirectory.ready")
    page.wait_for_function(f"document.querySelector('[data-kx-count]').textContent.includes('{expected} 位')")
    assert _count(page) == expected


def test_open_an_expert_page_from_the_results(page, server):
    eid, expert = _an_expert()
    _search(page, server, expert["name"])
    page.click(f"[data-kx-results] a[href$='experts/{eid}/']")
    page.wait_for_url(f"**/experts/{eid}/")
    assert page.inner_text("h1") == expert["name"]
    assert "请求更正" in page.inner_text("article")


def test_phone_sized_screen(browser, server, tmp_path):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "experts/?query=" + urllib.parse.quote("材料"))
    page.evaluate("window.kexieDirectory.ready")
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    assert page.evaluate("document.documentElement.scrollWidth") <= 376  # nothing overflows sideways
    assert errors == []
    context.close()


def test_enter_in_the_header_search_opens_the_directory(page, server):
    eid, expert = _an_expert()
    page.goto(server)
    page.fill("input.md-search__input", expert["name"])
    page.keyboard.press("Enter")
    page.wait_for_url("**/experts/?query=*")
    page.evaluate("window.kexieDirectory.ready")
    assert eid in _result_ids(page)


def _first(folder: str) -> str:
    return sorted(p.stem for p in (REPO / "records" / folder).glob("*.yaml"))[0]


@pytest.mark.parametrize(
    "path",
    ["", "societies/", "workstations/", "projects/", "needs/", "proposals/", "funding/", "funding/2016/",
     "targets/", "open-data/", "contributing/", "about/", "SOCIETY", "WORKSTATION", "PROJECT", "NEED", "PROPOSAL"],
)
def test_every_kind_of_page_loads_cleanly_on_a_phone(browser, server, path):
    folders = {"SOCIETY": "societies", "WORKSTATION": "workstations", "PROJECT": "projects", "NEED": "needs", "PROPOSAL": "proposals"}
    if path in folders:
        path = f"{folders[path]}/{_first(folders[path])}/"
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(server + path)
    page.wait_for_load_state("load")
    assert response.status == 200
    assert errors == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 376, "the page scrolls sideways"
    assert page.locator("h1").count() == 1
    context.close()


def test_tables_sort_when_a_header_is_clicked(page, server):
    page.goto(server + "societies/")
    header = page.locator("table[data-sort] th", has_text="获得资助（万元）")
    column = page.eval_on_selector_all("table[data-sort] thead th", "ths => ths.map(t => t.textContent)").index("获得资助（万元）")

    def values():
        cells = page.eval_on_selector_all(f"table[data-sort] tbody tr td:nth-child({column + 1})", "tds => tds.map(t => t.textContent)")
        return [float(c.replace(",", "")) for c in cells]

    header.click()
    assert values() == sorted(values())
    header.click()
    assert values() == sorted(values(), reverse=True)
    assert header.get_attribute("aria-sort") == "descending"
