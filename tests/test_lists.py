"""#14 item 1, list pages and bulk files: each item listed in full once (the canonical lists, paged
and filtered by lists.js from lists/<name>.json), bulk files gzip-only past the threshold in
mkdocs.yml, the sitemap as an index of chunks, every link of the built site resolving.

Two real builds of the shipped records: the demo site (default thresholds: every file plain) and a
"small thresholds" site (open_data_compress_over 10000, list_page_rows 10, report_project_rows 5,
sitemap_urls_per_file 100, breakdown_rows 5, record_json_max 100), which publishes .gz files, many
list pages and no per-record JSON from the same records."""

from __future__ import annotations

import functools
import gzip
import html
import http.server
import posixpath
import re
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.common.bulk import bulk_file, gzip_bytes
from generator.model.summaries import funding_years, summarize
from tests.listlinks import follow, list_data, row_ids
from tests.sitebuild import REPO, demo_site, make_project, run_kexie

SMALL = {"open_data_compress_over": 10000, "list_page_rows": 10, "report_project_rows": 5, "sitemap_urls_per_file": 100,
         "breakdown_rows": 5, "record_json_max": 100}
_HREF = re.compile(r'\bhref="([^"]*)"')


class _Links(HTMLParser):
    """Every href of a page, as the browser reads it (minified record pages leave attributes unquoted)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.hrefs += [value for name, value in attrs if name == "href" and value is not None]


def _hrefs(text: str) -> list[str]:
    parser = _Links()
    parser.feed(text)
    return parser.hrefs


@functools.lru_cache(maxsize=None)
def small_site() -> Path:
    project = make_project(REPO / "records", "lists-small")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    for key, value in SMALL.items():
        config, n = re.subn(rf"(\n      {key}:) *\d+", rf"\g<1> {value}", config)
        assert n == 1, key
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    result = run_kexie("build", "--out", str(project / "site"), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return project / "site"


def _model():
    from generator.checks.pipeline import check_records
    from generator.model.public import build_model

    checked = check_records(REPO / "records")
    return build_model(checked.records, checked.schemas, {})


def _gzip_header_is_deterministic(data: bytes) -> bool:
    # RFC 1952: flags byte 3 (FNAME = 8 must be clear), mtime bytes 4–7 (zero)
    return data[:3] == b"\x1f\x8b\x08" and data[3] & 0x08 == 0 and data[4:8] == b"\0\0\0\0"


# ------------------------------------------------------------------ bulk files


def _bulk_gz(site: Path) -> list[str]:
    """The .gz files a site publishes as downloads: not the search index (always gzip-stored, read by
    the page's script) nor the build manifest in .kexie/ (never published)."""
    return sorted(name for name in (p.relative_to(site).as_posix() for p in site.rglob("*.gz"))
                  if not name.startswith(("search/", ".kexie/")))


def test_bulk_files_past_the_threshold_are_published_gzip_only_and_decompress_to_the_plain_bytes():
    plain, small = demo_site(), small_site()
    packed = sorted(name for name in _bulk_gz(small) if not name.startswith("sitemap-"))
    assert "api/experts.json.gz" in packed and "api/experts.csv.gz" in packed and "lists/projects.json.gz" in packed
    for name in packed:
        original = name.removesuffix(".gz")
        assert not (small / original).exists(), f"{original} published beside its .gz"
        data = (small / name).read_bytes()
        assert _gzip_header_is_deterministic(data), name
        assert len(gzip.decompress(data)) > SMALL["open_data_compress_over"], name
        if not original.startswith("lists/"):
            # the same bytes the plain writer gives: the demo site built them plain
            assert gzip.decompress(data) == (plain / original).read_bytes(), name
    # under the threshold: plain, exactly as the demo site's
    for path in sorted((small / "api").iterdir()):
        if path.suffix != ".gz":
            assert path.read_bytes() == (plain / "api" / path.name).read_bytes()
    # the shipped demo with the shipped threshold: every earlier issue's /api/<type>.json and .csv stay plain
    assert not [name for name in _bulk_gz(plain) if name.endswith((".json.gz", ".csv.gz"))]


def test_gzip_is_deterministic_and_the_threshold_is_strict():
    data = "专家,学会\n".encode("utf-8") * 1000
    assert gzip_bytes(data) == gzip_bytes(data) and _gzip_header_is_deterministic(gzip_bytes(data))
    assert bulk_file("a.csv", data, len(data)) == ("a.csv", data)  # not larger than the threshold
    assert bulk_file("a.csv", data, len(data) - 1) == ("a.csv.gz", gzip_bytes(data))
    assert bulk_file("a.csv", data, None) == ("a.csv", data)


def test_the_yearly_report_csv_on_the_site_is_the_gzip_of_kexie_report_and_the_html_a_summary(tmp_path):
    small = small_site()
    year = 2016
    project = small.parent
    result = run_kexie("report", "--year", str(year), "--out", str(tmp_path), cwd=project)
    assert result.returncode == 0, result.stderr
    folder = small / "funding" / str(year)
    assert gzip.decompress((folder / f"funding-{year}.csv.gz").read_bytes()) == (tmp_path / f"funding-{year}.csv").read_bytes()
    for name in (f"funding-{year}.html", f"funding-{year}.xlsx"):
        assert (folder / name).read_bytes() == (tmp_path / name).read_bytes(), name
    count = len(summarize(_model(), year).projects)
    assert count > SMALL["report_project_rows"]
    text = (folder / f"funding-{year}.html").read_text(encoding="utf-8")
    assert f"本年度有资助或退回的项目共 {count} 个，超过可打印报表逐项列出的 {SMALL['report_project_rows']} 个" in text
    assert f"funding-{year}.csv 和 funding-{year}.xlsx" in text
    assert "<th>项目</th><th>类别</th>" not in text  # no per-project table
    # the demo's reports (default threshold) keep their per-project table
    demo = (demo_site() / "funding" / str(year) / f"funding-{year}.html").read_text(encoding="utf-8")
    assert "<th>项目</th><th>类别</th>" in demo


def test_report_project_rows_in_mkdocs_yml_must_be_a_number(tmp_path):
    project = make_project(REPO / "records", "lists-bad-rows")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    (project / "mkdocs.yml").write_text(re.sub(r"report_project_rows: *\d+", "report_project_rows: many", config), encoding="utf-8")
    result = run_kexie("report", "--year", "2016", "--out", str(tmp_path / "out"), cwd=project)
    assert result.returncode == 2
    assert "mkdocs.yml：kexie 的 report_project_rows 应为非负整数，实际为“many”" in result.stderr


@pytest.mark.parametrize("site", ["demo", "small"])
def test_the_open_data_page_links_every_published_bulk_file_with_its_size(site):
    root = demo_site() if site == "demo" else small_site()
    page = (root / "open-data" / "index.html").read_text(encoding="utf-8")
    assert "@@kx" not in page
    linked = {posixpath.normpath(posixpath.join("open-data/", html.unescape(h))) for h in _HREF.findall(page)}
    published = {p.relative_to(root).as_posix() for folder in ("api", "docking") for p in (root / folder).iterdir() if p.name != "index.html"}
    published |= {p.relative_to(root).as_posix() for p in (root / "funding").glob("*/funding-*")}
    assert published and published <= linked, sorted(published - linked)
    for name in published:
        size = (root / name).stat().st_size
        shown = f"{size} B" if size < 1000 else f"{size / 1000:.1f} kB" if size < 1000_000 else f"{size / 1e6:.1f} MB"
        assert f'{posixpath.basename(name)}</a><br><small class="kx-muted">{shown}</small>' in page, name
    assert "gunzip" in page and "7-Zip" in page


def test_headers_serve_gz_files_as_gzip_downloads_without_content_encoding():
    from generator.deploy.plan import Rules

    rules = Rules.load()
    for path in ("api/experts.json.gz", "lists/projects.json.gz", "sitemap-1.xml.gz", "funding/2016/funding-2016.csv.gz"):
        assert rules.headers(path)[0] == "application/gzip", path
    # the object-store deploy sets only Content-Type and Cache-Control: no Content-Encoding, so a
    # browser saves experts.json.gz as it is (lists.js unpacks its data with DecompressionStream)
    assert "encoding" not in (REPO / ".github" / "deploy-s3.sh").read_text(encoding="utf-8").lower()


# ------------------------------------------------------------------ sitemap


@pytest.mark.parametrize("site", ["demo", "small"])
def test_the_sitemap_index_lists_every_published_page_exactly_once(site):
    root = demo_site() if site == "demo" else small_site()
    index = (root / "sitemap.xml").read_text(encoding="utf-8")
    assert "<sitemapindex" in index and not (root / "sitemap.xml.gz").exists()
    chunks = re.findall(r"<loc>https://hzkx\.github\.io/kexie/(sitemap-\d+\.xml\.gz)</loc>", index)
    urls = []
    for chunk in chunks:
        data = (root / chunk).read_bytes()
        assert _gzip_header_is_deterministic(data)
        listed = re.findall(r"<loc>https://hzkx\.github\.io/kexie/([^<]*)</loc>", gzip.decompress(data).decode("utf-8"))
        assert 0 < len(listed) <= (SMALL["sitemap_urls_per_file"] if site == "small" else 50_000)
        urls += listed
    pages = {p.relative_to(root).parent.as_posix() + "/" for p in root.rglob("index.html")}
    pages = {"" if p == "./" else p for p in pages}
    assert len(urls) == len(set(urls)), "a URL listed twice"
    assert set(urls) == pages
    if site == "small":
        assert len(chunks) > 1


# ------------------------------------------------------------------ lists and links


@pytest.mark.parametrize("site", ["demo", "small"])
def test_every_link_of_the_built_site_resolves(site):
    """A link checker over every page but the record pages' (checked on a sample of them): each
    relative href names a file or a folder with index.html; a link to a filtered list keeps rows."""
    root = demo_site() if site == "demo" else small_site()
    record_folders = {"experts", "societies", "workstations", "projects", "needs", "proposals"}
    pages = [p for p in root.rglob("*.html") if not (len(p.relative_to(root).parts) == 3 and p.relative_to(root).parts[0] in record_folders)]
    pages += sorted(p for folder in record_folders for p in (root / folder).glob("*/index.html"))[::7]
    checked = filtered = 0
    for page in pages:
        url = page.relative_to(root).parent.as_posix() + "/"
        url = "" if url == "./" else url
        for href in _hrefs(page.read_text(encoding="utf-8")):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith(("#", "mailto:", "tel:")) or not (parts.path or parts.query):
                continue
            folder = url if page.name == "index.html" else posixpath.dirname(page.relative_to(root).as_posix())
            target = posixpath.normpath(posixpath.join(folder, parts.path)).lstrip("/")
            assert (root / target).is_file() or (root / target / "index.html").is_file(), f"{page.relative_to(root)}: {href}"
            checked += 1
            if parts.query and target.strip("/") in ("projects", "workstations", "proposals", "needs", "societies", "docking") and "page=" not in parts.query:
                _, rows = follow(root, url, href)
                assert rows, f"{page.relative_to(root)}: {href} lists nothing"
                filtered += 1
    assert checked > 1500 and filtered > 100  # every list and funding page, a seventh of the record pages


def test_a_list_page_carries_only_its_first_rows_and_the_data_has_every_record():
    small = small_site()
    for name, folder in [("projects", "projects"), ("workstations", "workstations"), ("proposals", "proposals"), ("needs", "needs")]:
        data = list_data(small, name)
        assert row_ids(data.rows) == {p.stem for p in (REPO / "records" / folder).glob("*.yaml")}, name
        page = (small / name / "index.html").read_text(encoding="utf-8")
        body = page[page.index("data-kx-list-table"):]
        body = body[: body.index("</table>")]
        assert body.count("<tr>") == 1 + SMALL["list_page_rows"], name
        assert f'data-kx-list="../lists/{name}.json' in page and 'href="?page=2"' in page
    # the demo's own lists are whole on their page, as before
    demo = (demo_site() / "projects" / "index.html").read_text(encoding="utf-8")
    assert "data-kx-pager" not in demo and demo.count('href="../projects/hzkx-') == len(list((REPO / "records" / "projects").glob("*.yaml")))


def test_list_pages_and_aggregates_stay_small():
    """No list page repeats every item: the aggregate pages' size does not grow with the projects
    they sum (the demo's /funding/ and /targets/ link to lists instead)."""
    site = demo_site()
    for page in ("funding/index.html", "targets/index.html", "funding/2016/index.html"):
        text = (site / page).read_text(encoding="utf-8")
        assert "<details" not in text
        assert len(re.findall(r'href="[./]*projects/hzkx-', text)) == 0, page


@pytest.mark.parametrize("year", [2016, 2017])
def test_each_year_figure_links_to_a_list_that_recounts_to_the_yuan(year):
    summary = summarize(_model(), year)
    page = (demo_site() / "funding" / str(year) / "index.html").read_text(encoding="utf-8")
    (href,) = set(re.findall(rf'href="(\.\./\.\./projects/\?funded={year})"', page))
    _, rows = follow(demo_site(), f"funding/{year}/", href)
    assert row_ids(rows) == set(summary.total.projects)
    assert sum(r[5] for r in rows) == summary.total.amount and sum(r[6] for r in rows) == summary.total.refund


@pytest.mark.parametrize("year", [None, 2016])
def test_past_breakdown_rows_the_other_societies_are_one_line_linking_to_all_of_them(year):
    from generator.common.money import wan

    summary = summarize(_model(), year)
    lines, limit = summary.by_society, SMALL["breakdown_rows"]
    assert len(lines) > limit
    url = "funding/" if year is None else f"funding/{year}/"
    page = (small_site() / url / "index.html").read_text(encoding="utf-8")
    table = page[page.index('id="by-society"'):]
    table = table[: table.index("</table>")]
    rest = lines[limit:]
    row = table[table.index(f"其余 {len(rest)} 个学会"):]
    row = row[: row.index("</tr>")]
    cells = re.findall(r'<td class="kx-num"[^>]*>([^<]*)</td>', row)
    assert cells[:4] == [str(sum(len(r.projects) for r in rest)), wan(sum(r.amount for r in rest)),
                         wan(sum(r.refund for r in rest)), wan(sum(r.net for r in rest))]
    assert table.count("<tr>") == 1 + limit + 1 + 1  # head, the first lines, the rest, 合计
    (href,) = re.findall(r'href="([^"]*societies/\?funded=[^"]*)"', row)
    _, listed = follow(small_site(), url, html.unescape(href))
    # the societies list in the same scope: every line of the full table, with its money
    assert {r[0][1]: [r[6], r[7]] for r in listed} == {line.label: [line.amount, line.refund] for line in lines}


def test_every_funding_year_has_a_page():
    assert all((demo_site() / "funding" / str(y) / "index.html").is_file() for y in funding_years(_model()))


# ------------------------------------------------------------------ in Chromium


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def small_server():
    handler = functools.partial(_Quiet, directory=str(small_site()))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


def _rows(page) -> list[list[str]]:
    page.evaluate("window.kexieLists.ready")
    return page.evaluate("""() => [...document.querySelectorAll('[data-kx-list-table] tbody tr')].map(tr =>
        [...tr.cells].map(td => td.textContent))""")


from tests.test_browser import pytestmark  # noqa: E402,F401 - browser marker and the Chromium skip


def test_from_funding_to_a_years_project_list_in_the_browser(browser, small_server):
    """/funding/ → the 2016 page → its project list (gzip data, paged by 10): the rows read in the
    browser are the year's projects with the year's money, and the pages together hold all of them."""
    from generator.common.money import wan

    summary = summarize(_model(), 2016)
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(small_server + "funding/")
    page.click("article a[href='../funding/2016/']")
    page.wait_for_url("**/funding/2016/")
    page.click("#projects + p a")
    page.wait_for_url("**/projects/?funded=2016")
    seen = {}
    for number in range(1, 100):
        rows = _rows(page)
        assert 0 < len(rows) <= SMALL["list_page_rows"]
        for cells in rows:
            seen[cells[1]] = cells[5:8]
        status = page.inner_text("[data-kx-list-status]")
        assert f"共 {len(summary.total.projects)} 条" in status
        assert f"合计资助 {wan(summary.total.amount)} 万元，退回 {wan(summary.total.refund)} 万元" in status
        nxt = page.locator("[data-kx-pager] a[rel=next]")
        if not nxt.count():
            break
        nxt.click()
        page.wait_for_url(f"**/projects/?funded=2016&page={number + 1}")
    model = _model()
    titles = {model.projects[pid]["title"]: pid for pid in summary.total.projects}
    assert set(seen) == set(titles)
    money = {row["project"]["id"]: row for row in summary.projects}
    for title, cells in seen.items():
        row = money[titles[title]]
        assert cells == [wan(row["amount"]), wan(row["refund"]), wan(row["net"])], title
    assert errors == []
    page.close()


def test_lists_js_filters_like_the_python_twin(browser, small_server):
    """Every filtered-list link of /funding/ and /targets/, opened in Chromium: the rows lists.js
    draws (all pages) are those `select` gives, in the same order, with the same money text, and the
    status line names the filter as `filter_text` does, in words (类别：一般课题, never programme=…)."""
    from generator.common.money import wan
    from generator.site.lists import filter_text, parse_query

    site = small_site()
    hrefs = []
    for source in ("funding/", "targets/", "funding/2017/"):
        text = (site / source / "index.html").read_text(encoding="utf-8")
        hrefs += [(source, html.unescape(h)) for h in re.findall(r'class="kx-audit" href="([^"]+)"', text)]
    page = browser.new_page()
    checked = 0
    for source, href in sorted(set(hrefs))[::3]:
        name, rows = follow(site, source, href)
        data = list_data(site, name)
        page.goto(small_server + source + href)
        page.evaluate("window.kexieLists.ready")
        status = page.locator("[data-kx-list-status]").inner_text()
        described = filter_text(data, parse_query(urlsplit(href).query))
        assert described and status.startswith(described + f"共 {len(rows)} 条"), (href, status, described)
        assert "=" not in status and ".." not in status and not re.search(r"[a-z]{3,}", status.split("显示全部")[0]), (href, status)
        shown = []
        while True:
            shown += _rows(page)
            nxt = page.locator("[data-kx-pager] a[rel=next]")
            if not nxt.count():
                break
            nxt.click()
            page.wait_for_load_state("load")
        want = [[wan(c) if i in data.money else str(c[1]) if isinstance(c, list) and c and isinstance(c[0], str) else str(c)
                 for i, c in enumerate(r[: len(data.head)]) if not isinstance(c, list) or (c and isinstance(c[0], str))] for r in rows]
        got = [[cells[i] for i, c in enumerate(r[: len(data.head)]) if not isinstance(c, list) or (c and isinstance(c[0], str))]
               for cells, r in zip(shown, rows)]
        assert len(shown) == len(rows) and got == want, href
        checked += 1
    assert checked > 10
    page.close()


def test_the_filter_line_names_fields_and_values_in_words():
    """`filter_text` (and lists.js, its twin): field names and code labels, ranges as 至 / 及以前."""
    from generator.site.lists import build_lists, filter_text

    lists = build_lists(_model())
    projects, societies, proposals = lists["projects"], lists["societies"], lists["proposals"]
    assert filter_text(projects, {}) == ""
    assert filter_text(projects, {"programme": ["topic-general"], "funded": ["2016", "2017"]}) == \
        "按条件筛选（类别：一般课题；资助年度：2016 或 2017）"
    assert filter_text(projects, {"funded": ["2015..2016"], "eventyear": ["..2017"]}) == \
        "按条件筛选（资助年度：2015 至 2016；事项年度：2017 及以前）"
    assert filter_text(projects, {"funded": [".."], "year": ["2016.."]}) == "按条件筛选（立项年份：2016 及以后；资助年度：不限）"
    assert filter_text(projects, {"funded": ["|..|"]}) == "按条件筛选（资助年度：不限）"
    from generator.site.lists import parse_query
    assert parse_query("??programme=x") == {"?programme": ["x"]} and parse_query("?a=1&a=2") == {"a": ["1", "2"]}
    kind = next(iter(societies.values["ws"]))
    label = societies.values["ws"][kind]
    assert filter_text(societies, {"ws": [f"{kind}|active|0000..{kind}|active|2016"]}) == \
        f"按条件筛选（工作站（类型、状态、最早建站年份）：{label} 运行中 2016 及以前）"
    assert filter_text(proposals, {"recognised": ["1"]}) == "按条件筛选（批示肯定或吸纳采用：是）"
    society = next(iter(projects.values["society"].items()))
    assert filter_text(projects, {"society": [society[0]]}) == f"按条件筛选（承担学会：{society[1]}）"
    assert filter_text(projects, {"society": ["no-such-society"]}) == "按条件筛选（承担学会：no-such-society）"


# ------------------------------------------------------------------ per-record JSON


def test_past_record_json_max_records_have_no_json_of_their_own_and_link_the_bulk_files():
    """Up to `record_json_max` record pages each record has `<folder>/<id>.json` (the demo site);
    past it none has, the footer links the open-data page instead and that page says where a
    record's data is (its bulk files, found by id). The record content of the pages is the same."""
    demo, small = demo_site(), small_site()
    folders = ("experts", "societies", "workstations", "projects", "needs", "proposals")
    pages = [p for folder in folders for p in sorted((small / folder).glob("*/index.html"))]
    assert len(pages) > SMALL["record_json_max"]
    for folder in folders:
        assert list((small / folder).glob("*.json")) == [], folder
        assert len(list((demo / folder).glob("*.json"))) == len(list((demo / folder).glob("*/index.html"))), folder
    for page in pages:
        text = page.read_text(encoding="utf-8")
        record_id = page.parent.name
        assert "<a href=../../open-data/>开放数据（JSON、CSV）</a>" in text, page
        assert f"{record_id}.json" not in text and "本记录的开放数据" not in text, page
        # the same record content as the demo site's page (the small site's project has no git
        # history: its footers have no 修改历史)
        twin = (demo / page.relative_to(small)).read_text(encoding="utf-8")
        assert twin.split("<div class=kx-record-footer>")[0] == text.split("<div class=kx-record-footer>")[0], page
    about = (small / "open-data" / "index.html").read_text(encoding="utf-8")
    assert "记录不再各有单独的 JSON 文件" in about and "每条记录也有自己的 JSON 文件" not in about
    assert "每条记录也有自己的 JSON 文件" in (demo / "open-data" / "index.html").read_text(encoding="utf-8")
