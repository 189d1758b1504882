"""Machine-readable records (#16 item 5) and the route without GitHub (item 7), on the demo site."""

from __future__ import annotations

import html
import json
import re

import pytest
import yaml

from generator.site.frame import RECORD_FRAME
from tests.sitebuild import REPO, canonical_html, demo_site, make_project, run_kexie

LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
TYPES = {"experts": "Person", "societies": "Organization", "workstations": "Organization",
         "projects": "MonetaryGrant", "needs": "Demand", "proposals": "CreativeWork"}


@pytest.fixture(scope="module")
def site():
    return demo_site()


def _meta(page: str, attribute: str, name: str) -> str | None:
    """A meta tag's content, whichever order its attributes come in (record pages are minified)."""
    for tag in re.findall(r"<meta [^>]*>", page):
        if f'{attribute}="{name}"' in tag:
            found = re.search(r'content="([^"]*)"', tag)
            return html.unescape(found.group(1)) if found else None
    return None


def _record_pages(site):
    """Every record page (as a browser reads it: tests.sitebuild.canonical_html), found from the open
    data (a folder also holds list pages: needs/docking/)."""
    for folder in TYPES:
        rows = json.loads((site / "api" / f"{folder}.json").read_text(encoding="utf-8"))
        for row in rows:
            yield folder, row["id"], canonical_html((site / folder / row["id"] / "index.html").read_text(encoding="utf-8"))


def _page(path) -> str:
    return canonical_html(path.read_text(encoding="utf-8"))


