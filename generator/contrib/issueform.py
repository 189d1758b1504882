"""A need filed through the issue form (.github/ISSUE_TEMPLATE/need.yml) → records/needs/<id>.yaml.

GitHub renders an issue form as Markdown: `### <label>`, a blank line, the answer ("_No response_"
when left empty; "a, b" for a multiple-choice dropdown, read by its options since an option may
itself hold 、 or a comma; "- [X] …" for a ticked checkbox). The body
is untrusted: it is size-capped, only the form's own labels split it into sections (a label given
twice is refused), values are checked against the schema's vocabularies, HTML is refused, the
consent box must carry the form's exact text, and the record is written with records/dump.py
(never by pasting text into YAML). Before anything is written the text goes through the same
pipeline as `kexie validate` (generator/checks/pipeline.py: strict parsing, schema, integrity and
privacy checks such as ID and mobile numbers, policy) on a temporary copy of the records folder
plus the new file; any error in the new file refuses it with a comment-ready Chinese message.
"""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


from generator.checks.integrity import walk
from generator.common.safe_write import write_file
from generator.checks.pipeline import check_records
from generator.checks.privacy import describe, find_private_numbers
from generator.records.dump import dump_record
from generator.records.problems import ERROR
from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet
from generator.records.text import normalize

MAX_BODY = 64 * 1024
NO_RESPONSE = "_No response_"

# field key → label in the form; need.yml uses exactly these labels (a test keeps them in step)
LABELS = {
    "unit_name": "单位名称",
    "unit_type": "单位类型",
    "district": "所在区、县（市）",
    "industry": "所属行业",
    "disciplines": "相关学科",
    "title": "需求标题",
    "description": "需求描述",
    "consent": "公开确认",
}
REQUIRED = ("unit_name", "unit_type", "district", "industry", "title", "description", "consent")
CONSENT_TEXT = "我确认以上内容不含个人隐私信息，同意在平台公开"

_HTML = re.compile(r"<\s*/?\s*[A-Za-z!?]")
# what separates the choices of a multi-select: GitHub writes ", "; people editing the issue may
# type others. Used only between options: an option's own label may hold 、 (230 畜牧、兽医科学).
_CHOICE_SEPARATORS = ",，、;；\n"


@dataclass
class Parsed:
    record: dict | None
    problems: list[str] = field(default_factory=list)


def current_districts(schemas: SchemaSet) -> list[str]:
    """Districts that exist today (the form offers only these)."""
    district = schemas.vocab["district"]
    validity = district.get("x-validity", {})
    return [d for d in district["enum"] if validity.get(d, [None, None])[1] is None]


def discipline_options(schemas: SchemaSet) -> list[str]:
    labels = schemas.vocab["discipline"].get("x-labels", {})
    return [f"{code} {labels.get(code, '')}".strip() for code in schemas.vocab["discipline"]["enum"]]


def discipline_choices(schemas: SchemaSet) -> dict[str, str]:
    """Every way the form's discipline options can be written → code: the option as offered
    (`230 畜牧、兽医科学`), the code alone and the label alone."""
    labels = schemas.vocab["discipline"].get("x-labels", {})
    choices = {}
    for code in schemas.vocab["discipline"]["enum"]:
        choices[code] = code
        if code in labels:
            choices[labels[code]] = code
            choices[f"{code} {labels[code]}"] = code
    return choices


def parse_choices(answer: str, choices: dict[str, str]) -> list[tuple[str | None, str]]:
    """A multi-select answer → [(value or None, text)], read by the options themselves: at each
    place the longest option that ends at a separator (or the end) is taken, so a separator inside
    an option's label (`230 畜牧、兽医科学`) never splits it. Text matching no option runs to the
    next separator and comes back with value None."""
    by_length = sorted(choices, key=len, reverse=True)
    out, at, n = [], 0, len(answer)
    while at < n:
        if answer[at] in _CHOICE_SEPARATORS or answer[at].isspace():
            at += 1
            continue
        for option in by_length:
            end = at + len(option)
            rest = answer[end:].lstrip(" \t")
            if answer.startswith(option, at) and (not rest or rest[0] in _CHOICE_SEPARATORS):
                out.append((choices[option], option))
                at = end
                break
        else:
            end = min((i for i in (answer.find(s, at) for s in _CHOICE_SEPARATORS) if i >= 0), default=n)
            out.append((None, answer[at:end].strip()))
            at = end
    return out


