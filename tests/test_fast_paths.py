"""The shortcuts that make `kexie validate` fast (bench/RESULTS.md, "Build profile") give exactly
what the long way gives: the private-number pre-filter, the filtered walks, the per-record scan run
in the parsing processes, the parts a parsing process sends back, the policy context's cached
projects and the compressed build manifest."""

from __future__ import annotations

import datetime
import gzip
import re
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checks.integrity import walk
from generator.checks.values import (
    CONTACT_IN_TEXT,
    impossible_date,
    private_number_candidates,
    scalars_where,
    scan,
)
from generator.common import private_numbers as pn
from generator.common.digits import CHINESE_DIGITS, INVISIBLE, PLUS, SEPARATORS
from generator.common.hashing import read_json_gz, write_json_gz
from generator.records import recordset as records_module
from generator.records.strict_yaml import Document, parse
from tests.test_privacy import FOUND, NOT_FOUND, id_numbers, mobiles

# ---------------------------------------------------------------- the private-number pre-filter


def _unfiltered(text: str) -> list:
    """find_private_numbers without its pre-filter: every candidate window read as before."""
    found = []
    for window in pn._CANDIDATE.finditer(text):
        if len(pn._DIGIT_COUNT(window.group())) < 11:
            continue
        a, b = max(0, window.start() - pn._MARGIN), min(len(text), window.end() + pn._MARGIN)
        found += [pn.Finding(f.kind, f.start + a, f.end + a, f.digits) for f in pn._find(text[a:b])]
    return pn._without_overlaps(found) if found else found


def _same_with_and_without_filter(text: str) -> None:
    full = _unfiltered(text)
    assert pn.find_private_numbers(text) == full, repr(text)
    if not pn.may_hold_private_number(text):
        assert full == [], repr(text)  # what the filter skips, the detector would not have found


ATTACK_SPELLINGS = [  # the attack round's spellings (tests/test_attack_privacy.py and the corpus)
    "１３８１２３４５６７８", "一三八一二三四五六七八", "壹叁捌壹贰叁肆伍陆柒捌", "①③⑧①②③④⑤⑥⑦⑧",
    "¹³⁸¹²³⁴⁵⁶⁷⁸", "〡〣〨〡〢〣〤〥〦〧〨", "138\u200b1234\u200d5678", "1\u03013\u03018\u0301 1234 5678",
    "+86 138-1234-5678", "Tel13812345678", "zw13812345678@163.com", "1 3 8 1 2 3 4 5 6 7 8",
    "33010619800101123X", "330106800101123",
]


@pytest.mark.parametrize("text", [t for t, _, _ in FOUND] + [t for t, _ in NOT_FOUND] + ATTACK_SPELLINGS)
def test_prefilter_keeps_the_corpus(text):
    _same_with_and_without_filter(text)


@pytest.mark.parametrize("text,kind,digits", FOUND, ids=[repr(t) for t, _, _ in FOUND])
def test_every_private_number_of_the_corpus_passes_the_filter(text, kind, digits):
    assert pn.may_hold_private_number(text)
    assert [(f.kind, f.digits) for f in pn.find_private_numbers(text)][:1] == [(kind, digits)]


