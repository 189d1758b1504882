"""Names that exist and surnames read as surnames (issue 9, classes 7 and 8).

Unit rows for the surname table and the derived pinyin; then one real site built from records with
names of every kind — 曾国华 and 欧阳修 without `pinyin:`, 王𠮷 (U+20BB7), a minority name,
overseas experts written in Latin script — searched through the written index, as the browser does.
"""

from __future__ import annotations

import html
import json

import pytest

from generator.records.names import derive_pinyin, load_surnames, other_spellings, unreadable
from generator.records.patterns import explain, first_impossible
from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet
from generator.search.query import IndexReader, Oracle
from tests.conftest import BASE
from tests.sitebuild import make_project, run_kexie

TABLE = load_surnames(PACKAGE_SCHEMAS)


@pytest.mark.parametrize(
    "name,pinyin",
    [
        ("曾国华", "Zeng Guohua"),
        ("单田芳", "Shan Tianfang"),
        ("解缙", "Xie Jin"),
        ("仇英", "Qiu Ying"),
        ("区伟", "Ou Wei"),
        ("查良镛", "Zha Liangyong"),
        ("朴树", "Piao Shu"),
        ("盖红", "Ge Hong"),
        ("缪斌", "Miao Bin"),
        ("尉缭", "Yu Liao"),
        ("乐嘉", "Yue Jia"),
        ("翟明", "Zhai Ming"),
        ("种师道", "Chong Shidao"),
        ("覃明", "Qin Ming"),
        ("召伟", "Shao Wei"),
        ("繁明", "Po Ming"),
        ("员伟", "Yun Wei"),
        ("秘伟", "Bi Wei"),
        ("万明", "Wan Ming"),
        ("沈括", "Shen Kuo"),
        ("欧阳修", "Ouyang Xiu"),
        ("司马光", "Sima Guang"),
        ("诸葛亮", "Zhuge Liang"),
        ("上官婉儿", "Shangguan Wan'er".replace("'", "")),
        ("尉迟恭", "Yuchi Gong"),
        ("万俟卨", "Moqi Xie"),
        ("长孙无忌", "Zhangsun Wuji"),
        ("令狐冲", "Linghu Chong"),
        ("东方明", "Dongfang Ming"),
        ("皇甫谧", "Huangfu Mi"),
        ("慕容复", "Murong Fu"),
        ("公孙胜", "Gongsun Sheng"),
        ("夏侯惇", "Xiahou Dun"),
        ("端木赐", "Duanmu Ci"),
        ("宇文泰", "Yuwen Tai"),
        ("司徒雷", "Situ Lei"),
        ("呼延灼", "Huyan Zhuo"),
        ("张伟", "Zhang Wei"),  # not in the table: pypinyin's reading
        ("吕一鸣", "Lü Yiming"),
        ("东方", "Dong Fang"),  # two characters: 东 is the surname, not the compound 东方
        ("阿沛·阿旺晋美", "Apei Awangjinmei"),  # a minority name: a word per part
        ("Maria Lopez", "Maria Lopez"),
        ("José García", "Jose Garcia"),
    ],
)
def test_derived_pinyin_reads_the_surname_as_a_surname(name, pinyin):
    assert derive_pinyin(name, TABLE) == pinyin


def test_other_spellings_for_search():
    assert other_spellings("曾国华", "Zeng Guohua", TABLE) == ["Ceng Guohua"]
    assert other_spellings("单田芳", "Shan Tianfang", TABLE) == ["Dan Tianfang", "Chan Tianfang"]
    assert other_spellings("曾国华", "Ceng Guohua", TABLE) == ["Zeng Guohua"]  # the record's own spelling first
    assert other_spellings("曾国华", "Tsang Kwokwah", TABLE) == []  # not a reading of the table: left alone
    assert other_spellings("张伟", "Zhang Wei", TABLE) == []
    assert other_spellings("Maria Lopez", "Maria Lopez", TABLE) == ["Lopez Maria"]
    assert other_spellings("万俟卨", "Moqi Xie", TABLE) == ["Wansi Xie", "Wanqi Xie"]


def test_surname_table_is_data_and_covers_the_issue():
    data = json.loads((PACKAGE_SCHEMAS / "surnames.json").read_text(encoding="utf-8"))
    surnames = data["surnames"]
    for s in "曾单解仇区查朴盖缪尉乐翟种覃召繁员秘万沈":
        assert s in surnames, s
    for s in ["欧阳", "司马", "诸葛", "上官", "尉迟", "万俟", "长孙", "令狐", "东方", "皇甫", "慕容", "公孙", "夏侯", "端木", "宇文", "司徒", "呼延"]:
        assert s in surnames and len(surnames[s][0].split()) == 2, s
    for readings in surnames.values():
        assert readings and all(r == r.lower() and r.replace(" ", "").replace("ü", "").isalpha() for r in readings)


