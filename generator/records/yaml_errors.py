"""YAML mistakes in words people understand, at the character that caused them.

Two jobs for strict_yaml.parse:

- `explain(exc)`: libyaml's English problem → a Chinese sentence.
- Full-width syntax (issue #9, class 5). Chinese input methods type `：` for `:`, `－`/`—` for the
  list dash, U+3000 (全角空格) for indentation and “…” for quotes. YAML reads them as text, so
  the file fails somewhere later or, worse, parses into something else. `fullwidth_before`
  looks at the plain scalars libyaml scanned up to a syntax error and blames the full-width
  character at its own line and column; `Lookalikes` does the same for a file that parses (a key
  indented with U+3000 or holding `：`, a value on its own line that begins with `－ `, a plain
  value wrapped in full-width quotes).
"""

from __future__ import annotations

import re

import yaml

from generator.common.quoting import escape

RULE = "yaml-fullwidth"

# what a plain scalar may start with for one of the checks below to apply (a cheap first test)
STARTS = frozenset("\u3000－—–―‐‑﹣−“”‘’＂＇，［【｛-") | frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_DASHES = "－—–―‐‑﹣−"
_DASH_ITEM = re.compile(f"([{_DASHES}])[ \u3000]")
_DASH_WIDE_SPACE = re.compile("-(\u3000)")
_DOUBLE, _SINGLE = "“”＂", "‘’＇"

COLON = "这里用了全角冒号“：”，请改为半角冒号“:”加空格"
SPACE_AFTER_COLON = "冒号后面用了全角空格“　”，请改为半角空格"
INDENT = "这里用了全角空格“　”缩进，请改为半角空格（YAML 只认半角空格）"
DASH_SPACE = "短横线后面用了全角空格“　”，请改为半角空格"
COMMA = "这里用了全角逗号“，”分隔列表项，请改为半角逗号“,”"
BRACKETS = "这里用了全角方括号括住列表，请改为半角方括号 [ ]，或改成每项一行、以“- ”开头的写法"


def _dash(ch: str) -> str:
    return f"这里用了全角的“{ch}”作列表的短横线，请改为半角短横线“-”加空格"


# More members of the same classes (attack round): colons that look like `:` (small, ratio,
# vertical-form, modifier-letter) and the other spaces YAML does not count as spaces — U+00A0
# 不间断空格 above all, which pages and WeChat paste — in indentation or after a colon.
_COLONS = "：﹕∶︓꞉"
_HAS_COLON = re.compile(f"[{_COLONS}]").search  # any full-width colon lookalike: one C scan
_WIDE_SPACES = "\u3000\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_COLON_KEY = re.compile(f"[A-Za-z_][A-Za-z0-9_-]*[ {_WIDE_SPACES}]*([{_COLONS}])")
_SPACE_AFTER_COLON = re.compile(f"[A-Za-z_][A-Za-z0-9_-]*:([{_WIDE_SPACES}])")
STARTS = STARTS | frozenset(_WIDE_SPACES)


def _space_name(ch: str) -> str:
    return "全角空格“　”" if ch == "\u3000" else "不间断空格 U+00A0" if ch == "\u00a0" else f"特殊空格 U+{ord(ch):04X}"


def _colon(ch: str) -> str:
    return COLON if ch == "：" else f"这里用了看起来像冒号的“{ch}”（U+{ord(ch):04X}），请改为半角冒号“:”加空格"


def _quotes(first: str, last: str) -> str:
    return (
        f"这里的值用全角引号 {first}…{last} 括了起来，YAML 不认全角引号：请改为半角引号 \"…\"；"
        f"如果引号本来就是文字的一部分，请在外面再加一对半角单引号，例如 '{first}…{last}'"
    )


# A full-width ＃ typed as a comment marker is read as text and would be published: YAML's comment
# is a half-width # at a line's start or after a space. ＃ after a space in a plain value is taken
# for that mistake; a ＃ that is text is kept by quoting the value.
_HASHES = "＃﹟"
_HASH_COMMENT = re.compile(f"(?:^|[ \t{_WIDE_SPACES}])([{_HASHES}])")
BRACES = "这里用了全角花括号 ｛ ｝，YAML 不认全角花括号：请改为半角花括号 { }，或改成每项一行的写法"