def split_sections(body: str) -> tuple[dict[str, str], list[str]]:
    """Known label → raw answer. Unknown `### ` lines stay inside the answer they appear in."""
    known = {label: key for key, label in LABELS.items()}
    sections: dict[str, list[str]] = {}
    problems: list[str] = []
    current = None
    for line in body.split("\n"):
        heading = re.match(r"^###\s+(.+?)\s*$", line)
        if heading and heading.group(1) in known:
            key = known[heading.group(1)]
            if key in sections:
                problems.append(f"“{LABELS[key]}”出现了不止一次：请编辑 issue，每一项只填写一次（正文中不要写“### {LABELS[key]}”这样的标题行）")
            sections[key] = []
            current = key
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}, problems


def _clean(value: str) -> str:
    # the records' own character classes (records/text.py), all dropped here: a form is not a file
    value = normalize(value.replace("\t", " "), drop_refused=True)[0]
    return "" if value.strip() == NO_RESPONSE else value.strip()


def parse_body(body: str, number: int, schemas: SchemaSet, today: str | None = None) -> Parsed:
    if len(body.encode("utf-8", "replace")) > MAX_BODY:
        return Parsed(None, [f"issue 正文超过 {MAX_BODY // 1024} KB，不像是需求表单：请只填写表单中的各项，需求描述不超过 3000 字"])
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    raw, problems = split_sections(body)
    values = {k: _clean(v) for k, v in raw.items()}
    for key in REQUIRED:
        if not values.get(key):
            problems.append(f"缺少“{LABELS[key]}”：请编辑 issue，填写这一项" if key != "consent"
                            else f"未勾选“{CONSENT_TEXT}”：请编辑 issue 并勾选")
    for key in ("unit_name", "title", "description"):
        if values.get(key) and _HTML.search(values[key]):
            problems.append(f"“{LABELS[key]}”中含有 HTML 标签（如 <script>）：平台不接受 HTML，请改为纯文字")
    for key in ("unit_name", "title"):
        if values.get(key):
            values[key] = " ".join(values[key].split())  # one line
            if len(values[key]) > 200:
                problems.append(f"“{LABELS[key]}”有 {len(values[key])} 个字，超过 200 字上限：请精简")
    if values.get("description") and len(values["description"]) > 3000:
        problems.append(f"“需求描述”有 {len(values['description'])} 个字，超过 3000 字上限：请精简")
    if values.get("consent"):
        problems += _consent_problems(values["consent"])

    voc = schemas.vocab
    host = {label: value for value, label in voc["host-type"].get("x-labels", {}).items()}
    unit_type = values.get("unit_type")
    if unit_type:
        unit_type = host.get(unit_type, unit_type if unit_type in voc["host-type"]["enum"] else None)
        if unit_type is None:
            problems.append(f"“单位类型”的“{_short(values['unit_type'])}”不在选项中：请选择 {'、'.join(host)} 之一")
    district = values.get("district")
    if district and district not in current_districts(schemas):
        problems.append(f"“所在区、县（市）”的“{_short(district)}”不是杭州市现有的区、县（市）：请选择 {'、'.join(current_districts(schemas))} 之一")
        district = None
    industry = values.get("industry")
    if industry and industry not in voc["industry"]["enum"]:
        problems.append(f"“所属行业”的“{_short(industry)}”不在选项中：请选择 {'、'.join(voc['industry']['enum'])} 之一")
        industry = None
    disciplines = []
    for found, item in parse_choices(values.get("disciplines", ""), discipline_choices(schemas)):
        if found is None:
            problems.append(f"“相关学科”中的“{_short(item)}”不是 GB/T 13745 一级学科：请从下拉列表中选择")
        elif found not in disciplines:
            disciplines.append(found)
    if not isinstance(number, int) or number <= 0:
        problems.append("issue 编号应为正整数")
    if problems:
        return Parsed(None, problems)

    record = {
        "id": f"issue-{number}",
        "title": values["title"],
        "unit": {"name": values["unit_name"], "type": unit_type, "district": district},
        "industry": industry,
    }
    if disciplines:
        record["disciplines"] = disciplines
    record.update(
        {
            "description": values["description"],
            "submitted": today or _dt.date.today().isoformat(),
            "status": "open",
            "owner": "kexie",
        }
    )
    return Parsed(record, [])


