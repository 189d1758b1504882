"""Property-based tests (issue #9, "How"): hostile input never breaks the validator.

- random YAML text, and random edits of real record files, never raise: every outcome is a list
  of problems;
- random mutations of valid records never pass a value a pattern refuses, a float where an
  integer is due, or a character the normalisation refuses; whenever the compiled validator
  refuses a record, the record has an error;
- a valid record (the base records with leaves redrawn from their own schema) survives
  load → dump → load unchanged.

Bounded examples and no deadline (the machine is shared): the profile below keeps the file
well under a minute. `KEXIE_HYPOTHESIS_EXAMPLES` raises the count for a longer local run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checks.pipeline import check_loaded
from generator.records.dump import dump_record
from generator.records.ecma import to_python
from generator.records.recordset import RECORD_TYPES, Record, RecordSet
from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet
from generator.records.strict_yaml import ParseError, parse
from generator.records.text import _SUSPECT
from tests.conftest import BASE

settings.register_profile(
    "kexie",
    max_examples=int(os.environ.get("KEXIE_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    derandomize=True,  # the same examples every run: a failure here is reproducible, not flaky
)
PROFILE = settings.get_profile("kexie")

SCHEMAS = SchemaSet(PACKAGE_SCHEMAS)
FILES = sorted((BASE / "records").rglob("*.yaml"))
RAW = {path.relative_to(BASE / "records").as_posix(): path.read_bytes() for path in FILES}
SOCIETY_FILES = [name for name in RAW if not name.startswith(("policies/", "staff/"))]

# characters that matter to YAML, to our checks and to Chinese input methods
HOSTILE = (
    list(":-#&*!|>'\"%@`{}[],?\n\t \\") + ["\r", "\x0b", "\x00", "\x85", "\u2028", "\u200b", "\u202e", "\ufeff", "\u00ad"]
    + list("：－—，、；“”‘’＂　·•・＃﹟｛｝［］") + list("张伟浙江大学教授材料") + list("az09AZ") + ["520", "0430", "30000.0", "2.5e4", "yes", "null", "~"]
)
hostile_text = st.lists(st.sampled_from(HOSTILE), max_size=24).map("".join)


def validate(files: dict[str, bytes]):
    """Parse files (records/-relative path → bytes) and run every check after loading, in memory,
    exactly as `kexie validate` does (checks.pipeline.check_loaded). Returns the Checked."""
    records = RecordSet(root=Path("records"))
    problems = []
    for name, raw in sorted(files.items()):
        folder, stem = name.split("/")[0], name.split("/")[-1].removesuffix(".yaml")
        result = parse(raw)
        if isinstance(result, ParseError):
            records.unparsed.add((RECORD_TYPES[folder], stem))
            problems.append(result)
            continue
        records.of(RECORD_TYPES[folder])[stem] = Record(RECORD_TYPES[folder], stem, f"records/{name}", result)
    checked = check_loaded(records, [], SCHEMAS)
    for problem in checked.report.problems:  # positions are computed without error too
        assert problem.line >= 0 and problem.column >= 0 and problem.message
    return checked, problems


def errors_for(checked, name: str) -> list:
    return [p for p in checked.report.errors if p.path == f"records/{name}"]


# ---------------------------------------------------------------- random YAML never raises


@PROFILE
@given(name=st.sampled_from(sorted(RAW)), text=hostile_text)
def test_random_yaml_never_raises(name, text):
    _check_outcome(name, text)


def _check_outcome(name: str, text: str) -> None:
    """Validate the tree with `name` replaced by text: whatever happens, it is problems, and a
    file with no error is one the compiled validator accepts."""
    checked, parse_errors = validate({**RAW, name: text.encode("utf-8")})
    if not parse_errors and not errors_for(checked, name):
        record_type = RECORD_TYPES[name.split("/")[0]]
        record = checked.records.get(record_type, name.split("/")[-1].removesuffix(".yaml"))
        assert SCHEMAS.fast_validator(record_type).is_valid(record.data)


@PROFILE
@given(name=st.sampled_from(sorted(RAW)), edits=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 3), hostile_text), min_size=1, max_size=3))
def test_random_edits_of_real_files_never_raise(name, edits):
    """Insert, replace or delete at random places in a real record file."""
    text = RAW[name].decode("utf-8")
    for where, length, insert in edits:
        at = int(where * len(text))
        text = text[:at] + insert + text[at + length :]
    _check_outcome(name, text)


# ---------------------------------------------------------------- mutations of valid records


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, path + (index,))


def _set(data, path, value):
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


def _strings(value, path=()):
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, path + (index,))


scalars = st.one_of(
    hostile_text,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.sampled_from(["zhang-wei\n", "2016-02-30\n", "some-handle\n", "0571-85012345\n", "2016-03-01", "hz-materials", "  ", "··"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=2), max_leaves=6)


@PROFILE
@given(name=st.sampled_from(SOCIETY_FILES), data=st.data())
def test_mutated_records_never_pass_what_a_rule_refuses(name, data):
    record_type = RECORD_TYPES[name.split("/")[0]]
    original = parse(RAW[name]).data
    mutated = parse(RAW[name]).data
    paths = [p for p in _paths(mutated) if p]
    path = data.draw(st.sampled_from(paths))
    action = data.draw(st.sampled_from(["replace", "delete", "add"]))
    if action == "replace":
        _set(mutated, path, data.draw(values))
    elif action == "delete":
        parent = mutated
        for part in path[:-1]:
            parent = parent[part]
        del parent[path[-1]]
    else:
        mutated[data.draw(hostile_text.filter(lambda k: k not in mutated))] = data.draw(values)
    try:
        raw = dump_record(mutated).encode("utf-8")
    except Exception:  # noqa: BLE001 - a value PyYAML cannot write is no record anyone can file
        return
    checked, parse_errors = validate({**RAW, name: raw})
    if parse_errors or errors_for(checked, name):
        return
    # no error reported: then every rule must really hold
    record = checked.records.get(record_type, name.split("/")[-1].removesuffix(".yaml"))
    loaded = record.data
    assert SCHEMAS.fast_validator(record_type).is_valid(loaded), (mutated, loaded)
    for where, text in _strings(loaded):
        assert not _SUSPECT.search(text), where
        schema = SCHEMAS.field_schema(record_type, where)
        pattern = schema.get("pattern")
        if pattern:  # an independent oracle: the pattern's body must match the whole value
            assert re.fullmatch(pattern.removeprefix("^").removesuffix("$"), text), (where, text)
    for where in _paths(loaded):
        value = _get(loaded, where)
        if SCHEMAS.field_schema(record_type, where).get("type") == "integer":
            assert type(value) is int, (where, value)
    if mutated == original:
        assert loaded == original


def _get(data, path):
    for part in path:
        data = data[part]
    return data


# ---------------------------------------------------------------- load → dump → load


def _leaf(schema: dict):
    """A strategy for valid values of a leaf field, read off its schema."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(schema.get("minimum", -(10**9)), schema.get("maximum", 10**9))
    if kind == "number":
        return st.floats(schema.get("minimum", 0), 10**6, allow_nan=False)
    if kind == "string" and "pattern" in schema:
        return st.from_regex(to_python(schema["pattern"]), fullmatch=True).filter(
            lambda s: schema.get("minLength", 0) <= len(s) <= schema.get("maxLength", 10**6)
        )
    if kind == "string":
        alphabet = st.sampled_from([c for c in HOSTILE if len(c) == 1 and not _SUSPECT.match(c)])
        size = min(schema.get("maxLength", 40), 40)
        return st.lists(alphabet, min_size=max(1, schema.get("minLength", 1)), max_size=size).map("".join).filter(
            lambda s: s.strip() and any(c.isalnum() for c in s)
        )
    return None


