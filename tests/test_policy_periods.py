"""Rules and targets switch by date with no code change: the shipped records hold the 2015–2017
plan and a fictional 2018–2020 demo period (records/policies/2018-2020.yaml, demo: true) with other
amounts, targets and one severity. A record is judged by the period of its approval date."""

from __future__ import annotations

import datetime
import html
import re

import yaml

from generator.checks.pipeline import check_records
from generator.model.public import build_model
from generator.model.targets import MET, NOT_MET, OPEN, PARTIAL, target_progress
from tests.listlinks import follow, row_ids
from tests.sitebuild import demo_site
from tests.test_policy_rules import DEMO, build_tree, problems

POLICIES = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (DEMO / "policies").glob("*.yaml")}


def _edit_text(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_demo_period_is_marked_and_differs():
    demo = POLICIES["2018-2020"]
    assert demo["demo"] is True and "demo" not in POLICIES["2015-2017"]
    amounts = {p: {e["programme"]: (e["min"], e["max"]) for e in POLICIES[p]["programmes"]} for p in POLICIES}
    assert all(amounts["2015-2017"][k] != amounts["2018-2020"][k] for k in amounts["2015-2017"])


def test_the_same_amount_is_judged_by_the_period_of_approval(tmp_path, monkeypatch):
    """55,000 yuan for an overseas activity: allowed in 2018 (2–6 万), an error when approved in 2017."""
    records = build_tree(tmp_path, base=DEMO)
    assert [p for p in problems(records, monkeypatch) if p.path.endswith("hzkx-2018-004.yaml")] == []
    project = records / "projects" / "hzkx-2018-004.yaml"
    _edit_text(project, 'applied: "2018-05-06"', 'applied: "2017-05-06"')
    _edit_text(project, 'approved: "2018-07-02"', 'approved: "2017-07-02"')
    _edit_text(project, "  - year: 2018\n    amount: 55000", "  - year: 2017\n    amount: 55000")
    _edit_text(project, "  - year: 2018\n    result:", "  - year: 2017\n    result:")
    found = [p for p in problems(records, monkeypatch) if p.path.endswith("hzkx-2018-004.yaml")]
    assert [(p.rule, p.field) for p in found] == [("funding-range", "funding.0.amount")]
    assert "本项目合计 55,000 元，上限 50,000 元" in found[0].message
    assert "给予联合承办的市级学会1-5万元的经费支持" in found[0].message  # the 2015–2017 wording


def test_a_2015_2017_amount_is_an_error_under_the_demo_period(tmp_path, monkeypatch):
    """A station at 25,000 yuan a year is fine in 2016 and below the 2018–2020 floor of 30,000."""
    records = build_tree(tmp_path, base=DEMO)
    _edit_text(records / "projects" / "hzkx-2018-001.yaml", "  - year: 2019\n    amount: 40000", "  - year: 2019\n    amount: 25000")
    (found,) = [p for p in problems(records, monkeypatch) if p.path.endswith("hzkx-2018-001.yaml")]
    assert found.rule == "funding-range"
    assert "2019 年填的是 25,000 元，下限 30,000 元" in found.message
    assert "（演示）对牵头开展科技服务站项目的市级学会每年给予3-5万元资助经费" in found.message


def test_severity_comes_from_the_period(tmp_path, monkeypatch):
    """Missing materials: a warning under 2015–2017, an error under the demo period."""
    records = build_tree(tmp_path, base=DEMO)
    _edit_text(records / "projects" / "hzkx-2018-001.yaml", "      media: true", "      media: false")
    _edit_text(records / "projects" / "hzkx-2015-013.yaml", "      media: true", "      media: false")
    found = {p.path.split("/")[-1]: p for p in problems(records, monkeypatch, today="2021-06-01")
             if p.rule == "assessment-materials"}
    assert found["hzkx-2015-013.yaml"].severity == "warning"
    assert found["hzkx-2018-001.yaml"].severity == "error"


def test_a_gap_between_periods_is_outside_every_period(tmp_path, monkeypatch):
    records = build_tree(tmp_path, base=DEMO)
    project = records / "projects" / "hzkx-2018-003.yaml"
    _edit_text(project, 'applied: "2018-04-03"', 'applied: "2018-01-20"')
    _edit_text(project, 'approved: "2018-05-15"', 'approved: "2018-02-10"')
    (found,) = [p for p in problems(records, monkeypatch) if p.path.endswith("hzkx-2018-003.yaml")]
    assert found.rule == "policy-period"
    assert "2015-2017（2015-06-03 至 2017-12-31）、2018-2020（2018-03-15 至 2020-12-31）" in found.message


# ---------------------------------------------------------------- the dashboard


def _model():
    checked = check_records(DEMO)
    return build_model(checked.records, checked.schemas, {})


def _progress(policy_id: str, today: str):
    model = _model()
    return {t.target["id"]: t for t in target_progress(model, POLICIES[policy_id], datetime.date.fromisoformat(today))}


def test_new_in_period_and_baseline_are_counted_apart():
    stations = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in (DEMO / "workstations").glob("*.yaml")}
    policy = POLICIES["2015-2017"]
    t = _progress("2015-2017", "2018-06-01")["academician-city"]
    city = {k: v for k, v in stations.items() if v["kind"] == "academician-city"}
    before = sorted(k for k, v in city.items() if v["established"] < policy["valid_from"])
    within = sorted(k for k, v in city.items() if policy["valid_from"] <= v["established"] <= policy["valid_until"])
    assert t.baseline.records == before and t.baseline.value == len(before) > 0
    assert sorted(t.actual.records) == within and t.actual.value == len(within)
    # per year and cumulative agree
    assert [y.cumulative.value for y in t.years] == [
        sum(y2.this_year.value for y2 in t.years[: i + 1]) for i in range(len(t.years))
    ]
    assert t.state == NOT_MET  # 30 asked, the period is over


