"""What every policy rule needs: the periods, which period a record falls in, look-ups and messages.

Reference date ("today")
------------------------
Some rules depend on what has already happened (a funded year "has ended", so its year-end
assessment is due). They never read the clock themselves: they use `PolicyContext.today`, which is

1. the `today` argument when one is given (tests), else
2. the environment variable `KEXIE_TODAY` in the form YYYY-MM-DD (CI jobs, reproducible reports), else
3. `datetime.date.today()`.

A `KEXIE_TODAY` that is not a real YYYY-MM-DD date is ignored (the clock is used) rather than
stopping the validator.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from functools import cached_property

from generator.common import quoting
from generator.common.quoting import LIMIT, escape, quote
from generator.records.problems import ERROR, Problem
from generator.records.recordset import Record, RecordSet
from generator.records.schemas import SchemaSet

TODAY_ENV = "KEXIE_TODAY"


def reference_date(today: datetime.date | None = None) -> datetime.date:
    """The deterministic "today" described in the module docstring."""
    if today is not None:
        return today
    value = os.environ.get(TODAY_ENV, "").strip()
    if value:
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    return datetime.date.today()


def year_of(date: str) -> int:
    """The year of a schema-valid date string (YYYY-MM-DD)."""
    return int(date[:4])


def parse_date(date: str) -> datetime.date | None:
    """A date string as a date; None for a well-formed but impossible date like 2016-02-30
    (integrity's date-invalid reports those)."""
    try:
        return datetime.date.fromisoformat(date)
    except (TypeError, ValueError):
        return None


@dataclass
class Period:
    record: Record

    @property
    def data(self) -> dict:
        return self.record.data

    @property
    def id(self) -> str:
        return self.record.id

    def covers(self, date: str) -> bool:
        return self.data["valid_from"] <= date <= self.data["valid_until"]

    def programme(self, programme: str) -> dict | None:
        for entry in self.data["programmes"]:
            if entry["programme"] == programme:
                return entry
        return None

    def rule(self, rule_id: str) -> dict | None:
        for entry in self.data["rules"]:
            if entry["id"] == rule_id:
                return entry
        return None

    def applies(self, rule_id: str) -> bool:
        """A period applies exactly the rules its file declares."""
        return self.rule(rule_id) is not None


class PolicyContext:
    def __init__(self, records: RecordSet, schemas: SchemaSet, today: datetime.date | None = None):
        self.records = records
        self.schemas = schemas
        self.periods = [Period(r) for r in records.valid("policy")]
        self.today = reference_date(today)

    # ---------------------------------------------------------------- periods and terms
    def period_for(self, date: str) -> Period | None:
        for period in self.periods:
            if period.covers(date):
                return period
        return None

    def projects(self):
        """(project, its period or None) for every schema-valid project, in id order.

        A project belongs to the period in force on its approval date (`approved`). Worked out
        once per context (about fifteen rules ask; records.invalid is settled before policy runs)."""
        return iter(self._projects)

    @cached_property
    def _projects(self) -> list:
        return [(record, self.period_for(record.data["approved"])) for record in self.records.valid("project")]

    def project_period(self, project: Record) -> Period | None:
        return self.period_for(project.data["approved"])

    def terms(self, project: Record, period: Period | None, rule_id: str) -> dict | None:
        """The programme entry of the project's period, when that period applies rule_id."""
        if period is None or not period.applies(rule_id):
            return None
        return period.programme(project.data["programme"])

    @cached_property
    def latest_period(self) -> Period | None:
        return max(self.periods, key=lambda p: p.data["valid_until"], default=None)

    # ---------------------------------------------------------------- look-ups
    def valid(self, record_type: str, record_id) -> Record | None:
        """A schema-valid record by id; None when it is missing (ref-missing reports that) or
        failed the schema (its content is not to be trusted)."""
        if not isinstance(record_id, str):
            return None
        record = self.records.get(record_type, record_id)
        if record is None or (record_type, record_id) in self.records.invalid:
            return None
        return record

    def society_name(self, society_id: str) -> str:
        """`id`（全称） when the society is on record, else `id`."""
        society = self.valid("society", society_id)
        code = quote(society_id, marks="``")
        return f"{code}（{escape(society.data['name'], LIMIT)}）" if society else code

    def label(self, vocabulary: str, value: str) -> str:
        return self.schemas.label(vocabulary, value)

    def field_title(self, record_type: str, path) -> str:
        """A field's title from its schema, e.g. 项目总结报告 for assessments.0.materials.report."""
        return self.schemas.field_schema(record_type, tuple(path)).get("title", str(path[-1]))

    @cached_property
    def grade_rank(self) -> dict[str, int]:
        """1A < 2A < … : the order of the grade vocabulary's enum."""
        return {grade: rank for rank, grade in enumerate(self.schemas.vocab["grade"]["enum"])}

    # ---------------------------------------------------------------- messages
    def problem(
        self, period: Period, rule_id: str, record: Record, path, message: str,
        article: str | None = None, quote: str | None = None,
    ) -> Problem | None:
        """A Problem worded with the rule's article and quote, at the rule's severity.

        `article` / `quote` replace the rule's own when the policy file words the rule more
        precisely for one programme (e.g. a programme's amount clause, or one eligibility
        condition's article). A period that does not declare a rule does not apply it: rules are data.
        """
        if period is None:
            return None
        rule = period.rule(rule_id)
        if rule is None:
            return None
        line, column = record.doc.where(tuple(path))
        text = (
            f"{message}（依据：{escape(article or rule['article'], 200)}"
            f"{quoting.quote(quote or rule['quote'], limit=1000)}）"
        )
        return Problem(
            record.path,
            line,
            column,
            rule_id,
            text,
            rule.get("severity", ERROR),
            ".".join(str(p) for p in path),
        )


def yuan(amount: int) -> str:
    """100001 → "100,001 元": exact yuan, for messages where 万元 rounding would hide the error."""
    return f"{amount:,} 元"


def funded_years(project: Record) -> dict[int, int]:
    """Year → amount disbursed that year (entries of one year added up; zero amounts left out)."""
    years: dict[int, int] = {}
    for entry in project.data["funding"]:
        if entry["amount"] > 0:
            years[entry["year"]] = years.get(entry["year"], 0) + entry["amount"]
    return years