@PROFILE
@given(name=st.sampled_from(sorted(RAW)), data=st.data())
def test_valid_records_survive_load_dump_load(name, data):
    record_type = RECORD_TYPES[name.split("/")[0]]
    record = parse(RAW[name]).data
    for where, value in list(_leaves(record)):
        if where[-1] in ("id", "owner") or not data.draw(st.booleans()):
            continue  # ids and owners tie records together: keep them
        strategy = _leaf(SCHEMAS.field_schema(record_type, where))
        if strategy is not None:
            _set(record, where, data.draw(strategy))
    text = dump_record(record)
    again = parse(text.encode("utf-8"))
    assert not isinstance(again, ParseError), (again, text)
    assert again.findings == []
    if list(SCHEMAS.check(record_type, again)) == []:  # a valid record: unchanged, exactly
        assert again.data == record, text
        assert parse(dump_record(again.data).encode("utf-8")).data == record


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, path + (index,))
    else:
        yield path, value


def test_the_profile_is_bounded():
    assert PROFILE.deadline is None and PROFILE.max_examples <= int(os.environ.get("KEXIE_HYPOTHESIS_EXAMPLES", "60"))


@pytest.mark.parametrize("name", sorted(RAW))
def test_the_base_records_survive_load_dump_load(name):
    data = parse(RAW[name]).data
    assert parse(dump_record(data).encode("utf-8")).data == data
