"""Checks across records: ids, references, consent, dates. Each check yields Problems.

Private numbers (ID and mobile numbers) have their own detector: generator/checks/privacy.py."""

from __future__ import annotations


from generator.checks.values import CONTACT_IN_TEXT, scanned
from generator.common.quoting import LIMIT, escape, quote
from generator.records.problems import WARNING, Problem
from generator.records.recordset import FOLDERS, STAFF_OWNER, TYPE_ZH, RecordSet
from generator.records.scalars import ambiguous_number
from generator.records.schemas import common_accepts

# (record type, path with "*" for every list item, target type, target must be a published expert)
REFERENCES = [
    ("expert", ("societies", "*", "society"), "society", False),
    ("society", ("core_team", "*", "expert"), "expert", True),
    ("society", ("members", "*"), "expert", True),
    ("society", ("bans", "*", "project"), "project", False),
    ("workstation", ("lead_society",), "society", False),
    ("workstation", ("partner_societies", "*"), "society", False),
    ("workstation", ("experts", "*"), "expert", True),
    ("project", ("lead_society",), "society", False),
    ("project", ("partner_societies", "*"), "society", False),
    ("project", ("workstation",), "workstation", False),
    ("project", ("experts", "*"), "expert", True),
    ("project", ("contains", "*"), "project", False),
    ("need", ("matched", "experts", "*"), "expert", True),
    ("need", ("matched", "societies", "*"), "society", False),
    ("proposal", ("authors", "*"), "expert", True),
    ("proposal", ("societies", "*"), "society", False),
]