def _hash(ch: str) -> str:
    return (f"全角井号“{ch}”不是 YAML 的注释符号，它和后面的字会被当作文字：注释请改用半角 #；"
            f"如果“{ch}”本来就是文字的一部分，请给整个值加上半角引号，例如 \"…{ch}…\"")


def scalar_mistake(value: str, key: bool, line_start: bool) -> tuple[int, str] | None:
    """(offset in value, message) of the full-width syntax a plain scalar shows, or None.

    key: the scalar is a mapping key; line_start: nothing but spaces precedes it on its line."""
    if not value:
        return None
    if value[0] not in STARTS:
        return _hash_mistake(value)
    if value[0] in _WIDE_SPACES and (key or line_start):
        return 0, INDENT if value[0] == "\u3000" else f"这里用了{_space_name(value[0])} 缩进，请改为半角空格（YAML 只认半角空格）"
    if key or line_start:
        found = _COLON_KEY.match(value)
        if found:
            return found.start(1), _colon(found.group(1))
        found = _SPACE_AFTER_COLON.match(value)
        if found:
            space = found.group(1)
            return found.start(1), SPACE_AFTER_COLON if space == "\u3000" else f"冒号后面用了{_space_name(space)}，请改为半角空格"
    if line_start and _DASH_ITEM.match(value):
        return 0, _dash(value[0])
    if line_start and _DASH_WIDE_SPACE.match(value):
        return 1, DASH_SPACE
    if value[0] == "，":
        return 0, COMMA
    if len(value) >= 2 and value[0] in "［【" and value[-1] in "］】":
        return 0, BRACKETS
    if len(value) >= 2 and value[0] == "｛" and value[-1] == "｝":
        return 0, BRACES
    if len(value) >= 2 and (
        (value[0] in _DOUBLE and value[-1] in _DOUBLE) or (value[0] in _SINGLE and value[-1] in _SINGLE)
    ):
        return 0, _quotes(value[0], value[-1])
    return _hash_mistake(value)


def _hash_mistake(value: str) -> tuple[int, str] | None:
    if "＃" not in value and "﹟" not in value:
        return None
    found = _HASH_COMMENT.search(value)
    return (found.start(1), _hash(found.group(1))) if found else None


def at_line_start(text: str, index: int) -> bool:
    start = text.rfind("\n", 0, index) + 1
    return not text[start:index].strip(" ")


def fullwidth_before(text: str, exc: yaml.MarkedYAMLError, loader) -> tuple[int, int, str] | None:
    """(line, column, message), 1-based, of the full-width mistake nearest before the place where
    libyaml gave up, or None. Looks at the plain scalars scanned up to there, and at the text where
    libyaml's marks point (a `title：教授` line is never a token: the scanner stops inside it)."""
    marks = [m for m in (exc.context_mark, exc.problem_mark) if m is not None]
    limit = max((m.index for m in marks), default=len(text))
    found: dict[int, tuple[int, str]] = {}  # index → (offset, message)
    previous = None
    try:
        for token in yaml.scan(text, Loader=loader):
            mark = token.start_mark
            if mark.index > limit:
                break
            if isinstance(token, yaml.ScalarToken) and token.plain:
                # a plain scalar where a key was due (no key token before it) is read as a key too
                key = not isinstance(previous, yaml.ValueToken)
                mistake = scalar_mistake(token.value, key, at_line_start(text, mark.index))
                if mistake:
                    found[mark.index] = mistake
            previous = token
    except yaml.YAMLError:
        pass  # the tokens before the scanner's own error are all we need
    for mark in marks:
        start = mark.index
        while start < len(text) and text[start] == " ":
            start += 1
        if text.startswith("- ", start):
            start += 2
        end = text.find("\n", start)
        rest = text[start : end if end >= 0 else len(text)]
        mistake = scalar_mistake(rest, True, True)
        if mistake:
            found[start] = mistake
        # `key: ｛a: b｝` stops the scanner inside the braces, at the inner colon
        line_start = text.rfind("\n", 0, mark.index) + 1
        line_end = text.find("\n", mark.index)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if "｛" in line and "｝" in line:
            found[line_start + line.index("｛")] = (0, BRACES)
    if not found:
        return None
    index = max(found)
    offset, message = found[index]
    line, column = _position(text, index, offset, text[index:])
    return line, column, message


