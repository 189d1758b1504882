"""Small things users saw (#16 item 9): Chinese line breaks, the 404 page, the yearly report."""

from __future__ import annotations

import re

import pytest
import yaml

from generator.common.cjk import join_cjk_lines, join_cjk_text
from generator.model.bio import render_both
from generator.report.warnings import _year_of, book_title
from tests.sitebuild import REPO, demo_site, run_kexie


@pytest.mark.parametrize("html, expected", [
    ("<p>平台：\n公开</p>", "<p>平台：公开</p>"),
    ("<p>平台：\n  <strong>公开</strong>\n信息</p>", "<p>平台：<strong>公开</strong>信息</p>"),
    ("<p>使用 Python\n开发</p>", "<p>使用 Python\n开发</p>"),  # a Latin word keeps its space
    ("<p>第 3\n章</p>", "<p>第 3\n章</p>"),
    ("<pre><code>平台：\n公开</code></pre>", "<pre><code>平台：\n公开</code></pre>"),
    ("<p>甲\n乙</p><pre>丙\n丁</pre><p>戊\n己</p>", "<p>甲乙</p><pre>丙\n丁</pre><p>戊己</p>"),
    ("<p>全角，\n“引号”</p>", "<p>全角，“引号”</p>"),
])
def test_soft_breaks_between_chinese_characters_go(html, expected):
    assert join_cjk_lines(html) == expected


def test_bios_join_chinese_lines_in_html_and_text():
    for text in ("蔡玉，教授。\n现就职于浙江大学。\n\n近年来主持\n项目。", "蔡玉，**教授**。\n现就职于浙江大学。\n\n近年来主持\n项目。"):
        html, plain = render_both(text)
        assert "浙江大学。</p>" in html and "教授。现就职于" in re.sub(r"</?strong>", "", html)
        assert "近年来主持项目。" in html
        assert plain == "蔡玉，教授。现就职于浙江大学。 近年来主持项目。"
    assert join_cjk_text("主持\n Python 项目") == "主持\n Python 项目"


def test_prose_pages_have_no_space_inside_chinese_sentences():
    site = demo_site()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "专家团队网络服务平台：公开各市级学会" in home
    source = (REPO / "site_src" / "index.md").read_text(encoding="utf-8")
    assert "平台：\n公开" in source  # the source keeps its line break; only the page joins it
    for path in (site / "about" / "index.html", site / "index.html"):
        text = re.sub(r"<(pre|script|style)\b.*?</\1>", "", path.read_text(encoding="utf-8"), flags=re.S)
        body = text[text.index("<article"):text.index("</article>")]
        assert not re.search(r"[\u4e00-\u9fff，。：；、]\n[\u4e00-\u9fff，。：；、“]", body), path


def test_404_page_has_no_site_absolute_links():
    page = (demo_site() / "404.html").read_text(encoding="utf-8")
    assert not re.search(r'(?:href|src)="/kexie/', page)
    assert 'href="assets/stylesheets/' in page
    first_script = page.index("<script>")
    assert first_script < page.index("<link rel=\"stylesheet\"")
    assert "document.createElement('base')" in page[first_script:first_script + 300]


def test_report_names_its_policy_once_and_lists_only_its_years_warnings(tmp_path):
    result = run_kexie("report", "--year", "2016", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "funding-2016.html").read_text(encoding="utf-8")
    policy = yaml.safe_load((REPO / "records" / "policies" / "2015-2017.yaml").read_text(encoding="utf-8"))
    assert f"依据{policy['title']}" in html and "《《" not in html and "》》" not in html
    warnings = re.search(r'<ul class="warn">(.*?)</ul>', html, re.S)
    items = re.findall(r"<li>(.*?)</li>", warnings.group(1)) if warnings else []
    validated = run_kexie("validate")
    all_2016 = [line for line in validated.stdout.splitlines() if "警告" in line and "2016 年度" in line]
    assert len(items) == len(all_2016) > 0
    for item in items:
        assert "2017 年度" not in item and "2015 年度" not in item, item
        assert re.match(r"“[^”]+”（records/[a-z]+/[a-z0-9-]+\.yaml 第 \d+ 行）：", item), item
        # a society id appears only after its name
        for sid in re.findall(r"(?<![A-Za-z0-9/-])hz-[a-z0-9-]+", item):
            assert re.search(rf"[^（]+（{sid}）", item), (sid, item)


def test_year_of_a_warning_field():
    data = {"funding": [{"year": 2016, "amount": 1}], "assessments": [{"year": 2017, "materials": {"report": False}}]}
    assert _year_of(data, "assessments.0.materials.report") == 2017
    assert _year_of(data, "funding.0.amount") == 2016
    assert _year_of(data, "title") is None
    assert _year_of(data, "assessments.5.materials") is None
    assert book_title("《计划》及附件《办法》") == "计划》及附件《办法"
    assert book_title("管理办法") == "管理办法"