def _consent_problems(answer: str) -> list[str]:
    """The consent section must be exactly the form's one box, ticked, with the form's own text
    (GitHub renders it as `- [X] <label>`; need.yml's label, a test keeps them equal)."""
    lines = [line.strip() for line in answer.split("\n") if line.strip()]
    boxes = [re.match(r"^-\s*\[([ xX])\]\s*(.*)$", line) for line in lines]
    if len(lines) == 1 and boxes[0] and boxes[0].group(2) == CONSENT_TEXT:
        return [] if boxes[0].group(1) in "xX" else [f"未勾选“{CONSENT_TEXT}”：请编辑 issue 并勾选"]
    return [f"“公开确认”与表单不一致：这一项只能是表单原有的勾选框“{CONSENT_TEXT}”，不能改写或增加文字；请编辑 issue，恢复原样并勾选"]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text[:30] + ("…" if len(text) > 30 else "")


def dump(record: dict, number: int) -> str:
    text = dump_record(record)
    return (
        "# yaml-language-server: $schema=../../schemas/need.schema.json\n"
        f"# 由 issue #{number}（企业需求表单）自动生成；市科协工作人员审核后合并。\n" + text
    )


# record field → the form's label, to word the validator's messages for the issue's author
FIELD_LABELS = {
    "title": "需求标题", "unit.name": "单位名称", "unit.type": "单位类型",
    "unit.district": "所在区、县（市）", "industry": "所属行业", "disciplines": "相关学科",
    "description": "需求描述",
}


def record_problems(text: str, record_id: str, records: Path, schemas_dir: Path) -> list[str]:
    """Every error `kexie validate` would report for the new file records/needs/<record_id>.yaml,
    worded with the form's labels. Runs the one pipeline (check_records) on a temporary copy of
    the records folder (symlinks copied as links, so nothing outside is read) plus the new file;
    errors of other files are not the form's and are left to the PR check."""
    with tempfile.TemporaryDirectory(prefix="kexie-need-") as tmp:
        copy = Path(tmp) / "records"
        if records.is_dir():
            shutil.copytree(records, copy, symlinks=True)
        new = copy / "needs" / f"{record_id}.yaml"
        new.parent.mkdir(parents=True, exist_ok=True)
        write_file(new, text)
        checked = check_records(copy, schemas_dir)
        mine = [p for p in checked.report.sorted() if p.severity == ERROR and Path(p.path).resolve() == new.resolve()]
    problems = []
    for problem in mine:
        name = FIELD_LABELS.get(problem.field) or next(
            (v for k, v in FIELD_LABELS.items() if problem.field.startswith(k + ".")), None)
        problems.append(f"“{name}”：{problem.message}" if name else problem.message)
    return problems


def private_numbers(record: dict) -> list[str]:
    """The one private-number detector (checks/privacy.py) over the form's text: the issue is public
    already, but the record and the site must not repeat a mobile or ID number (numbers masked)."""
    labels = {("title",): "需求标题", ("unit", "name"): "单位名称", ("description",): "需求描述"}
    problems = []
    for path, value in walk(record):
        if isinstance(value, str) and path in labels:
            problems += [message for _, message in describe(find_private_numbers(value), f"“{labels[path]}”")]
    return problems


def need_from_issue(body: str, number: int, out_dir: Path, schemas_dir: Path | None = None,
                    today: str | None = None) -> tuple[Path | None, list[str]]:
    """Issue body → records/needs/issue-<number>.yaml in out_dir. Returns (path written, []) or
    (None, Chinese problems for the issue's author); nothing is written unless the record passes
    every check of `kexie validate`, and an existing file is never overwritten."""
    schemas_dir = schemas_dir or PACKAGE_SCHEMAS
    schemas = SchemaSet(schemas_dir)
    parsed = parse_body(body, number, schemas, today)
    if parsed.record is None:
        return None, parsed.problems
    text = dump(parsed.record, number)
    problems = private_numbers(parsed.record)  # masked numbers; then the whole pipeline below
    if problems:
        return None, problems
    target = out_dir / f"{parsed.record['id']}.yaml"
    if target.exists():
        return None, [f"{target} 已存在：issue #{number} 的需求已经生成过，请直接修改该文件"]
    problems = record_problems(text, parsed.record["id"], out_dir.parent, schemas_dir)
    if problems:
        return None, problems
    out_dir.mkdir(parents=True, exist_ok=True)
    write_file(target, text)
    return target, []