def _position(text: str, index: int, offset: int, value: str) -> tuple[int, int]:
    """1-based line and column of value[offset], value being a plain scalar starting at index
    (a plain scalar's first line is as written, so the offset counts characters on that line)."""
    first_line = value.split("\n", 1)[0]
    if offset > len(first_line):
        offset = 0
    at = index + offset
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    return line, column


class Lookalikes:
    """Collects full-width mistakes while a document that parsed is constructed: keys indented
    with U+3000 or holding `：`, and plain values that begin a line with a full-width dash or are
    wrapped in full-width quotes."""

    def __init__(self):
        self.candidates: list[tuple[int, str, bool]] = []  # (index in the text, value, is a key)

    def note(self, node, key: bool) -> None:
        """Called for every plain scalar; keeps only those whose first character can matter."""
        value = node.value
        if value and (
            value[0] in VALUE_STARTS or "＃" in value or "﹟" in value or (key and _HAS_COLON(value) is not None)
        ):  # nearly never true
            self.candidates.append((node.start_mark.index, value, key))

    def first(self, text: str) -> tuple[int, int, str] | None:
        """(line, column, message) of the first mistake in document order, or None."""
        for index, value, key in self.candidates:
            mistake = scalar_mistake(value, key, at_line_start(text, index))
            if mistake:
                offset, message = mistake
                line, column = _position(text, index, offset, value)
                return line, column, message
        return None


_VALUE_STARTS = frozenset(_DASHES + _DOUBLE + _SINGLE + "［【｛-")
VALUE_STARTS = _VALUE_STARTS | {"\u3000"}  # a plain value starting so may read as full-width syntax

VALUE_STARTS = VALUE_STARTS | frozenset(_WIDE_SPACES)

