"""Every byte hostile (issue #9): what records may contain, beyond the negative cases' exact lines.

The negative cases under tests/cases/negative/ pin each class's message; these tests check the
mechanisms behind them: the two validators agree on patterns, one normalisation reaches every
consumer (search, pages, open data, report), integers stay integers, suggestions validate, and
the need form reads its own options.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata

import jsonschema_rs
import pytest

from generator.contrib.codeowners import render as render_codeowners
from generator.contrib.issueform import discipline_choices, parse_choices
from generator.records.ecma import Validator, matches, to_python
from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet, common_accepts
from generator.records.strict_yaml import ParseError, parse
from generator.records.text import REMOVED, _SUSPECT, char_name, is_meaningful, normalize
from generator.search.query import query_index
from tests.conftest import BASE, copy_base, kexie_env, run_kexie
from tests.sitebuild import make_project
from tests.sitebuild import run_kexie as run_in

SCHEMAS = SchemaSet(PACKAGE_SCHEMAS)


def _patterns():
    """(file, pointer, pattern) of every `pattern` in schemas/*.json."""
    found = []

    def walk(node, where, name):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append((name, where, node["pattern"]))
            for key, value in node.items():
                walk(value, f"{where}/{key}", name)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}", name)

    for path in sorted(PACKAGE_SCHEMAS.glob("*.schema.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), "", path.name)
    return found


PATTERNS = _patterns()


# ---------------------------------------------------------------- class 1: whole values


def test_every_schema_pattern_is_anchored_and_engine_neutral():
    """Anchored at both ends, and free of the escapes whose meaning differs between ECMA-262,
    Rust's regex and Python's re (\\d, \\w, \\s, \\b and `.` all differ on non-ASCII input)."""
    assert len(PATTERNS) >= 10
    for name, where, pattern in PATTERNS:
        assert pattern.startswith("^") and pattern.endswith("$"), (name, where, pattern)
        body = re.sub(r"\\u[0-9a-fA-F]{4}|\\[\\\-.^$|()\[\]{}*+?/]", "", pattern)
        assert not re.search(r"\\[dDwWsSbB]", body), (name, where, pattern)
        assert "." not in re.sub(r"\[[^\]]*\]", "", body), (name, where, pattern)


@pytest.mark.parametrize("suffix", ["\n", "\r\n", "\n\n", " ", "\u2028", "\x00"])
def test_no_pattern_accepts_a_trailing_line_break(suffix):
    """Both validators refuse "<valid value>\\n" for every pattern; Python's plain `$` would not."""
    samples = {
        "^[a-z0-9]+(-[a-z0-9]+)*$": "zhang-wei",
        "^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$": "2016-02-28",
        "^0571-[0-9]{8}$": "0571-85012345",
        "^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$": "some-handle",
        "^[A-Z0-9][A-Z0-9-]{3,30}$": "HZKX-2016-01",
        "^[a-z][a-z0-9-]+$": "funding-range",
    }
    for name, where, pattern in PATTERNS:
        value = samples.get(pattern)
        if value is None:
            continue
        fast = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
        assert fast.is_valid(value) and matches(pattern, value), (pattern, value)
        assert not fast.is_valid(value + suffix), (pattern, suffix)
        assert not matches(pattern, value + suffix), (pattern, suffix)
        assert Validator({"pattern": pattern}).is_valid(value + suffix) is False


def test_ecma_translation_leaves_character_classes_and_escapes_alone():
    assert to_python("^a$") == r"^a\Z"
    assert to_python("^[$]\\$x$") == r"^[$]\$x\Z"
    assert to_python("^(a|b$)$") == r"^(a|b\Z)\Z"


def test_a_disagreement_between_the_validators_is_an_error():
    """When the compiled validator says "invalid" and python-jsonschema finds nothing to word, the
    record is invalid with one generic message. (No schema of ours provokes it: the compiled
    validator is replaced by one that refuses everything.)"""

    class Refuses:
        def is_valid(self, data):
            return False

    schemas = SchemaSet(PACKAGE_SCHEMAS)
    schemas._fast["proposal"] = Refuses()
    doc = parse((BASE / "records" / "proposals" / "materials-industry-2016.yaml").read_bytes())
    problems = list(schemas.check("proposal", doc))
    assert [(line, column, rule) for line, column, rule, _m, _f in problems] == [(1, 1, "schema-unexplained")]
    assert "无法指出是哪个字段" in problems[0][3]
    assert list(SCHEMAS.check("proposal", doc)) == []


def test_codeowners_never_writes_a_handle_with_a_line_break(tmp_path):
    root = copy_base(tmp_path) / "records"
    society = root / "societies" / "hz-materials.yaml"
    text = society.read_text(encoding="utf-8").replace("  - hz-materials-office", '  - "some-handle\\n"\n  - "x\\n* @evil"')
    society.write_text(text, encoding="utf-8")
    rendered = render_codeowners(root)
    assert "some-handle" not in rendered and "@evil" not in rendered


def test_date_option_of_need_from_issue_must_be_a_real_whole_date(tmp_path):
    body = tmp_path / "body.md"
    body.write_text("### 单位名称\n\nx\n", encoding="utf-8")
    for bad in ("2016-02-30", "2016-02-28\n", "２０１６-02-28"):
        run = run_kexie("need-from-issue", "--body-file", str(body), "--number", "1", "--date", bad, cwd=tmp_path)
        assert run.exit_code == 2 and "--date 应为 YYYY-MM-DD" in run.stderr, (bad, run.stderr)


# ---------------------------------------------------------------- class 2: one normalisation


def test_the_suspect_set_covers_every_format_private_use_and_control_character():
    missed = [
        f"U+{code:04X}"
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) in ("Cc", "Cf", "Co") and chr(code) != "\n" and not _SUSPECT.match(chr(code))
    ]
    assert missed == []


def test_normalize_removes_harmless_invisibles_and_reports_refused_ones():
    assert normalize("浙江\u200b大学") == ("浙江大学", [("\u200b", True, 1, 2)])
    assert normalize("a\vb\vc") == ("a\vb\vc", [("\v", False, 2, 1)])  # refused: kept, reported
    assert normalize("a\vb\u200bc", drop_refused=True)[0] == "abc"
    assert normalize("第一段\n第二段") == ("第一段\n第二段", [])
    assert normalize("x\ny", allow_newline=False)[1] == [("\n", False, 1, 1)]
    assert char_name("\u200b") == "U+200B 零宽空格"
    assert char_name("\u202e").startswith("U+202E 从右至左覆盖")
    assert char_name("\U000F0001").startswith("U+F0001 私用区字符")
    assert set(REMOVED) == {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"} | {chr(c) for c in range(0xFE00, 0xFE10)}


def test_every_consumer_sees_the_normalised_text(tmp_path):
    """浙江\\u200b大学 in a record: the search finds 浙江大学, pages and open data never hold the
    invisible character, validate warns once."""
    project = make_project(BASE / "records", "zero-width")
    expert = project / "records" / "experts" / "zhang-wei.yaml"
    text = expert.read_text(encoding="utf-8")
    text = text.replace("affiliation: 浙江示例大学材料科学与工程学院", "affiliation: 浙江\u200b大学材料\u00ad科学与工程学院")
    expert.write_text(text.replace("title: 教授", "title: 教\u2060授"), encoding="utf-8")
    validated = run_in("validate", cwd=project, env=kexie_env())
    assert validated.returncode == 0, validated.stdout
    assert validated.stdout.count("[text-invisible]") == 3
    out = tmp_path / "site"
    result = run_in("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stderr
    assert query_index(out / "search", "浙江大学") == ["zhang-wei"]
    assert query_index(out / "search", "大学材料科学与工程") == ["zhang-wei"]
    for path in out.rglob("*"):
        if path.is_file() and path.name.endswith(".json.gz"):  # the search index's files
            data = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
            assert not any(ch in data for ch in "\u200b\u2060\u00ad"), path
        elif path.is_file() and path.suffix in (".html", ".json", ".csv", ".js", ".xml"):
            data = path.read_text(encoding="utf-8", errors="replace")
            assert not any(ch in data for ch in "\u200b\u2060\u00ad"), path
    page = (out / "experts" / "zhang-wei" / "index.html").read_text(encoding="utf-8")
    assert "浙江大学材料科学与工程学院" in page


def test_a_vertical_tab_stops_the_report_with_a_message_not_a_traceback(tmp_path):
    root = copy_base(tmp_path)
    project = root / "records" / "projects" / "xihu-materials-station-2016.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("title: 杭州市材料学会", 'title: "杭州市材料学会\\v'), encoding="utf-8")
    text = project.read_text(encoding="utf-8").replace("服务站项目\n", '服务站项目"\n', 1)
    project.write_text(text, encoding="utf-8")
    run = run_kexie("report", "--year", "2016", "--records", "records", "--out", str(tmp_path / "out"), cwd=root)
    assert run.exit_code == 1
    assert "Traceback" not in run.stderr
    assert "U+000B 垂直制表符" in run.stderr and "[text-control]" in run.stderr
    assert "报表未生成" in run.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_characters_yaml_reads_as_line_breaks_are_refused_at_their_place(char):
    result = parse(f"id: a\ntitle: 一{char}二\n".encode("utf-8"))
    assert isinstance(result, ParseError)
    assert (result.rule, result.line, result.column) == ("text-control", 2, 9)
    assert char_name(char) in result.message


# ---------------------------------------------------------------- class 3: blank text


@pytest.mark.parametrize("text, meaningful", [
    ("　 ", False), ("··", False), ("——", False), ("……\n。", False), ("", False),
    ("张", True), ("%", True), ("A", True), ("1", True), ("℃", True), ("·张·", True),
])
def test_meaningful_text(text, meaningful):
    assert is_meaningful(text) is meaningful


# ---------------------------------------------------------------- class 4: integers


@pytest.mark.parametrize("typed", ["30000.0", "2.5e4", "3.0E+4", "30_000.0"])
def test_floats_are_typed_as_floats_and_refused_as_integers(typed):
    doc = parse(f"amount: {typed}\n".encode("utf-8"))
    assert isinstance(doc.data["amount"], float) and doc.floats
    assert doc.typed(("amount",)) == typed
    assert not Validator({"type": "integer"}).is_valid(doc.data["amount"])


@pytest.mark.parametrize("typed", ["!!float nan", "!!float inf", "1.0e999", "-.inf"])
def test_no_infinite_or_nan_number_reaches_the_data(typed):
    value = parse(f"figure: {typed}\n".encode("utf-8")).data["figure"]
    assert isinstance(value, str)


# ---------------------------------------------------------------- class 5: full-width syntax


@pytest.mark.parametrize("text, line, column, words", [
    ("id: a\ntitle：教授\nowner: b\n", 2, 6, "全角冒号“：”"),
    ("id: a\ntitle ：教授\nowner: b\n", 2, 7, "全角冒号“：”"),
    ("id: a\nlist:\n  － x\n  - y\n", 3, 3, "全角的“－”"),
    ("id: a\nlist:\n  - x\n  － y\n", 4, 3, "全角的“－”"),
    ("id: a\nm:\n　　k: v\n", 3, 1, "全角空格“　”缩进"),
    ("id: a\ntitle: ＂教授＂\n", 2, 8, "全角引号"),
    ("id: a\ntitle: ‘教授’\n", 2, 8, "全角引号"),
    ("id: a\ntitle:\u3000教授\nx: y\n", 2, 7, "冒号后面用了全角空格"),
    ("id: a\ntitle: 教授 ＃ 本人要求\n", 2, 11, "全角井号“＃”不是 YAML 的注释符号"),
    ("id: a\ntitle: 教授\u3000＃备注\n", 2, 11, "全角井号“＃”"),
    ("id: a\n＃ 以下由秘书处核对\nx: y\n", 2, 1, "全角井号“＃”"),
    ("id: a\nlist:\n  - x ﹟ 注\n", 3, 7, "全角井号“﹟”"),
    ("id: a\nlinks: ｛url: b｝\n", 2, 8, "全角花括号"),
    ("id: a\nlinks: ｛｝\n", 2, 8, "全角花括号"),
])
def test_full_width_syntax_is_blamed_at_its_character(text, line, column, words):
    result = parse(text.encode("utf-8"))
    assert isinstance(result, ParseError), result
    assert (result.rule, result.line, result.column) == ("yaml-fullwidth", line, column)
    assert words in result.message


@pytest.mark.parametrize("text", [
    "bio: |\n  　　段首空两格是中文的习惯。\n  标题：教授\n",  # a literal block is text
    "title: '“教授”'\n",  # quoted on purpose
    "title: 关于“智慧农业”的建议\n",
    "role: 职务：理事长\n",
    "bio: 长期从事——材料研究\n",
    "duties:\n  - 一、开展交流\n",
    "title: '教授 ＃ 本人要求'\n",  # quoted: the ＃ is text on purpose
    "title: 第＃3 实验室\n",  # no space before it: YAML's # would not be a comment there either
    "bio: |\n  编号 ＃3 的设备\n",  # a literal block is text
    "title: ｛重点｝实验室\n",
])
def test_full_width_punctuation_inside_text_is_fine(text):
    assert not isinstance(parse(text.encode("utf-8")), ParseError)


# ---------------------------------------------------------------- class 10: suggestions validate


def test_enum_suggestions_are_written_as_they_must_be_typed():
    """A suggested code is quoted (`"520"`), so copying it does not recreate the error."""
    doc = parse(b"id: zhao-min\ndisciplines:\n  - 52\n")
    messages = [m for *_, m, _f in SCHEMAS.check("expert", doc)]
    text = next(m for m in messages if "disciplines.0" in m)
    assert "请写作" not in text  # "52" is no code: no fix is offered, quoted or not
    doc = parse(b"id: zhao-min\ndisciplines:\n  - \"52\"\n")
    text = next(m for *_, m, _f in SCHEMAS.check("expert", doc) if "disciplines.0" in m)
    offered = re.findall(r'"(\d+)"（', text)
    assert offered and all(SCHEMAS.accepts(SCHEMAS.field_schema("expert", ("disciplines", 0)), c) for c in offered)
    assert re.search(r"(?<![\"\d])\d{3}（", text) is None  # never a bare 520（…）


def test_common_accepts_is_the_schema():
    assert common_accepts("id", "zhang-wei") and not common_accepts("id", "张伟")
    assert not common_accepts("id", "zhang-wei\n") and not common_accepts("id", "z")
    assert common_accepts("handle", "some-handle") and not common_accepts("handle", "some-handle\n")


def test_new_record_refuses_an_id_the_schema_refuses(tmp_path):
    from generator.contrib.new_record import NewRecordError, write_new_record

    (tmp_path / "schemas").mkdir()
    for path in PACKAGE_SCHEMAS.glob("*.json"):
        (tmp_path / "schemas" / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    for bad in ("zhang-wei\n", "张伟", "Zhang", "a"):
        with pytest.raises(NewRecordError):
            write_new_record(tmp_path / "records", "expert", bad)
    assert write_new_record(tmp_path / "records", "expert", "zhang-wei").name == "zhang-wei.yaml"


# ---------------------------------------------------------------- class 11: the form's options


@pytest.mark.parametrize("answer, codes", [
    ("230 畜牧、兽医科学", ["230"]),
    ("230 畜牧、兽医科学, 870 图书馆、情报与文献学", ["230", "870"]),
    ("590 航空、航天科学技术, 430 材料科学", ["590", "430"]),
    ("畜牧、兽医科学", ["230"]),
    ("430、460", ["430", "460"]),
    ("材料科学，520\n130 力学", ["430", "520", "130"]),
])
def test_multi_select_is_read_by_its_options(answer, codes):
    assert [code for code, _ in parse_choices(answer, discipline_choices(SCHEMAS))] == codes


def test_unknown_choices_come_back_whole():
    assert parse_choices("999 玄学, 430 材料科学", discipline_choices(SCHEMAS)) == [(None, "999 玄学"), ("430", "430 材料科学")]


@pytest.mark.parametrize("length, refused", [(1024, False), (1025, True), (250_000, True)])
def test_a_key_longer_than_yaml_allows_is_named_not_a_missing_colon(length, refused):
    result = parse(("id: a\n" + "k" * length + ": 1\n").encode("utf-8"))
    if not refused:
        assert not isinstance(result, ParseError), result
        return
    assert isinstance(result, ParseError)
    assert (result.rule, result.line, result.column) == ("yaml-syntax", 2, 1)
    assert f"字段名有 {length} 个字符，YAML 的字段名不能超过 1024 个字符" in result.message
