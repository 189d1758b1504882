"""The privacy check: no resident ID number or personal mobile number in any record.

The detector is generator/common/private_numbers.py (one function, `find_private_numbers`, used by
every layer: this check, the need form, the pull request comment and the site's change history);
its docstring lists what it sees through and what it deliberately leaves alone, each decision
pinned by a row of tests/test_privacy.py. This module words the problems: the field by its path and
Chinese title, the number masked (CI logs and PR comments are public).
"""

from __future__ import annotations

from generator.checks.values import scanned
from generator.common.private_numbers import (  # noqa: F401 - re-exported: one detector for every layer
    ID_NUMBER,
    MOBILE,
    Finding,
    find_private_numbers,
    id_check_digit,
    is_id_number,
    mask,
    masked_text,
)
from generator.common.quoting import quote
from generator.records.problems import ERROR, Problem
from generator.records.recordset import RecordSet
from generator.records.schemas import SchemaSet

MESSAGES = {
    ID_NUMBER: (
        "privacy-id-number",
        "{field}中有像是身份证号码的数字（{numbers}）：平台不得公开身份证号，请删除",
    ),
    MOBILE: (
        "privacy-mobile",
        "{field}中有像是个人手机号码的数字（{numbers}）：平台不公开个人手机号，请删除，"
        "或改为单位办公电话（例如 0571-85012345）",
    ),
}


def describe(findings: list[Finding], field: str) -> list[tuple[str, str]]:
    """(rule, message) per kind of number found in one field; each number masked, at most three shown."""
    out = []
    for kind in (ID_NUMBER, MOBILE):
        numbers = [f.masked for f in findings if f.kind == kind]
        if numbers:
            shown = "、".join(numbers[:3]) + (f" 等 {len(numbers)} 处" if len(numbers) > 3 else "")
            rule, template = MESSAGES[kind]
            out.append((rule, template.format(field=field, numbers=shown)))
    return out


def check_privacy(records: RecordSet, schemas: SchemaSet | None = None):
    """Every string and integer of every record, of every type, whatever its schema: no ID or mobile
    number may be published (the expert schema's description; site_src/about.md promises it). Nor
    in a YAML comment (found at parse time: Document.comment_numbers) or a field name: the
    repository the records live in is public as well.

    schemas: for the field's Chinese title in the message (a list item is named by its list)."""
    for record in records.all():
        # only values and keys with 11 digits: the detector finds nothing in the rest (values.py)
        found = scanned(record)
        for path, value in found.private_values:
            findings = find_private_numbers(value)
            if not findings:
                continue
            named = path
            while named and isinstance(named[-1], int):
                named = named[:-1]
            title = schemas.field_schema(record.type, named).get("title", "") if schemas and named else ""
            name = quote(".".join(map(str, path)), marks="``")  # a key outside the schema is record text
            label = f"{name}（{title}）" if title else name
            for rule, message in describe(findings, label):
                yield record.at(path, rule, message, ERROR)
        for line, column, finding in record.doc.comment_numbers:  # the repository is public too
            for rule, message in describe([finding], "YAML 注释（与记录一起公开在仓库中）"):
                yield Problem(record.path, line, column, rule, message, ERROR)
        for path, key in found.private_keys:  # a field name is printed and published like a value
            findings = find_private_numbers(key)
            if findings:
                for rule, message in describe(findings, f"字段名 {quote(key, marks='``')} "):
                    yield record.at(path, rule, message, ERROR, key=True)