def _filled(value):
    """`value` without the empty values of its dicts, at any depth."""
    if isinstance(value, dict):
        kept = {key: _filled(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item not in ("", [], {}, None)}
    return [_filled(item) for item in value] if isinstance(value, list) else value


def test_every_record_page_has_json_ld_of_its_schema_org_type(site):
    counted = {folder: 0 for folder in TYPES}
    for folder, record_id, page in _record_pages(site):
        scripts = LD.findall(page)
        assert len(scripts) == 1, (folder, record_id)
        data = json.loads(scripts[0])
        assert data["@context"] == "https://schema.org"
        assert data["@type"] == TYPES[folder], (folder, record_id)
        # the canonical link names the page (#14 item 1): no url, @id or identifier repeating it
        assert "@id" not in data and "identifier" not in data and "url" not in data
        assert f'<link href="https://hzkx.github.io/kexie/{folder}/{record_id}/" rel="canonical">' in page
        assert data["name"]
        # compact (#14): related people and organisations by name, no nested urls (a society's or
        # expert's own website stays, as sameAs)
        assert '"url":' not in scripts[0], (folder, record_id)
        counted[folder] += 1
    assert all(counted.values()), counted


def test_json_ld_says_what_the_page_says(site):
    experts = json.loads((site / "api" / "experts.json").read_text(encoding="utf-8"))
    societies = {row["id"]: row for row in json.loads((site / "api" / "societies.json").read_text(encoding="utf-8"))}
    expert = next(e for e in experts if e["email"] and e["societies"])
    data = json.loads(LD.findall(_page(site / "experts" / expert["id"] / "index.html"))[0])
    assert (data["name"], data["jobTitle"], data["affiliation"]["name"]) == (expert["name"], expert["title"], expert["affiliation"])
    assert data["memberOf"] == [{"@type": "Organization", "name": societies[s["society"]]["name"]} for s in expert["societies"]]
    projects = json.loads((site / "api" / "projects.json").read_text(encoding="utf-8"))
    project = projects[0]
    grant = json.loads(LD.findall(_page(site / "projects" / project["id"] / "index.html"))[0])
    assert grant["amount"] == {"@type": "MonetaryAmount", "currency": "CNY", "value": project["total"]}
    assert grant["recipient"] == {"@type": "Organization", "name": societies[project["lead_society"]]["name"]}


def test_each_record_links_its_own_json_with_the_open_data_fields(site):
    """`<folder>/<id>.json` is the record's api/<folder>.json row without its empty values and its
    `url` (the file's own folder): every field that has a value, keys unchanged, and the demo flag."""
    dropped = 0
    for folder in TYPES:
        rows = {row["id"]: row for row in json.loads((site / "api" / f"{folder}.json").read_text(encoding="utf-8"))}
        assert rows
        for record_id, row in rows.items():
            own = json.loads((site / folder / f"{record_id}.json").read_text(encoding="utf-8"))
            expected = _filled(row)
            assert expected.pop("url") == f"{folder}/{record_id}/"
            assert own == expected and own["demo"] is True and own["id"] == record_id
            dropped += len(row) - len(own)
            for key, value in row.items():  # every key with a value is kept
                assert key in own or key == "url" or value in ("", [], {}, None), (folder, record_id, key)
            assert '"":' not in json.dumps(own) and "[]" not in json.dumps(own) and "null" not in json.dumps(own)
            page = _page(site / folder / record_id / "index.html")
            assert f'<a href="../{record_id}.json">本记录的开放数据（JSON）</a>' in page
    assert dropped > 100  # the demo records do have empty fields


def test_every_page_has_its_own_description_and_open_graph_title(site):
    site_description = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8").split("\ntheme:")[0])["site_description"]
    from generator.site.record_meta import DESCRIPTION_MAX

    seen = {}
    record_pages = 0
    for path in sorted(site.rglob("index.html")):
        page = _page(path)
        record = len(path.relative_to(site).parts) == 3 and path.parts[-3] in TYPES
        description = _meta(page, "name", "description")
        assert description and description != site_description, path
        # link previews fall back to the meta description; <html lang> gives the language (#14)
        assert 'property="og:description"' not in page and 'property="og:locale"' not in page, path
        if record:  # record pages: title, description and canonical URL only (#14)
            record_pages += 1
            assert "og:" not in page and "application/atom+xml" not in page, path
            assert len(description) <= DESCRIPTION_MAX, path
        else:
            assert 'og:type' in page and 'og:site_name' in page and 'rel="alternate" type="application/atom+xml"' in page, path
            title = re.search(r"<title>(.*?)</title>", page).group(1)
            og_title = _meta(page, "property", "og:title")
            assert og_title and html.unescape(title).startswith(og_title if path != site / "index.html" else ""), path
        seen.setdefault(description, []).append(str(path.relative_to(site)))
    assert record_pages > 300
    shared = {d: p for d, p in seen.items() if len(p) > 1}
    assert shared == {}
    expert = _page(site / "experts" / "cai-yu" / "index.html")
    # what identifies the expert, not the bio's opening again
    assert _meta(expert, "name", "description") == "蔡玉，教授，浙江大学城市学院计算机科学与技术学院。学科：计算机科学技术、材料科学、化学工程。"


def test_json_ld_cannot_be_closed_by_record_text(tmp_path):
    project = make_project(REPO / "tests" / "cases" / "base" / "records", "ld-hostile")
    society = project / "records" / "societies" / "hz-materials.yaml"
    text = society.read_text(encoding="utf-8").replace("name: 杭州市材料学会", 'name: "</script><script>alert(1)</script>学会"', 1)
    society.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    import html5lib

    raw = (out / "societies" / "hz-materials" / "index.html").read_text(encoding="utf-8")
    page = canonical_html(raw)
    # the page as written: record text never shows a raw tag, even where a parser would not read one
    # (minify-html writes `<` raw inside <title> and quoted attributes; record_pages.minify escapes it)
    assert "<script>alert(1)" not in raw and "<title>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;学会 - " in raw
    assert 'content="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;学会' in raw
    # read as a browser does, no element came from the record text
    tree = html5lib.parse(raw, namespaceHTMLElements=False)
    scripts = [(e.get("type"), e.get("src"), e.text or "") for e in tree.iter("script")]
    assert [kind for kind, _src, text in scripts if "alert" in text] == ["application/ld+json"]
    assert tree.find("head/title").text == "</script><script>alert(1)</script>学会 - 杭州市专家团队网络服务平台"
    data = json.loads(LD.findall(page)[0])
    assert data["name"] == "</script><script>alert(1)</script>学会"


def _contact():
    return yaml.safe_load((REPO / "records" / "staff" / "kexie.yaml").read_text(encoding="utf-8"))["contact"]


def test_about_page_shows_the_association_contact_from_the_records(site):
    contact = _contact()
    page = (site / "about" / "index.html").read_text(encoding="utf-8")
    assert f'<a href="mailto:{contact["email"]}">{contact["email"]}</a>' in page
    assert f'<a href="tel:{contact["phone"]}">{contact["phone"]}</a>' in page
    assert contact["unit"] in page


def test_every_correction_and_need_link_offers_the_contact(site):
    """Record pages link once to the about page's contact section (学会部's e-mail and phone are
    there); the needs list, one page, keeps the whole sentence."""
    contact = _contact()
    about = (site / "about" / "index.html").read_text(encoding="utf-8")
    section = about.split('<h2 id="contact">')[1].split("<h2")[0]
    assert contact["email"] in section and contact["phone"] in section
    # the shared frame script adds the same line at the end of every record footer (the browser
    # test tests/test_browser_frame.py sees it there); the pages do not carry it
    frame = (site / RECORD_FRAME).read_text(encoding="utf-8")
    note = '<p class=\\"kx-contact\\">没有 GitHub 账号也可以<a href=\\"../../about/#contact\\">通过学会部请求更正<\\/a><\\/p>'
    assert f",N=\"{note}\"" in frame and 'querySelector(\".kx-record-footer\")' in frame
    pages = [p for p in site.rglob("*.html") if "请求更正</a>" in p.read_text(encoding="utf-8")]
    assert len(pages) > 100
    for path in pages:
        page = _page(path)
        assert "kx-contact" not in page, path
        assert contact["email"] not in page.split("</article>")[0].split('<div class="kx-record-footer">')[1], path
    needs = (site / "needs" / "index.html").read_text(encoding="utf-8")
    assert "没有 GitHub 账号也可以提交新需求：发邮件至" in needs
    assert contact["email"] in needs and contact["phone"] in needs


def test_record_footer_keeps_correction_and_open_data_links(site):
    """请求更正 (to the about page's contact section: the frame script points it to GitHub's form and
    adds 编辑此记录, tests/test_browser_frame.py) and 本记录的开放数据（JSON）; 查看源文件 and 最近更新
    are one click away (the edit page shows the source; the tabs and home page lead to 最近更新). No
    GitHub address is in the pages: the frame script builds them from the page's address."""
    for folder in TYPES:
        for path in sorted((site / folder).glob("*/index.html")):
            footer = _page(path).split('<div class="kx-record-footer">')[1].split("</div>")[0]
            links = re.findall(r'<a href="([^"]*)"[^>]*>([^<>]+)</a>', footer)
            assert links == [("../../about/#contact", "请求更正"), (f"../{path.parent.name}.json", "本记录的开放数据（JSON）")], (path, links)
            assert "演示数据" not in footer and "github.com" not in footer


def test_correction_form_uses_the_links_wording():
    form = yaml.safe_load((REPO / ".github" / "ISSUE_TEMPLATE" / "correction.yml").read_text(encoding="utf-8"))
    assert form["name"] == "请求更正"
    text = json.dumps(form, ensure_ascii=False)
    assert "报告错误" not in text and "“请求更正”链接" in text


def test_without_a_contact_the_correction_link_is_the_github_form(tmp_path):
    """Without 学会部's contact (no records/staff/ file) the about page has no contact section to
    send a reader without JavaScript to: 请求更正 is then the GitHub form itself, in the page."""
    import shutil


    project = make_project(REPO / "records", "no-contact")
    shutil.rmtree(project / "records" / "staff")
    result = run_kexie("build", "--out", str(tmp_path / "site"), cwd=project)
    assert result.returncode == 0, result.stderr
    for folder in TYPES:
        path = sorted((tmp_path / "site" / folder).glob("*/index.html"))[0]
        footer = _page(path).split('<div class="kx-record-footer">')[1].split("</div>")[0]
        record = f"records/{folder}/{path.parent.name}.yaml"
        assert f'<a href="https://github.com/hzkx/kexie/issues/new?template=correction.yml&amp;record={record}" rel="nofollow">请求更正</a>' in footer, footer
