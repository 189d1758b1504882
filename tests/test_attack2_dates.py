"""Dates that contradict each other or the calendar (attack2): rules kept in the schemas
(`x-not-before`, `x-past`), read by generator/checks/dates.py. The negative case
date-future-consent pins the message; these cover the rest."""

from __future__ import annotations

from generator.checks.dates import date_rules
from generator.records.schemas import SchemaSet
from tests.conftest import REPO, run_kexie


def test_the_rules_come_from_the_schemas():
    schemas = SchemaSet(REPO / "schemas")
    assert ("valid_until",) in [p for p, k, v, _ in date_rules(schemas, "policy") if k == "x-not-before" and v == "valid_from"]
    assert (("bans", "*", "until"), "x-not-before", "from") in [(p, k, v) for p, k, v, _ in date_rules(schemas, "society")]
    assert {p for p, k, _, _ in date_rules(schemas, "expert") if k == "x-past"} == {("consent", "date")}
    assert {p for p, k, _, _ in date_rules(schemas, "need") if k == "x-past"} == {("submitted",)}


def test_a_ban_that_ends_before_it_starts(tree):
    path = tree / "records" / "societies" / "hz-computer.yaml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + 'bans:\n  - from: "2017-01-01"\n    until: "2016-12-31"\n    project: xihu-materials-station-2016\n    reason: 示例\n',
        encoding="utf-8",
    )
    run = run_kexie("validate", cwd=tree)
    assert run.exit_code == 1, run
    assert "`bans.0.until`（截止日期） 是 2016-12-31，早于 `from`（起始日期）2017-01-01：请核对这两个日期 [date-order]" in run.stdout


def test_a_need_submitted_in_the_future_and_today_itself(tree):
    path = tree / "records" / "needs" / "new-alloy-coating.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('submitted: "2016-06-01"', 'submitted: "2018-06-02"'), encoding="utf-8")
    run = run_kexie("validate", cwd=tree)
    assert "晚于今天（2018-06-01）" in run.stdout and run.exit_code == 1, run
    path.write_text(text.replace('submitted: "2016-06-01"', 'submitted: "2018-06-01"'), encoding="utf-8")
    assert run_kexie("validate", cwd=tree).exit_code == 0