# characters the detector reads: digits of every class it knows, separators, +, x, letters, money
_ALPHABET = (
    "0123456789" + "".join(CHINESE_DIGITS) + "".join(SEPARATORS) + "".join(PLUS)
    + "xX aZ元¥@：\u3000\n" + "\u200b\u200d\u2060\ufeff\u00ad\u0301" + "٠١٢٣٤٥٦٧٨٩０１２３４５６７８９"
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_property_prefilter_is_exact_on_digit_heavy_text(text):
    _same_with_and_without_filter(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(mobiles(), id_numbers()))
def test_property_numbers_written_any_way_pass_the_filter(case):
    text, _ = case
    assert pn.may_hold_private_number(text)
    _same_with_and_without_filter(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_property_prefilter_counts_like_the_detector(text):
    digits = len(re.findall(f"[{pn._DIGIT_CLASS}]", text))
    assert pn.may_hold_private_number(text) == (len(text) >= 11 and digits >= 11)


def test_invisible_and_separator_classes_hold_no_digit():
    # the filter counts digits only: a character counted as a separator must never be a digit
    assert not any(pn.may_hold_private_number(ch * 11) for ch in SEPARATORS | PLUS)
    assert not re.search(f"[{pn._DIGIT_CLASS}]", "".join(SEPARATORS | PLUS))
    assert re.fullmatch(f"[{INVISIBLE}]+", "\u200b\u2060\ufeff")


# ---------------------------------------------------------------- the filtered walks


scalars = st.one_of(
    st.text(alphabet=_ALPHABET + "ab-", max_size=30), st.integers(-10**13, 10**13), st.booleans(),
    st.none(), st.floats(allow_nan=False), st.sampled_from(["2016-02-30", "2016-02-28", "a@b.cn", "微信 abcdef"]),
)
keys = st.one_of(st.text(alphabet=_ALPHABET + "ab_", min_size=1, max_size=20), st.sampled_from(["name", "1381234567８"]))
data = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=25)


def _reference_candidates(value):
    values = []
    for path, item in walk(value):
        if isinstance(item, int) and not isinstance(item, bool):
            item = str(item)
        if isinstance(item, str) and pn.find_private_numbers(item):
            values.append((path, item))
    found_keys = []

    def visit(v, path=()):
        if isinstance(v, dict):
            for k, item in v.items():
                if isinstance(k, str) and pn.find_private_numbers(k):
                    found_keys.append((path + (k,), k))
                visit(item, path + (k,))
        elif isinstance(v, list):
            for i, item in enumerate(v):
                visit(item, path + (i,))

    visit(value)
    return values, found_keys


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data)
def test_property_candidates_hold_every_finding_in_walk_order(value):
    values, found_keys = private_number_candidates(value)
    expected_values, expected_keys = _reference_candidates(value)
    # the candidates may hold values without a finding (the filter is a superset), never miss one
    assert [c for c in values if pn.find_private_numbers(c[1])] == expected_values
    assert [c for c in found_keys if pn.find_private_numbers(c[1])] == expected_keys
    for path, text in values:
        assert pn.may_hold_private_number(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data)
def test_property_scalars_where_is_walk_filtered(value):
    def keep(item):
        return isinstance(item, str) and len(item) % 2 == 0

    assert scalars_where(value, keep) == [(p, v) for p, v in walk(value) if keep(v)]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data, st.sampled_from(["expert", "project"]))
def test_property_scan_is_what_each_check_walked(value, record_type):
    found = scan(record_type, value)
    assert list(found.impossible_dates) == [(p, v) for p, v in walk(value) if impossible_date(v)]
    contacts = [(p, v) for p, v in walk(value) if isinstance(v, str) and CONTACT_IN_TEXT.search(v)]
    assert list(found.contacts) == (contacts if record_type == "expert" else [])


def test_impossible_date():
    assert impossible_date("2016-02-30") and impossible_date("2015-02-29")
    assert not impossible_date("2016-02-29") and not impossible_date("2016-2-30") and not impossible_date(20160230)
    assert not impossible_date(datetime.date(2016, 2, 28).isoformat())


# ---------------------------------------------------------------- parsing processes


RECORD = """\
# yaml-language-server: $schema=../../schemas/expert.schema.json
id: zhang-wei
name: 张伟   # 手机 13812345678
bio: "电话 138 1234 5678，邮箱 zw@example.org"
consent: {publish: true, contact: false, date: "2016-02-30"}
1381234567８: x
funding: [30000.0, 025000]
"""