def test_statuses_in_the_policy_file_decide_whether_closed_stations_count():
    """The demo period counts only active stations: its closed 2018 station is left out."""
    t = _progress("2018-2020", "2021-06-01")["service-station"]
    assert "fwz-xingguang-zhinengzhizao" in t.actual.records
    assert "fwz-yunqi-shengtainongye" not in t.actual.records


def test_a_partial_year_alone_never_decides_not_met():
    progress = _progress("2015-2017", "2018-06-01")
    proposals = progress["proposals"]
    first = proposals.years[0]
    assert first.year == 2015 and first.partial and first.this_year.value < 8
    assert first.state == PARTIAL
    assert proposals.state == MET  # 2016 and 2017 reach 8
    fair = progress["overseas-fair"]
    assert [y.state for y in fair.years] == [PARTIAL, MET, MET] and fair.met


def test_approximate_targets_use_the_tolerance_of_the_policy_file():
    t = _progress("2015-2017", "2018-06-01")["topics-key"]
    assert t.threshold == 10 - POLICIES["2015-2017"]["targets"][-2]["tolerance"] == 8
    assert t.years[0].this_year.value == 8 and t.years[0].state == MET


def test_years_not_over_are_in_progress():
    fair = _progress("2018-2020", "2018-06-01")["overseas-fair"]
    assert [y.state for y in fair.years] == [MET, OPEN, OPEN]  # the 2018 fair is on record
    assert _progress("2018-2020", "2021-06-01")["overseas-fair"].state == NOT_MET  # none in 2019, 2020


def test_society_share_is_a_fraction_of_all_societies():
    t = _progress("2015-2017", "2018-06-01")["station-societies"]
    societies = len(list((DEMO / "societies").glob("*.yaml")))
    assert t.actual.denominator == societies
    assert t.actual.numerator == len(t.actual.records)
    assert t.actual.value == round(100 * t.actual.numerator / societies, 1)


def test_dashboard_page_shows_each_period_with_drill_down():
    page = (demo_site() / "targets" / "index.html").read_text(encoding="utf-8")
    for pid, policy in POLICIES.items():
        assert f'id="period-{pid}"' in page
        for target in policy["targets"]:
            assert f'id="target-{pid}-{target["id"]}"' in page
            assert html.escape(target["title"], quote=False) in page
    assert "（演示：虚构的政策期）" in page
    assert "不完整年度" in page and "基数（期前）" in page and "期内累计" in page
    assert html.escape(POLICIES["2015-2017"]["counting"][:20], quote=False) in page
    t = _progress("2015-2017", "2018-06-01")["station-societies"]
    assert f"{t.actual.numerator} / {t.actual.denominator}（" in page
    # every figure is a drill-down: a link to the list filtered to exactly the records it counts
    site = demo_site()
    for pid, policy in POLICIES.items():
        for t in _progress(pid, "2018-06-01").values():
            row = page[page.index(f'id="target-{pid}-{t.target["id"]}"'):]
            row = row[: row.index("</tr>")]
            links = [html.unescape(h) for h in re.findall(r'<a class="kx-audit" href="([^"]+)"', row)]
            figures = ([t.baseline] if t.baseline else []) + [f for y in t.years for f in (
                [y.this_year] if t.target["measure"] == "society-share" else [y.this_year, y.cumulative])] + [t.actual]
            figures = [f for f in figures if f.records]
            assert len(links) == len(figures), (pid, t.target["id"])
            for href, figure in zip(links, figures):
                name, rows = follow(site, "targets/", href)
                assert name == figure.kind and row_ids(rows) == set(figure.records), (pid, t.target["id"], href)
    counted = _progress("2015-2017", "2018-06-01")["service-station"].actual.records
    row = page[page.index('id="target-2015-2017-service-station"'):]
    assert len(counted) >= 2 and "workstations/?kind=service-station" in row[: row.index("</tr>")]
