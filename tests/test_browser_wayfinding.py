"""The public site in Chromium as a reader uses it (issue 16): tables and charts on a 390 px phone,
money aligned as money, and finding one's way — record values that open the directory filtered by
them, breadcrumbs, and "返回搜索结果" after a search."""

from __future__ import annotations

import re
import urllib.parse

import pytest

from tests.test_browser import _an_expert, _count, _first, _published, _search, page, pytestmark, server  # noqa: F401

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TABLE_PAGES = ["funding/", "funding/2016/", "targets/", "societies/", "projects/", "workstations/", "needs/", "SOCIETY", "PROJECT"]


def _url(path: str) -> str:
    folders = {"SOCIETY": "societies", "PROJECT": "projects"}
    return f"{folders[path]}/{_first(folders[path])}/" if path in folders else path


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_wide_tables_are_cards_on_a_phone_with_every_value_labelled(browser, server, path):  # noqa: F811
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(server + _url(path))
    phone.wait_for_load_state("load")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"
    report = phone.evaluate(
        """() => [...document.querySelectorAll('article table')].map(t => ({
            cards: t.hasAttribute('data-cards'),
            columns: t.tHead ? t.tHead.rows[0].cells.length : 0,
            wider: t.scrollWidth > t.clientWidth + 1 || t.getBoundingClientRect().right > window.innerWidth,
            unlabelled: [...t.querySelectorAll('tbody td, tfoot td')].filter((td, i) =>
                td.cellIndex > 0 && td.textContent.trim() && !td.dataset.label).length,
            labels: [...t.querySelectorAll('tbody tr:first-child td')].slice(1).filter(td =>
                td.textContent.trim()).map(td =>
                getComputedStyle(td, '::before').content),
        }))"""
    )
    context.close()
    assert report, "no table on the page"
    for table in report:
        assert not table["wider"], table
        if table["columns"] >= 4:
            assert table["cards"] and table["unlabelled"] == 0, table
            # the heading is shown before each value (CSS attr(data-label)), drill-downs too
            assert all(label not in ("none", "normal", '""') for label in table["labels"]), table


def test_chart_labels_stay_legible_on_a_phone(browser, server):  # noqa: F811
    context = browser.new_context(**PHONE)
    phone = context.new_page()
    phone.goto(server + "funding/")
    sizes = phone.eval_on_selector_all(
        ".kx-chart .kx-bars__label, .kx-chart .kx-bars__value",
        "els => els.map(e => [parseFloat(getComputedStyle(e).fontSize), e.getBoundingClientRect().right])",
    )
    context.close()
    assert sizes and min(size for size, _ in sizes) >= 12  # was ~6 px: an SVG scaled to the width
    assert max(right for _, right in sizes) <= 390


@pytest.mark.parametrize("path", ["funding/", "funding/2016/", "societies/", "projects/", "SOCIETY", "PROJECT"])
def test_money_is_right_aligned_in_every_table(page, server, path):  # noqa: F811
    page.goto(server + _url(path))
    cells = page.eval_on_selector_all(
        "article table td, article table th",
        """els => els.filter(e => /^-?[\\d,]+\\.\\d\\d$/.test(e.textContent.trim()))
                    .map(e => [e.textContent.trim(), getComputedStyle(e).textAlign])""",
    )
    assert cells, "no amount on the page"
    assert {align for _, align in cells} == {"right"}, [c for c in cells if c[1] != "right"][:5]


def _expert_with(field):
    return next((i, e) for i, e in _published().items() if e.get(field))


@pytest.mark.parametrize("group", ["discipline", "industry", "district", "society", "honour"])
def test_a_value_on_an_expert_page_opens_the_directory_filtered_by_it(page, server, group):  # noqa: F811
    experts = _published()
    field = {"discipline": "disciplines", "industry": "industries", "district": "district", "society": "societies", "honour": "honours"}[group]
    eid, expert = _expert_with(field)
    value = expert[field] if group == "district" else expert[field][0]
    if group == "society":
        value = value["society"]
    page.goto(server + f"experts/{eid}/")
    # on an expert page the directory is its own folder: ../?group=value (#14)
    link = page.locator(f"article .kx-record a[href^='../?{group}=']").first
    link.click()
    page.wait_for_url("**/experts/?*")
    page.evaluate("window.kexieDirectory.ready")
    params = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert params[group] == [str(value)]

    def has(e):
        if group == "district":
            return e.get("district") == value
        if group == "society":
            return any(s["society"] == value for s in e.get("societies", []))
        return value in e.get(field, [])

    expected = sum(1 for e in experts.values() if has(e))
    page.wait_for_function(f"document.querySelector('[data-kx-count]').textContent.includes('{expected} 位')")
    assert _count(page) == expected
    assert page.locator(f"input[data-kx-facet={group}][value='{value}']").is_checked()


def _crumbs(tab) -> list[str]:
    return tab.eval_on_selector_all("nav.kx-crumbs li", "els => els.map(e => e.textContent.trim())")


