"""Print a Report as text lines, GitHub Actions annotations or JSON: a name → function table."""

from __future__ import annotations

import json

from generator.records.problems import SEVERITY_ZH, Problem, Report


def _location(p: Problem) -> str:
    parts = [p.path]
    if p.line:
        parts.append(str(p.line))
        if p.column:
            parts.append(str(p.column))
    return ":".join(parts)


def format_text(report: Report, checked: int) -> str:
    lines = [
        f"{_location(p)}: {SEVERITY_ZH[p.severity]}: {p.message} [{p.rule}]" for p in report.sorted()
    ]
    lines.append(summary(report, checked))
    return "\n".join(lines) + "\n"


def summary(report: Report, checked: int) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    if not errors and not warnings:
        return f"检查了 {checked} 条记录，全部通过。"
    return f"检查了 {checked} 条记录：{errors} 个错误，{warnings} 个警告。"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(report: Report, checked: int) -> str:
    lines = []
    for p in report.sorted():
        props = [f"file={_escape_property(p.path)}"]
        if p.line:
            props.append(f"line={p.line}")
            if p.column:
                props.append(f"col={p.column}")
        props.append(f"title={_escape_property(p.rule)}")
        lines.append(f"::{p.severity} {','.join(props)}::{_escape_data(p.message)}")
    lines.append(summary(report, checked))
    return "\n".join(lines) + "\n"


def format_json(report: Report, checked: int) -> str:
    rows = [
        {
            "path": p.path,
            "line": p.line,
            "column": p.column,
            "severity": p.severity,
            "rule": p.rule,
            "field": p.field,
            "message": p.message,
        }
        for p in report.sorted()
    ]
    return json.dumps({"checked": checked, "problems": rows}, ensure_ascii=False, indent=2) + "\n"


REPORTERS = {"text": format_text, "github": format_github, "json": format_json}