_EXPLAIN = {
    "found character '\\t' that cannot start any token": "这里有 Tab 字符，YAML 只能用空格缩进",
    "found a tab character": "这里有 Tab 字符，YAML 只能用空格缩进",
    "found character that cannot start any token": "这里的字符不能作为值的开头（例如 Tab、` 或 @）：请改用空格缩进，或给整个值加上引号",
    "mapping values are not allowed": "这里不能出现“键: 值”，常见原因是冒号后缺空格、缩进不对或值中含有冒号却没加引号",
    "did not find expected ',' or ']'": "方括号 [ ] 没有成对",
    "did not find expected ',' or '}'": "花括号 { } 没有成对",
    "expected a single document": "一个文件只能写一条记录，请删除第二个 ---",
    "but found another document": "一个文件只能写一条记录，请删除第二个 ---",
    "found unexpected end of stream": "文件意外结束，可能是引号没有成对",
    "found unexpected end of stream while scanning a quoted scalar": "引号没有成对",
    "could not find expected ':'": "缺少冒号“:”",
    "did not find expected key": "缩进不一致，找不到应有的字段",
    "did not find expected '-' indicator": "列表项缩进不一致",
    "found undefined alias": "引用了未定义的别名",
    # every other problem libyaml's scanner and parser can report, so none reaches people in English
    "did not find expected <document start>": "文件中有多余的内容（例如“...”文档结束标记之后还有文字）：一个文件只能写一条记录，请删除多余的部分",
    "found unknown escape character": "双引号中的反斜杠“\\”后面跟了 YAML 不认识的字符：要写反斜杠本身请写成“\\\\”，或改用单引号",
    "did not find expected hexdecimal number": "双引号中的“\\x”“\\u”或“\\U”后面应是十六进制数字：要写反斜杠本身请写成“\\\\”，或改用单引号",
    "found invalid Unicode character escape code": "双引号中的“\\u”或“\\U”转义不是有效的字符：请直接写出字符本身",
    "did not find expected alphabetic or numeric character": "“&”或“*”后面缺少名称（YAML 的锚点、别名，本项目不使用）：如果它是文字的一部分，请给整个值加上引号",
    "while scanning an anchor": "“&”开头的是 YAML 锚点，本项目不使用：如果它是文字的一部分，请给整个值加上引号",
    "while scanning an alias": "“*”开头的是 YAML 别名，本项目不使用：如果它是文字的一部分，请给整个值加上引号",
    "found undefined tag handle": "值以“!”开头，被当作 YAML 标签（本项目不使用）：如果“!”是文字的一部分，请给整个值加上引号",
    "while scanning a tag": "值以“!”开头，被当作 YAML 标签（本项目不使用）：如果“!”是文字的一部分，请给整个值加上引号",
    "while parsing a tag": "值以“!”开头，被当作 YAML 标签（本项目不使用）：如果“!”是文字的一部分，请给整个值加上引号",
    "found incompatible YAML document": "以“%”开头的行是 YAML 指令，记录文件不需要：请删除这一行",
    "found duplicate %": "以“%”开头的行是 YAML 指令，记录文件不需要：请删除这一行",
    "while scanning a directive": "以“%”开头的行是 YAML 指令，记录文件不需要：请删除这一行",
    "while scanning a %": "以“%”开头的行是 YAML 指令，记录文件不需要：请删除这一行",
    "did not find expected version number": "以“%”开头的行是 YAML 指令，记录文件不需要：请删除这一行",
    "did not find expected directive name": "以“%”开头的行是 YAML 指令，记录文件不需要：请删除这一行",
    "found unexpected document indicator": "有一行以“---”或“...”开头，YAML 会把它当作文件的分隔：请把这一行缩进，或改写这几个字符",
    "found an indentation indicator equal to 0": "“|”或“>”后面的数字不能是 0：请删除这个数字",
    "did not find expected comment or line break": "“|”或“>”后面同一行不能再写文字：请把文字移到下一行并缩进",
    "block sequence entries are not allowed": "这里不能以“- ”开始列表：列表应另起一行并缩进（例如 `honours:` 的下一行写 `  - 内容`）；如果“-”是文字的一部分，请给整个值加上引号",
    "did not find expected node content": "这里缺少值（例如两个逗号之间是空的，或值以 ] } , 开头）：请补上值，或给整个值加上引号",
    "exceeded maximum nesting depth": "括号或缩进嵌套的层数太多，记录不需要这么深的结构：请检查是否粘贴了多余的括号",
}
TAB = _EXPLAIN["found a tab character"]


def explain(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    for english, chinese in _EXPLAIN.items():
        if problem.startswith(english) or (exc.context or "").startswith(english):
            return chinese
    return "格式无法识别（" + escape(" ".join((problem or str(exc)).split()), 200) + "）"


def key_too_long(text: str, mark) -> tuple[int, int, str] | None:
    """(line, column, message), 1-based, when the line at `mark` holds a key longer than 1024
    characters: YAML refuses it (YAML 1.2 §7.4.2, implicit keys) with "could not find expected
    ':'", although the colon is there. None otherwise."""
    if mark is None:
        return None
    start = text.rfind("\n", 0, mark.index) + 1
    end = text.find("\n", start)
    line = text[start : end if end >= 0 else len(text)]
    key = line.lstrip(" -").split(":", 1)[0] if ":" in line else ""
    if len(key) <= 1024:
        return None
    message = (f"这一行的字段名有 {len(key)} 个字符，YAML 的字段名不能超过 1024 个字符。"
               "字段名应是模板中的英文字段名（例如 bio）；长文字请写在冒号后面作为值")
    return mark.line + 1, line.index(key[:1]) + 1, message