def test_parts_rebuild_the_document(tmp_path):
    doc = parse(RECORD.encode())
    doc.scanned = scan("expert", doc.data)
    path = tmp_path / "zhang-wei.yaml"
    path.write_text(RECORD, encoding="utf-8")
    again = Document.from_parts(doc.parts(), str(path))
    for name in ("data", "first_line", "floats", "odd_numbers", "maybe_blank", "scanned"):
        assert getattr(again, name) == getattr(doc, name), name
    for name in ("findings", "comment_numbers"):  # an empty list travels as ()
        assert list(getattr(again, name)) == list(getattr(doc, name)), name
    assert doc.comment_numbers
    assert again.where(("bio",)) == doc.where(("bio",)) == (4, 6)  # positions read from the file again
    assert doc.scanned.private_values == [(("bio",), "电话 138 1234 5678，邮箱 zw@example.org")]
    assert doc.scanned.private_keys == [(("1381234567８",), "1381234567８")]
    assert doc.scanned.impossible_dates == [(("consent", "date"), "2016-02-30")]
    assert [p for p, _ in doc.scanned.contacts] == [("bio",)]


def test_field_names_and_short_values_are_shared_strings():
    one, two = parse(RECORD.encode()), parse(RECORD.encode())
    assert [k for k in one.data] == [k for k in two.data]
    assert all(a is b for a, b in zip(one.data, two.data))  # one string per field name
    assert one.data["name"] is two.data["name"]
    assert one.data["bio"] == two.data["bio"]


@pytest.mark.skipif(threading.active_count() != 1, reason="fork is only used without other threads")
def test_forked_parsing_with_scan_equals_serial(tmp_path, monkeypatch):
    from tests.test_parallel_load import _tree

    root = _tree(tmp_path)
    (root / "experts" / "phone.yaml").write_text(RECORD, encoding="utf-8")

    def loaded():
        records, problems = records_module.load_records(root, scan=scan)
        return problems, [(r.type, r.id, r.data, r.doc.scanned, list(r.doc.comment_numbers), list(r.doc.findings))
                          for r in records.all()]

    serial = loaded()
    monkeypatch.setattr(records_module, "PARALLEL_FROM", 1)
    assert loaded() == serial
    assert any(row[3].private_values for row in serial[1])


def test_policy_projects_are_worked_out_once():
    from generator.checks.policy.context import PolicyContext
    from generator.checks.pipeline import check_records
    from tests.sitebuild import REPO

    checked = check_records(REPO / "records")
    context = PolicyContext(checked.records, checked.schemas)
    first = list(context.projects())
    assert first == [(r, context.period_for(r.data["approved"])) for r in checked.records.valid("project")]
    assert list(context.projects()) == first and first


# ---------------------------------------------------------------- the build manifest


def test_manifest_file_is_deterministic_gzip(tmp_path):
    data = {"b": ["x" * 40] * 100, "a": {"experts/zhang-wei/": {"key": "0" * 32}}}
    one, two = tmp_path / "one.json.gz", tmp_path / "two.json.gz"
    assert write_json_gz(one, data) == write_json_gz(two, dict(reversed(list(data.items()))))
    assert one.read_bytes() == two.read_bytes()
    assert read_json_gz(one) == data
    assert len(one.read_bytes()) < len(gzip.decompress(one.read_bytes())) / 10
    one.write_bytes(one.read_bytes()[:-5])
    with pytest.raises(ValueError):
        read_json_gz(one)


# ---------------------------------------------------------------- anchors: the second parse only when needed


def _as_before(raw: bytes, monkeypatch) -> object:
    """parse(raw) as it was: every text with a `&` or `*` read for anchors before composing."""
    from generator.records import strict_yaml

    real = strict_yaml.yaml.compose

    def compose(text, Loader):
        if "&" in text or "*" in text:
            strict_yaml._refuse_anchors(text)
        return real(text, Loader=Loader)

    with monkeypatch.context() as patch:
        patch.setattr(strict_yaml.yaml, "compose", compose)
        return parse(raw)


def _summary(result) -> tuple:
    if isinstance(result, Document):
        return ("doc", repr(result.data), result.first_line)
    return ("error", result.rule, result.message, result.line, result.column)


