"""The demo site, built for real from the shipped records, checked page by page."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from tests.sitebuild import REPO, demo_site, make_project, run_kexie, read_page


def _records(folder: str) -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted((REPO / "records" / folder).glob("*.yaml"))
    }


@pytest.fixture(scope="module")
def site() -> Path:
    return demo_site()


def published():
    return {i: e for i, e in _records("experts").items() if e["consent"]["publish"]}


def test_every_published_expert_has_a_page_and_no_one_else(site):
    experts = _records("experts")
    pages = {p.name for p in (site / "experts").iterdir() if p.is_dir()}
    assert pages == set(published())
    hidden = [e for e in experts.values() if not e["consent"]["publish"]]
    assert hidden, "the demo data should include experts who did not consent"


def test_expert_page_shows_the_record(site):
    eid, expert = next(iter(sorted(published().items())))
    page = read_page(site / "experts" / eid / "index.html")
    assert f"<title>{expert['name']} - " in page
    assert f'<h1 id="kx-title">{expert["name"]}</h1>' in page
    assert html.escape(expert["affiliation"], quote=False) in page
    assert '<a href="../../about/#contact" rel="nofollow">请求更正</a>' in page  # the frame script links GitHub's form
    assert '<link href="https://hzkx.github.io/kexie/experts/' + eid + '/" rel="canonical">' in page
    for membership in expert.get("societies", []):
        assert f'href="../../societies/{membership["society"]}/"' in page


def test_unconsented_experts_appear_nowhere(site):
    hidden = [e for e in _records("experts").values() if not e["consent"]["publish"]]
    needles = [e["id"] for e in hidden]
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".json", ".csv", ".xml"}:
            text = path.read_text(encoding="utf-8")
            for needle in needles:
                assert f"experts/{needle}/" not in text and f'"{needle}"' not in text, (path, needle)


def test_email_only_with_contact_consent(site):
    for eid, expert in published().items():
        page = (site / "experts" / eid / "index.html").read_text(encoding="utf-8")
        if expert.get("email"):
            assert (expert["consent"].get("contact") is True) == (f"mailto:{expert['email']}" in page)


def test_society_page_has_duties_core_team_and_members(site):
    sid, society = next(iter(sorted(_records("societies").items())))
    page = read_page(site / "societies" / sid / "index.html")
    for heading in ("主要职责", "核心团队", "主要成员"):
        assert f">{heading}</h2>" in page
    for duty in society["duties"]:
        assert html.escape(duty, quote=False) in page
    for member in society["core_team"]:
        assert f'href="../../experts/{member["expert"]}/"' in page


def test_open_data_row_counts_equal_published_records(site):
    expected = {
        "experts": len(published()),
        "societies": len(_records("societies")),
        "workstations": len(_records("workstations")),
        "projects": len(_records("projects")),
        "needs": len(_records("needs")),
        "proposals": len(_records("proposals")),
    }
    for name, count in expected.items():
        rows = json.loads((site / "api" / f"{name}.json").read_text(encoding="utf-8"))
        assert len(rows) == count, name
        text = (site / "api" / f"{name}.csv").read_text(encoding="utf-8-sig")
        assert len(list(csv.DictReader(io.StringIO(text)))) == count, name
    experts = json.loads((site / "api" / "experts.json").read_text(encoding="utf-8"))
    assert all("consent" not in row and "owner" not in row for row in experts)


def test_directory_facet_counts_match_records(site):
    page = (site / "experts" / "index.html").read_text(encoding="utf-8")
    industry_counts = {}
    for expert in published().values():
        for industry in expert.get("industries", []):
            industry_counts[industry] = industry_counts.get(industry, 0) + 1
    industry, count = sorted(industry_counts.items())[0]
    assert re.search(re.escape(industry) + r"\D{0,80}" + str(count), page), industry


def test_sitemap_lists_record_pages_and_no_shell(site):
    import gzip

    sitemap = "".join(gzip.decompress(p.read_bytes()).decode("utf-8") for p in sorted(site.glob("sitemap-*.xml.gz")))
    eid = next(iter(sorted(published())))
    assert f"/experts/{eid}/</loc>" in sitemap
    assert "_kexie" not in sitemap
    assert not (site / "_kexie").exists()


def test_pages_are_not_in_a_huge_nav(site):
    # expert pages stay out of the navigation: an expert page is small whatever the directory size
    page = site / "experts" / next(iter(sorted(published()))) / "index.html"
    assert page.stat().st_size < 60_000
    assert page.read_text(encoding="utf-8").count("md-nav__link") < 40


def test_build_is_deterministic(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = run_kexie("build", "--out", str(out))
        assert result.returncode == 0, result.stderr
    files_a = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert files_a == files_b
    different = [str(p) for p in files_a if (first / p).read_bytes() != (second / p).read_bytes()]
    assert different == []


BASE = REPO / "tests" / "cases" / "base" / "records"


def _hostile_project():
    project = make_project(BASE, "hostile")
    society = project / "records" / "societies" / "hz-materials.yaml"
    text = society.read_text(encoding="utf-8")
    text = re.sub(r"^name: .*$", "name: <script>alert(1)</script>杭州市材料学会", text, count=1, flags=re.M)
    society.write_text(text, encoding="utf-8")
    expert = project / "records" / "experts" / "zhang-wei.yaml"
    data = expert.read_text(encoding="utf-8")
    data = re.sub(r"^affiliation: .*$", 'affiliation: "<img src=x onerror=alert(2)>浙江大学"', data, count=1, flags=re.M)
    data = re.sub(r"^bio: .*$", "", data, flags=re.M)
    data += 'bio: "<b onclick=alert(3)>粗体</b> [点我](javascript:alert(4)) [主页](https://example.org/a)"\n'
    expert.write_text(data, encoding="utf-8")
    return project


def test_record_text_is_escaped_everywhere(tmp_path):
    project = _hostile_project()
    assert run_kexie("validate", cwd=project).returncode == 0, run_kexie("validate", cwd=project).stdout
    out = tmp_path / "site"
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text, path
        assert "<img src=x" not in text, path
        assert "onclick=alert" not in text.replace("&lt;", "<").split("<b onclick")[0], path
        assert "javascript:alert" not in re.sub(r"\[点我\]\(javascript:alert\(4\)\)", "", text), path
    society = read_page(out / "societies" / "hz-materials" / "index.html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;杭州市材料学会" in society
    expert = read_page(out / "experts" / "zhang-wei" / "index.html")
    assert "&lt;img src=x onerror=alert(2)&gt;浙江大学" in expert
    assert '<a rel="nofollow noopener" href="https://example.org/a">主页</a>' in expert  # attributes as minify-html orders them
    assert "<b " not in expert


def test_invalid_records_refuse_the_build_and_keep_the_old_site(tmp_path):
    project = make_project(BASE, "broken")
    out = tmp_path / "site"
    assert run_kexie("build", "--out", str(out), cwd=project).returncode == 0
    marker = out / "index.html"
    before = marker.read_bytes()
    broken = project / "records" / "experts" / "zhang-wei.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("disciplines:", "disciplines: 999\nx:"), encoding="utf-8")
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 1
    assert "records/experts/zhang-wei.yaml:" in result.stderr
    assert "网站未生成" in result.stderr
    assert "Traceback" not in result.stderr
    assert marker.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no half-written staging folder left


def test_home_page_says_the_data_is_fictional_and_counts_records(site):
    page = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="admonition warning"' in page and "虚构的演示数据" in page
    assert f"<strong>{len(published())}</strong><span>位专家</span>" in page
    assert f"<strong>{len(_records('societies'))}</strong><span>个市级学会</span>" in page
    assert "最近更新" in page


def test_plain_mkdocs_strict_build_has_no_warnings(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "WARNING -" not in result.stderr  # MkDocs prefixes every warning so
    assert (tmp_path / "site" / "experts" / "index.html").is_file()


def _wan(yuan: int) -> str:
    return f"{yuan / 10000:,.2f}"


def test_funding_page_totals_equal_the_records(site):
    projects = _records("projects")
    total = sum(f["amount"] for p in projects.values() for f in p["funding"])
    page = (site / "funding" / "index.html").read_text(encoding="utf-8")
    assert f"资助经费合计 <strong>{_wan(total)}</strong> 万元" in page
    years = sorted({f["year"] for p in projects.values() for f in p["funding"]})
    for year in years:
        amount = sum(f["amount"] for p in projects.values() for f in p["funding"] if f["year"] == year)
        assert re.search(rf"<td[^>]*>{year} 年</td><td[^>]*>\d+</td><td[^>]*>{re.escape(_wan(amount))}</td>", page), year
        year_page = (site / "funding" / str(year) / "index.html").read_text(encoding="utf-8")
        assert f"年度资助经费合计 <strong>{_wan(amount)}</strong> 万元" in year_page
    assert '<ul class="kx-bars">' in page and "cdn" not in page.lower()
    # every figure can be audited: it links to the project list filtered to the projects it sums
    # (tests/test_money_recount.py follows every such link); the projects are not repeated here
    assert 'class="kx-audit" href="../projects/?funded=' in page
    some = next(iter(sorted(projects)))
    assert f'href="../projects/{some}/"' not in page


def test_targets_page_compares_each_target_with_the_records(site):
    policy = yaml.safe_load((REPO / "records" / "policies" / "2015-2017.yaml").read_text(encoding="utf-8"))
    page = (site / "targets" / "index.html").read_text(encoding="utf-8")
    for target in policy["targets"]:
        assert html.escape(target["title"], quote=False) in page
    stations = [
        w for w in _records("workstations").values()
        if w["kind"] == "service-station" and policy["valid_from"] <= w["established"] <= policy["valid_until"]
    ]
    row = page[page.index("建成市级学会科技服务站"):]
    row = row[: row.index("</tr>")]
    assert f"{len(stations)}家" in row
    assert 'role="progressbar"' in row


def test_the_site_index_covers_records_and_prose_pages_and_the_themes_is_empty(site):
    # the theme's lunr index (English trimmer) would drop Chinese: it stays empty, the header box
    # answers from the site's own index, which holds every record kind and the prose pages
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["docs"] == []
    manifest = json.loads((site / "search" / "manifest.json").read_text(encoding="utf-8"))
    assert [k for k, _, _ in manifest["kinds"]] == ["experts", "societies", "workstations", "projects", "needs",
                                                    "proposals", "pages"]
    pages = manifest["kinds"][-1]
    block = manifest["textBlock"]
    urls = sorted(json.loads(gzip.decompress((site / "search" / "t" / f"{d // block}.json.gz").read_bytes()))
                  [d % block]["c"][1] for d in range(pages[1], pages[1] + pages[2]))
    assert urls == ["./", "about/", "contributing/"]  # list pages of data are left out
