"""Search on the demo site in Debian's Chromium (issue 12): the header box on any page finds every
kind of record and the prose pages; the directory folds tone marks and traditional characters,
explains single characters, shows why each hit matched, and its filter chips work when clicked."""

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

from generator.search.fold import t2s_table
from generator.search.text import normalize
from tests.sitebuild import REPO, demo_site

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None, reason="Debian chromium 未安装"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(_Quiet, directory=str(demo_site()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()




@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    yield pg
    assert pg.errors == []
    context.close()


def _record(folder: str, key: str) -> tuple[str, str]:
    """(id, title) of the first record of a folder whose title is distinctive enough to type."""
    for path in sorted((REPO / "records" / folder).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if folder == "experts" and not data["consent"]["publish"]:
            continue
        return path.stem, data[key]
    raise AssertionError(folder)


def _header_search(page, query):
    page.fill("input.md-search__input", "")
    page.type("input.md-search__input", query)
    page.wait_for_function(
        "q => { const m = document.querySelector('[data-kx-hs] .kx-hs__meta');"
        " return m && !m.textContent.startsWith('输入') && document.querySelector('input.md-search__input').value === q; }",
        arg=query,
    )
    page.wait_for_timeout(300)  # the debounce of a last keystroke, then its answer
    page.wait_for_function("document.querySelector('[data-kx-hs] .kx-hs__meta') !== null")


KINDS = [("experts", "name"), ("societies", "name"), ("workstations", "name"), ("projects", "title"),
         ("needs", "title"), ("proposals", "title")]


@pytest.mark.parametrize("folder, key", KINDS, ids=[k for k, _ in KINDS])
def test_the_header_box_on_a_prose_page_finds_every_kind_of_record(page, server, folder, key):
    rid, title = _record(folder, key)
    page.goto(server + "about/")
    page.click("input.md-search__input")
    _header_search(page, title)
    group = page.locator(f"[data-kx-hs] [data-kx-kind={folder}]")
    assert group.count() == 1, page.inner_text("[data-kx-hs]")
    hrefs = group.locator("a.kx-hs__link").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert any(h.endswith(f"/{folder}/{rid}/") for h in hrefs), hrefs
    item = group.locator("a.kx-hs__link").first
    assert item.locator(".kx-hs__badge").inner_text()  # the kind on each row
    assert item.locator(".kx-hs__context").inner_text().strip()  # and one line of context
    # the theme's own result list stays hidden: only our answer is on the screen
    assert not page.locator(".md-search-result__list li").first.is_visible() if page.locator(
        ".md-search-result__list li").count() else True


def test_the_header_box_finds_chinese_in_prose_pages_and_enter_opens_the_directory(page, server):
    page.goto(server + "contributing/")
    page.click("input.md-search__input")
    _header_search(page, "隐私")  # on the about page; the theme's English trimmer dropped it
    pages = page.locator("[data-kx-hs] [data-kx-kind=pages] a.kx-hs__link")
    assert pages.count() >= 1
    assert page.locator("[data-kx-hs] [data-kx-kind=pages] mark.kx-hit").first.inner_text() == "隐私"
    rid, name = _record("experts", "name")
    _header_search(page, name)
    page.keyboard.press("Enter")
    page.wait_for_url("**/experts/?query=*")
    page.evaluate("window.kexieDirectory.ready")
    page.wait_for_function("document.querySelector('[data-kx-results] a') !== null")
    assert rid in page.eval_on_selector_all("[data-kx-results] a.kx-dir__name", "els => els.map(e => e.getAttribute('href'))")[0]


def _directory(page, server, query):
    page.goto(server + "experts/?query=" + urllib.parse.quote(query))
    page.evaluate("window.kexieDirectory.ready")
    page.wait_for_function("!document.querySelector('.kx-dir').hasAttribute('aria-busy')")


def _rows(page):
    return page.eval_on_selector_all(".kx-dir__item", "els => els.map(e => e.innerText)")


def test_tone_marks_traditional_characters_and_the_hint_examples(page, server):
    _directory(page, server, "")
    examples = page.eval_on_selector_all(".kx-dir__example", "els => els.map(e => e.textContent)")
    assert len(examples) >= 5
    assert any(re.search("[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]", e) for e in examples)  # a tone-marked example
    assert any(normalize(e) != e and re.search("[\u4e00-\u9fff]", e) for e in examples)  # a traditional one
    for example in examples:  # every example of the hint finds someone, typed into the box
        page.fill("#kx-dir-q", example)
        page.press("#kx-dir-q", "Enter")
        page.wait_for_function("q => new URLSearchParams(location.search).get('query') === q", arg=example)
        page.wait_for_function("!document.querySelector('.kx-dir').hasAttribute('aria-busy')")
        assert page.locator(".kx-dir__item a.kx-dir__name").count() >= 1, example
    # tone marks: lǚ is lv (not every name starting with l), traditional 陳 is 陈
    _directory(page, server, "cài yù")
    assert "蔡玉" in _rows(page)[0]
    _directory(page, server, "lǚ")
    names = page.eval_on_selector_all("a.kx-dir__name", "els => els.map(e => e.textContent)")
    assert names and all(n.startswith("吕") for n in names if not n.startswith("…")), names


def test_a_single_character_lists_names_first_then_other_fields(page, server):
    _directory(page, server, "林")
    note = page.inner_text("[data-kx-note]")
    assert "姓名中含有它的专家在前" in note
    rows = page.locator("[data-kx-results] > li")
    texts = rows.evaluate_all("els => els.map(e => [e.className, e.innerText])")
    classes = [c for c, _ in texts]
    assert "kx-dir__divider" in classes  # names first, then a marked divider, then other fields
    cut = classes.index("kx-dir__divider")
    names = page.eval_on_selector_all("a.kx-dir__name", "els => els.map(e => e.textContent)")
    assert cut > 0 and all("林" in n for n in names[:cut])
    assert len(names) > cut and all("林" not in n for n in names[cut:])
    # every row says where 林 is: the matched text is highlighted
    marks = page.eval_on_selector_all(".kx-dir__why mark", "els => els.map(e => e.textContent)")
    assert len(marks) == len(names) and set(marks) == {"林"}


def test_each_hit_is_explained_and_shows_its_disciplines(page, server):
    _directory(page, server, "学会")
    first = page.locator(".kx-dir__item").first
    assert first.locator(".kx-dir__disciplines").inner_text().startswith("学科：")
    why = first.locator(".kx-dir__why").inner_text()
    assert why.startswith("匹配：") and "学会" in first.locator(".kx-dir__why mark").first.inner_text()


def test_facet_chips_sort_and_more(page, server):
    _directory(page, server, "")
    total = int(re.search(r"\d+", page.inner_text("[data-kx-count]")).group())
    page.locator("details[data-kx-group=district] summary").click()
    options = page.locator("details[data-kx-group=district] li:not([hidden]) .kx-dir__n")
    counts = [int(c) for c in options.all_inner_texts()]
    assert counts == sorted(counts, reverse=True)  # values by count
    page.locator("details[data-kx-group=district] li:not([hidden]) input").first.check()
    page.wait_for_url("**district=**")
    page.wait_for_function("!document.querySelector('.kx-dir').hasAttribute('aria-busy')")
    chip = page.locator("[data-kx-chips] .kx-dir__chip")
    assert chip.count() == 1 and chip.inner_text().endswith("×")
    filtered = int(re.search(r"\d+", page.inner_text("[data-kx-count]")).group())
    assert filtered == counts[0] < total
    chip.click()  # the chip removes its filter
    page.wait_for_function(f"document.querySelector('[data-kx-count]').textContent.includes('{total}')")
    assert page.locator("[data-kx-chips] .kx-dir__chip").count() == 0
    assert "district=" not in page.url
    # a long facet has its own filter box; zero counts wait behind 更多
    page.locator("details[data-kx-group=discipline] summary").click()
    box = page.locator("details[data-kx-group=discipline] [data-kx-facet-filter]")
    assert box.count() == 1
    box.fill("医学")
    shown = page.locator("details[data-kx-group=discipline] li:not([hidden])").all_inner_texts()
    assert shown and all("医学" in s for s in shown)
    box.fill("")
    page.fill("#kx-dir-q", "蔡玉")
    page.press("#kx-dir-q", "Enter")
    page.wait_for_function("document.querySelector('[data-kx-count]').textContent === '共 1 位专家'")
    more = page.locator("details[data-kx-group=discipline] [data-kx-more]")
    assert more.is_visible() and "更多" in more.inner_text()
    hidden = page.locator("details[data-kx-group=discipline] li[hidden]").count()
    more.click()
    assert page.locator("details[data-kx-group=discipline] li[hidden]").count() < hidden
    # sort by surname pinyin: the list is in spaced-pinyin order (surnames group)
    _directory(page, server, "")
    page.select_option("[data-kx-sort]", "honours")
    page.wait_for_url("**sort=honours**")
    page.wait_for_function("!document.querySelector('.kx-dir').hasAttribute('aria-busy')")
    first = page.locator(".kx-dir__item").first
    assert first.locator(".kx-dir__badge").count() >= 1  # the most honoured first


def test_python_and_javascript_fold_alike(page, server):
    _directory(page, server, "")
    table = t2s_table()
    samples = ["".join(chr(c) for c in sorted(table)), "Zhāng Wěi LǙ lǚ nǘ Ü ü ÀÉÎÕÜ", "ＺＨＡＮＧ　５Ｇ（）",
               "張偉 陳斌 歐陽修 學院 醫", "e\u0301 ﬁ ㈱ ⅻ Straße İstanbul", "薴苧"]
    for s in samples:
        assert page.evaluate("s => window.kexieDirectory.fold(s)", s) == normalize(s)
