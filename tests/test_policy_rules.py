"""Policy rules (generator/checks/policy): one case per rule, in a copy of the demo records, plus
variants on a small tree and robustness.

Layout:
    tests/cases/policy/<rule-id>/records/      files that replace or add to a copy of the shipped
                                               demo records (records/) and break exactly that rule
    tests/cases/policy/<rule-id>/expected.json where the one new problem must be reported, its
                                               severity and the article its message must quote
    tests/cases/policy/_base/records/          a small valid tree (no warnings) for the variants

A case passes when validating the demo copy with the case laid over it gives exactly one problem
that the demo records alone do not give (the demo keeps a few deliberate warnings), with that
rule id, place, severity and article, and a message ending in the policy file's own wording.
Each test puts schemas/ beside records/ and fixes the reference date with KEXIE_TODAY.
"""

from __future__ import annotations

import datetime
import functools
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from generator.checks.policy import RULES
from generator.checks.policy.context import TODAY_ENV, reference_date
from generator.checks.pipeline import check_records

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "cases" / "policy"
BASE = CASES / "_base" / "records"
DEMO = REPO / "records"
POLICY = "policies/2015-2017.yaml"
TODAY = "2018-06-01"
RULE_CASES = sorted(d.name for d in CASES.iterdir() if d.is_dir() and not d.name.startswith("_"))


def policy_rules() -> dict[str, dict]:
    data = yaml.safe_load((DEMO / POLICY).read_text(encoding="utf-8"))
    return {rule["id"]: rule for rule in data["rules"]}


