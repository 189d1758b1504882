"""Light record pages in Chromium (issue 14, item 1): a record page whose frame comes from the shared
record-frame.js looks and works like a page MkDocs rendered whole — at 1280 px its tabs and header
search box, at 390 px its navigation drawer and search — on every kind of record page."""

from __future__ import annotations

import pytest

from tests.test_browser import _first, pytestmark, server  # noqa: F401
from tests.test_search_browser import _header_search, _record

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
FOLDERS = ["experts", "societies", "workstations", "projects", "needs", "proposals"]
REFERENCE = "funding/2016/"  # rendered whole by MkDocs, two folders deep like every record page

# where the frame's pieces are on the screen and how they look: the same on a record page and on
# the reference page (the header's title is the page's own, so only its box is compared)
GEOMETRY = """() => ['.md-header', '.md-header__button.md-logo', 'label.md-header__button[for=__drawer]',
  'label.md-header__button[for=__search]', '.md-search', '.md-tabs', '.md-sidebar--primary', '.md-footer',
  '.md-footer-meta', '.md-content'].map(s => {
    const e = document.querySelector(s);
    if (!e) return [s, null];
    const r = e.getBoundingClientRect(), c = getComputedStyle(e);
    return [s, [Math.round(r.left), Math.round(r.width), Math.round(r.height), c.display, c.visibility,
                c.backgroundColor, c.color, c.fontSize, e.querySelectorAll('a').length, e.querySelectorAll('svg').length]];
  })"""


def _open(browser, size, url):
    context = browser.new_context(**size)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page, errors


def _record_url(folder: str) -> str:
    return f"{folder}/{_first(folder) if folder != 'experts' else _record('experts', 'name')[0]}/"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("folder", FOLDERS)
def test_a_record_page_has_the_frame_of_a_page_rendered_whole(browser, server, folder, size):  # noqa: F811
    context, reference, errors = _open(browser, size, server + REFERENCE)
    expected = reference.evaluate(GEOMETRY)
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + _record_url(folder))
    page.wait_for_load_state("load")
    got = page.evaluate(GEOMETRY)
    # no placeholder is left, the theme's script found its configuration and components
    assert page.locator("kx-f").count() == 0
    assert page.evaluate("document.querySelectorAll('.md-tabs__link').length") == 12
    assert page.evaluate("getComputedStyle(document.querySelector('.md-sidebar--primary')).display") == \
        reference.evaluate("getComputedStyle(document.querySelector('.md-sidebar--primary')).display")
    context.close()
    assert errors == []
    for (selector, ours), (_, theirs) in zip(got, expected):
        if selector == ".md-content":  # the content differs; its column does not
            ours, theirs = ours[:2], theirs[:2]
        assert ours == theirs, selector


def test_desktop_tabs_lead_to_their_pages(browser, server):  # noqa: F811
    context, page, errors = _open(browser, DESKTOP, server + _record_url("experts"))
    tabs = page.locator(".md-tabs__link")
    assert tabs.first.is_visible()
    assert [t.strip() for t in tabs.all_inner_texts()][:3] == ["首页", "专家名录", "市级学会"]
    page.locator(".md-tabs__link", has_text="市级学会").click()
    page.wait_for_url("**/societies/")
    assert page.inner_text("h1") == "市级学会"
    context.close()
    assert errors == []


@pytest.mark.parametrize("folder", ["experts", "projects"])
def test_phone_drawer_opens_and_its_links_lead_to_their_pages(browser, server, folder):  # noqa: F811
    context, page, errors = _open(browser, PHONE, server + _record_url(folder))
    assert not page.locator(".md-tabs").is_visible()  # on a phone the tabs give way to the drawer
    link = page.locator(".md-sidebar--primary a.md-nav__link", has_text="企业需求")
    assert not link.is_visible() or link.bounding_box()["x"] < 0
    page.click("header label.md-header__button[for=__drawer]")
    page.wait_for_function("document.getElementById('__drawer').checked")
    page.wait_for_timeout(400)  # the drawer slides in
    box = link.bounding_box()
    assert box and 0 <= box["x"] < 390, box
    link.click()
    page.wait_for_url("**/needs/")
    assert page.inner_text("h1") == "企业需求"
    context.close()
    assert errors == []


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1280px", "390px"])
@pytest.mark.parametrize("folder", FOLDERS)
def test_the_header_search_box_works_on_every_record_page(browser, server, folder, size):  # noqa: F811
    rid, name = _record("societies", "name")
    context, page, errors = _open(browser, size, server + _record_url(folder))
    if size is PHONE:  # behind the search button on a phone
        page.click("header label.md-header__button[for=__search]")
    page.click("input.md-search__input")
    _header_search(page, name)
    hrefs = page.locator("[data-kx-hs] [data-kx-kind=societies] a.kx-hs__link").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))")
    assert any(h.endswith(f"/societies/{rid}/") for h in hrefs), hrefs
    page.keyboard.press("Enter")
    page.wait_for_url("**/experts/?query=*")
    page.evaluate("window.kexieDirectory.ready")
    context.close()
    assert errors == []