def walk(value, path=()):
    """Yield (path, value) for every scalar inside value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, path + (index,))
    else:
        yield path, value


def resolve(data, pattern, path=()):
    """Yield (path, value) for the values a pattern like ("core_team", "*", "expert") selects."""
    if not pattern:
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(data, list):
            for index, item in enumerate(data):
                yield from resolve(item, rest, path + (index,))
    elif isinstance(data, dict) and head in data:
        yield from resolve(data[head], rest, path + (head,))


def _code(value) -> str:
    return quote(value, marks="``")


_ID_RULE = "编号只能用小写字母、数字和连字符，例如 zhang-wei"


def check_ids(records: RecordSet):
    for record in records.valid():
        declared = record.data.get("id")
        if isinstance(declared, str) and declared != record.id:
            # offer only fixes that validate: a file named 张伟.yaml gives no id `张伟` to copy
            other = f"，或把 id 改为 {_code(record.id)}" if common_accepts("id", record.id) else (
                f"（文件名 {_code(record.id)} 不能用作编号：{_ID_RULE}）"
            )
            yield record.at(
                ("id",),
                "id-filename",
                f"编号 {_code(declared)} 与文件名 {_code(record.id + '.yaml')} 不一致：请把文件改名为 {_code(declared + '.yaml')}{other}",
            )


def check_references(records: RecordSet):
    published = records.published_experts()
    for record_type, pattern, target, must_publish in REFERENCES:
        pool = records.of(target)
        for record in records.valid(record_type):
            for path, value in resolve(record.data, pattern):
                if not isinstance(value, str):
                    continue  # the schema check already reports the wrong type
                if value not in pool and not records.unreadable(target, value):
                    yield record.at(
                        path,
                        "ref-missing",
                        f"{_code('.'.join(map(str, path)))} 引用的{TYPE_ZH[target]} {_code(value)} 不存在：请检查编号拼写，"
                        f"或先新建 records/{FOLDERS[target]}/{escape(value, LIMIT)}.yaml",
                    )
                elif must_publish and value not in published and not records.unreadable(target, value):
                    yield record.at(
                        path,
                        "ref-unpublished",
                        f"专家 {_code(value)} 没有同意公开（consent.publish 不为 true），不能在公开页面列出：请删除此项，或先取得本人书面同意",
                    )


def check_owners(records: RecordSet):
    societies = records.of("society")
    for record in records.valid():
        owner = record.data.get("owner")
        if not isinstance(owner, str):
            continue
        if owner != STAFF_OWNER and owner not in societies and not records.unreadable("society", owner):
            yield record.at(
                ("owner",),
                "owner-unknown",
                f"维护单位 {_code(owner)} 不是已登记的学会编号：请填写 records/societies/ 中某个学会的编号，或填 {STAFF_OWNER}（市科协）",
            )
        if record.type == "society" and owner not in (record.id, STAFF_OWNER):
            fix = f"请把 owner 改为 {_code(record.id)}" if common_accepts("owner", record.id) else (
                f"请先把文件改名为本学会的编号（{_ID_RULE}），再把 owner 改为该编号，或改为 {STAFF_OWNER}"
            )
            yield record.at(
                ("owner",),
                "owner-society",
                f"学会记录只能由本学会（{_code(record.id)}）或市科协（{STAFF_OWNER}）维护：{fix}",
            )


def check_consent(records: RecordSet):
    """An expert without `consent.contact: true` publishes no contact details: no `email` field, and
    no e-mail address, WeChat or QQ id written into any other text of the record (a bio's mailto:
    link included) — the consent rule of the expert schema, wherever the address is typed."""
    for record in records.valid("expert"):
        consent = record.data["consent"]
        if consent.get("contact") is True:
            continue
        if "email" in record.data:
            yield record.at(
                ("email",),
                "privacy-email-consent",
                "填写了公开邮箱，但本人没有同意公开联系方式（consent.contact 不为 true）：请删除 email，或在取得同意后设 consent.contact: true",
            )
        for path, value in scanned(record).contacts:
            found = CONTACT_IN_TEXT.search(value)
            if path != ("email",):
                shown = found.group()
                shown = quote(shown[:3] + "***" + shown[-6:] if len(shown) > 12 else shown[:2] + "***")
                yield record.at(
                    path,
                    "privacy-email-consent",
                    f"{_code('.'.join(map(str, path)))} 中有联系方式 {shown}，但本人没有同意公开联系方式（consent.contact 不为 true）："
                    "请删除；或在取得本人同意后设 consent.contact: true，并把邮箱填在 email 中",
                )


def check_text_values(records: RecordSet):
    """One walk over every value: impossible dates, and numbers typed so that YAML readers disagree
    on their value (records/scalars.py `ambiguous_number`: 025000, 25_000; only in records that
    passed the schema — a code typed as a number has its own message there). Private numbers: see
    checks/privacy.py."""
    for record in records.all():
        if record.doc.odd_numbers and (record.type, record.id) not in records.invalid:
            yield from _ambiguous_numbers(record)
        for path, value in scanned(record).impossible_dates:
            yield record.at(
                path, "date-invalid", f"日期 {escape(value, LIMIT)} 不存在（例如 2 月没有 30 日）：请改为真实的日期"
            )


def _ambiguous_numbers(record):
    for path, value in walk(record.data):
        if type(value) not in (int, float):
            continue
        typed = record.doc.typed(path)
        if typed is None or not ambiguous_number(typed):
            continue
        field = quote(".".join(map(str, path)), marks="``")
        if "_" in typed:
            why = "带“_”的数字，有的 YAML 读法（YAML 1.2，编辑器的检查用它）当作文字"
        else:
            octal = typed.lstrip("+-").lstrip("0") or "0"
            why = "以 0 开头的数字，有的 YAML 读法（YAML 1.1）当作八进制数" + (
                f"（{quote(typed, marks='``')} 会读成 {int(octal, 8)}）" if set(octal) <= set("01234567") else ""
            )
        yield record.at(
            path,
            "number-ambiguous",
            f"{field} 写成了 {quote(typed, marks='``')}：{why}，不同的程序会读出不同的值。请写作 {value}",
        )


def check_schema_comment(records: RecordSet):
    for record in records.all():
        expected = f"# yaml-language-server: $schema=../../schemas/{record.type}.schema.json"
        if record.doc.first_line.strip() != expected:
            yield Problem(
                record.path,
                1,
                1,
                "schema-comment",
                f"第一行应为 `{expected}`，这样编辑器能边输入边检查",
                WARNING,
            )


# where a record's district was in force: (record type, district path, date path)
DISTRICT_DATES = [
    ("workstation", ("district",), ("established",)),
    ("need", ("unit", "district"), ("submitted",)),
]


def check_district_dates(records: RecordSet, validity: dict):
    """A district name must have existed on the record's date (区划 changed in 2015, 2017, 2021)."""
    for record_type, district_path, date_path in DISTRICT_DATES:
        for record in records.valid(record_type):
            district = _get(record.data, district_path)
            date = _get(record.data, date_path)
            if not isinstance(district, str) or not isinstance(date, str) or district not in validity:
                continue
            start, end = validity[district]
            if date < start or (end and date > end):
                span = f"{start} 至 {end}" if end else f"{start} 起"
                current = [name for name, (s, e) in validity.items() if s <= date and (not e or date <= e)]
                yield record.at(
                    district_path,
                    "district-date",
                    f"{quote(district)}的名称有效期为 {span}，与日期 {date} 不符：请填写当时的区、县（市）名称（当时有效：{'、'.join(current)}）",
                    WARNING,
                )


def _get(data, path):
    for part in path:
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


INTEGRITY_CHECKS = [
    check_ids,
    check_references,
    check_owners,
    check_consent,
    check_text_values,
    check_schema_comment,
]


def check_integrity(records: RecordSet, validity: dict | None = None):
    for check in INTEGRITY_CHECKS:
        yield from check(records)
    if validity:
        yield from check_district_dates(records, validity)

