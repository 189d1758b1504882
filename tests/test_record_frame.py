"""Light record pages (issue 14, item 1): each record page carries its own head, title, content and
JSON-LD; the theme's identical frame parts come once from assets/javascripts/record-frame.js.

The pages' weight is deterministic (same records → same bytes), so the bounds below are size
assertions on the demo site, not timings."""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from urllib.parse import urljoin

import pytest

from generator.site.frame import PLACEHOLDER, RECORD_FRAME, TITLE, FrameError, _Spans, split_frame
from generator.site.pages import RECORD_PAGES
from generator.site.record_pages import _INDENT
from tests.sitebuild import demo_site, read_page

# the demo's experts have long bios, a change history each and 相似专家. Means over the demo's
# record pages, bytes: before #14 expert 21,400; after the shared frame (pages) 9,668; after the
# lead's decisions (pages2) 7,771; after slim (minified, one stylesheet, lean head, the header in the
# frame, compact 相似专家/推荐, lean JSON-LD, runtime card labels) these, +~1 %:
MEAN_MAX = {"experts": 4_680, "societies": 7_580, "workstations": 3_960, "projects": 3_500, "needs": 4_860, "proposals": 2_800}
EXPERT_PAGE_MEAN_MAX = MEAN_MAX["experts"]  # 4,628 now
FRAME_MAX = 1_050  # bytes of a record page outside its <article>: head (title, description, canonical, the stylesheet and frame script), body structure, placeholders: 1,006 now (12.6 kB before #14, 2,558 after pages2)
FOLDERS = [spec[0] for spec in RECORD_PAGES.values()]


def _parts(script: str) -> list[str]:
    return json.loads(re.search(r"var F=(\[.*?\]),i=0;", script, re.S).group(1).replace("<\\/", "</"))


def _record_pages(folder: str) -> list[Path]:
    return sorted((demo_site() / folder).glob("*/index.html"))


def _resolved(text: str, page_url: str) -> str:
    """href/src values made absolute against the page's URL (MkDocs writes a link to a page's own
    folder as "../" where the frame, written for every folder, says "../../funding/")."""
    text = re.sub(r'href="#[^"]*" class="md-skip"', 'href="#h1" class="md-skip"', text)  # to the page's own h1
    text = re.sub(r">\s+<", "><", text)  # parts side by side share one placeholder: the gap between them is kept
    return re.sub(r'\b(href|src)="([^"]*)"', lambda m: f'{m.group(1)}="{urljoin(page_url, m.group(2))}"', text)


def test_the_shared_frame_is_the_theme_frame_of_a_page_at_the_same_depth():
    """Put back together, a record page's frame is what MkDocs renders for any page two folders deep
    (funding/2016/: a generated page with the same hidden sidebars): same header, search dialog,
    tabs, drawer, back-to-top button, footer, dialog and theme configuration."""
    shared = _parts((demo_site() / RECORD_FRAME).read_text(encoding="utf-8"))
    reference = _INDENT.sub("\n", (demo_site() / "funding" / "2016" / "index.html").read_text(encoding="utf-8"))
    spans = _Spans(reference)
    spans.feed(reference)
    theirs = [reference[start:end] for start, end in spans.spans]
    base = "https://example.test/kexie/"
    # the header's title is the page's own: kxFrame() puts it where TITLE is
    ours = "".join(shared).replace(TITLE, "2016 年度资助经费汇总")
    assert TITLE in "".join(shared)
    assert _resolved("".join(theirs), base + "funding/2016/") == _resolved(ours, base + "funding/2016/")
    script = (demo_site() / RECORD_FRAME).read_text(encoding="utf-8")
    assert 'rel="stylesheet"' not in script  # the stylesheets stay in each page's <head>
    for name in ("bundle.", "tables.js", "search-engine.js", "directory.js", "header-search.js", "wayfinding.js", "download.js"):
        assert name in script.split("var S=")[1], name
    for marker in ('class="md-tabs"', 'md-sidebar--primary', 'class="md-footer"', 'id="__config"', 'class="md-search"',
                   'class="md-header"'):
        assert marker in "".join(shared)


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_record_page_has_its_own_head_and_the_shared_frame(folder):
    import html5lib

    shared = _parts((demo_site() / RECORD_FRAME).read_text(encoding="utf-8"))
    stylesheets = sorted((demo_site() / "assets" / "stylesheets").glob("record.*.css"))
    assert len(stylesheets) == 1
    joined = stylesheets[0].read_text(encoding="utf-8")
    # the one stylesheet is the theme's main and palette css, kexie.css and directory.css, in order
    css = demo_site() / "assets" / "stylesheets"
    sources = [next(css.glob("main.*.min.css")), next(css.glob("palette.*.min.css")), css / "kexie.css", css / "directory.css"]
    at = 0
    for source in sources:
        body = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", source.read_text(encoding="utf-8")).strip()
        at = joined.index(body, at) + len(body)
    assert "sourceMappingURL" not in joined
    pages = _record_pages(folder)
    assert pages
    for path in pages:
        page = read_page(path)
        assert page.count('<script src="../../assets/javascripts/record-frame.js"></script>') == 1
        # one placeholder per run of shared parts, filled in order by kxFrame() (twice: after the
        # tabs, and before the theme's script reads its configuration)
        assert page.count(PLACEHOLDER) <= len(shared) and page.count(PLACEHOLDER) >= 5, path
        assert page.count("<script>kxFrame()</script>") == 2
        assert "<script src" not in page.split("</head>")[1]
        tree = html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)
        head = tree.find("head")
        names = [(e.tag, e.get("name") or e.get("rel") or e.get("property")) for e in head]
        # the page's own head: title, description, canonical URL, the one stylesheet and the frame
        # script; no Open Graph tags, feed link or favicon (list pages keep those; the frame adds the icon)
        assert names == [("meta", None), ("meta", "viewport"), ("meta", "description"), ("link", "canonical"),
                         ("title", None), ("link", "stylesheet"), ("script", None)], (path, names)
        assert head[5].get("href") == f"../../assets/stylesheets/{stylesheets[0].name}"
        for own in ('class="kx-crumbs"', '<h1 id="kx-title">', 'application/ld+json', "请求更正"):
            assert own in page, (path, own)
        assert "md-tabs__link" not in page and "<svg" not in page and "__config" not in page  # nothing repeated
        assert "md-toggle" not in page and "md-header" not in page and "data-md-color" not in page
        assert "data-md-component" not in page  # the last kxFrame() call sets them
        assert "kx-contact" not in page and "data-kx-back" not in page  # the frame and wayfinding.js add them
        assert "编辑此记录" not in page and "github.com" not in page  # the frame script adds the GitHub links


