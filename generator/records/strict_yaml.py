"""Strict YAML: one mapping per file, every node's line and column kept, hostile input refused.

Refused, each with its own rule id: bytes that are not UTF-8, NUL bytes, files over the size cap,
YAML syntax errors, duplicate keys, anchors and aliases (no YAML bombs), explicit tags. Scalars keep
the plain YAML 1.1 meaning of int/float/bool/null; dates stay strings (the schemas want strings).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sys

import yaml

from generator.common.quoting import escape
from generator.records.comments import comment_numbers
from generator.records.text import LINE_BREAKS, Finding, char_name, needs_normalizing, normalize, normalize_data
from generator.records.construct import (  # noqa: F401 - MAX_*, ParseError: re-exported (strict_yaml is the interface)
    MAX_DEPTH, MAX_ITEMS, ParseError, _Construction, _construct, _Refused,
)
from generator.records.yaml_errors import RULE as FULLWIDTH, TAB, explain, fullwidth_before, key_too_long

try:  # libyaml's C parser is ~10x faster; fall back to pure Python where it is missing
    from yaml import CBaseLoader as _Loader
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import BaseLoader as _Loader


class _FastLoader(_Loader):
    def resolve(self, kind, value, implicit):  # noqa: ARG002 - libyaml's signature
        return _DEFAULT_TAGS[kind]


_DEFAULT_TAGS = {
    yaml.ScalarNode: "tag:yaml.org,2002:str",
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}
# The base loader resolves no implicit types (PyYAML's Python resolver cost ~1 µs a scalar, a third
# of parsing): plain scalars are typed by records/scalars.py, with YAML 1.1's rules for what we accept.

MAX_BYTES = 256 * 1024
Path = tuple  # a path into the data: ("societies", 0, "role")



@dataclass(slots=True)  # 240,000 of them at 100,000 experts: no per-instance dict
class Document:
    data: object
    root: object = None  # the composed node tree: positions are looked up in it only when needed
    first_line: str = ""
    text: str = ""  # kept so a tree dropped for speed (see parse) can be rebuilt on demand
    source: str = ""  # or, where the text was dropped too, the file to read it from again
    # characters removed or refused by the text normalisation (records/text.py), in document order
    findings: list[Finding] = field(default_factory=list)
    floats: bool = False  # any value typed as a float (30000.0): the schema check then looks closer
    # any number typed so that YAML 1.1 and 1.2 readers disagree (025000, 25_000): checks/integrity.py
    odd_numbers: bool = False
    # any text not starting with a letter or digit: only then can one be blank (checks/text.py)
    maybe_blank: bool = True
    # private numbers in YAML comments, (line, column, Finding): comments are published with the
    # repository, though no page shows them (checks/privacy.py words them)
    comment_numbers: list = field(default_factory=list)
    # what the per-value checks need, found where the file was parsed (checks/values.py `scan`,
    # passed to recordset.load_records): None until then
    scanned: object = None

    def parts(self) -> tuple:
        """The document as plain data (no node tree, no text): what a parsing process sends back;
        `Document.from_parts(parts, source)` rebuilds it. Pickling a tuple of plain values costs
        a quarter of pickling the dataclass. Empty lists go as the one empty tuple (they are only read)."""
        return (self.data, self.first_line, self.findings or (), self.floats, self.odd_numbers,
                self.maybe_blank, self.comment_numbers or (), self.scanned)

    @classmethod
    def from_parts(cls, parts: tuple, source: str) -> "Document":
        """The Document `parts()` described, reading its text (for positions) from `source` when needed."""
        data, first_line, findings, floats, odd_numbers, maybe_blank, comment_numbers, scanned = parts
        return cls(data, None, first_line, "", source, findings, floats, odd_numbers, maybe_blank,
                   comment_numbers, scanned)

    def _source(self) -> str:
        text = self.text
        if not text and self.source:
            try:
                with open(self.source, "rb") as handle:
                    text = handle.read(MAX_BYTES + 1).decode("utf-8", "replace").removeprefix("\ufeff")
            except OSError:
                return ""
        return text

    def _recompose(self):
        text = self._source()
        try:
            return yaml.compose(text, Loader=_FastLoader) if text else None
        except yaml.YAMLError:  # the file changed since it was checked: no position, no crash
            return None

    def node(self, path: Path, key: bool = False, exact: bool = False):
        """The node at path (its key node, with key=True); when the path does not exist, the
        nearest existing ancestor (None with exact=True). None when the file cannot be read again."""
        if self.root is None:
            self.root = self._recompose()
        node, found_key = self.root, None
        if node is None:
            return None
        for part in tuple(path):
            found_key = None
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    # keys are compared as normalised, as the data holds them (records/text.py)
                    if key_node.value == part or normalize(key_node.value)[0] == part:
                        found_key, node = key_node, value_node
                        break
                else:
                    break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                break
        else:
            return found_key if key and found_key is not None else node
        return None if exact else (found_key if key and found_key is not None else node)

    def where(self, path: Path, key: bool = False, char: str = "") -> tuple[int, int]:
        """(line, column), 1-based, of the value at path (of its key, with key=True); when the
        path does not exist, of the nearest existing ancestor. With char: of that character's
        first appearance as written inside the value, when it is written raw (not as an escape)."""
        node = self.node(path, key)
        if node is None:
            return (1, 1)
        mark = node.start_mark
        if char:
            text = self._source()
            at = text.find(char, mark.index, node.end_mark.index)
            if at >= 0:
                line_start = text.rfind("\n", 0, at) + 1
                return (text.count("\n", 0, at) + 1, at - line_start + 1)
        return (mark.line + 1, mark.column + 1)

    def typed(self, path: Path) -> str | None:
        """A plain scalar exactly as typed (`0430`, `2.5e4`), or None for anything else."""
        node = self.node(path, exact=True)
        if isinstance(node, yaml.ScalarNode) and not node.style:
            return node.value
        return None


def decode(raw: bytes) -> str | ParseError:
    if len(raw) > MAX_BYTES:
        return ParseError(
            "file-too-large",
            f"文件大小为 {len(raw)} 字节，超过上限 {MAX_BYTES} 字节：一条记录不应这么长，请检查是否粘贴了多余内容",
        )
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ParseError("file-encoding", "文件是 UTF-16 编码：请用文本编辑器另存为 UTF-8 编码（不带 BOM 亦可）")
    if b"\x00" in raw:
        return ParseError("file-encoding", "文件含有二进制内容（NUL 字节），不是文本文件：请用文本编辑器另存为 UTF-8 的 .yaml 文件")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return ParseError(
            "file-encoding",
            f"第 {line} 行含有不是 UTF-8 编码的字节：请将文件另存为 UTF-8 编码（不要用 GBK/GB2312）",
            line,
            0,
        )
    return text.removeprefix("\ufeff")


def parse(raw: bytes, keep_tree: bool = True) -> Document | ParseError:
    """Parse one record file. keep_tree=False drops the node tree (positions are then recomputed
    from the text only if a problem needs one): cheaper to keep in memory and to send between
    processes."""
    text = decode(raw)
    if isinstance(text, ParseError):
        return text
    breaks = [at for at in (text.find(ch) for ch in LINE_BREAKS) if at >= 0]
    if breaks:  # libyaml would read it as a line break and split the text silently
        at = min(breaks)
        line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
        return ParseError(
            "text-control",
            f"这里有字符 {char_name(text[at])}：YAML 会把它当作换行，把一行文字拆开。请删除它（通常是从网页或其他软件复制时带入的）",
            line,
            column,
        )
    try:
        if "&" in text:
            _refuse_anchors(text)
        try:
            node = yaml.compose(text, Loader=_FastLoader)
        except yaml.YAMLError:
            if "*" in text and "&" not in text:
                _refuse_anchors(text)  # the first problem in event order, as if it had run first
            raise
    except _Refused as exc:
        return exc.error
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        return ParseError(
            "file-encoding",
            f"第 {line} 行含有不可打印的控制字符（字符编码 {exc.character!r}）：请删除它，通常是从其他软件复制时带入的",
            line,
            0,
        )
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if "end of stream" in (exc.problem or "") and exc.context_mark:
            mark = exc.context_mark  # an unclosed quote: point at where it opened
        at = text[mark.index] if mark and mark.index < len(text) else ""
        fullwidth = fullwidth_before(text, exc, _Loader)
        if fullwidth:  # the real cause: a full-width colon, dash, space or quote at its own place
            line, column, message = fullwidth
            return ParseError(FULLWIDTH, f"YAML 语法错误：{message}", line, column)
        long_key = key_too_long(text, mark) if "expected ':'" in (exc.problem or "") else None
        if long_key:
            line, column, message = long_key
            return ParseError("yaml-syntax", f"YAML 语法错误：{message}", line, column)
        explained = TAB if at == "\t" else explain(exc)
        return ParseError(
            "yaml-syntax",
            f"YAML 语法错误：{explained}。请检查缩进（用空格，不要用 Tab）、冒号后的空格和引号是否成对",
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
        )
    except yaml.YAMLError as exc:
        return ParseError("yaml-syntax", f"YAML 语法错误：{escape(exc, 200)}")
    if node is None:
        return ParseError("file-empty", "文件是空的：请按模板填写（可用 `kexie new <类型> <编号>` 生成）")
    first_line = sys.intern(text.split("\n", 1)[0].split("\r", 1)[0])  # the same schema comment in every record
    doc = Document(data=None, root=node if keep_tree else None, first_line=first_line, text=text)
    look = _Construction()
    try:
        doc.data = _construct(node, 0, look)
    except _Refused as exc:
        return exc.error
    doc.floats, doc.maybe_blank, doc.odd_numbers = look.floats, look.maybe_blank, look.odd_numbers
    fullwidth = look.first(text) if look.candidates else None
    if fullwidth:
        line, column, message = fullwidth
        return ParseError(FULLWIDTH, f"YAML 语法错误：{message}", line, column)
    if needs_normalizing(text):  # one normalisation for every consumer (records/text.py)
        doc.data, doc.findings = normalize_data(doc.data)
    if "#" in text:
        doc.comment_numbers = comment_numbers(text, node)
    if not isinstance(doc.data, dict):
        line, column = _pos(node)
        return ParseError(
            "file-not-mapping", "文件的最外层必须是“字段: 值”的映射，而不是列表或单个值", line, column
        )
    return doc


def _refuse_anchors(text: str) -> None:
    """Anchors and aliases are refused outright: the cheapest sure defence against YAML bombs.

    Raises _Refused at the first anchor or alias event, or the YAMLError of the first syntax error
    before it. parse() runs it before composing only when the text has a `&`: without one there is
    no anchor, and an alias without an anchor makes composing fail — only then is it run, and it
    finds the same first problem it would have found first (`**bold**` in a bio no longer costs a
    second parse of one file in five)."""
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _Refused(
                "yaml-alias",
                "不允许使用 YAML 锚点（&）和别名（*）：请把内容直接写出来；如果 & 或 * 是文字的一部分，请给整个值加上引号",
                event.start_mark,
            )


def _pos(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


