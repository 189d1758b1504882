"""Warnings about how an expert's name will be read when the record gives no `pinyin:`.

The derived pinyin reads the surname by the surname table (schemas/surnames.json, see
generator/records/names.py). Where the table knows several readings of the surname (曾 Zeng/Ceng,
单 Shan/Dan/Chan) the person's own spelling may still differ, so a warning — not an error: the
derived spelling is usually right — asks for an explicit `pinyin:`. A character without any known
reading (rare extension-block characters such as 𠮷) would be left out of the derived pinyin: that
too is a warning.
"""

from __future__ import annotations

import regex

from generator.common.quoting import quote
from generator.records.names import derive_pinyin, load_surnames, unreadable
from generator.records.problems import WARNING
from generator.records.recordset import RecordSet
from generator.records.schemas import SchemaSet


def check_names(records: RecordSet, schemas: SchemaSet):
    """Yield a `pinyin-surname` warning for a polyphonic surname and a `pinyin-unknown` warning for
    characters without a reading, for every schema-valid expert without `pinyin:`."""
    table = load_surnames(schemas.folder)
    pattern = schemas.field_schema("expert", ("pinyin",)).get("pattern", "")
    for record in records.valid("expert"):
        name = record.data.get("name")
        if record.data.get("pinyin") or not isinstance(name, str):
            continue
        surname, missing = table.polyphonic(name), list(dict.fromkeys(unreadable(name)))
        if not surname and not missing:
            continue  # the common case: no pinyin derived here (importing pypinyin is slow)
        derived = derive_pinyin(name, table)
        # the line to add, only when it would itself pass the schema
        add = f"`pinyin: {derived}`" if pattern and regex.search(pattern, derived) else "`pinyin: …`"
        if surname:
            readings = table.split(name)[1]
            others = "、".join("".join(r) for r in readings[1:])
            yield record.at(
                ("name",),
                "pinyin-surname",
                f"姓“{surname}”是多音字（作姓读 {''.join(readings[0])}，也读 {others}）：没有填写 pinyin 时"
                f"自动生成{quote(derived)}。请核对本人的拼音后添加一行 {add}（不同时按本人写法填写）",
                WARNING,
            )
        if missing:
            chars = "、".join(f"“{ch}”（U+{ord(ch):04X}）" for ch in missing)
            yield record.at(
                ("name",),
                "pinyin-unknown",
                f"姓名中的{chars}查不到读音，自动生成的拼音{quote(derived)}缺少它：请添加一行 `pinyin: …`，"
                "写出完整的姓名拼音（姓与名之间空一格，例如 pinyin: Zhang Wei）",
                WARNING,
            )
