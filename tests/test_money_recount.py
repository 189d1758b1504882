"""Every published money figure equals an independent recount from the YAML files.

The recount below reads records/*.yaml with plain yaml.safe_load and adds the yuan up itself; it
shares no code with generator/model (the summariser). The published side is read back from what a
reader gets: the built HTML pages (tables, headlines, project and society pages, list pages) and the
files `kexie report --year` writes (CSV, HTML). Rules of the recount (the spec, not the code):

* a funding entry's amount belongs to its `year`; a refund (`sanctions[].refund`) to the year of
  its decision date, whether or not the project had funding that year;
* net = gross − refunds; a project counts in a scope when it has gross or refund there;
* a project's money belongs to the policy period in force on its `approved` date.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from fractions import Fraction
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from tests.listlinks import follow, row_ids
from tests.sitebuild import REPO, canonical_html, demo_site, read_page, run_kexie

RECORDS = REPO / "records"
NO_DISTRICT = "（未落地到区县的项目）"


# ---------------------------------------------------------------- the independent recount


def _load(folder: str) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((RECORDS / folder).glob("*.yaml"))}


PROJECTS = _load("projects")
SOCIETIES = _load("societies")
STATIONS = _load("workstations")
POLICIES = _load("policies")
VOCAB = json.loads((REPO / "schemas" / "vocab.schema.json").read_text(encoding="utf-8"))["$defs"]


def wan(yuan: int) -> str:
    return f"{yuan / 10000:,.2f}"


def money(pid: str) -> dict[int, list[int]]:
    """year → [gross, refund] of one project, straight from its file."""
    years: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for entry in PROJECTS[pid]["funding"]:
        years[entry["year"]][0] += entry["amount"]
    for sanction in PROJECTS[pid].get("sanctions", []):
        if "refund" in sanction:
            years[int(str(sanction["date"])[:4])][1] += sanction["refund"]
    return dict(years)


def period_label(pid: str) -> str:
    approved = str(PROJECTS[pid]["approved"])
    for _, policy in sorted(POLICIES.items()):
        if str(policy["valid_from"]) <= approved <= str(policy["valid_until"]):
            return f"{policy['id']} 政策期"
    return "（不在任何政策期内）"


def district(pid: str) -> str:
    station = STATIONS.get(PROJECTS[pid].get("workstation", ""))
    return station["district"] if station else NO_DISTRICT


def recount(year: int | None) -> dict[str, dict[str, dict]]:
    """breakdown → label → {gross, refund, projects:set}; plus "total" → "合计"."""
    labels = VOCAB["programme"]["x-labels"]
    tables: dict[str, dict] = defaultdict(lambda: defaultdict(lambda: {"gross": 0, "refund": 0, "projects": set()}))
    for pid in PROJECTS:
        for y, (gross, refund) in money(pid).items():
            if year is not None and y != year:
                continue
            keys = {
                "total": "合计",
                "by-year": f"{y} 年",
                "by-period": period_label(pid),
                "by-programme": labels[PROJECTS[pid]["programme"]],
                "by-society": SOCIETIES[PROJECTS[pid]["lead_society"]]["name"],
                "by-district": district(pid),
                "projects": pid,
            }
            for table, label in keys.items():
                cell = tables[table][label]
                cell["gross"] += gross
                cell["refund"] += refund
                cell["projects"].add(pid)
    return tables


def all_years() -> list[int]:
    return sorted({y for pid in PROJECTS for y in money(pid)})


# ---------------------------------------------------------------- reading the published pages


class _Tables(HTMLParser):
    """Tables of a page: (section id, [rows of (cell text, [hrefs])]); section = last h2/h3 id."""

    def __init__(self):
        super().__init__()
        self.section, self.tables, self.cell = "", [], None
        self.in_summary = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h2", "h3") and attrs.get("id"):
            self.section = attrs["id"]
        elif tag == "table":
            self.tables.append((self.section, []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th") and self.tables:
            self.cell = ["", []]
        elif tag == "a" and self.cell is not None:
            self.cell[1].append(attrs.get("href", ""))
        elif tag == "summary":
            self.in_summary = True

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][1][-1].append((self.cell[0].strip(), self.cell[1]))
            self.cell = None
        elif tag == "summary":
            self.in_summary = False

    def handle_data(self, data):
        if self.cell is not None and not self.in_summary:
            self.cell[0] += data


def page_tables(path: Path) -> list[tuple[str, list]]:
    parser = _Tables()
    parser.feed(canonical_html(path.read_text(encoding="utf-8")))  # record pages are minified
    return parser.tables


def text_of(path: Path) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8")))


def project_ids(hrefs: list[str]) -> set[str]:
    return {m.group(1) for h in hrefs if (m := re.search(r"projects/([^/]+)/$", h))}


def largest_remainder_shares(grosses: list[int]) -> list[str]:
    """Shares of the total in tenths of a percent that add up to 100.0% exactly: each gets the
    floor of its exact share, and the tenths left go to the biggest remainders (first row on ties)."""
    total = sum(grosses)
    if not total:
        return ["0.0%"] * len(grosses)
    exact = [Fraction(1000 * g, total) for g in grosses]
    tenths = [int(e) for e in exact]
    for i in sorted(range(len(grosses)), key=lambda i: (-(exact[i] - tenths[i]), i))[: 1000 - sum(tenths)]:
        tenths[i] += 1
    return [f"{t / 10:.1f}%" for t in tenths]


def check_breakdowns(path: Path, year: int | None, sections: list[str]) -> int:
    """Compare every breakdown table of a funding page with the recount; returns cells checked."""
    expected = recount(year)
    total = expected["total"]["合计"]
    seen, checked = set(), 0
    for section, rows in page_tables(path):
        if section not in sections:
            continue
        seen.add(section)
        header = [c[0] for c in rows[0]]
        assert header[:6] == [header[0], "项目数", "资助（万元）", "退回（万元）", "净额（万元）", "占比"], (path, header)
        body = rows[1:]
        labels = [r[0][0] for r in body]
        assert set(labels) == set(expected[section]) | {"合计"}, (path, section, labels)
        lines = [label for label in labels if label != "合计"]
        shares = dict(zip(lines, largest_remainder_shares([expected[section][label]["gross"] for label in lines])))
        for row in body:
            label = row[0][0]
            want = total if label == "合计" else expected[section][label]
            gross, refund = want["gross"], want["refund"]
            got = [c[0] for c in row[1:6]]
            share = ("100.0%" if total["gross"] else "0.0%") if label == "合计" else shares[label]
            assert got == [str(len(want["projects"])), wan(gross), wan(refund), wan(gross - refund), share], (path, section, label)
            # 明细 links to the project list filtered to exactly this line's projects, whose money
            # (the line's years only) adds up to the line, to the yuan
            (href,) = row[6][1]
            name, listed = follow(demo_site(), path.parent.relative_to(demo_site()).as_posix() + "/", href)
            assert name == "projects" and row_ids(listed) == set(want["projects"]), (path, section, label)
            assert [sum(r[c] for r in listed) for c in (5, 6)] == [gross, refund], (path, section, label)
            checked += 7
    assert seen == set(sections), (path, seen)
    return checked


# ---------------------------------------------------------------- the tests


def test_the_recount_sees_the_refund_of_a_year_without_funding():
    """hzkx-2015-004: paid 2015 and 2016, refunded by the decision of 2017-04-05."""
    assert money("hzkx-2015-004")[2017] == [0, 50000]
    assert recount(2017)["total"]["合计"]["refund"] >= 50000


def test_funding_index_equals_the_recount():
    path = demo_site() / "funding" / "index.html"
    checked = check_breakdowns(path, None, ["by-year", "by-period", "by-programme", "by-society", "by-district"])
    assert checked > 100
    t = recount(None)["total"]["合计"]
    assert (
        f"资助经费合计 {wan(t['gross'])} 万元，涉及 {len(t['projects'])} 个项目；"
        f"已退回 {wan(t['refund'])} 万元，净额 {wan(t['gross'] - t['refund'])} 万元"
    ) in text_of(path)


@pytest.mark.parametrize("year", all_years())
def test_funding_year_page_equals_the_recount(year):
    path = demo_site() / "funding" / str(year) / "index.html"
    check_breakdowns(path, year, ["by-programme", "by-society", "by-district"])
    t = recount(year)["total"]["合计"]
    assert (
        f"{year} 年度资助经费合计 {wan(t['gross'])} 万元，涉及 {len(t['projects'])} 个项目；"
        f"本年度退回 {wan(t['refund'])} 万元，净额 {wan(t['gross'] - t['refund'])} 万元"
    ) in text_of(path)
    expected = recount(year)["projects"]
    # the year's project list is the project list filtered to the year, each with the year's money
    (href,) = re.findall(r'<h2 id="projects">.*?<a href="([^"]+)"', path.read_text(encoding="utf-8"), re.S)
    _, listed = follow(demo_site(), f"funding/{year}/", html.unescape(href))
    found = {row[1][0].split("/")[1]: [wan(row[5]), wan(row[6]), wan(row[7])] for row in listed}
    assert found == {
        pid: [wan(v["gross"]), wan(v["refund"]), wan(v["gross"] - v["refund"])] for pid, v in expected.items()
    }


@pytest.mark.parametrize("year", all_years())
def test_report_files_equal_the_recount(year, tmp_path):
    result = run_kexie("report", "--year", str(year), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    expected = recount(year)
    t = expected["total"]["合计"]
    names = {"按项目类别": "by-programme", "按承担学会": "by-society", "按区县": "by-district"}
    with open(tmp_path / f"funding-{year}.csv", encoding="utf-8-sig", newline="") as handle:
        sections = handle.read().split("\r\n\r\n")
    checked = 0
    for section in filter(str.strip, sections):
        lines = [row for row in csv.reader(io.StringIO(section)) if row]
        name = lines[0][0].removeprefix(f"# {year} 年")
        header, body = lines[1], lines[2:]
        if name == "项目明细":
            got = {r[0]: [int(r[header.index(h)]) for h in ("资助（元）", "退回（元）", "净额（元）")] for r in body}
            assert got == {pid: [v["gross"], v["refund"], v["gross"] - v["refund"]] for pid, v in expected["projects"].items()}
            checked += len(got)
            continue
        table = expected[names[name]]
        for row in body:
            want = t if row[0] == "合计" else table[row[0]]
            cells = dict(zip(header, row))
            assert [int(cells["项目数"]), int(cells["资助（元）"]), int(cells["退回（元）"]), int(cells["净额（元）"])] == [
                len(want["projects"]), want["gross"], want["refund"], want["gross"] - want["refund"]
            ], (year, name, row[0])
            assert [cells["资助（万元）"], cells["退回（万元）"], cells["净额（万元）"]] == [
                f"{want['gross'] / 10000:.2f}", f"{want['refund'] / 10000:.2f}", f"{(want['gross'] - want['refund']) / 10000:.2f}"
            ]
            checked += 1
        assert {r[0] for r in body} == set(table) | {"合计"}
    assert checked >= len(expected["projects"]) + 3  # every detail row and the three 合计 rows
    html = text_of(tmp_path / f"funding-{year}.html")
    assert f"合计资助 {wan(t['gross'])} 万元（{t['gross']:,} 元）" in html
    assert f"本年度退回 {wan(t['refund'])} 万元（{t['refund']:,} 元" in html
    assert f"净额 {wan(t['gross'] - t['refund'])} 万元（{t['gross'] - t['refund']:,} 元）" in html


def test_report_2017_shows_the_refund_decided_that_year(tmp_path):
    """The wrong figure of issue 11: a refund decided in 2017 of money paid in 2015–2016."""
    assert run_kexie("report", "--year", "2017", "--out", str(tmp_path)).returncode == 0
    html = text_of(tmp_path / "funding-2017.html")
    assert "本年度退回 5.00 万元（50,000 元" in html
    page = text_of(demo_site() / "funding" / "2017" / "index.html")
    assert "本年度退回 5.00 万元" in page


def test_project_and_society_pages_equal_the_recount():
    site = demo_site()
    for pid, data in PROJECTS.items():
        (rows,) = [rows for section, rows in page_tables(site / "projects" / pid / "index.html") if section == "funding"]
        cells = {r[0][0]: r[1][0] for r in rows[1:]}
        gross = sum(f["amount"] for f in data["funding"])
        refund = sum(s.get("refund", 0) for s in data.get("sanctions", []))
        per_year = defaultdict(int)
        for f in data["funding"]:
            per_year[str(f["year"])] += f["amount"]
        assert cells == {**{y: wan(a) for y, a in per_year.items()}, "合计": wan(gross), "已退回": wan(refund), "净额": wan(gross - refund)}, pid
    for sid, data in SOCIETIES.items():
        led = [pid for pid, p in PROJECTS.items() if p["lead_society"] == sid]
        years: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for pid in led:
            for y, (gross, refund) in money(pid).items():
                years[y][0] += gross
                years[y][1] += refund
        tables = [rows for section, rows in page_tables(site / "societies" / sid / "index.html") if section == "funding"]
        if not years:
            assert tables == []
            continue
        got = {r[0][0]: [c[0] for c in r[1:4]] for r in tables[0][1:]}
        want = {str(y): [wan(g), wan(r), wan(g - r)] for y, (g, r) in years.items()}
        want["合计"] = [wan(sum(g for g, _ in years.values())), wan(sum(r for _, r in years.values())),
                       wan(sum(g - r for g, r in years.values()))]
        assert got == want, sid


def test_list_pages_equal_the_recount():
    """The list pages show gross, refund and net per project (/projects/) and per lead society
    (/societies/, and the project table of each society page): each equals the recount."""
    site = demo_site()
    seen = set()

    def figures(pid):
        gross = sum(f["amount"] for f in PROJECTS[pid]["funding"])
        refund = sum(s.get("refund", 0) for s in PROJECTS[pid].get("sanctions", []))
        return [wan(gross), wan(refund), wan(gross - refund)]

    for _, rows in page_tables(site / "projects" / "index.html"):
        header = [c[0] for c in rows[0]]
        columns = [header.index(h) for h in ("资助（万元）", "退回（万元）", "净额（万元）")]
        for row in rows[1:]:
            (pid,) = project_ids(row[1][1])
            assert [row[c][0] for c in columns] == figures(pid), pid
            seen.add(pid)
    assert seen == set(PROJECTS)
    assert any(figures(pid)[1] != wan(0) for pid in seen)  # the demo has a refund: the column is not all zeros
    society_rows = 0
    for sid in SOCIETIES:
        for section, rows in page_tables(site / "societies" / sid / "index.html"):
            if section != "projects":
                continue
            society_rows += len(rows) - 1
            header = [c[0] for c in rows[0]]
            columns = [header.index(h) for h in ("资助（万元）", "退回（万元）", "净额（万元）")]
            for row in rows[1:]:
                (pid,) = project_ids(row[0][1])
                assert [row[c][0] for c in columns] == figures(pid), (sid, pid)
    assert society_rows >= len(PROJECTS)  # every project is in its lead society's table
    (rows,) = [rows for _, rows in page_tables(site / "societies" / "index.html")]
    header = [c[0] for c in rows[0]]
    columns = [header.index(h) for h in ("获得资助（万元）", "退回（万元）", "净额（万元）")]
    for row in rows[1:]:
        (href,) = [h for h in row[0][1] if "societies/" in h]
        sid = href.rstrip("/").split("/")[-1]
        led = [pid for pid, p in PROJECTS.items() if p["lead_society"] == sid]
        gross = sum(f["amount"] for pid in led for f in PROJECTS[pid]["funding"])
        refund = sum(s.get("refund", 0) for pid in led for s in PROJECTS[pid].get("sanctions", []))
        assert [row[c][0] for c in columns] == [wan(gross), wan(refund), wan(gross - refund)], sid


def test_chart_labels_equal_the_recount():
    """The bar charts print each bar's gross amount: every bar equals the recount of its line."""
    site = demo_site()
    pages = [(site / "funding" / "index.html", None)] + [
        (site / "funding" / str(y) / "index.html", y) for y in all_years()
    ]
    bars = 0
    for path, year in pages:
        expected = recount(year)
        text = path.read_text(encoding="utf-8")
        for section, chart in re.findall(r'<h2 id="([a-z-]+)">[^<]*</h2>\s*<figure class="kx-chart">(.*?)</figure>', text, re.S):
            for label, amount in re.findall(r'kx-bars__label">([^<]*)</span>.*?kx-bars__value">([^<]*)</span>', chart):
                label = html.unescape(label)
                matches = [k for k in expected[section] if k == label or (label.endswith("…") and k.startswith(label[:-1]))]
                assert len(matches) == 1, (path, section, label)
                assert amount == wan(expected[section][matches[0]]["gross"]), (path, section, label)
                bars += 1
    assert bars > 20


def test_workstation_pages_equal_the_recount():
    site = demo_site()
    checked = 0
    for wid in STATIONS:
        text = read_page(site / "workstations" / wid / "index.html")
        for pid, amount in re.findall(r'href="\.\./\.\./projects/([^/]+)/">[^<]*</a>（[^，<]*，([\d,.]+) 万元）', text):
            assert amount == wan(sum(f["amount"] for f in PROJECTS[pid]["funding"])), (wid, pid)
            checked += 1
    assert checked == sum(1 for p in PROJECTS.values() if p.get("workstation") in STATIONS)
