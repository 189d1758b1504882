"""What every policy rule needs: the periods, which period a project falls in, and messages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from generator.problems import ERROR, Problem
from generator.records import Record, RecordSet
from generator.schemas import SchemaSet


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


class PolicyContext:
    def __init__(self, records: RecordSet, schemas: SchemaSet):
        self.records = records
        self.schemas = schemas
        self.periods = [Period(r) for r in records.valid("policy")]

    def period_for(self, date: str) -> Period | None:
        for period in self.periods:
            if period.covers(date):
                return period
        return None

    def projects(self):
        """(project, its period or None) for every schema-valid project."""
        for record in self.records.valid("project"):
            yield record, self.period_for(record.data["approved"])

    @cached_property
    def latest_period(self) -> Period | None:
        return max(self.periods, key=lambda p: p.data["valid_until"], default=None)

    def problem(self, period: Period, rule_id: str, record: Record, path, message: str) -> Problem | None:
        """A Problem worded with the rule's article and quote, at the rule's severity.

        A period that does not declare a rule does not apply it: rules are data.
        """
        rule = period.rule(rule_id)
        if rule is None:
            return None
        line, column = record.doc.where(tuple(path))
        text = f"{message}（依据：{rule['article']}“{rule['quote']}”）"
        return Problem(
            record.path,
            line,
            column,
            rule_id,
            text,
            rule.get("severity", ERROR),
            ".".join(str(p) for p in path),
        )

    def label(self, vocabulary: str, value: str) -> str:
        return self.schemas.label(vocabulary, value)


def wan(yuan: int) -> str:
    """Integer yuan shown as 万元 with two decimals, the way every page and report shows money."""
    return f"{yuan / 10000:.2f} 万元"