@pytest.mark.parametrize("folder", FOLDERS)
def test_without_javascript_a_record_page_is_styled(browser, server, folder):  # noqa: F811
    """The stylesheet stays in each record page's <head>: a reader without JavaScript gets the theme's
    typography and the site's styles (the frame's header and footer need the script). It is one file,
    the theme's main and palette css, kexie.css and directory.css joined."""
    context = browser.new_context(java_script_enabled=False, **DESKTOP)
    page = context.new_page()
    page.goto(server + _record_url(folder))
    page.wait_for_load_state("load")
    styled = page.evaluate(r"""() => {
        const h1 = getComputedStyle(document.querySelector('.md-typeset h1'));
        const crumbs = getComputedStyle(document.querySelector('.kx-crumbs ol'));
        const sheet = document.styleSheets[0];
        const selectors = [...sheet.cssRules].map(r => r.selectorText || r.conditionText || '').join(' ');
        return [document.styleSheets.length, sheet.href.split('/').pop().replace(/\.[0-9a-f]{10}\./, '.HASH.'),
                selectors.includes('.md-typeset h1'), selectors.includes('[data-md-color-primary="indigo"]'),
                selectors.includes('.kx-crumbs'), selectors.includes('.kx-dir'),
                h1.fontWeight, crumbs.listStyleType, getComputedStyle(document.body).margin];
    }""")
    context.close()
    # one stylesheet holding the theme's, the palette's, kexie.css's and directory.css's rules; the
    # theme's h1 weight (300), the site's crumbs without bullets, and no browser default 8px body margin
    assert styled == [1, "record.HASH.css", True, True, True, True, "300", "none", "0px"], styled


def test_the_demo_note_is_on_every_record_page(browser, server):  # noqa: F811
    """The 演示数据 note is in the shared footer (mkdocs.yml's copyright), not in every page."""
    for folder in FOLDERS:
        context, page, errors = _open(browser, DESKTOP, server + _record_url(folder))
        note = page.locator(".md-footer-meta .md-copyright", has_text="演示数据")
        assert note.is_visible(), folder
        context.close()
        assert errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_wide_record_table_is_labelled_cards_with_javascript_and_scrolls_without(browser, server, javascript):  # noqa: F811
    """Record pages carry no data-label (#14): tables.js labels each cell from the header row and
    marks the table as cards; without JavaScript the same table keeps its columns and scrolls inside
    itself (the theme's table style), and the page never scrolls sideways."""
    context = browser.new_context(java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    page.goto(server + f"societies/{_first('societies')}/")
    page.wait_for_load_state("load")
    report = page.evaluate("""() => [...document.querySelectorAll('article table')].filter(t =>
        t.tHead && t.tHead.rows[0].cells.length >= 4).map(t => ({
            cards: t.hasAttribute('data-cards'),
            labels: [...t.tBodies[0].rows[0].cells].map(c => c.getAttribute('data-label')),
            headings: [...t.tHead.rows[0].cells].map(c => c.textContent.trim()),
            display: getComputedStyle(t).display, overflow: getComputedStyle(t).overflowX,
        }))""")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert report and page_width <= 390
    for table in report:
        if javascript:
            assert table["cards"] and table["labels"] == table["headings"], table
        else:
            assert not table["cards"] and table["labels"] == [None] * len(table["headings"]), table
            assert table["display"] == "inline-block" and table["overflow"] == "auto", table


def test_the_frame_puts_back_what_pages_no_longer_carry(browser, server):  # noqa: F811
    """The shared frame fills the header with the page's own title (escaped: a title is record
    text), sets the theme's colour attributes and components, adds the favicon, and ends every record
    footer with the route without GitHub; wayfinding.js adds the (hidden) 返回搜索结果 link on expert pages."""
    for folder in FOLDERS:
        context, page, errors = _open(browser, DESKTOP, server + _record_url(folder))
        got = page.evaluate("""() => [
            document.querySelector('.md-header__topic[data-md-component=header-topic] .md-ellipsis').textContent.trim(),
            document.querySelector('h1').textContent.trim(),
            document.body.getAttribute('data-md-color-primary'),
            ['container', 'main', 'content'].map(c => !!document.querySelector(`[data-md-component=${c}]`)),
            !!document.querySelector('link[rel=icon][href$="favicon.png"]'),
            document.querySelector('.kx-record-footer .kx-contact a').getAttribute('href'),
            document.querySelectorAll('[data-kx-back]').length,
        ]""")
        context.close()
        assert errors == []
        assert got[0] == got[1] and got[2] == "indigo" and got[3] == [True, True, True] and got[4], (folder, got)
        assert got[5] == "../../about/#contact" and got[6] == (1 if folder == "experts" else 0), (folder, got)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("index", ["", "index.html"])
def test_the_footer_links_name_the_record_file_on_github(browser, server, javascript, index):  # noqa: F811
    """The pages carry 请求更正 → the about page's contact section (so it works without JavaScript)
    and their own JSON; the frame script points 请求更正 to the GitHub correction form for the page's
    record file and adds 编辑此记录 (GitHub's editor) after it, with the file taken from the page's
    address: the same links on `<folder>/<id>/` and `<folder>/<id>/index.html`."""
    for folder in FOLDERS:
        url = _record_url(folder)
        record_id = url.split("/")[1]
        context = browser.new_context(java_script_enabled=javascript, **DESKTOP)
        page = context.new_page()
        page.goto(server + url + index)
        page.wait_for_load_state("load")
        links = page.evaluate("""() => [...document.querySelectorAll('.kx-record-footer > p:not(.kx-contact) a')]
            .map(a => [a.textContent, a.getAttribute('href'), a.rel])""")
        text = page.locator(".kx-record-footer > p:not(.kx-contact)").inner_text()
        context.close()
        source = f"records/{folder}/{record_id}.yaml"
        own_json = ["本记录的开放数据（JSON）", f"../{record_id}.json", ""]
        if javascript:
            assert links == [["请求更正", f"https://github.com/hzkx/kexie/issues/new?template=correction.yml&record={source}", "nofollow"],
                             ["编辑此记录", f"https://github.com/hzkx/kexie/edit/main/{source}", "nofollow"], own_json], links
            assert text.endswith("请求更正 · 编辑此记录 · 本记录的开放数据（JSON）"), text
        else:
            assert links == [["请求更正", "../../about/#contact", "nofollow"], own_json], links