def test_breadcrumbs_and_back_to_the_search_results(page, server):  # noqa: F811
    eid, expert = _an_expert()
    word = expert["name"][0]
    _search(page, server, word)
    results_url = page.url
    page.click(f"[data-kx-results] a[href$='experts/{eid}/']")
    page.wait_for_url(f"**/experts/{eid}/")
    assert _crumbs(page) == ["首页", "专家名录"]  # the page itself is the h1 below
    back = page.locator("[data-kx-back]")
    assert back.is_visible() and back.inner_text() == "返回搜索结果"
    back.click()
    page.wait_for_url(results_url)
    page.evaluate("window.kexieDirectory.ready")
    assert page.input_value("[data-kx-q]") == word
    assert any(h.endswith(f"experts/{eid}/") for h in page.eval_on_selector_all("[data-kx-results] a", "els => els.map(e => e.getAttribute('href'))"))


def test_no_back_link_without_a_search(page, server):  # noqa: F811
    eid, _ = _an_expert()
    page.goto(server + f"experts/{eid}/")
    assert page.locator("[data-kx-back]").is_hidden()
    # the breadcrumb's list link leads to the directory
    page.click("nav.kx-crumbs a:text('专家名录')")
    page.wait_for_url("**/experts/")


@pytest.mark.parametrize("folder,title", [("societies", "市级学会"), ("workstations", "工作站、基地与服务站"), ("projects", "资助项目"), ("needs", "企业需求"), ("proposals", "科技工作者建议")])
def test_every_record_page_has_breadcrumbs(page, server, folder, title):  # noqa: F811
    page.goto(server + f"{folder}/{_first(folder)}/")
    assert _crumbs(page) == ["首页", title]
    assert page.locator("[data-kx-back]").count() == 0


def test_a_need_page_leads_to_experts_of_its_industry(page, server):  # noqa: F811
    import yaml

    from tests.sitebuild import REPO

    nid = _first("needs")
    need = yaml.safe_load((REPO / "records" / "needs" / f"{nid}.yaml").read_text(encoding="utf-8"))
    expected = sum(1 for e in _published().values() if need["industry"] in e.get("industries", []))
    page.goto(server + f"needs/{nid}/")
    page.click("article .kx-record a[href*='experts/?industry=']")
    page.wait_for_url("**/experts/?industry=*")
    page.evaluate("window.kexieDirectory.ready")
    page.wait_for_function(f"document.querySelector('[data-kx-count]').textContent.includes('{expected} 位')")
    assert _count(page) == expected


def test_a_target_figure_opens_the_records_it_counts(page, server):  # noqa: F811
    page.goto(server + "targets/")
    figure = page.locator("article table a.kx-audit").first
    shown = int(re.match(r"\d+", figure.inner_text()).group())
    figure.click()
    page.wait_for_url("**/workstations/?*")
    page.evaluate("window.kexieLists.ready")
    links = page.locator("[data-kx-list-table] tbody tr td:first-child a")
    assert shown >= 1 and links.count() == shown  # "2家" lists two records
    href = links.first.get_attribute("href")
    title = links.first.inner_text()
    links.first.click()
    page.wait_for_url("**/" + href.replace("../", ""))
    assert page.inner_text("h1") == title


HOSTILE_VALUES = ["拱墅区", "a b", 'x"y', "<i>", "#top", "100%", "R&D", "C++", "a=b", "it's", "back\\slash",
                  "tab\there", "line\nbreak", "\x7f\x85", "é ü", "？＆＝", "`", "a/b?c"]


def test_raw_utf8_query_values_read_back_in_the_directory(page, server):  # noqa: F811
    """Record pages write directory links with raw UTF-8 (generator.common.render.query_value); the
    browser's URLSearchParams, which directory.js reads them with, gives back every value exactly,
    after the HTML attribute and the URL parser have been through them."""
    from generator.common.render import make_env
    from tests.sitebuild import REPO

    env = make_env(REPO / "generator" / "site" / "templates")  # autoescaping, as the record pages are written
    template = env.from_string('<a id="l{{ i }}" href="{{ base }}experts/?district={{ v | query }}">x</a>')
    links = "".join(template.render(i=i, v=v, base=server) for i, v in enumerate(HOSTILE_VALUES))
    page.goto(server + "experts/")
    page.evaluate("html => { const d = document.createElement('div'); d.innerHTML = html; document.body.append(d); }", links)
    got = page.evaluate("n => [...Array(n).keys()].map(i => new URLSearchParams(new URL(document.getElementById('l' + i).href).search).get('district'))", len(HOSTILE_VALUES))
    assert got == HOSTILE_VALUES


def test_a_raw_utf8_filter_link_filters_the_directory(page, server):  # noqa: F811
    """A record page's link is written with raw UTF-8 (no %E6…) and still filters the directory."""
    eid, expert = _expert_with("district")
    page.goto(server + f"experts/{eid}/")
    link = page.locator("article .kx-record a[href^='../?district=']").first
    assert link.get_attribute("href") == f"../?district={expert['district']}"
    assert link.get_attribute("title") is None
    link.click()
    page.wait_for_url("**/experts/?*")
    page.evaluate("window.kexieDirectory.ready")
    assert page.locator(f"input[data-kx-facet=district][value='{expert['district']}']").is_checked()