def test_unreadable_characters():
    assert unreadable("王𠮷") == ["𠮷"]
    assert unreadable("王吉") == []


@pytest.mark.parametrize(
    "value,ok",
    [
        ("王𠮷", True),  # Ext B
        ("李\U0002a700", True),  # Ext C
        ("李\U0002b740", True),  # Ext D
        ("李\U0002b820", True),  # Ext E
        ("李\U0002ceb0", True),  # Ext F
        ("李\U00030000", True),  # Ext G
        ("李\U00031350", True),  # Ext H
        ("李\u3400", True),  # Ext A
        ("李\u9fa6", True),
        ("﨑山", True),  # U+FA11: a unified ideograph inside the compatibility block
        ("阿沛·阿旺晋美", True),
        ("Maria Lopez", True),
        ("José García", True),
        ("Jean-Luc O’Neil", True),
        ("J. R. Smith", True),
        ("Zoë Ångström", True),
        ("\uf9e1娜", False),  # a compatibility ideograph
        ("李\U0002f800", False),  # compatibility supplement
        ("阿沛•阿旺晋美", False),
        ("阿沛・阿旺晋美", False),
        ("·阿沛", False),
        ("阿沛·", False),
        ("Maria 洛佩兹", False),
        ("Maria  Lopez", False),
        (" Maria", False),
        ("王", False),  # one character
        ("A", False),  # one letter
        ("阿沛··阿旺", False),
    ],
)
def test_name_pattern(value, ok):
    schemas = SchemaSet(PACKAGE_SCHEMAS)
    name = schemas.field_schema("expert", ("name",))
    valid = schemas.fast_validator("expert").is_valid  # the compiled validator must agree with python-jsonschema
    record = {"id": "x-y", "name": value, "title": "教授", "affiliation": "单位", "disciplines": ["430"],
              "consent": {"publish": True, "date": "2016-01-01"}, "owner": "kexie"}
    assert valid(record) is ok
    assert (not list(schemas.validator("expert").iter_errors(record))) is ok
    if not ok and 2 <= len(value):
        assert first_impossible(name["pattern"], value) is not None


def test_pattern_explanations_name_the_character_and_a_valid_fix():
    schemas = SchemaSet(PACKAGE_SCHEMAS)
    name = schemas.field_schema("expert", ("name",))
    assert explain(name["pattern"], "阿沛•阿旺晋美", name) == (
        "，第 3 个字符“•”（U+2022 项目符号）不能出现在这里，应为“·”（U+00B7）：请改为“阿沛·阿旺晋美”"
    )
    assert explain(name["pattern"], "\uf9e1娜", name) == (
        "，第 1 个字符“\uf9e1”（U+F9E1 兼容汉字）不能出现在这里，应为“\u674e”（U+674E）：请改为“\u674e娜”"
    )
    date = schemas.field_schema("workstation", ("established",))
    assert explain(date["pattern"], "2016-03", date) == "，到结尾还不完整"
    assert explain(date["pattern"], "2016 -03-01", date) == "，第 5 个字符“ ”（U+0020 空格）不能出现在这里：请改为“2016-03-01”"


# ---------------------------------------------------------------- a real site, searched


EXPERT = """# yaml-language-server: $schema=../../schemas/expert.schema.json
id: {id}
name: {name}
{pinyin}title: 教授
affiliation: 浙江示例大学
disciplines:
  - "430"
consent:
  publish: true
  date: "2016-03-01"
owner: hz-materials
"""