def test_the_shared_parts_hold_no_record_text():
    script = (demo_site() / RECORD_FRAME).read_text(encoding="utf-8")
    assert "kxshell" not in script.lower()
    for path in _record_pages("experts")[:20]:
        title = re.search(r'<h1 id="kx-title">([^<]+)</h1>', read_page(path)).group(1)
        assert title not in script


def test_a_changed_theme_fails_the_build_in_chinese():
    with pytest.raises(FrameError, match="主题模板可能被改动"):
        split_frame("<html><head></head><body><p>KXSHELLCONTENT</p></body></html>")


def test_record_page_weight_stays_under_the_bound():
    """Bytes per page are deterministic: the mean expert page and every record page's frame (all
    bytes outside <article>) stay under their bounds."""
    sizes = [len(p.read_bytes()) for p in _record_pages("experts")]
    assert statistics.fmean(sizes) <= EXPERT_PAGE_MEAN_MAX, statistics.fmean(sizes)
    for folder in FOLDERS:
        mean = statistics.fmean(len(p.read_bytes()) for p in _record_pages(folder))
        assert mean <= MEAN_MAX[folder], (folder, mean)
    for folder in FOLDERS:
        for path in _record_pages(folder):
            data = path.read_bytes()
            frame = len(data) - (data.index(b"</article>") - data.index(b"<article"))
            assert frame <= FRAME_MAX, (path, frame)


def test_open_data_json_is_compact():
    """The per-record JSON files and api/*.json carry no indentation (one row per line in api/)."""
    site = demo_site()
    for folder in FOLDERS:
        own = next((site / folder).glob("*.json")).read_text(encoding="utf-8")
        assert own.count("\n") == 1 and ": " not in own.split('"bio"')[0]
        rows = (site / "api" / f"{folder}.json").read_text(encoding="utf-8").splitlines()
        assert rows[0] == "[" and rows[-1] == "]" and len(json.loads("\n".join(rows))) == len(rows) - 2


def test_record_text_cannot_take_a_frame_part():
    """kxFrame() fills <kx-f> elements in document order: record text that spells one (a bio, a
    name) must stay text, or it would take a part of the frame."""
    from tests.sitebuild import make_project, run_kexie
    from tests.test_site_build import BASE

    project = make_project(BASE, "frame-hostile")
    expert = project / "records" / "experts" / "zhang-wei.yaml"
    text = expert.read_text(encoding="utf-8").replace("bio: 长期从事金属材料研究。", 'bio: "<kx-f></kx-f>长期从事金属材料研究。<KX-F>"')
    expert.write_text(text, encoding="utf-8")
    out = project / "site"
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    page = read_page(out / "experts" / "zhang-wei" / "index.html")
    other = read_page(out / "experts" / "li-na" / "index.html")
    assert "&lt;kx-f&gt;" in page
    assert page.lower().count("<kx-f>") == other.lower().count("<kx-f>")


