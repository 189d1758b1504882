"""Fast walks over a record's data: only the scalars (or keys) a check can object to, with their paths.

`checks/integrity.walk` yields every scalar with its path; at 100,000 experts that is 4.2 million
paths per walk and several walks a validation, for checks that object to a few hundred values. These
walks test each scalar first (a type test and, where given, one C-speed regex) and build a path only
for the ones kept: the same (path, value) pairs, in the same order, as `walk` filtered by the test.
Record data is plain: dicts, lists and scalars (records/strict_yaml.py builds nothing else).
"""

from __future__ import annotations

import datetime
import re
from typing import NamedTuple

from generator.common.private_numbers import _ELEVEN_DIGITS, may_hold_private_number
from generator.records.schemas import common_pattern

# contact details written into free text: an e-mail address (mailto: links included; ＠ too), or a
# WeChat / QQ id after its label (微信公众号 is an organisation's public account, not matched);
# a user name before a URL's host (https://a.cn@evil.example) is the link check's, not an address
CONTACT_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9_/.%+-])[A-Za-z0-9._%+-]+\s?[@＠]\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
    r"|(?:微信号?|[Ww]e[Cc]hat|QQ号?|qq|[Vv][Xx]|[Vv]信)\s?(?:号码|ID|id)?\s?[:：]?\s?[A-Za-z0-9_-]{5,}"
)
# the schema's own date pattern (whole value): only dates that pass it can still be impossible (2016-02-30)
_DATE = common_pattern("date")

_TEN_DIGITS = 10**10  # an integer below this in magnitude has at most 10 digits: no private number


def scalars_where(value, keep, path: tuple = ()) -> list[tuple[tuple, object]]:
    """[(path, scalar) for path, scalar in walk(value, path) if keep(scalar)], without the paths of
    the scalars not kept. keep: a function of one scalar (str, int, float, bool or None)."""
    out: list = []
    _scalars(value, keep, path, out)
    return out


def _scalars(value, keep, path, out) -> None:
    kind = type(value)
    if kind is dict:
        items = value.items()
    elif kind is list:
        items = enumerate(value)
    else:
        if keep(value):
            out.append((path, value))
        return
    for key, item in items:
        kind = type(item)
        if kind is dict or kind is list:
            _scalars(item, keep, path + (key,), out)
        elif keep(item):
            out.append((path + (key,), item))


def private_number_candidates(data, path: tuple = ()) -> tuple[list, list]:
    """(values, keys) inside data that may hold a private number (common/private_numbers.py
    `may_hold_private_number`, an exact pre-filter): values as (path, text) — an integer as its
    decimal text, as check_privacy reads it — and field names as (path, key), each in walk order.
    Every other value and key has no finding, so check_privacy need not run the detector on it."""
    values: list = []
    keys: list = []
    _candidates(data, path, values, keys)
    return values, keys


def _candidates(value, path, values, keys) -> None:
    kind = type(value)
    if kind is dict:
        items = value.items()
        is_map = True
    elif kind is list:
        items = enumerate(value)
        is_map = False
    else:
        _candidate(value, path, values)
        return
    for key, item in items:
        if is_map and type(key) is str and len(key) >= 11 and _ELEVEN_DIGITS(key) is not None:
            keys.append((path + (key,), key))
        kind = type(item)
        if kind is dict or kind is list:
            _candidates(item, path + (key,), values, keys)
        elif kind is str:
            if len(item) >= 11 and _ELEVEN_DIGITS(item) is not None:  # may_hold_private_number, inlined
                values.append((path + (key,), item))
        elif kind is int and (item >= _TEN_DIGITS or item <= -_TEN_DIGITS):
            values.append((path + (key,), str(item)))


def _candidate(value, path, values) -> None:
    kind = type(value)
    if kind is str and may_hold_private_number(value):
        values.append((path, value))
    elif kind is int and (value >= _TEN_DIGITS or value <= -_TEN_DIGITS):
        values.append((path, str(value)))


def impossible_date(value) -> bool:
    """A text the schema's date pattern accepts that no calendar has (2016-02-30)."""
    if type(value) is not str or len(value) != 10 or _DATE.match(value) is None:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return True
    return False


def has_contact(value) -> bool:
    """A text holding an e-mail address, WeChat or QQ id (CONTACT_IN_TEXT)."""
    return type(value) is str and CONTACT_IN_TEXT.search(value) is not None


class Scan(NamedTuple):
    """What the per-value checks of one record need, found in one walk (see `scan`); every list
    in walk order, almost always empty."""

    private_values: list  # (path, text): check_privacy's candidates (private_number_candidates)
    private_keys: list  # (path, key)
    impossible_dates: list  # (path, text): check_text_values' date-invalid
    contacts: list  # (path, text) of an expert's texts with contact details: check_consent


NOTHING = Scan((), (), (), ())


def scan(record_type: str, data) -> Scan:
    """The Scan of one record's data. Runs where the record is parsed (records/recordset.py
    `load_records(scan=…)`: in the parsing processes, beside the YAML), so the checks in the main
    process read four short lists instead of walking 240,000 records three times."""
    values, keys = private_number_candidates(data)
    dates = scalars_where(data, impossible_date)
    contacts = scalars_where(data, has_contact) if record_type == "expert" else []
    if not (values or keys or dates or contacts):
        return NOTHING  # nearly every record: one shared Scan (and one pickled per chunk)
    return Scan(values, keys, dates, contacts)


def scanned(record) -> Scan:
    """record.doc.scanned (worked out at parse time), or the Scan worked out now for a Document
    that was not loaded with `scan` (kexie validate --changed-since, tests)."""
    found = record.doc.scanned
    if found is None:
        found = record.doc.scanned = scan(record.type, record.data)
    return found
