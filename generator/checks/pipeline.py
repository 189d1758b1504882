"""The one pipeline that `validate`, `build` and `report` share: parse → schema → integrity → policy."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.checks.integrity import check_integrity
from generator.checks.names import check_names
from generator.checks.policy import check_policy
from generator.checks.privacy import check_privacy
from generator.checks.dates import check_dates
from generator.checks.text import check_links, check_text
from generator.checks.values import scan
from generator.records.problems import ERROR, Problem, Report
from generator.common.forking import Background
from generator.records.recordset import PARALLEL_FROM, RecordSet, load_records
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
    # the checks below only read the records and return problems: where there are many records,
    # policy (the longest, reading projects and periods) runs in a forked process while the others
    # run here (the problems are the same, in the same order). The forked process shares the
    # records' pages; gc.freeze keeps its collector from writing into (and so copying) all of them.
    many = sum(len(of_type) for of_type in records.by_type.values()) >= PARALLEL_FROM
    if many:
        gc.freeze()
    side = Background([partial(_listed, check_policy, records, schemas)], fork=many)
    try:
        integrity = _listed(check_integrity, records, schemas.vocab["district"].get("x-validity"))
        privacy = _listed(check_privacy, records, schemas) + _listed(check_dates, records, schemas)
        names = _listed(check_names, records, schemas)
        (policy,) = side.wait()
    finally:
        side.stop()
        if many:
            gc.unfreeze()
    for problems in (integrity, privacy, names, policy):
        report.extend(problems)
    # one message per value: a value with an error must be edited anyway, so the warning that its
    # invisible characters were removed (checks/text.py) would only repeat the place
    erroneous = {(p.path, p.field) for p in report.problems if p.severity == ERROR and p.field}
    report.problems = [
        p for p in report.problems if not (p.rule == "text-invisible" and (p.path, p.field) in erroneous)
    ]
    return Checked(records, schemas, report)