def test_page_bytes_benchmark_counts_every_file_once(tmp_path, capsys):
    """bench/page_bytes.py on the demo site: every file in exactly one kind, record kinds as many
    as the record pages, and the projection labelled as one."""
    from bench.page_bytes import main
    from tests.sitebuild import REPO

    site = demo_site()
    assert main(["--site", str(site), "--measured-records", str(REPO / "records"), "--counts-from",
                 str(REPO / "records"), "--json", str(tmp_path / "bytes.json")]) == 0
    figures = json.loads((tmp_path / "bytes.json").read_text(encoding="utf-8"))
    files = [p for p in site.rglob("*") if p.is_file() and p.relative_to(site).parts[0] != ".kexie"]  # the manifest is never published
    assert len(files) < sum(1 for p in site.rglob("*") if p.is_file())  # there is one, and it is left out
    assert sum(row["count"] for row in figures["kinds"].values()) == len(files)
    assert sum(row["total"] for row in figures["kinds"].values()) == sum(p.stat().st_size for p in files)
    for kind, folder in (("expert", "experts"), ("project", "projects")):
        assert figures["kinds"][kind]["count"] == len(_record_pages(folder))
    # projected to the same records, a record kind's projection is its measured total
    assert abs(figures["projection"]["expert"] - figures["kinds"]["expert"]["total"]) < 1
    assert "PROJECTION (not measured)" in capsys.readouterr().out


def test_query_values_keep_utf8_and_encode_only_what_must_be():
    from generator.common.render import query_value

    assert query_value("江干区") == "江干区"
    assert query_value("信息软件") == "信息软件"
    assert query_value('a b"<>#%&+=') == "a%20b%22%3C%3E%23%25%26%2B%3D"
    assert query_value("\x00\t\n\x7f\x85") == "%00%09%0A%7F%C2%85"
    assert query_value(520) == "520"


def test_directory_links_on_record_pages_are_raw_utf8_without_tooltips():
    """Filter links are raw UTF-8, without title= hints, and as short as the page's folder allows:
    `../?district=…` on an expert page, `../../experts/?district=…` elsewhere."""
    for folder in ("experts", "workstations", "needs", "societies"):
        prefix = "../?" if folder == "experts" else "../../experts/?"
        for path in _record_pages(folder):
            page = read_page(path)
            links = re.findall(r'<a href="([^"]*\?(?:district|discipline|industry|society|honour)=[^"]*)"([^>]*)>', page)
            assert links or folder != "experts", path
            for href, rest in links:
                assert href.startswith(prefix) and "%" not in href and "title=" not in rest, (path, href, rest)
            if folder == "experts":  # other experts (相似专家) are ../<id>/ too
                assert "../../experts/" not in page, path


@pytest.mark.parametrize("folder", FOLDERS)
def test_record_pages_are_minified(folder):
    """minify-html writes every record page: no line breaks or indentation outside scripts and
    <pre>, no optional closing tags, attribute values unquoted where the spec allows."""
    for path in _record_pages(folder):
        page = path.read_text(encoding="utf-8")
        outside = re.sub(r"<(script|pre)\b.*?</\1>", "", page, flags=re.S)
        assert "\n" not in outside and "  " not in outside, path
        assert "</li>" not in page and "</td>" not in page and "</p>" not in page and "</head>" not in page, path
        assert '<h1 id=kx-title>' in page and ' scope="row"' not in page, path


def test_join_lines_keeps_tokens_apart_and_leaves_other_templates_alone():
    from jinja2 import DictLoader

    from generator.common.render import JOIN_LINES, make_env

    env = make_env(Path("."))
    env.loader = DictLoader({
        "joined.html": JOIN_LINES + " -#}\n<p>\n  {{ a\n     and b }}\n</p>\n<p>{{ c }}</p>\n",
        "plain.html": "<p>\n{{ c }}\n</p>\n",
    })
    assert env.get_template("joined.html").render(a=True, b="x", c="y<") == "<p>x</p><p>y&lt;</p>"
    assert env.get_template("plain.html").render(c="y") == "<p>\ny\n</p>"


def test_a_demo_site_says_so_in_the_shared_footer_even_without_a_copyright_line():
    """The 演示数据 note is not repeated in every record page: a demo site (kexie plugin `demo: true`)
    has it in the theme's footer, which every page shows (record pages through RECORD_FRAME)."""
    from tests.sitebuild import make_project, run_kexie
    from tests.test_site_build import BASE

    project = make_project(BASE, "demo-note")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\ncopyright: 演示数据" in text
    config.write_text("\n".join(line for line in text.splitlines() if not line.startswith("copyright:")) + "\n", encoding="utf-8")
    out = project / "site"
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    footer = next(part for part in _parts((out / RECORD_FRAME).read_text(encoding="utf-8")) if 'class="md-footer"' in part)
    assert "演示数据：本站人物、单位、项目与金额均为虚构。" in footer
    page = (out / "experts" / "zhang-wei" / "index.html").read_text(encoding="utf-8")
    assert "演示数据" not in page and "kx-demo-note" not in page