PEOPLE = {
    "zeng-guohua": ("曾国华", None),
    "ouyang-xiu": ("欧阳修", None),
    "shan-tianfang": ("单田芳", None),
    "wang-ji": ("王𠮷", "Wang Ji"),
    "apei-awangjinmei": ("阿沛·阿旺晋美", None),
    "maria-lopez": ("Maria Lopez", None),
    "jose-garcia": ("José García", None),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = make_project(BASE / "records", "names")
    for eid, (name, pinyin) in PEOPLE.items():
        (project / "records" / "experts" / f"{eid}.yaml").write_text(
            EXPERT.format(id=eid, name=name, pinyin=f"pinyin: {pinyin}\n" if pinyin else ""), encoding="utf-8"
        )
    out = tmp_path_factory.mktemp("names") / "site"
    validate = run_kexie("validate", cwd=project)
    result = run_kexie("build", "--out", str(out), cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return validate, out


def test_validate_accepts_every_name_and_warns_about_polyphonic_surnames(built):
    validate, _ = built
    assert validate.returncode == 0, validate.stdout
    warnings = [line for line in validate.stdout.splitlines() if ": 警告: " in line]
    assert [w.split(":")[0] + " " + w.rsplit("[", 1)[1] for w in warnings] == [
        "records/experts/shan-tianfang.yaml pinyin-surname]",
        "records/experts/zeng-guohua.yaml pinyin-surname]",
    ]
    assert "`pinyin: Zeng Guohua`" in warnings[1]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("zeng", ["zeng-guohua"]),
        ("ceng", ["zeng-guohua"]),  # the other reading of 曾 finds the same person
        ("zeng guohua", ["zeng-guohua"]),
        ("cengguohua", ["zeng-guohua"]),
        ("zgh", ["zeng-guohua"]),
        ("ouyang", ["ouyang-xiu"]),
        ("ouyangxiu", ["ouyang-xiu"]),
        ("oyx", ["ouyang-xiu"]),
        ("shantianfang", ["shan-tianfang"]),
        ("dantianfang", ["shan-tianfang"]),
        ("王𠮷", ["wang-ji"]),
        ("𠮷", ["wang-ji"]),
        ("wangji", ["wang-ji"]),
        ("阿旺晋美", ["apei-awangjinmei"]),
        ("apei", ["apei-awangjinmei"]),
        ("Maria Lopez", ["maria-lopez"]),
        ("maria", ["maria-lopez"]),
        ("lopez", ["maria-lopez"]),
        ("José", ["jose-garcia"]),
        ("García", ["jose-garcia"]),
        ("garcia", ["jose-garcia"]),
        ("jose garcia", ["jose-garcia"]),
    ],
)
def test_search_finds_every_name_by_every_spelling(built, query, expected):
    _, out = built
    reader = IndexReader(out / "search")
    docs = reader.match(query, scope=reader.manifest["experts"])  # the directory: experts only
    assert reader.ids(docs) == expected
    documents = json.loads((out / "api" / "experts.json").read_text(encoding="utf-8"))
    assert {e["id"] for e in documents} >= set(PEOPLE)


def test_pages_show_names_as_written(built):
    _, out = built
    from tests.sitebuild import read_page

    for eid, (name, _) in PEOPLE.items():
        page = read_page(out / "experts" / eid / "index.html")
        assert html.escape(name, quote=False) in page, eid
    zeng = read_page(out / "experts" / "zeng-guohua" / "index.html")
    assert '<p class="kx-pinyin" lang="zh-Latn">Zeng Guohua</p>' in zeng
    ouyang = read_page(out / "experts" / "ouyang-xiu" / "index.html")
    assert '<p class="kx-pinyin" lang="zh-Latn">Ouyang Xiu</p>' in ouyang
    maria = read_page(out / "experts" / "maria-lopez" / "index.html")
    assert "kx-pinyin" not in maria  # a Latin name is its own romanisation
    rows = {e["id"]: e for e in json.loads((out / "api" / "experts.json").read_text(encoding="utf-8"))}
    assert rows["zeng-guohua"]["pinyin"] == "Zeng Guohua" and rows["jose-garcia"]["name"] == "José García"


def test_oracle_agrees_with_the_index_on_other_spellings(built):
    _, out = built
    docs = [
        {"id": eid, "name": name, "pinyin": derive_pinyin(name, TABLE) if p is None else p,
         "pinyin_also": other_spellings(name, derive_pinyin(name, TABLE) if p is None else p, TABLE)}
        for eid, (name, p) in PEOPLE.items()
    ]
    oracle = Oracle(docs)
    reader = IndexReader(out / "search")
    for q in ["ceng", "dan", "chan", "lopez", "garcia", "zgh", "cgh", "lm"]:
        found = set(reader.ids(reader.match(q, scope=reader.manifest["experts"]))) & set(PEOPLE)
        assert found == oracle.ids(q), q


@pytest.mark.parametrize(
    "pinyin,ok",
    [("Zeng Guohua", True), ("Shangguan Wan'er", True), ("Xi’an Li", True), ("Lü Ming", True), ("Zhang  Wei", False),
     ("Zhang", False), ("'Zhang Wei", False)],
)
def test_pinyin_pattern_accepts_the_syllable_apostrophe(pinyin, ok):
    schemas = SchemaSet(PACKAGE_SCHEMAS)
    record = {"id": "x-y", "name": "上官婉儿", "pinyin": pinyin, "title": "教授", "affiliation": "单位",
              "disciplines": ["430"], "consent": {"publish": True, "date": "2016-01-01"}, "owner": "kexie"}
    assert schemas.fast_validator("expert").is_valid(record) is ok
    assert (not list(schemas.validator("expert").iter_errors(record))) is ok
