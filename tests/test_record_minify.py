"""Minified record pages (#14 item 1): minify-html writes every record page; read as a browser reads
them (html5lib, the HTML spec's parsing algorithm) they are the same document, every link kept."""

from __future__ import annotations

import json
import re

import html5lib
import pytest

from generator.site.pages import RECORD_PAGES
from generator.site.record_pages import minify
from generator.site.tables import CARDS_FROM_COLUMNS
from tests.sitebuild import REPO, canonical_html, demo_site

FOLDERS = [spec[0] for spec in RECORD_PAGES.values()]


def _dom(text: str) -> list:
    """Every element in document order: tag, attributes, and its text and tail with runs of white
    space as one space (what minification may change without changing the rendering) — except in
    <script> and <pre>, kept exactly; class lists compared as lists."""
    tree = html5lib.parse(text, namespaceHTMLElements=False)
    out = []
    for element in tree.iter():
        keep = element.tag in ("script", "pre")
        text_, tail = element.text or "", element.tail or ""
        if not keep:
            text_ = " ".join(text_.split())
        attributes = {k: " ".join(v.split()) if k == "class" else v for k, v in element.attrib.items()}  # a token list
        out.append((element.tag, sorted(attributes.items()), text_, " ".join(tail.split())))
    return out


def _links(text: str) -> list[str]:
    tree = html5lib.parse(text, namespaceHTMLElements=False)
    return [e.get("href") or e.get("src") for e in tree.iter() if e.get("href") or e.get("src")]


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_minified_record_page_is_the_document_written_in_full(folder):
    """Each demo record page, written back in full (every tag closed, every value quoted) and
    minified again, is the same DOM with the same links, in the same order (the full write-out has
    the <tbody> the parser adds, which minify-html keeps, so only the DOMs are compared)."""
    pages = sorted((demo_site() / folder).glob("*/index.html"))
    assert pages
    for path in pages:
        page = path.read_text(encoding="utf-8")
        full = "<!doctype html>" + canonical_html(page)
        assert len(full) > len(page)  # the page was minified
        again = minify(full)
        assert _dom(again) == _dom(page) == _dom(full), path
        links = _links(page)
        assert links == _links(full) and len(links) > 5, path


HOSTILE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8">
<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; A&amp;B</title>
<meta name="description" content="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt; it&#39;s = &amp;reg">
</head>
<body>
<p class="a  b" data-x="x = y">&lt;/p&gt;&lt;script&gt;alert(3)&lt;/script&gt;  two   spaces</p>
<p>para<ul><li>one</li>
  <li>two <a href="https://github.com/o/r/issues/new?template=c.yml&amp;record=records/x.yaml">fix</a></li></ul>
<pre>  kept
    as is  </pre>
<a href="../?district=西湖区">西湖区</a> · <a href='mailto:a@example.org'>a@example.org</a>
<table><thead><tr><th>年度</th><th>金额</th></tr></thead><tr><td>2015</td><td> 1.00 </td></tr></table>
<script type="application/ld+json">{"name":"\\u003c/script\\u003e  two  spaces","url":"https://x/?a=1&b=2"}</script>
<script>kxFrame()</script>
</body></html>
"""


def test_minify_keeps_every_value_and_never_writes_a_raw_tag_from_text():
    """Record text with `<`, `>`, quotes, `&` and spaces, a URL whose `&reg` must stay as written,
    <pre> and the JSON-LD: the same DOM after minifying, scripts byte for byte, and no raw `<script>`
    anywhere in the bytes (not in <title> or an attribute either, where a parser would not read it)."""
    small = minify(HOSTILE)
    assert len(small) < len(HOSTILE)
    assert _dom(small) == _dom(HOSTILE)
    assert _links(small) == ["https://github.com/o/r/issues/new?template=c.yml&record=records/x.yaml", "../?district=西湖区",
                             "mailto:a@example.org"]
    assert "<script>alert" not in small and "alert(1)" in small and "alert(2)" in small
    data = json.loads(re.search(r"<script type=application/ld\+json>(.*?)</script>", small).group(1))
    assert data == {"name": "</script>  two  spaces", "url": "https://x/?a=1&b=2"}
    assert "<pre>  kept\n    as is  </pre>" in small
    # minify-html is fed the full page once (it mis-reads its own output: it drops a </table> after
    # an unclosed <td>); the same page always gives the same bytes
    assert minify(HOSTILE) == small


def test_tables_js_makes_cards_from_the_same_number_of_columns():
    script = (REPO / "site_src" / "assets" / "javascripts" / "tables.js").read_text(encoding="utf-8")
    assert f"var CARDS_FROM_COLUMNS = {CARDS_FROM_COLUMNS};" in script


def test_record_pages_leave_card_labels_to_tables_js():
    """No data-label or data-cards in a record page (tables.js sets them from the header row; the
    browser test reads them at 390 px); list pages keep theirs from the build."""
    site = demo_site()
    for folder in FOLDERS:
        for path in (site / folder).glob("*/index.html"):
            page = path.read_text(encoding="utf-8")
            assert "data-label" not in page and "data-cards" not in page, path
    assert "data-label=" in (site / "societies" / "index.html").read_text(encoding="utf-8")


def test_one_reason_each_the_one_that_sets_a_match_apart():
    from types import SimpleNamespace as Hit

    from generator.site.record_pages import telling_reasons

    hits = [Hit(reasons=("共同学科：机械工程", "简介提到“机器人”")), Hit(reasons=("共同学科：机械工程", "同在西湖区")),
            Hit(reasons=("共同学科：机械工程",)), Hit(reasons=()), Hit(reasons=("同在西湖区", "简介提到“焊接”"))]
    assert telling_reasons(hits) == ["简介提到“机器人”", "同在西湖区", "共同学科：机械工程", "", "简介提到“焊接”"]
    assert telling_reasons(hits[:1]) == ["共同学科：机械工程"]  # alone: its strongest reason