def policy_wording() -> tuple[set[str], set[str]]:
    """Every article and every quote the shipped policy files write, at any level."""
    articles, quotes = set(), set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and (key == "article" or key.endswith("_article")):
                    articles.add(value)
                elif key == "quote" and isinstance(value, str):
                    quotes.add(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in (DEMO / "policies").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return articles, quotes


def build_tree(tmp_path: Path, case: str | None = None, base: Path = BASE) -> Path:
    records = tmp_path / "records"
    shutil.copytree(base, records)
    if case:
        shutil.copytree(CASES / case / "records", records, dirs_exist_ok=True)
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    return records


def edit(records: Path, relative: str, change) -> None:
    """Load a record (or start an empty one), let change(data) alter it, write it back."""
    path = records / relative
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    change(data)
    kind = path.parent.name
    schema = {"projects": "project", "societies": "society", "workstations": "workstation",
              "policies": "policy"}[kind]
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    path.write_text(f"# yaml-language-server: $schema=../../schemas/{schema}.schema.json\n{text}",
                    encoding="utf-8")


def problems(records: Path, monkeypatch, today: str = TODAY):
    monkeypatch.setenv(TODAY_ENV, today)
    monkeypatch.chdir(records.parent)
    return check_records(Path("records")).report.sorted()


def run_cli(records: Path, monkeypatch):
    monkeypatch.setenv(TODAY_ENV, TODAY)
    monkeypatch.chdir(records.parent)
    result = CliRunner().invoke(cli, ["validate", "--records", "records", "--format", "json"])
    return result.exit_code, json.loads(result.output)["problems"]


def _key(problem: dict) -> str:
    return json.dumps(problem, sort_keys=True, ensure_ascii=False)


@functools.lru_cache(maxsize=None)
def demo_problems() -> frozenset[str]:
    """The problems of the unchanged demo records (a few deliberate warnings), as JSON keys."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="kexie-demo-policy-"))
    shutil.copytree(DEMO, root / "records")
    shutil.copytree(REPO / "schemas", root / "schemas")
    mp = pytest.MonkeyPatch()
    try:
        code, found = run_cli(root / "records", mp)
    finally:
        mp.undo()
        shutil.rmtree(root)
    assert code == 0, found  # the demo has no errors
    return frozenset(_key(p) for p in found)


def new_problems(tmp_path: Path, case: str, monkeypatch, change=None):
    records = build_tree(tmp_path, case, base=DEMO)
    if change:
        change(records)
    code, found = run_cli(records, monkeypatch)
    return code, [p for p in found if _key(p) not in demo_problems()]


# ---------------------------------------------------------------- the fixtures


def test_base_tree_is_clean(tmp_path, monkeypatch):
    code, found = run_cli(build_tree(tmp_path), monkeypatch)
    assert found == []
    assert code == 0


def test_demo_records_have_only_warnings():
    assert demo_problems()
    assert all(json.loads(k)["severity"] == "warning" for k in demo_problems())


def test_base_policy_is_the_shipped_policy():
    assert (BASE / POLICY).read_bytes() == (REPO / "records" / POLICY).read_bytes()


def test_every_rule_has_a_case():
    assert set(RULE_CASES) == set(RULES)
    assert set(policy_rules()) == set(RULES)  # the shipped period declares every rule
    assert len(RULES) == 25


@pytest.mark.parametrize("case", RULE_CASES)
def test_rule_case(case, tmp_path, monkeypatch):
    expected = json.loads((CASES / case / "expected.json").read_text(encoding="utf-8"))
    rule = policy_rules()[case]
    code, found = new_problems(tmp_path, case, monkeypatch)
    assert len(found) == 1, found
    problem = found[0]
    assert problem["rule"] == case
    assert problem["severity"] == rule["severity"] == expected["severity"]
    assert code == (1 if rule["severity"] == "error" else 0)
    assert (problem["path"], problem["line"], problem["column"], problem["field"]) == (
        expected["path"], expected["line"], expected["column"], expected["field"]
    )
    # the message quotes an article and a quote the policy file writes, and the expected article
    articles, quotes = policy_wording()
    assert f"（依据：{expected['article']}“" in problem["message"]
    assert expected["article"] in articles
    assert any(problem["message"].endswith(f"（依据：{expected['article']}“{q}”）") for q in quotes)


@pytest.mark.parametrize("case", RULE_CASES)
def test_undeclared_rule_is_not_applied(case, tmp_path, monkeypatch):
    def drop(records):
        for path in (records / "policies").glob("*.yaml"):
            edit(records, f"policies/{path.name}", lambda d: d.update(rules=[r for r in d["rules"] if r["id"] != case]))

    _, found = new_problems(tmp_path, case, monkeypatch, drop)
    assert found == []


def test_unknown_rule_id_is_reported(tmp_path, monkeypatch):
    records = build_tree(tmp_path)
    edit(records, POLICY, lambda d: d["rules"][0].update(id="funding-rnage"))
    (found,) = problems(records, monkeypatch)
    assert (found.rule, found.path, found.field) == (
        "policy-rule-unknown", "records/" + POLICY, "rules.0.id"
    )


# ---------------------------------------------------------------- variants of each rule


def _set(path, value):
    """A change that sets data[path...] = value (None deletes the key)."""

    def change(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        if value is None:
            node.pop(path[-1], None)
        else:
            node[path[-1]] = value

    return change


P = "projects/"
S = "societies/"
W = "workstations/"
ALL_TRUE = {"report": True, "accounts": True, "media": True, "outcomes": True}

# a later period (same rules, 2021–2023) so that applications at the ban's edges have a period
LATER_PERIOD = ("policies/2021-2023.yaml", lambda d: d.update({
    **yaml.safe_load((BASE / POLICY).read_text(encoding="utf-8")),
    "id": "2021-2023", "issued": "2021-01-01", "valid_from": "2021-01-01", "valid_until": "2023-12-31"}))

VARIANTS = {
    # name: ([(file, change)], rule, file, field, text the message must contain)
    "years-gap": (
        [(P + "computer-station-2015.yaml", lambda d: d.update(
            funding=[{"year": 2015, "amount": 20000}, {"year": 2017, "amount": 30000}],
            assessments=[{"year": y, "result": "合格", "materials": dict(ALL_TRUE)} for y in (2015, 2017)],
            status="completed", sanctions=[],
            decisions=[{"kind": "change", "date": "2016-01-10", "document": "杭科协〔2016〕2号"}]))],
        "funding-years", P + "computer-station-2015.yaml", "funding.1.year", "中间缺 2016 年",
    ),
    "years-before-approval": (
        [(P + "computer-topic-2016.yaml", _set(("funding", 0, "year"), 2015))],
        "dates-order", P + "computer-topic-2016.yaml", "funding.0.year", "早于立项",
    ),
    "years-duplicate": (
        [(P + "materials-base-2016.yaml", _set(("funding", 1, "year"), 2016))],
        "funding-years", P + "materials-base-2016.yaml", "funding.1.year", "2016 年写了两行",
    ),
    "range-per-project": (
        [(P + "computer-topic-2016.yaml", _set(("funding", 0, "amount"), 40000))],
        "funding-range", P + "computer-topic-2016.yaml", "funding.0.amount", "本项目合计 40,000 元，应为 50,000 元",
    ),
    "inspection-year-missing": (
        [(S + "hz-materials.yaml", lambda d: d["inspections"].pop(2))],
        "eligibility-inspection", P + "materials-base-2016.yaml", "lead_society",
        "2015 年没有年检记录",
    ),
    "grade-none": (
        [(S + "hz-materials.yaml", _set(("grades",), None))],
        "eligibility-grade", P + "materials-base-2016.yaml", "lead_society",
        "2016 年及以前没有评估等级记录",
    ),
    "agreement-kind": (
        [(P + "materials-base-2016.yaml", _set(("workstation",), "xihu-materials-station")),
         (W + "xihu-materials-station.yaml", _set(("host", "type"), "park"))],
        "eligibility-agreement", P + "materials-base-2016.yaml", "workstation", "却是学会科技服务站",
    ),
    "agreement-lead": (
        [(W + "binjiang-computer-station.yaml", _set(("lead_society",), "hz-materials"))],
        "eligibility-agreement", P + "computer-station-2015.yaml", "workstation", "协议须由承担项目的学会签订",
    ),
    "agreement-missing": (
        [(W + "xihu-materials-base.yaml", _set(("agreement",), None))],
        "eligibility-agreement", P + "materials-base-2016.yaml", "workstation", "没有合作协议记录",
    ),
    "agreement-no-workstation": (
        [(P + "computer-station-2015.yaml", _set(("workstation",), None))],
        "eligibility-agreement", P + "computer-station-2015.yaml", "workstation", "没有填 `workstation`",
    ),
    "double-across-societies": (
        [(P + "materials-base-2016.yaml", lambda d: d["contains"].append("computer-station-2015"))],
        "double-funding", P + "materials-base-2016.yaml", "contains.1", "只能列同一学会承担的项目",
    ),
    "double-cycle": (
        [(P + "materials-station-2015.yaml", _set(("contains",), ["materials-base-2016"]))],
        "double-funding", P + "materials-station-2015.yaml", "contains.0",
        "包含关系成环：materials-base-2016 ⊃ materials-station-2015 ⊃ materials-base-2016",
    ),
    "double-transitive": (
        [
            (P + "materials-station-2015.yaml", _set(("contains",), ["materials-station-2016"])),
            (P + "materials-station-2016.yaml", lambda d: d.update({
                "id": "materials-station-2016", "programme": "service-station",
                "title": "杭州市材料学会第二科技服务站项目", "lead_society": "hz-materials",
                "workstation": "xihu-materials-station", "applied": "2016-03-05",
                "approved": "2016-04-01", "contract": "HZKX-2016-102", "funding": [{"year": 2016, "amount": 20000}],
                "assessments": [{"year": 2016, "result": "合格", "materials": ALL_TRUE}],
                "status": "active", "owner": "hz-materials"})),
        ],
        "double-funding", P + "materials-base-2016.yaml", "contains.0",
        "materials-base-2016 ⊃ materials-station-2015 ⊃ materials-station-2016",
    ),
    "ban-length": (
        [(S + "hz-agri.yaml", _set(("bans", 0, "until"), "2021-03-01"))],
        "ban-length", S + "hz-agri.yaml", "bans.0.until", "应截止到第 5 个周年日的前一天 2022-02-28",
    ),
    "ban-without-society-entry": (
        [(S + "hz-agri.yaml", _set(("bans",), None))],
        "ban-records", P + "agri-station-2015.yaml", "sanctions.1.kind", "没有对应的不受理期",
    ),
    "ban-without-sanction": (
        [(P + "agri-station-2015.yaml", lambda d: d["sanctions"].pop(1))],
        "ban-records", S + "hz-agri.yaml", "bans.0.project", "没有“五年内不受理立项申请”",
    ),
    "refund-revoked-without-sanction": (
        [(P + "computer-station-2015.yaml", _set(("status",), "revoked"))],
        "sanction-refund", P + "computer-station-2015.yaml", "status", "refund: 50000",
    ),
    "refund-sanction-without-status": (
        [(P + "agri-station-2015.yaml", _set(("status",), "terminated"))],
        "sanction-refund", P + "agri-station-2015.yaml", "status", "请把 status 改为 revoked",
    ),
    "funding-after-period": (
        [(P + "materials-base-2016.yaml", lambda d: d["funding"].append({"year": 2018, "amount": 80000}))],
        "period-dates", P + "materials-base-2016.yaml", "funding.2.year", "2018 年却仍有 80,000 元的资助",
    ),
    "range-one-yuan-over": (
        [(P + "materials-base-2016.yaml", _set(("funding", 0, "amount"), 100001))],
        "funding-range", P + "materials-base-2016.yaml", "funding.0.amount", "填的是 100,001 元，上限 100,000 元",
    ),
    "range-one-yuan-under": (
        [(P + "computer-station-2015.yaml", _set(("funding", 0, "amount"), 19999))],
        "funding-range", P + "computer-station-2015.yaml", "funding.0.amount", "填的是 19,999 元，下限 20,000 元",
    ),
    "topic-range-cites-the-plan": (
        [(P + "computer-topic-2016.yaml", _set(("funding", 0, "amount"), 50001))],
        "funding-range", P + "computer-topic-2016.yaml", "funding.0.amount", "（依据：保障措施（二）“对于重大课题",
    ),
    "overseas-range-cites-the-plan": (
        [(P + "overseas-2016.yaml", _set(("funding", 0, "amount"), 50001))],
        "funding-range", P + "overseas-2016.yaml", "funding.0.amount", "（依据：保障措施（二）“由市科协对各海智基地工作站",
    ),
    "inspection-cites-one-article": (
        [(S + "hz-materials.yaml", lambda d: d["inspections"].pop(2))],
        "eligibility-inspection", P + "materials-base-2016.yaml", "lead_society", "（依据：管理办法第四条（二）“",
    ),
    "overseas-no-base": (
        [(P + "overseas-2016.yaml", _set(("workstation",), "xihu-agri-station"))],
        "overseas-activity", P + "overseas-2016.yaml", "workstation", "须由海智基地工作站开展",
    ),
    "overseas-workstation-missing": (
        [(P + "overseas-2016.yaml", _set(("workstation",), None))],
        "overseas-activity", P + "overseas-2016.yaml", "id", "没有填 `workstation`",
    ),
    "agreement-without-host": (
        [(W + "binjiang-computer-station.yaml", lambda d: d["agreement"].update(parties=["杭州市计算机学会", "另一家公司"]))],
        "agreement-parties", W + "binjiang-computer-station.yaml", "agreement.parties", "没有服务对象（依托单位）",
    ),
    "implicit-same-year-same-station": (
        [(P + "computer-station-2016.yaml", lambda d: d.update({
            "id": "computer-station-2016", "programme": "service-station", "title": "同一服务站的第二个项目",
            "lead_society": "hz-computer", "workstation": "binjiang-computer-station", "applied": "2016-01-05",
            "approved": "2016-02-01", "contract": "HZKX-2016-103", "funding": [{"year": 2016, "amount": 20000}],
            "assessments": [{"year": 2016, "result": "合格", "materials": dict(ALL_TRUE)}],
            "status": "active", "owner": "hz-computer"}))],
        "double-funding-implicit", P + "computer-station-2016.yaml", "workstation", "`computer-station-2015`",
    ),
    "terminated-without-decision": (
        [(P + "computer-station-2015.yaml", lambda d: d["sanctions"][0].pop("document"))],
        "change-approval", P + "computer-station-2015.yaml", "status", "kind: terminate",
    ),
    "failed-then-funded": (
        [(P + "materials-base-2016.yaml", _set(("assessments", 0, "result"), "不合格"))],
        "assessment-failed", P + "materials-base-2016.yaml", "funding.1.year", "根据绩效停止资助或选择支持新的牵头学会",
    ),
    "ban-until-anniversary": (
        [(S + "hz-agri.yaml", _set(("bans", 0, "until"), "2022-03-01"))],
        "ban-length", S + "hz-agri.yaml", "bans.0.until", "这里填的是 2022-03-01",
    ),
    "ban-start-later": (
        [(S + "hz-agri.yaml", lambda d: d["bans"][0].update({"from": "2017-03-02", "until": "2022-03-01"}))],
        "ban-start", S + "hz-agri.yaml", "bans.0.from", "决定日期是 2017-03-01",
    ),
    "applied-on-the-last-day-of-the-ban": (
        [LATER_PERIOD, (P + "agri-topic-2022.yaml", lambda d: d.update({
            "id": "agri-topic-2022", "programme": "topic-general", "title": "禁期最后一天申报的课题",
            "lead_society": "hz-agri", "applied": "2022-02-28", "approved": "2022-03-10",
            "funding": [], "status": "active", "owner": "hz-agri"}))],
        "sanction-ban", P + "agri-topic-2022.yaml", "applied", "2017-03-01 至 2022-02-28 期间不受理",
    ),
    "base-without-project-in-an-enterprise": (
        [(W + "binjiang-new-base.yaml", lambda d: d.update({
            "id": "binjiang-new-base", "name": "尚无项目的示例基地", "kind": "service-base",
            "host": {"name": "滨江示例科技有限公司", "type": "enterprise"}, "district": "滨江区",
            "industry": "信息软件", "established": "2017-05-01", "lead_society": "hz-computer",
            "status": "active", "owner": "hz-computer"}))],
        "base-location", W + "binjiang-new-base.yaml", "host.type", "却填为企业",
    ),
    "assessment-year-missing": (
        [(P + "computer-station-2015.yaml", _set(("assessments",), None))],
        "assessment-missing", P + "computer-station-2015.yaml", "funding.1.year", "没有 2016 年度考核记录",
    ),
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_rule_variant(name, tmp_path, monkeypatch):
    changes, rule, path, field, text = VARIANTS[name]
    records = build_tree(tmp_path)
    for relative, change in changes:
        edit(records, relative, change)
    found = problems(records, monkeypatch)
    assert {p.rule for p in found} == {rule}, found
    matching = [p for p in found if (p.path, p.field) == ("records/" + path, field)]
    assert matching, found
    assert text in matching[0].message
    articles, _ = policy_wording()
    assert any(f"（依据：{article}“" in matching[0].message for article in articles)


def test_missing_refund_is_caught_by_the_schema_first(tmp_path, monkeypatch):
    records = build_tree(tmp_path)
    edit(records, P + "agri-station-2015.yaml", _set(("sanctions", 0, "refund"), None))
    found = problems(records, monkeypatch)
    assert [(p.rule, p.field) for p in found] == [("schema-required", "sanctions.0.refund")]
    assert "缺少必填字段 `refund`" in found[0].message


# ---------------------------------------------------------------- things that must pass


PASSING = {
    # a grade awarded after the application year does not count
    "grade-later-year": [(S + "hz-materials.yaml", lambda d: d["grades"].append({"year": 2017, "grade": "1A"}))],
    # "五年内" ends the day before the fifth anniversary (ban_until in the policy file): on the
    # anniversary itself the society may apply again
    "applied-on-the-anniversary": [LATER_PERIOD, (P + "agri-topic-2022.yaml", lambda d: d.update({
        "id": "agri-topic-2022", "programme": "topic-general", "title": "禁期届满当天申报的课题",
        "lead_society": "hz-agri", "applied": "2022-03-01", "approved": "2022-03-10",
        "funding": [], "status": "active", "owner": "hz-agri"}))],
    # a recorded decision to continue after a failed assessment
    "failed-then-continued": [
        (P + "materials-base-2016.yaml", _set(("assessments", 0, "result"), "不合格")),
        (P + "materials-base-2016.yaml", _set(("decisions",), [{"kind": "continue", "date": "2017-01-20", "document": "杭科协〔2017〕5号"}])),
    ],
    # a station approved in 2016 can only be funded in 2016 and 2017 under the 2015–2017 plan
    "short-because-the-period-ends": [(P + "materials-base-2016.yaml", _set(("status",), "completed"))],
    # a revoked project owes no further assessment
    "revoked-no-assessment": [(P + "agri-station-2015.yaml", _set(("assessments",), None))],
    # one-off grants (per: project) have no yearly assessment
    "topic-no-assessment": [(P + "computer-topic-2016.yaml", _set(("assessments",), None))],
    # the contained station is funded in other years than the base: no double funding
    "contains-other-years": [],
}


@pytest.mark.parametrize("name", sorted(PASSING))
def test_passing_variant(name, tmp_path, monkeypatch):
    records = build_tree(tmp_path)
    for relative, change in PASSING[name]:
        edit(records, relative, change)
    assert problems(records, monkeypatch) == []


def test_assessment_due_only_after_the_year_ends(tmp_path, monkeypatch):
    """hzkx-2016-024 lacks its 2016 assessment: not due on 2016-12-31, an error from 2017-01-01."""
    records = build_tree(tmp_path, "assessment-missing", base=DEMO)

    def missing(today):
        return [p for p in problems(records, monkeypatch, today=today)
                if p.rule == "assessment-missing" and p.path.endswith("hzkx-2016-024.yaml")]

    assert missing("2016-12-31") == []
    (found,) = missing("2017-01-01")
    assert found.severity == "error"


def test_reference_date(monkeypatch):
    monkeypatch.setenv(TODAY_ENV, "2016-02-03")
    assert reference_date() == datetime.date(2016, 2, 3)
    assert reference_date(datetime.date(2020, 1, 1)) == datetime.date(2020, 1, 1)
    monkeypatch.setenv(TODAY_ENV, "not-a-date")
    assert reference_date() == datetime.date.today()
    monkeypatch.delenv(TODAY_ENV)
    assert reference_date() == datetime.date.today()


# ---------------------------------------------------------------- robustness


def test_missing_and_invalid_references_do_not_crash(tmp_path, monkeypatch):
    records = build_tree(tmp_path)
    edit(records, P + "materials-base-2016.yaml", lambda d: d.update(
        lead_society="hz-nobody", workstation="no-such-base", contains=["no-such-project"]))
    edit(records, P + "materials-station-2015.yaml", _set(("workstation",), "no-such-station"))
    edit(records, S + "hz-agri.yaml", lambda d: d["bans"].append(
        {"from": "2017-02-30", "until": "2022-02-28", "project": "no-such-project"}))
    edit(records, S + "hz-computer.yaml", _set(("inspections", 0, "result"), "good"))  # schema-invalid
    edit(records, W + "xihu-agri-station.yaml", _set(("kind",), "no-such-kind"))  # schema-invalid
    found = problems(records, monkeypatch)
    assert {p.rule for p in found} <= {"ref-missing", "date-invalid", "schema-enum"}, found


def test_contains_cycle_through_itself_and_long_cycles(tmp_path, monkeypatch):
    records = build_tree(tmp_path)
    edit(records, P + "computer-topic-2016.yaml", _set(("contains",), ["computer-topic-2016"]))
    edit(records, P + "overseas-2016.yaml", _set(("contains",), ["computer-topic-2016"]))
    found = problems(records, monkeypatch)
    assert [(p.rule, p.path, p.field) for p in found] == [
        ("double-funding", "records/projects/computer-topic-2016.yaml", "contains.0"),
        ("double-funding", "records/projects/overseas-2016.yaml", "contains.0"),
    ]
    assert "成环" in found[0].message
    assert "2016 年都获得了资助" in found[1].message