ALIAS_TEXTS = [
    "a: *x\n", "a: [*x, 1]\n", "a: [1\nb: *x\n", "a: *x\nb: [1\n", "a: 1\nb: *x\nc: 2\n",
    "a: |\n  **粗体**\nb: *x\n", "a: \"*x\"\nb: [\n", "- *x\n- 1\n", "a: **b**\n", "a: b\n*x : 1\n",
    "a: &x 1\nb: *x\n", "a: \x07*\n", "* a\n", "a: b *c\n", "a: [**]\n", "{a: *b}\n",
]


@pytest.mark.parametrize("text", ALIAS_TEXTS)
def test_alias_without_anchor_gives_the_same_problem_as_before(text, monkeypatch):
    raw = text.encode("utf-8")
    assert _summary(parse(raw)) == _summary(_as_before(raw, monkeypatch))


def test_an_alias_is_still_refused_where_it_is():
    error = parse("id: x\nname: *who\n".encode("utf-8"))
    assert (error.rule, error.line, error.column) == ("yaml-alias", 2, 7)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="ab1: -*[]{},\n'\"#|>!&%", max_size=30))
def test_property_anchor_handling_unchanged(monkeypatch, text):
    raw = text.encode("utf-8")
    assert _summary(parse(raw)) == _summary(_as_before(raw, monkeypatch))


# ---------------------------------------------------------------- the walk over the records folder


def _walk_as_before(root, skipped):
    """recordset.iter_files as it was, on os.walk and a stat per entry."""
    import os
    from pathlib import Path

    from generator.records.recordset import QUIET_HIDDEN, RECORD_TYPES

    def unreadable(error):
        skipped.append((Path(error.filename or root), True, "unreadable"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        folder = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            if (folder / name).is_symlink():
                skipped.append((folder / name, True, "symlink"))
            elif name.startswith("."):
                skipped.append((folder / name, True, "hidden"))
            else:
                keep.append(name)
        dirnames[:] = keep
        relative = folder.relative_to(root).parts
        record_type = RECORD_TYPES.get(relative[0]) if len(relative) == 1 else None
        for name in sorted(filenames):
            if (folder / name).is_symlink():
                skipped.append((folder / name, False, "symlink"))
            elif name.startswith("."):
                if name not in QUIET_HIDDEN:
                    skipped.append((folder / name, False, "hidden"))
            else:
                yield folder / name, record_type


def test_records_walk_is_the_os_walk_it_replaced(tmp_path):
    import os

    from generator.records.recordset import iter_files

    root = tmp_path / "records"
    for folder in ("experts", "experts/sub/deeper", "projects", "misc", ".hidden", "b", "a/z", "a/b"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    for name in ("experts/b.yaml", "experts/a.yaml", "experts/A.yaml", "experts/.gitkeep", "experts/.x.yaml",
                 "experts/sub/c.yaml", "experts/sub/deeper/d.yaml", "projects/p.yml", "misc/m.yaml", "top.yaml",
                 ".hidden/h.yaml", "a/z/1.yaml", "a/b/2.yaml", "b/3.txt", "experts/\u5f20\u4f1f.yaml"):
        (root / name).write_text("id: x\n", encoding="utf-8")
    os.symlink(root / "experts", root / "linked")  # a link to a folder
    os.symlink(root / "experts" / "a.yaml", root / "experts" / "link.yaml")
    os.symlink(root / "nowhere.yaml", root / "projects" / "dangling.yaml")
    os.mkfifo(root / "projects" / "fifo.yaml")
    before, now = [], []
    assert list(iter_files(root, now)) == list(_walk_as_before(root, before))
    assert now == before and len(now) >= 5



def test_a_build_leaves_nothing_frozen_for_the_collector(tmp_path):
    """The build freezes its model for the collector (site/plugin.py) and unfreezes at the end:
    `kexie serve` builds again in the same process, and an old model must be collectable."""
    import gc

    from generator.site.build import build_site
    from tests.sitebuild import REPO

    assert gc.get_freeze_count() == 0
    build_site(REPO / "mkdocs.yml", tmp_path / "site", full=True, notices=[])
    assert gc.get_freeze_count() == 0
    assert (tmp_path / "site" / ".kexie" / "manifest.json.gz").is_file()
