"""The kexie plugin's options in mkdocs.yml, checked before MkDocs reads them.

MkDocs' own message for a wrong option is English and names no line ("Config value 'plugins':
Plugin 'kexie' option 'record_json_max': Expected type: <class 'int'> but received: <class 'str'>");
staff edit mkdocs.yml by hand, so each wrong option gets one Chinese line naming the file, the line,
the option, what it should be and what it is. The expected types are the plugin's own
(`KexieConfig`, generator/site/plugin.py): nothing here repeats them.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.common.quoting import escape

# counts that must be at least one (a list page of no rows, a sitemap file of no URLs); every other
# whole-number option may be 0
AT_LEAST_ONE = {"list_page_rows", "sitemap_urls_per_file"}
_KINDS = {int: "整数", bool: "true 或 false", str: "文字"}


def _line_of(text: str, name: str) -> int:
    """The line of `name:` inside the `- kexie:` entry of mkdocs.yml's text (0 if not found)."""
    start = re.search(r"^\s*-\s*kexie\s*:", text, re.M)
    found = re.compile(rf"^\s+{re.escape(name)}\s*:", re.M).search(text, start.end() if start else 0)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def option_problems(config_file: Path, options: dict) -> list[str]:
    """One Chinese message per wrong kexie option in `options` (the plugin's entry of `config_file`,
    as read from YAML): an unknown name, a value of the wrong type, a negative count. [] when all
    are right. Messages quote the value with common.quoting.escape (mkdocs.yml is trusted, but a
    terminal is no place for control characters)."""
    from generator.site.plugin import KexieConfig

    expected = {name: getattr(option, "_type", None) for name, option in KexieConfig._schema}
    try:
        text = config_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    problems = []
    for name, value in options.items():
        line = _line_of(text, str(name))
        where = f"{config_file.name} 第 {line} 行" if line else config_file.name
        if name not in expected:
            known = "、".join(sorted(expected))
            problems.append(f"{where}：kexie 插件没有选项“{escape(str(name), 80)}”。可用的选项：{known}")
            continue
        kind = expected[name]
        shown = ("true" if value else "false") if isinstance(value, bool) else "（空）" if value is None else str(value)
        wrong = (kind is int and (isinstance(value, bool) or not isinstance(value, int))) or \
                (kind is not int and kind is not None and not isinstance(value, kind))
        if wrong:
            what = _KINDS.get(kind, "")
            what = f" {what} " if what.isascii() or what[0].isascii() else what  # a space beside Latin words
            problems.append(f"{where}：kexie 插件的选项 {name} 应为{what.rstrip()}，实际为“{escape(shown, 80)}”")
        elif kind is int and value < (1 if name in AT_LEAST_ONE else 0):
            least = "正整数" if name in AT_LEAST_ONE else "非负整数"
            problems.append(f"{where}：kexie 插件的选项 {name} 应为{least}，实际为 {value}")
    return problems
