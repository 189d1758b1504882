"""Record Markdown: the fast path for plain paragraphs agrees with the parser on real texts."""

from __future__ import annotations

import pytest
import yaml

from generator.model.bio import _render_parsed, render_both
from tests.sitebuild import REPO

TEXT_FIELDS = ("bio", "summary", "description")


def _texts():
    for path in sorted((REPO / "records").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for field in TEXT_FIELDS:
            if isinstance(data, dict) and isinstance(data.get(field), str):
                yield data[field]


EDGE_CASES = [
    "一段文字。\n第二行。",
    "第一段。\n\n\n第二段。",
    "  缩进两格的段落\n   再缩进三格",
    "行尾两个空格  \n下一行",
    "1. 列表\n2. 第二项",
    "2016年获奖",
    "标题\n===",
    "    代码块",
    "含有 \"引号\" 和 '单引号'",
    "网址 https://example.org 不是链接",
    "A & B <b>",
    "\n\n前后空行\n\n",
    "   ",
]


@pytest.mark.parametrize("text", list(_texts()) + EDGE_CASES)
def test_fast_path_equals_the_parser(text):
    assert render_both(text) == (_render_parsed(text) if text.strip() else ("", ""))


# ---------------------------------------------------------------- links (issue #10, item 11)

from generator.model.bio import render_markdown, safe_link  # noqa: E402

REFUSED_LINKS = [
    "//evil.example/a",  # scheme-relative: another host
    "///evil.example/a",
    "\\\\evil.example/a",  # browsers read \ as /
    "/\\evil.example/a",
    "\\/evil.example/a",
    "http:/evil.example",  # no host: the browser takes the path as one
    "http:evil.example",
    "https:///evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:x",
    "file:///etc/passwd",
    "mailto:nobody",  # no host
    "mailto:@evil.example",
    "/elsewhere/",  # the site is served under a path: / leaves it
    "../../../other-project/",  # record pages are two folders deep
    "%2e%2e/%2e%2e/%2E%2E/other-project/",
    "a/../../../../x",
]
KEPT_LINKS = [
    "https://example.org/a?b=c#d",
    "http://example.org",
    "HTTPS://example.org/",
    "mailto:someone@example.org",
    "mailto:someone@example.org?subject=hi",
    "../zhang-wei/",
    "../../societies/hz-materials/",
    "#section",
    "?q=1",
    "files/plan.pdf",
]


@pytest.mark.parametrize("url", REFUSED_LINKS)
def test_links_that_leave_the_site_or_have_no_host_are_dropped(url):
    assert not safe_link(url)
    html = render_markdown(f"见[这里]({url})和 <{url}>。")
    assert "href" not in html, html


@pytest.mark.parametrize("url", KEPT_LINKS)
def test_http_mailto_and_in_site_links_are_kept(url):
    assert safe_link(url)
    html = render_markdown(f"见[这里]({url})。")
    assert '<a href="' in html, html


def test_the_sanitiser_drops_an_unsafe_href_whatever_made_it():
    from generator.model.bio import _clean

    assert _clean('<a href="//evil.example/">x</a>') == '<a rel="nofollow noopener">x</a>'
    assert _clean('<a href="https://example.org/">x</a>') == '<a href="https://example.org/" rel="nofollow noopener">x</a>'


def test_an_expert_page_has_no_link_off_the_site(tmp_path):
    import re

    from tests.sitebuild import make_project, run_kexie

    project = make_project(REPO / "tests" / "cases" / "base" / "records", "bio-links")
    expert = project / "records" / "experts" / "zhang-wei.yaml"
    data = re.sub(r"^bio: .*$", "", expert.read_text(encoding="utf-8"), flags=re.M)
    links = " ".join(f"[{i}]({u})" for i, u in enumerate(["//evil.example/a", "/\\\\evil.example", "http:/evil.example", "https://example.org/ok"]))
    expert.write_text(data + f"bio: '{links}'\n", encoding="utf-8")
    assert run_kexie("build", "--out", str(tmp_path / "site"), cwd=project).returncode == 0
    from tests.sitebuild import read_page

    page = read_page(tmp_path / "site" / "experts" / "zhang-wei" / "index.html")
    bio = page[page.index('class="kx-bio"'):]
    bio = bio[: bio.index("</div>")]
    assert re.findall(r'href="([^"]*)"', bio) == ["https://example.org/ok"]
