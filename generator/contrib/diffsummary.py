"""`kexie diff BASE HEAD`: what changed in records/, in plain Chinese Markdown for a PR comment.

"新增专家 2 名；修改项目 1 个；删除需求 1 条" first, then one line per record naming the fields
that changed with their schema titles, controlled values with their Chinese labels, money in 万元
("2016 年经费 +2 万元（5 万元 → 7 万元）"). Record text is untrusted: every value is shortened and
escaped so it cannot add links, mentions, HTML or headings to the comment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath

from generator.contrib.ownership import Change, Git, load_data
from generator.records.recordset import RECORD_TYPES, TYPE_ZH
from generator.contrib.prcomment import is_long, is_money, code, md_text, money, show, signed_money
from generator.records.schemas import SchemaSet

MEASURE = {"expert": "名", "need": "条", "proposal": "条", "staff": "份"}  # default 个
TYPE_ORDER = ["society", "expert", "workstation", "project", "need", "proposal", "policy", "staff"]
NAME_FIELD = {"expert": "name", "society": "name", "workstation": "name"}  # default title
ACTIONS = ("新增", "修改", "删除")
MAX_ITEMS = 200


# ---------------------------------------------------------------- record diff


@dataclass
class RecordDiff:
    schemas: SchemaSet
    type: str
    notes: list[str] = field(default_factory=list)
    start: int = 0  # path steps before this are named by the caller (a list item's key)

    def field(self, path) -> dict:
        try:
            return self.schemas.field_schema(self.type, path)
        except (KeyError, TypeError, IndexError):
            return {}

    def label(self, path, shown=()) -> str:
        """Titles of the last two named steps of path, joined: 提出单位·单位名称."""
        names = []
        for i, part in enumerate(path):
            if isinstance(part, int) or i < self.start:
                continue
            names.append(self.field(path[: i + 1]).get("title") or part)
        return "·".join(md_text(n) for n in names[-2:])

    def walk(self, old, new, path=(), shown=()):
        if old == new:
            return
        schema = self.field(path)
        if old is None and isinstance(new, (dict, list)):
            old = type(new)()
        elif new is None and isinstance(old, (dict, list)):
            new = type(old)()
        if isinstance(old, dict) and isinstance(new, dict):
            order = list(schema.get("properties", {}))
            keys = [k for k in order if k in old or k in new] + sorted(
                (set(old) | set(new)) - set(order), key=str
            )
            for key in keys:
                self.walk(old.get(key), new.get(key), path + (key,), shown + (key,))
            return
        if isinstance(old, list) and isinstance(new, list):
            self.walk_list(old, new, path, shown, schema)
            return
        label = self.label(path, shown)
        if old is None:
            if is_long(new, schema):
                self.notes.append(f"新增{label}")
            else:
                self.notes.append(f"新增{label}：{show(new, schema, path)}")
        elif new is None:
            self.notes.append(f"删除{label}" + ("" if is_long(old, schema) else f"（原为 {show(old, schema, path)}）"))
        elif is_long(old, schema) or is_long(new, schema):
            self.notes.append(f"修改{label}")
        elif is_money(schema, path) and isinstance(old, int) and isinstance(new, int):
            self.notes.append(f"{label} {signed_money(new - old)}（{money(old)} → {money(new)}）")
        else:
            self.notes.append(f"{label}：{show(old, schema, path)} → {show(new, schema, path)}")

    def walk_list(self, old: list, new: list, path, shown, schema):
        label = self.label(path, shown)
        if self.type == "project" and path == ("funding",):
            return self.funding(old, new)
        scalar = all(not isinstance(v, (dict, list)) for v in old + new)
        item_schema = self.field(path + (0,))
        if scalar:
            added = [v for v in new if v not in old]
            removed = [v for v in old if v not in new]
            parts = []
            if added:
                parts.append("增加 " + "、".join(show(v, item_schema) for v in added[:10]) + ("等" if len(added) > 10 else ""))
            if removed:
                parts.append("移除 " + "、".join(show(v, item_schema) for v in removed[:10]) + ("等" if len(removed) > 10 else ""))
            if not parts:
                parts.append("调整了顺序")
            self.notes.append(f"{label}" + "，".join(parts))
            return
        key = _list_key(old, new)
        if key is None:
            self.notes.append(f"修改{label}")
            return
        before = {item[key]: item for item in old}
        after = {item[key]: item for item in new}
        for k in [k for k in after if k not in before]:
            self.notes.append(f"{label}新增{_key_text(key, k)}")
        for k in [k for k in before if k not in after]:
            self.notes.append(f"{label}删除{_key_text(key, k)}")
        for k in [k for k in after if k in before]:
            sub = RecordDiff(self.schemas, self.type, start=len(path) + 1)
            sub.walk(before[k], after[k], path + (0,), ())
            for note in sub.notes:
                self.notes.append(f"{label}（{_key_text(key, k)}）{note}")

    def funding(self, old: list, new: list):
        def by_year(items):
            result = {}
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("year"), int):
                    amount = item.get("amount")
                    result[item["year"]] = result.get(item["year"], 0) + (amount if isinstance(amount, int) else 0)
            return result

        before, after = by_year(old), by_year(new)
        for year in sorted(set(before) | set(after)):
            a, b = before.get(year), after.get(year)
            if a == b:
                continue
            if a is None:
                self.notes.append(f"新增 {year} 年经费 {money(b)}")
            elif b is None:
                self.notes.append(f"删除 {year} 年经费（原为 {money(a)}）")
            else:
                self.notes.append(f"{year} 年经费 {signed_money(b - a)}（{money(a)} → {money(b)}）")


def _list_key(old: list, new: list):
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in ("year", "expert", "society", "programme", "kind", "date"):
        if all(isinstance(i.get(key), (str, int)) and not isinstance(i.get(key), bool) for i in items):
            if len({i[key] for i in old}) == len(old) and len({i[key] for i in new}) == len(new):
                return key
    return None


def _key_text(key: str, value) -> str:
    if key == "year":
        return f"{value} 年"
    return md_text(value)


# ---------------------------------------------------------------- whole revisions


def record_type(path: str | None) -> str | None:
    if not path:
        return None
    parts = PurePosixPath(path).parts
    if len(parts) == 3 and parts[0] == "records" and parts[2].endswith(".yaml"):
        return RECORD_TYPES.get(parts[1])
    return None


def record_name(rtype: str, rid: str, data) -> str:
    if isinstance(data, dict):
        if rtype == "expert" and not (isinstance(data.get("consent"), dict) and data["consent"].get("publish") is True):
            return f"{code(rid)}（未同意公开）"
        name = data.get(NAME_FIELD.get(rtype, "title"))
        if isinstance(name, str) and name.strip():
            return f"“{md_text(name, 30)}”（{code(rid)}）"
    return code(rid)


@dataclass
class Item:
    action: str  # 新增 / 修改 / 删除
    type: str
    line: str


@dataclass
class Summary:
    items: list[Item]
    other_files: list[str]

    def headline(self) -> str:
        counts: dict[tuple[str, str], int] = {}
        for item in self.items:
            counts[(item.action, item.type)] = counts.get((item.action, item.type), 0) + 1
        parts = []
        for action in ACTIONS:
            for rtype in TYPE_ORDER:
                n = counts.get((action, rtype))
                if n:
                    parts.append(f"{action}{TYPE_ZH[rtype]} {n} {MEASURE.get(rtype, '个')}")
        return "；".join(parts)

    def markdown(self) -> str:
        lines = ["## 记录变更摘要", ""]
        if not self.items:
            lines.append("本次改动没有修改 records/ 中的记录。")
        else:
            lines.append(f"**{self.headline()}。**")
            lines.append("")
            for item in self.items[:MAX_ITEMS]:
                lines.append(f"- {item.line}")
            if len(self.items) > MAX_ITEMS:
                lines.append(f"- ……另有 {len(self.items) - MAX_ITEMS} 条记录的改动未列出")
        if self.other_files:
            shown = "、".join(code(p) for p in self.other_files[:10])
            more = f" 等 {len(self.other_files)} 个" if len(self.other_files) > 10 else ""
            lines += ["", f"另有记录以外的文件改动：{shown}{more}（需市科协工作人员审核）。"]
        return "\n".join(lines) + "\n"


def summarize(git: Git, base: str, head: str, schemas: SchemaSet) -> Summary:
    base_commit, head_commit = git.resolve(base), git.resolve(head)
    changes = git.changes(base_commit, head_commit)
    records = [c for c in changes if record_type(c.old) or record_type(c.new)]
    others = [c.shown for c in changes if c not in records]
    before = git.read(base_commit, [c.old for c in records if c.old])
    after = git.read(head_commit, [c.new for c in records if c.new])
    items = []
    for change in records:
        items.append(_describe(change, before, after, schemas))
    order = {t: i for i, t in enumerate(TYPE_ORDER)}
    items.sort(key=lambda i: (ACTIONS.index(i.action), order.get(i.type, 99)))
    return Summary(items, others)


def _describe(change: Change, before: dict, after: dict, schemas: SchemaSet) -> Item:
    old_raw = before.get(change.old) if change.old else None
    new_raw = after.get(change.new) if change.new else None
    old, new = load_data(old_raw), load_data(new_raw)
    old_type, new_type = record_type(change.old), record_type(change.new)
    rtype = new_type or old_type
    zh = TYPE_ZH[rtype]
    if change.new is None:
        return Item("删除", rtype, f"删除{zh}{record_name(rtype, PurePosixPath(change.old).stem, old)}")
    rid = PurePosixPath(change.new).stem
    name = record_name(rtype, rid, new)
    if new is None:
        verb = "新增" if change.old is None else "修改"
        return Item(verb, rtype, f"{verb}{zh}{code(rid)}：文件无法读取（YAML 有误，见下方校验结果）")
    if change.old is None:
        return Item("新增", rtype, f"新增{zh}{name}")
    notes = []
    if change.old != change.new:
        old_id = PurePosixPath(change.old).stem
        moved = f"（原为{TYPE_ZH[old_type]}）" if old_type != new_type else ""
        notes.append(f"编号由 {code(old_id)} 改为 {code(rid)}{moved}")
    if old is None:
        notes.append("原文件无法读取，现已修正")
    elif old_type == new_type:
        diff = RecordDiff(schemas, rtype)
        try:
            diff.walk(old, new)
        except Exception:  # noqa: BLE001 - a summary must never crash the PR comment
            diff.notes = ["内容有修改"]
        notes += diff.notes
    if not notes:
        notes.append("仅调整了格式或注释")
    shown = notes[:12] + ([f"等 {len(notes)} 处"] if len(notes) > 12 else [])
    return Item("修改", rtype, f"修改{zh}{name}：" + "；".join(shown))
