"""The yearly report's list of rule warnings: only those about its year, worded with names.

A warning is about a year when the field it points to sits inside an entry with that `year`
(`assessments.1.materials.outcomes` → that assessment's year, `funding.0.amount` → that funding
year). A warning on a field with no year of its own belongs to every year the record's project is
funded in; warnings on records that are not projects of the year are left out. Society ids in the
messages become the societies' names ("杭州市材料学会（hz-materials）"), and each warning names its
record by title rather than by file alone.
"""

from __future__ import annotations

import re


def _year_of(data, field: str):
    """The `year` of the innermost mapping along the dotted field path that has one, or None."""
    year = None
    node = data
    for part in field.split(".") if field else []:
        if isinstance(node, dict) and isinstance(node.get("year"), int):
            year = node["year"]
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            break
    if isinstance(node, dict) and isinstance(node.get("year"), int):
        year = node["year"]
    return year


def year_warnings(warnings, records, model, summary, year: int) -> list[dict]:
    """[{path, line, rule, message, title}] for the report of `year`, in the validator's order.

    `warnings` are Problems, `records` the RecordSet they came from (None: the year of a field
    cannot be read, so a project's warnings count for every year it is funded in), `summary` the
    year's FundingSummary.
    """
    by_path = {record.path: record for record in records.all()} if records is not None else {}
    in_year = {row["project"]["id"] for row in summary.projects}
    names = {sid: society["name"] for sid, society in model.societies.items()}
    ids = re.compile(r"(?<![A-Za-z0-9-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")(?![A-Za-z0-9-])") if names else None
    shown = []
    projects = {f"records/projects/{pid}.yaml" for pid in in_year}
    for problem in sorted(warnings, key=lambda p: p.sort_key()):
        record = by_path.get(problem.path)
        data = getattr(record, "data", None) if record else None
        own_year = _year_of(data, problem.field) if isinstance(data, dict) else None
        if own_year is not None:
            if own_year != year:
                continue
        elif not ((record and record.type == "project" and record.id in in_year)
                  or (record is None and problem.path.endswith(tuple(projects)))):
            continue
        message = ids.sub(lambda m: f"{names[m.group(1)]}（{m.group(1)}）", problem.message) if ids else problem.message
        title = ""
        if record and isinstance(data, dict):
            title = str(data.get("title") or data.get("name") or "")
        elif record is None:
            pid = problem.path.rsplit("/", 1)[-1].removesuffix(".yaml")
            title = model.projects.get(pid, {}).get("title", "")
        shown.append({"path": problem.path, "line": problem.line, "rule": problem.rule, "message": message, "title": title})
    return shown


def book_title(title: str) -> str:
    """The policy title without its outermost 《》, for a template that adds them ("依据《…》").

    Record titles are written with their marks (《计划》及附件《办法》); the template wrapped them
    again, giving 《《计划》及附件《办法》》.
    """
    if title.startswith("《") and title.endswith("》"):
        return title[1:-1]
    return title
