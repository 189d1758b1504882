"""`kexie diff BASE HEAD`: what changed in records/, in plain Chinese Markdown for a PR comment.

"新增专家 2 名；修改项目 1 个；删除需求 1 条" first, then one line per record naming the fields
that changed with their schema titles, controlled values with their Chinese labels, money in 万元
("2016 年经费 +2 万元（5 万元 → 7 万元）"). Record text is untrusted: every value is shortened and
escaped so it cannot add links, mentions, HTML or headings to the comment.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from generator.contrib.ownership import SPECIAL_MODES, Change, Git, load_data
from generator.records.recordset import RECORD_TYPES, TYPE_ZH
from generator.contrib.prcomment import MARKDOWN, code, md_text
from generator.records.recorddiff import record_notes
from generator.records.schemas import SchemaSet

MEASURE = {"expert": "名", "need": "条", "proposal": "条", "staff": "份"}  # default 个
TYPE_ORDER = ["society", "expert", "workstation", "project", "need", "proposal", "policy", "staff"]
NAME_FIELD = {"expert": "name", "society": "name", "workstation": "name"}  # default title
ACTIONS = ("新增", "修改", "删除")
MAX_ITEMS = 200


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
    # a symlink's blob is its target text, a submodule is a commit: neither is read as a record
    before = git.read(base_commit, [c.old for c in records if c.old and c.old_mode not in SPECIAL_MODES])
    after = git.read(head_commit, [c.new for c in records if c.new and c.new_mode not in SPECIAL_MODES])
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
    if change.special():
        verb = "新增" if change.old is None else "修改"
        return Item(verb, rtype, f"{verb}{zh}{code(rid)}：是符号链接或子模块，不是普通文件（未读取，见维护权限检查）")
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
        notes += record_notes(schemas, rtype, old, new, MARKDOWN)
    if not notes:
        notes.append("仅调整了格式或注释")
    shown = notes[:12] + ([f"等 {len(notes)} 处"] if len(notes) > 12 else [])
    return Item("修改", rtype, f"修改{zh}{name}：" + "；".join(shown))
