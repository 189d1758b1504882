"""The one pipeline that `validate`, `build` and `report` share: parse → schema → integrity → policy."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.checks.integrity import check_integrity
from generator.checks.names import check_names
from generator.checks.policy import check_policy
from generator.checks.privacy import check_privacy
from generator.checks.dates import check_dates
from generator.checks.text import check_links, check_text
from generator.checks.values import scan
from generator.records.problems import ERROR, Problem, Report
from generator.records.recordset import RecordSet, load_records
from generator.records.schemas import SchemaSet, find_schemas_dir


@dataclass
class Checked:
    records: RecordSet
    schemas: SchemaSet
    report: Report


def check_records(root: Path, schemas_dir: Path | None = None) -> Checked:
    schemas = SchemaSet(schemas_dir or find_schemas_dir(root))
    records, problems = load_records(root, scan=scan)  # the per-value walks run in the parsing processes
    return check_loaded(records, problems, schemas)


def _listed(check, *args) -> list[Problem]:
    return list(check(*args))


def check_loaded(records: RecordSet, problems: list[Problem], schemas: SchemaSet) -> Checked:
    """Every check after loading, in order: schema → text → integrity → policy. `problems` are
    the loader's (unreadable files); the records' own problems are added to them."""
    report = Report(problems)
    reported = set()  # (file, field) with a schema error: check_text does not repeat them
    for record in records.all():
        for line, column, rule, message, field in schemas.check(record.type, record.doc):
            report.add(Problem(record.path, line, column, rule, message, field=field))
            records.invalid.add((record.type, record.id))
            reported.add((record.path, field))
    report.extend(check_text(records, schemas, reported))  # before the checks that use records.valid()
    report.extend(check_links(records, schemas))
    # in this process, one after the other: a forked checker shared the records' pages but copied
    # most of them as it read (reference counts), which doubled validate's memory at 100,000
    # experts for a few seconds saved; the per-value walks already ran in the parsing processes
    integrity = _listed(check_integrity, records, schemas.vocab["district"].get("x-validity"))
    privacy = _listed(check_privacy, records, schemas) + _listed(check_dates, records, schemas)
    names = _listed(check_names, records, schemas)
    policy = _listed(check_policy, records, schemas)
    for problems in (integrity, privacy, names, policy):
        report.extend(problems)
    # one message per value: a value with an error must be edited anyway, so the warning that its
    # invisible characters were removed (checks/text.py) would only repeat the place
    erroneous = {(p.path, p.field) for p in report.problems if p.severity == ERROR and p.field}
    report.problems = [
        p for p in report.problems if not (p.rule == "text-invisible" and (p.path, p.field) in erroneous)
    ]
    return Checked(records, schemas, report)
