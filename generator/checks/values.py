"""Fast walks over a record's data: only the scalars (or keys) a check can object to, with their paths.

`checks/integrity.walk` yields every scalar with its path; at 100,000 experts that is 4.2 million
paths per walk and several walks a validation, for checks that object to a few hundred values. These
walks test each scalar first (a type test and, where given, one C-speed regex) and build a path only
for the ones kept: the same (path, value) pairs, in the same order, as `walk` filtered by the test.
Record data is plain: dicts, lists and scalars (records/strict_yaml.py builds nothing else).
"""

from __future__ import annotations

from generator.common.private_numbers import _ELEVEN_DIGITS, may_hold_private_number

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
