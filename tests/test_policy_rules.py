"""Policy rules (generator/policy): one failing fixture per rule, plus variants and robustness.

Layout:
    tests/cases/policy/_base/records/      a small valid tree that passes every rule (no warnings)
    tests/cases/policy/<rule-id>/records/  files that replace or add to the base tree and break
                                           exactly that rule, once
    tests/cases/policy/<rule-id>/expected.json  where the one problem must be reported

Each test copies the tree to tmp_path with schemas/ beside records/ (the validator looks for
../schemas) and fixes the reference date with KEXIE_TODAY, so nothing depends on the clock.
"""

from __future__ import annotations

import datetime
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
POLICY = "policies/2015-2017.yaml"
TODAY = "2018-06-01"
RULE_CASES = sorted(d.name for d in CASES.iterdir() if d.is_dir() and not d.name.startswith("_"))


def policy_rules() -> dict[str, dict]:
    data = yaml.safe_load((BASE / POLICY).read_text(encoding="utf-8"))
    return {rule["id"]: rule for rule in data["rules"]}


def build_tree(tmp_path: Path, case: str | None = None) -> Path:
    records = tmp_path / "records"
    shutil.copytree(BASE, records)
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


# ---------------------------------------------------------------- the fixtures


def test_base_tree_is_clean(tmp_path, monkeypatch):
    code, found = run_cli(build_tree(tmp_path), monkeypatch)
    assert found == []
    assert code == 0


def test_base_policy_is_the_shipped_policy():
    assert (BASE / POLICY).read_bytes() == (REPO / "records" / POLICY).read_bytes()


def test_every_rule_has_a_fixture():
    assert set(RULE_CASES) == set(RULES)
    assert set(policy_rules()) <= set(RULES)


@pytest.mark.parametrize("case", RULE_CASES)
def test_rule_fixture(case, tmp_path, monkeypatch):
    expected = json.loads((CASES / case / "expected.json").read_text(encoding="utf-8"))
    rule = policy_rules()[case]
    code, found = run_cli(build_tree(tmp_path, case), monkeypatch)
    assert len(found) == 1, found
    problem = found[0]
    assert problem["rule"] == case
    assert problem["severity"] == rule["severity"]
    assert code == (1 if rule["severity"] == "error" else 0)
    assert (problem["path"], problem["line"], problem["column"], problem["field"]) == (
        expected["path"], expected["line"], expected["column"], expected["field"]
    )
    # the message quotes the article, as the policy file words it
    assert f"（依据：{rule['article']}“{rule['quote']}”）" in problem["message"]
    assert expected["article"] in problem["message"]


@pytest.mark.parametrize("case", RULE_CASES)
def test_undeclared_rule_is_not_applied(case, tmp_path, monkeypatch):
    records = build_tree(tmp_path, case)
    edit(records, POLICY, lambda d: d.update(rules=[r for r in d["rules"] if r["id"] != case]))
    assert problems(records, monkeypatch) == []


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

VARIANTS = {
    # name: ([(file, change)], rule, file, field, text the message must contain)
    "years-gap": (
        [(P + "materials-base-2016.yaml", _set(("funding", 1, "year"), 2019))],
        "funding-years", P + "materials-base-2016.yaml", "funding.2.year", "中间缺 2017 年",
    ),
    "years-before-approval": (
        [(P + "computer-topic-2016.yaml", _set(("funding", 0, "year"), 2015))],
        "funding-years", P + "computer-topic-2016.yaml", "funding.0.year", "早于立项",
    ),
    "years-duplicate": (
        [(P + "materials-base-2016.yaml", _set(("funding", 2, "year"), 2017))],
        "funding-years", P + "materials-base-2016.yaml", "funding.2.year", "2017 年写了两行",
    ),
    "range-per-project": (
        [(P + "computer-topic-2016.yaml", _set(("funding", 0, "amount"), 40000))],
        "funding-range", P + "computer-topic-2016.yaml", "funding.0.amount", "合计 4.00 万元",
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
        [(P + "materials-base-2016.yaml", _set(("workstation",), "xihu-materials-station"))],
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
                "approved": "2016-04-01", "funding": [{"year": 2016, "amount": 20000}],
                "assessments": [{"year": 2016, "result": "合格", "materials": ALL_TRUE}],
                "status": "completed", "owner": "hz-materials"})),
        ],
        "double-funding", P + "materials-base-2016.yaml", "contains.0",
        "materials-base-2016 ⊃ materials-station-2015 ⊃ materials-station-2016",
    ),
    "ban-length": (
        [(S + "hz-agri.yaml", _set(("bans", 0, "until"), "2021-03-01"))],
        "sanction-ban", S + "hz-agri.yaml", "bans.0.until", "应截止到 2022-03-01",
    ),
    "ban-without-society-entry": (
        [(S + "hz-agri.yaml", _set(("bans",), None))],
        "sanction-ban", P + "agri-station-2015.yaml", "sanctions.1.kind", "没有对应的不受理期",
    ),
    "ban-without-sanction": (
        [(P + "agri-station-2015.yaml", lambda d: d["sanctions"].pop(1))],
        "sanction-ban", S + "hz-agri.yaml", "bans.0.project", "没有“五年内不受理立项申请”",
    ),
    "refund-revoked-without-sanction": (
        [(P + "computer-station-2015.yaml", _set(("status",), "revoked"))],
        "sanction-refund", P + "computer-station-2015.yaml", "status", "refund: 50000",
    ),
    "refund-sanction-without-status": (
        [(P + "agri-station-2015.yaml", _set(("status",), "terminated"))],
        "sanction-refund", P + "agri-station-2015.yaml", "status", "请把 status 改为 revoked",
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
    assert policy_rules()[rule]["article"] in matching[0].message


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
    # "五年内" read as ending the day before the anniversary is accepted too
    "ban-until-eve": [(S + "hz-agri.yaml", _set(("bans", 0, "until"), "2022-02-28"))],
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
    records = build_tree(tmp_path, "assessment-missing")
    assert problems(records, monkeypatch, today="2015-12-31") == []
    assert [p.rule for p in problems(records, monkeypatch, today="2016-01-01")] == ["assessment-missing"]


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
