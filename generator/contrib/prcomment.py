"""Markdown for the pull-request comment: record values shortened and escaped (record text is
untrusted: it must not add links, mentions, HTML or headings), money in 万元, and the comment's
sections (the change summary, validation problems by file, other checks)."""

from __future__ import annotations

import json
import re

from generator.common.quoting import escape
from generator.records import recorddiff

MAX_VALUE = recorddiff.MAX_VALUE
MAX_COMMENT = 60000  # GitHub refuses comments over 65536 characters


# ---------------------------------------------------------------- Markdown safety


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")
_WWW = re.compile(r"www\.", re.IGNORECASE)


def md_text(value, limit: int = MAX_VALUE) -> str:
    """Untrusted text as inert inline Markdown: one line, short, no HTML, links or mentions;
    controls, ANSI and bidi characters and non-UTF-8 bytes escaped (generator.common.quoting)."""
    return _escape(escape(" ".join(str(value).split()), limit))


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("@", "@\u200b").replace("://", ":\u200b//")
    # GitHub also links a bare `www.host` (GFM extended autolink): a zero-width space breaks it
    return _WWW.sub(lambda m: m.group()[:3] + "\u200b.", text)


def md_message(text: str, limit: int = 500) -> str:
    """A validator message: keep its `code` spans, neutralise everything else."""
    text = escape(" ".join(str(text).split()), limit)
    parts = text.split("`")
    if len(parts) % 2 == 0:  # unbalanced backticks: treat all as text
        return _escape(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # inside a code span: inert already, but keep it on one line and unmentioned
            out.append("`" + part.replace("@", "@\u200b") + "`" if part else "")
        else:
            out.append(_escape(part))
    return "".join(out)


def code(value) -> str:
    text = escape(re.sub(r"[`\s]", "", str(value)), 80)
    return f"`{text}`" if text else "``"


# ---------------------------------------------------------------- values (generator/records/recorddiff.py)


MARKDOWN = recorddiff.Style(md_text, code)


def money(yuan) -> str:
    return recorddiff.money(yuan, MARKDOWN)


def show(value, schema: dict, path=()) -> str:
    return recorddiff.show(value, schema, path, MARKDOWN)


# ---------------------------------------------------------------- the comment's sections


def validation_markdown(report: dict) -> str:
    """The JSON of `kexie validate --format json` as Markdown: errors by file, warnings apart."""
    problems = report.get("problems", []) if isinstance(report, dict) else []
    problems = [p for p in problems if isinstance(p, dict)]
    errors = [p for p in problems if p.get("severity") == "error"]
    warnings = [p for p in problems if p.get("severity") != "error"]
    checked = report.get("checked", 0) if isinstance(report, dict) else 0
    lines = ["## 校验结果", ""]
    if not errors and not warnings:
        lines.append(f"✅ 检查了 {checked} 条记录，全部通过。")
        return "\n".join(lines) + "\n"
    lines.append(f"检查了 {checked} 条记录：**{len(errors)} 个错误**，{len(warnings)} 个警告。"
                 + ("有错误时不能合并，请按下面的提示修改。" if errors else ""))
    for title, group in (("❌ 错误（必须修改）", errors), ("⚠️ 警告（请核实）", warnings)):
        if not group:
            continue
        lines += ["", f"### {title}"]
        by_file: dict[str, list[dict]] = {}
        for p in group:
            by_file.setdefault(str(p.get("path", "")), []).append(p)
        for path in sorted(by_file):
            lines += ["", f"**{code(path)}**", ""]
            for p in by_file[path][:50]:
                where = f"第 {p['line']} 行：" if isinstance(p.get("line"), int) and p["line"] > 0 else ""
                lines.append(f"- {where}{md_message(p.get('message', ''))}")
            if len(by_file[path]) > 50:
                lines.append(f"- ……另有 {len(by_file[path]) - 50} 条")
    return "\n".join(lines) + "\n"


def text_section(title: str, text: str) -> str:
    rows = [r for r in text.splitlines() if r.strip()][:100]
    lines = [f"## {md_text(title, 40)}", ""] + [f"- {md_message(r)}" for r in rows]
    return "\n".join(lines) + "\n"


def pr_comment(summary_md: str, sections: list[str]) -> str:
    body = "\n".join([summary_md, *sections])
    if len(body) > MAX_COMMENT:
        body = body[:MAX_COMMENT] + "\n\n……（内容过长，已截断；完整结果见 Actions 运行日志）\n"
    return body


def load_report(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {"checked": 0, "problems": [{"path": "（校验）", "line": 0, "severity": "error",
                                             "message": "校验结果无法读取：请查看 Actions 运行日志"}]}
    return data if isinstance(data, dict) else {}

