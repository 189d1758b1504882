"""The directory's search index (generator/site/search_index.py) and its browser twin (directory.js).

Every query class of the issue must find exactly what a plain substring scan finds (search_query.Oracle):
2-character words, 3-character words that must not match their two halves apart (科学院), full names,
given names, surnames (name only), pinyin joined / spaced / initials, latin words, AND of terms.
The browser tests run directory.js in Debian's Chromium on the same files and require the very
same answers as the Python reader, then drive the page (typing, facets, URL state, hostile text).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import random
import shutil
import threading
from pathlib import Path

import pytest

from generator.search.index import build_search_index
from generator.search.query import IndexReader, Oracle, parse_query, query_index
from generator.search.segments import segment_scores
from generator.search.text import FIELDS, decode_numbers, decode_postings, enc, pinyin_syllables

REPO = Path(__file__).resolve().parent.parent
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_AFFILIATION = '"><img src=x onerror=alert(2)>单位'


def expert(eid, name, pinyin, *, title="教授", affiliation="", district="", disciplines=(), codes=(),
           industries=(), societies=(), society_ids=(), honours=(), bio="", url=None):
    return {
        "id": eid,
        "url": url if url is not None else f"experts/{eid}/",
        "name": name,
        "pinyin": pinyin,
        "title": title,
        "affiliation": affiliation,
        "district": district,
        "disciplines": list(disciplines),
        "discipline_codes": list(codes),
        "industries": list(industries),
        "societies": list(societies),
        "society_ids": list(society_ids),
        "honours": list(honours),
        "bio": bio,
    }


EXPERTS = [
    expert("zhang-wei", "张伟", "Zhang Wei", affiliation="浙江大学材料科学与工程学院", district="西湖区",
           disciplines=["材料科学"], codes=["430"], industries=["先进装备制造"],
           societies=["杭州市材料学会"], society_ids=["hz-cailiao"], bio="长期从事高分子材料研究。"),
    expert("zhang-weiming", "张伟明", "Zhang Weiming", title="副教授", affiliation="杭州电子科技大学计算机学院",
           district="滨江区", disciplines=["计算机科学技术"], codes=["520"], industries=["信息软件"],
           bio="从事人工智能与5G通信研究，担任《计算机学报》编委。"),
    expert("wang-jianguo", "王建国", "Wang Jianguo", title="研究员", affiliation="中国科学院大学",
           disciplines=["物理学"], codes=["140"], honours=["中国科学院院士"], bio="中国科学院院士，研究凝聚态物理。"),
    expert("ouyang-xiu", "欧阳修", "Ouyang Xiu", affiliation="浙江工业大学化学工程学院", district="下城区",
           disciplines=["化学工程"], codes=["530"], industries=["节能环保"],
           societies=["杭州市材料学会"], society_ids=["hz-cailiao"], bio="科学研究与学院建设并重。"),
    expert("shan-wei", "单伟", "Shan Wei", title="主任医师", affiliation="杭州城东医院心血管内科", district="西湖区",
           disciplines=["临床医学"], codes=["320"], industries=["医疗卫生"], bio="擅长心血管疾病诊治，张伟教授的合作者。"),
    expert("lv-yiming", "吕一鸣", "Lü Yiming", title="高级工程师", affiliation="杭州华腾信息技术有限公司",
           district="余杭区", disciplines=["电子与通信技术"], codes=["510"], industries=["信息软件"],
           bio="ＡＩ芯片与ＩＥＥＥ标准研究（全角字母）。"),
    expert("xie-e", "谢娥", "Xie E", title=HOSTILE_TITLE, affiliation=HOSTILE_AFFILIATION, district="拱墅区",
           disciplines=["法学"], codes=["820"], bio="<b>粗体</b>与</script>闭合标签 javascript:alert(3)"),
    expert("dilireba", "迪丽热巴·迪力木拉提", "Dilireba Dilimulati", title="讲师", affiliation="新疆大学生命科学学院",
           disciplines=["生物学"], codes=["180"], bio="研究干旱区植物。"),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("idx") / "search"
    build_search_index(EXPERTS, out)
    return out


def ids(out: Path, q: str) -> list[str]:
    return query_index(out, q)


# ---------------------------------------------------------------- query classes

EXACT = {
    # two characters, anywhere in the text fields
    "材料": ["zhang-wei", "ouyang-xiu"],  # affiliation/discipline/bio; a society name
    "编委": ["zhang-weiming"],
    "西湖": ["shan-wei", "zhang-wei"],  # district; same score → directory (pinyin) order
    # three characters: 科学 … 学院 apart (欧阳修's bio, 生命科学学院) is not 科学院
    "科学院": ["wang-jianguo"],
    "中国科学院院士": ["wang-jianguo"],
    # full name, also inside a longer name and in a bio; exact names rank first
    "张伟": ["zhang-wei", "zhang-weiming", "shan-wei"],
    "王建国": ["wang-jianguo"],
    "迪丽热巴": ["dilireba"],
    "迪丽热巴·迪力木拉提": ["dilireba"],
    # a given name alone
    "伟明": ["zhang-weiming"],
    "建国": ["wang-jianguo"],
    # one character: names first (same position in the name → pinyin order), then every other field
    # (单伟's bio mentions 张伟, 心血管 is in no name)
    "张": ["zhang-wei", "zhang-weiming", "shan-wei"],
    "伟": ["shan-wei", "zhang-wei", "zhang-weiming"],
    "心": ["shan-wei"],
    "擅": ["shan-wei"],
    "医": ["shan-wei"],  # 主任医师, 医院 (title, affiliation)
    # traditional characters fold to simplified (OpenCC's table), in the query and in the text
    "張偉": ["zhang-wei", "zhang-weiming", "shan-wei"],
    "陳": [],
    "歐陽修": ["ouyang-xiu"],
    "學院": ["wang-jianguo", "zhang-wei", "ouyang-xiu", "zhang-weiming", "dilireba"],
    "吕一鳴": ["lv-yiming"],
    # tone marks and ü fold away: lǚ is lv, not every L
    "zhāng wěi": ["zhang-wei", "zhang-weiming"],
    "Lǚ Yīmíng": ["lv-yiming"],
    "lǚ": ["lv-yiming"],
    "LÜ": ["lv-yiming"],
    # pinyin: joined, spaced, initials, prefixes; a polyphonic surname as the record spells it
    "zhangwei": ["zhang-wei", "zhang-weiming"],
    "zhang wei": ["zhang-wei", "zhang-weiming"],
    "Zhang Wei": ["zhang-wei", "zhang-weiming"],
    "zw": ["zhang-wei", "zhang-weiming"],
    "zwm": ["zhang-weiming"],
    "zhangweiming": ["zhang-weiming"],
    "shanwei": ["shan-wei"],
    "danwei": [],
    "lvyiming": ["lv-yiming"],
    "lü": ["lv-yiming"],
    "lym": ["lv-yiming"],
    "oyx": ["ouyang-xiu"],
    "ouyang": ["ouyang-xiu"],
    "ＺＷ": ["zhang-wei", "zhang-weiming"],
    # latin words of the text (full-width in the record, half-width in the query and vice versa)
    "ai": ["lv-yiming"],
    "ＩＥＥＥ": ["lv-yiming"],
    "5g": ["zhang-weiming"],
    "script": ["xie-e"],
    # several terms: all must match; never an OR of characters
    "材料 浙江大学": ["zhang-wei"],
    "张 副教授": ["zhang-weiming"],
    "张伟 心血管": ["shan-wei"],
    "西湖 zw": ["zhang-wei"],
    "科学 学院": ["wang-jianguo", "zhang-wei", "zhang-weiming", "ouyang-xiu", "dilireba"],  # 科学院 has both
    # field boundaries are separators: 张伟's name + title 教授 is not 伟教 (单伟's bio has it)
    "伟教": ["shan-wei"],
    "明副": [],
    "学院中": [],
    # nothing searchable / nothing found
    "··": [],
    "不存在的词": [],
}


@pytest.mark.parametrize("q, expected", list(EXACT.items()), ids=list(EXACT))
def test_query_finds_exactly_the_expected_experts(index, q, expected):
    found = ids(index, q)
    assert found == expected
    assert set(found) == Oracle(EXPERTS).ids(q)


def test_empty_query_lists_everyone_in_pinyin_order(index):
    assert ids(index, "") == ids(index, "   ") == [
        "dilireba", "lv-yiming", "ouyang-xiu", "shan-wei", "wang-jianguo", "xie-e", "zhang-wei", "zhang-weiming"
    ]


def test_query_never_becomes_an_or_of_characters():
    assert parse_query("科学院") == [("text", "科学院")]
    assert parse_query("张 伟明") == [("char", "张"), ("text", "伟明")]
    assert parse_query("zhang wei") == [("latin", "zhangwei", ("zhang", "wei"))]
    assert parse_query("  ") is None
    assert parse_query("··") == []


def test_pinyin_syllables_follow_the_characters():
    assert pinyin_syllables("张晓明", "Zhang Xiaoming") == ["zhang", "xiao", "ming"]
    assert pinyin_syllables("单伟", "Shan Wei") == ["shan", "wei"]
    assert pinyin_syllables("吕一鸣", "Lü Yiming") == ["lv", "yi", "ming"]
    assert pinyin_syllables("欧阳修", "Ouyang Xiu") == ["ou", "yang", "xiu"]
    assert pinyin_syllables("曾西安", "Zeng Xian") == ["zeng", "xi", "an"]
    assert pinyin_syllables("司马相如", "Sima Xiangru") == ["si", "ma", "xiang", "ru"]
    assert pinyin_syllables("张晓明", "Zhang Xiao Ming") == ["zhang", "xiao", "ming"]
    # not pinyin at all: the words stay whole (initials "ch")
    assert pinyin_syllables("张晓明", "Chang Hsiaoming") == ["chang", "hsiaoming"]
    assert pinyin_syllables("张伟", "") == []


def test_number_code_round_trips():
    values = [0, 1, 31, 32, 1023, 1024, 32767, 32768, 10**6, 2**31]
    assert decode_numbers("".join(enc(v) for v in values)) == values


# ---------------------------------------------------------------- files


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_is_deterministic_and_order_independent(tmp_path):
    shuffled = EXPERTS[:]
    random.Random(3).shuffle(shuffled)
    a = build_search_index(EXPERTS, tmp_path / "a")
    build_search_index(shuffled, tmp_path / "b")
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert a["files"] == len(_files(tmp_path / "a")) and a["bytes"] == sum(map(len, _files(tmp_path / "a").values()))
    assert a["docs"] == len(EXPERTS)
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text("utf-8"))
    assert manifest["version"] == 3 and manifest["docs"] == len(EXPERTS)
    assert not any(k in json.dumps(manifest) for k in ("time", "date", "built"))
    # every other file is gzip without a name or a time (bytes 3-7: flags 0, mtime 0) holding JSON
    for rel, data in _files(tmp_path / "a").items():
        if rel != "manifest.json":
            assert rel.endswith(".json.gz") and data[:8] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00", rel
            json.loads(gzip.decompress(data))


def test_two_processes_write_the_same_files(tmp_path):
    import threading

    from generator.search.index import _Inversion

    if threading.active_count() == 1:  # the forked helper only runs in a single-threaded process
        inversion = _Inversion(EXPERTS, 2)
        assert inversion.child is not None
        assert inversion.result() == _Inversion(EXPERTS, 1).result()
        assert inversion.child.exitcode == 0
    build_search_index(EXPERTS, tmp_path / "one", jobs=1)
    build_search_index(EXPERTS, tmp_path / "two", jobs=2)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_small_shards_and_own_files_give_the_same_answers(tmp_path, index):
    small = tmp_path / "small"
    stats = build_search_index(EXPERTS, small, shard_bytes=64, text_block=3)
    assert stats["shards"] > 1 and stats["big_keys"] > 0 and any((small / "x").iterdir())
    for q in EXACT:
        assert ids(small, q) == ids(index, q), q
    # rebuilding into the same folder with larger shards leaves no stale file behind
    build_search_index(EXPERTS, small)
    build_search_index(EXPERTS, tmp_path / "fresh")
    assert _files(small) == _files(tmp_path / "fresh")


def test_hostile_text_is_stored_as_data(index):
    cards = [doc["c"] for p in sorted((index / "t").glob("*.json.gz")) for doc in json.loads(gzip.decompress(p.read_bytes()))]
    row = next(r for r in cards if r[0] == "xie-e")
    assert row[3] == HOSTILE_TITLE and row[4] == HOSTILE_AFFILIATION  # as written, not escaped or stripped
    assert ids(index, "alert") == ["xie-e"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://evil.example/", "//evil.example/", "/abs/"])
def test_urls_must_be_site_relative(tmp_path, url):
    with pytest.raises(ValueError):
        build_search_index([expert("x-y", "徐一", "Xu Yi", url=url)], tmp_path / "s")


def test_duplicate_ids_are_refused(tmp_path):
    with pytest.raises(ValueError):
        build_search_index([EXPERTS[0], EXPERTS[0]], tmp_path / "s")


def test_facets_combine_or_within_and_across_groups(index):
    reader = IndexReader(index)
    res = reader.search("", {"district": ["西湖区", "滨江区"]})
    assert sorted(c["id"] for c in res["cards"]) == ["shan-wei", "zhang-wei", "zhang-weiming"]
    res = reader.search("", {"district": ["西湖区", "滨江区"], "industry": ["信息软件"]})
    assert [c["id"] for c in res["cards"]] == ["zhang-weiming"]
    # counts of a group ignore that group's own selection, and follow the query and other groups
    assert res["facets"]["district"]["余杭区"] == 1  # 吕一鸣: 信息软件 in 余杭区
    assert res["facets"]["industry"]["医疗卫生"] == 1  # 单伟 in 西湖区
    res = reader.search("材料", {})
    assert res["facets"]["society"] == {"hz-cailiao": 2}
    assert res["cards"][0]["url"] == "experts/zhang-wei/"


def test_pages(index):
    reader = IndexReader(index)
    first = reader.search("", {}, page=1, page_size=3)
    last = reader.search("", {}, page=99, page_size=3)
    assert (first["pages"], last["page"], len(last["cards"])) == (3, 3, 2)


# ---------------------------------------------------------------- the browser: directory.js

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾单吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩凯俊峰晨燕"
WORDS = ["材料", "科学院", "研究员", "集成电路", "人工智能", "生物医药", "学院", "工程", "浙江大学", "编委",
         "5G", "AI", "中国工程院院士", "杭州", "技术服务", "专利", "研究所", "信息", "医学", "制造"]
DISTRICTS = ["西湖区", "滨江区", "余杭区", "萧山区", ""]
INDUSTRIES = ["生物医药", "信息软件", "先进装备制造", "新能源"]


def generated(n=240, seed=5) -> list[dict]:
    from pypinyin import lazy_pinyin

    r = random.Random(seed)
    out = []
    for i in range(n):
        name = r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2))))
        syl = lazy_pinyin(name, v_to_u=True)
        bio = "，".join("".join(r.choice(WORDS) for _ in range(r.randint(2, 4))) for _ in range(6)) + "。"
        out.append(expert(
            f"g{i}", name, f"{syl[0].capitalize()} {''.join(syl[1:]).capitalize()}",
            affiliation=r.choice(["浙江大学", "中国科学院大学", "杭州电子科技大学"]) + r.choice(["材料学院", "医学院", "研究所"]),
            district=r.choice(DISTRICTS), disciplines=["材料科学"], codes=[r.choice(["430", "520", "320"])],
            industries=r.sample(INDUSTRIES, r.randint(0, 2)), bio=bio,
            honours=["中国工程院院士"] if r.random() < 0.05 else [],
        ))
    return out


# other spellings (issue 9): a polyphonic surname's other readings, two of one letter (盖 ge/gai: in
# p/g once, "|"-joined), a Latin name under each word; the browser must read them as Python does
SPELLINGS = [
    {**expert("zeng-guohua", "曾国华", "Zeng Guohua"), "pinyin_also": ["Ceng Guohua"]},
    {**expert("ge-hong", "盖红", "Ge Hong"), "pinyin_also": ["Gai Hong"]},
    {**expert("maria-lopez", "Maria Lopez", "Maria Lopez"), "pinyin_also": ["Lopez Maria"]},
    {**expert("jose-garcia", "José García", "Jose Garcia"), "pinyin_also": ["Garcia Jose"]},
]
SPELLING_QUERIES = ["zeng", "ceng", "cgh", "ge", "gai", "gaihong", "gh", "maria", "lopez", "lop", "lm", "garcia", "José", "García"]


def test_other_spellings_are_searched(tmp_path):
    build_search_index(EXPERTS + SPELLINGS, tmp_path / "s")
    oracle = Oracle(EXPERTS + SPELLINGS)
    for q in SPELLING_QUERIES:
        assert set(query_index(tmp_path / "s", q)) == oracle.ids(q), q
    assert query_index(tmp_path / "s", "ceng") == ["zeng-guohua"]
    assert query_index(tmp_path / "s", "gai") == ["ge-hong"]
    assert query_index(tmp_path / "s", "lop") == ["maria-lopez"]
    # 盖红 is filed once under g, both spellings in one entry; 曾国华 under z and under c
    g = json.loads(gzip.decompress((tmp_path / "s" / "p" / "g.json.gz").read_bytes()))
    assert [s for s in g["s"] if "hong" in s] == ["ge hong|gai hong"]
    c = json.loads(gzip.decompress((tmp_path / "s" / "p" / "c.json.gz").read_bytes()))
    assert "zeng guo hua|ceng guo hua" in c["s"]


def _queries(experts: list[dict]) -> list[str]:
    r = random.Random(9)
    sample = r.sample(experts, 20)
    qs = list(EXACT) + WORDS + SPELLING_QUERIES + ["", "zh", "z", "w l", "材", "研究员 浙江", "醫學", "材料科学与工程学院", "zhāng", "研"]
    # long pasted text: more keys than one query may read (checked candidates, or a partial answer)
    qs += [experts[-1]["bio"][:60], experts[-2]["bio"][:200], " ".join(WORDS[:9]), "集成电路人工智能生物医药浙江大学"]
    qs += [e["name"] for e in sample] + [e["name"][0] for e in sample] + [e["name"][1:] for e in sample]
    for e in sample:
        syl = pinyin_syllables(e["name"], e["pinyin"])
        qs += ["".join(syl), " ".join(syl), "".join(s[0] for s in syl)]
    return qs


def _chromium() -> str:
    path = os.environ.get("KEXIE_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        pytest.skip(f"no Chromium at {path} (apt-get install chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed")
    return path


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A tiny site: experts/index.html with the directory fragment, assets and search/ — served over HTTP."""
    yield from serve_directory(tmp_path_factory.mktemp("site"), EXPERTS + SPELLINGS + generated())


def serve_directory(site: Path, experts: list[dict], **options):
    """Build the index of `experts` (build_search_index options) and the directory page under site,
    serve it over HTTP while the generator runs: yields {"url", "site", "experts"}."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    stats = build_search_index(experts, site / "search", **({"shard_bytes": 2048} | options))  # several shards and own files
    assert stats["shards"] > 1 and stats["big_keys"] > 0
    env = Environment(
        loader=FileSystemLoader(REPO / "generator" / "site" / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    reader = IndexReader(site / "search")
    counts = reader.search("")["facets"]
    facets = {
        group: [{"value": v, "label": v, "count": c} for v, c in sorted(values.items()) if c]
        for group, values in counts.items()
    }
    fragment = env.get_template("directory.html").render(
        base="../", total=len(experts), facets=facets, searched=["姓名"], examples=["张伟"])
    (site / "assets").mkdir()
    shutil.copy(REPO / "site_src/assets/javascripts/search-engine.js", site / "assets/search-engine.js")
    shutil.copy(REPO / "site_src/assets/javascripts/directory.js", site / "assets/directory.js")
    shutil.copy(REPO / "site_src/assets/stylesheets/directory.css", site / "assets/directory.css")
    (site / "experts").mkdir()
    (site / "experts/index.html").write_text(
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="../assets/directory.css"><title>专家名录</title></head>'
        f'<body><div class="md-typeset">{fragment}</div>'
        '<script src="../assets/search-engine.js"></script><script src="../assets/directory.js"></script></body></html>',
        "utf-8",
    )
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}/experts/", "site": site, "experts": experts}
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    path = _chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    pg = context.new_page()
    problems = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    pg.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    pg.problems = problems
    yield pg
    context.close()
    assert problems == []


def _ready(pg, url):
    pg.goto(url)
    pg.wait_for_function("window.kexieDirectory && window.kexieDirectory.ready")
    pg.evaluate("window.kexieDirectory.ready")


JS_SEARCH = """([q, filters, page, sort]) => window.kexieDirectory.search(q, filters, page, 20, sort).then(r => ({
  docs: r.docs, total: r.total, facets: r.facets, page: r.page, pages: r.pages, marks: r.marks, partial: r.partial,
  ids: r.cards.map(c => c.id), urls: r.cards.map(c => c.url)}))"""


@pytest.mark.browser
def test_javascript_gives_the_python_answers(page, served):
    _ready(page, served["url"])
    reader = IndexReader(served["site"] / "search")
    oracle = Oracle(served["experts"])
    cases = [(q, {}, 1) for q in _queries(served["experts"])]
    cases += [("", {"district": ["西湖区"]}, 1), ("材料", {"industry": ["生物医药", "新能源"], "district": ["滨江区"]}, 1),
              ("", {}, 3), ("研究", {"honour": ["中国工程院院士"]}, 1), ("z", {"discipline": ["430"]}, 2)]
    cases += [("研究", {}, 1, "honours"), ("z", {}, 2, "pinyin"), ("材料", {"district": ["西湖区"]}, 1, "honours")]
    for case in cases:
        q, filters, pg = case[:3]
        sort = case[3] if len(case) > 3 else "relevance"
        py = reader.search(q, filters, page=pg, page_size=20, sort=sort)
        js = page.evaluate(JS_SEARCH, [q, filters, pg, sort])
        assert js["docs"] == py["docs"], q
        assert (js["marks"], js["partial"]) == (py["marks"], py["partial"]), q
        assert (js["total"], js["page"], js["pages"]) == (py["total"], py["page"], py["pages"]), q
        assert js["facets"] == py["facets"], q
        assert js["ids"] == [c["id"] for c in py["cards"]] and js["urls"] == [c["url"] for c in py["cards"]], q
        if not filters and not py["partial"]:
            assert set(reader.ids(py["docs"])) == oracle.ids(q), q


def _names(pg):
    return pg.locator(".kx-dir__name").all_text_contents()


@pytest.mark.browser
def test_typing_filtering_and_the_url(page, served):
    _ready(page, served["url"])
    total = len(served["experts"])
    assert page.locator("[data-kx-count]").text_content() == f"共 {total} 位专家"
    assert page.locator(".kx-dir__item").count() == 20 and page.locator("[data-kx-pages]").is_visible()

    page.fill("#kx-dir-q", "zwm")
    page.wait_for_function("document.querySelector('[data-kx-count]').textContent !== '共 %d 位专家'" % total)
    page.wait_for_function("!document.querySelector('.kx-dir').hasAttribute('aria-busy')")
    assert "张伟明" in _names(page)
    assert "query=zwm" in page.url
    link = page.locator(".kx-dir__name", has_text="张伟明").first
    assert link.get_attribute("href") == "../experts/zhang-weiming/"

    page.fill("#kx-dir-q", "材料")
    page.wait_for_url("**query=%E6%9D%90%E6%96%99**")
    page.locator("details[data-kx-group=district] summary").click()
    page.locator("input[data-kx-facet=district][value='西湖区']").check()
    page.wait_for_url("**district=**")
    page.wait_for_function("!document.querySelector('.kx-dir').hasAttribute('aria-busy')")
    reader = IndexReader(served["site"] / "search")
    expected = reader.search("材料", {"district": ["西湖区"]})
    assert page.locator("[data-kx-count]").text_content() == f"共 {expected['total']} 位专家"
    assert _names(page) == [c["name"] for c in expected["cards"]]
    counts = page.locator("input[data-kx-facet=district][value='滨江区'] ~ [data-kx-n]").text_content()
    assert counts == str(expected["facets"]["district"]["滨江区"])

    # back: the facet is unchecked again and the list follows
    page.go_back()
    page.wait_for_function("!document.querySelector(\"input[data-kx-facet=district][value='西湖区']\").checked")
    page.wait_for_function("!document.querySelector('.kx-dir').hasAttribute('aria-busy')")
    assert page.locator("[data-kx-count]").text_content() == f"共 {reader.search('材料')['total']} 位专家"

    # a shared URL restores the same view
    shared = served["url"] + "?query=%E6%9D%90%E6%96%99&district=%E8%A5%BF%E6%B9%96%E5%8C%BA&page=1"
    _ready(page, shared)
    assert page.input_value("#kx-dir-q") == "材料"
    assert page.locator("input[data-kx-facet=district][value='西湖区']").is_checked()
    assert _names(page) == [c["name"] for c in expected["cards"]]


@pytest.mark.browser
def test_pages_and_hostile_text(page, served):
    _ready(page, served["url"] + "?page=2")
    reader = IndexReader(served["site"] / "search")
    assert _names(page) == [c["name"] for c in reader.search("", page=2)["cards"]]
    page.get_by_role("button", name="下一页").click()
    page.wait_for_url("**page=3**")

    _ready(page, served["url"] + "?query=xie+e")
    item = page.locator(".kx-dir__item").first
    assert item.locator(".kx-dir__title").text_content() == HOSTILE_TITLE
    assert item.locator(".kx-dir__affiliation").text_content() == HOSTILE_AFFILIATION
    assert page.locator(".kx-dir__results img, .kx-dir__results script, .kx-dir__results b").count() == 0


@pytest.mark.browser
def test_a_query_fetches_only_its_shards(page, served):
    _ready(page, served["url"])
    reader = IndexReader(served["site"] / "search")
    reader.search("")  # what the page read at start-up: facets and the first page of cards
    # keys: 科学, 学院; 中国, 工程, 院院, 院士 (offsets 0, 2, 4, 5); pinyin p/z.json + the word w:zw; n:张
    for q, most in [("科学院", 4), ("中国工程院院士", 8), ("zw", 2), ("张", 2)]:
        before = {rel for rel, _ in page.evaluate("window.kexieDirectory.fetched()")}
        page.evaluate("q => window.kexieDirectory.search(q, {}, 1, 20).then(() => null)", q)
        after = {rel for rel, _ in page.evaluate("window.kexieDirectory.fetched()")}
        js = after - before
        reader.fetched.clear()
        reader.search(q, {}, page=1, page_size=20)  # the t/ files of the shown cards too
        assert js == {rel for rel, _ in reader.fetched}, q  # both keep what earlier queries fetched
        # the shard (or shard + own file) of each key, nothing else; or candidates' t/ files checked instead
        assert len({rel for rel in js if not rel.startswith("t/")}) <= most, q


# ---------------------------------------------------------------- issue 12: what pages show, bounded reads

LINKED = expert(
    "li-ming", "李明", "Li Ming", affiliation="杭州海川智能装备有限公司", bio="从事装备研究。",
    disciplines=["机械工程（460）"], codes=["460"],
) | {
    "workstations": ["钱塘计科院士专家工作站（院士专家工作站）"],
    "projects": ["岩土工程领域产学研协同机制研究（重点课题，2017）"],
    "proposals": ["关于加快数字经济发展的建议（2016）"],
    "email": "li.ming@example.org",
    "homepage": "https://example.org/liming",
}
OTHERS = [
    {"id": "hz-jike", "kind": "societies", "url": "societies/hz-jike/", "name": "杭州市计科学会", "text": ["推动计算机科学普及"]},
    {"id": "about", "kind": "pages", "url": "about/", "name": "关于", "text": ["只有本人同意公开的专家才会出现在网站"]},
]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("mixed") / "search"
    build_search_index(EXPERTS + [LINKED] + OTHERS, out)
    return out


@pytest.mark.parametrize("q", ["计科", "岩土工程", "数字经济", "2016", "example", "liming", "460", "机械工程"])
def test_every_field_the_page_shows_is_searched(mixed, q):
    assert ids(mixed, q) == ["li-ming"]
    assert Oracle(EXPERTS + [LINKED]).ids(q) == {"li-ming"}


def test_one_index_serves_the_header_box_and_the_directory(mixed):
    reader = IndexReader(mixed)
    assert reader.manifest["experts"] == len(EXPERTS) + 1
    everything = reader.match_info("计科")["docs"]
    # the society's name holds it (position 2), the expert's workstation later: best first
    assert [reader.card(d)["kind"] for d in everything] == ["societies", "experts"]
    assert reader.card(everything[0])["url"] == "societies/hz-jike/"
    assert [reader.card(d)["url"] for d in reader.match("同意公开")] == ["about/"]
    assert reader.search("同意公开")["total"] == 0  # the directory only lists experts


def test_experts_are_in_spaced_pinyin_order_so_surnames_group(tmp_path):
    people = [expert("a", "陈东欣", "Chen Dongxin"), expert("b", "程建", "Cheng Jian"), expert("c", "陈浩", "Chen Hao")]
    build_search_index(people, tmp_path / "s")
    assert ids(tmp_path / "s", "") == ["a", "c", "b"]  # chen dong xin, chen hao, cheng jian


def test_exact_pinyin_first_and_prefix_matches_marked(index):
    reader = IndexReader(index)
    info = reader.match_info("zhangwei", reader.manifest["experts"])
    assert reader.ids(info["docs"]) == ["zhang-wei", "zhang-weiming"]
    assert [info["marks"].get(d, "") for d in info["docs"]] == ["", "prefix"]
    info = reader.match_info("zhang", reader.manifest["experts"])  # a whole surname is exact
    assert not info["marks"]
    info = reader.match_info("张", reader.manifest["experts"])
    assert [info["marks"].get(d, "") for d in info["docs"]] == ["", "", "other"]


def test_reads_are_bounded_and_checked_answers_stay_exact(tmp_path, monkeypatch):
    from generator.search import query

    people = generated(300, seed=8)
    out = tmp_path / "s"
    build_search_index(people, out, shard_bytes=1024)
    oracle_ = Oracle(people)
    long_queries = [people[0]["bio"][:40], "材料科学与工程学院", "中国工程院院士 浙江大学 研究所", people[5]["bio"][:200]]
    for q in long_queries:
        reader = IndexReader(out)
        reader.get("facets.json.gz")
        reader.fetched.clear()
        info = reader.match_info(q)
        shards = [rel for rel, _ in reader.fetched if rel.startswith("i/")]
        assert len(shards) <= query.MAX_SHARDS, q
        assert sum(b for rel, b in reader.fetched if rel[0] in "ix") <= query.BUDGET, q
        if not info["partial"]:
            assert set(reader.ids(info["docs"])) == oracle_.ids(q), q
        else:
            assert oracle_.ids(q) <= set(reader.ids(info["docs"])), q  # a superset, said so on the page
    # with one shard a query, candidates are checked against their t/ files: the same answers
    monkeypatch.setattr(query, "MAX_SHARDS", 1)
    for q in ["科学院", "中国工程院院士", "材料 浙江大学", "张 研究员"]:
        info = IndexReader(out).match_info(q)
        if not info["partial"]:
            assert set(IndexReader(out).ids(info["docs"])) == oracle_.ids(q), q
    checked = 0
    for e in people[:40:4]:
        if len(e["name"]) != 3:
            continue
        q = e["name"] + " " + e["affiliation"][:4]  # two segments, one shard: the name's bigram narrows it
        reader = IndexReader(out)
        info = reader.match_info(q)
        assert not info["partial"] and set(reader.ids(info["docs"])) == oracle_.ids(q), q
        checked += any(rel.startswith("t/") for rel, _ in reader.fetched)
    assert checked  # some answers came from checking candidates, not from reading every key


def test_a_pasted_sentence_reads_at_most_the_budget(tmp_path):
    from generator.search import query

    people = generated(300, seed=8)
    build_search_index(people, tmp_path / "s", shard_bytes=4096)
    reader = IndexReader(tmp_path / "s")
    reader.get("facets.json.gz")
    reader.fetched.clear()
    reader.match_info("，".join(p["bio"][:30] for p in people[:7]))
    assert len([r for r, _ in reader.fetched if r.startswith("i/")]) <= query.MAX_SHARDS
    assert sum(b for r, b in reader.fetched if not r.startswith(("t/", "p/"))) <= query.BUDGET


def test_a_single_character_ranks_by_the_field_it_is_first_in_whether_read_or_checked(tmp_path):
    # 医 in the name, the title, the affiliation, a discipline and the bio: the name first (its
    # position), then by field in text.FIELDS order, not by where in the text it stands
    people = [
        expert("a-bio", "甲一", "Jia Yi", title="教授", bio="长期从事中医研究。" * 3),
        expert("b-disc", "乙二", "Yi Er", title="教授", disciplines=["中医学"], bio="研究。"),
        expert("c-aff", "丙三", "Bing San", title="教授", affiliation="杭州中医院", bio="研究。"),
        expert("d-title", "丁四", "Ding Si", title="主任医师", bio="研究。"),
        expert("e-name", "王医", "Wang Yi", title="教授", bio="研究。"),
    ]
    out = tmp_path / "s"
    build_search_index(people, out)
    reader = IndexReader(out)
    info = reader.match_info("医")
    assert reader.ids(info["docs"]) == ["e-name", "d-title", "c-aff", "b-disc", "a-bio"]
    assert [info["marks"].get(d, "") for d in info["docs"]] == ["", "other", "other", "other", "other"]
    # the check of candidates against their t/ files gives the same scores as the keys
    checked = reader._verify([("char", "医")], sorted(info["docs"]))
    keys = {k: decode_postings(reader.get(reader.shard_name(k))[k]) for k in ("c:医", "n:医")}
    assert checked == segment_scores(("char", "医"), keys, {})[0]
    assert sorted(checked.values())[1:] == [1000 + FIELDS.index(f) for f in ("title", "affiliation", "disciplines", "bio")]


def test_a_t2s_json_in_the_working_directory_does_not_change_folding(tmp_path):
    """OpenCC("t2s") would read ./t2s.json first: a records repository with such a file must not
    decide how search folds traditional characters (fold.opencc_converter reads the package's own)."""
    import subprocess
    import sys

    (tmp_path / "evil.txt").write_text("張\t李\n", encoding="utf-8")
    (tmp_path / "t2s.json").write_text(
        '{"name": "evil", "segmentation": {"type": "mmseg", "dict": {"type": "text", "file": "evil.txt"}},'
        ' "conversion_chain": [{"dict": {"type": "text", "file": "evil.txt"}}]}', encoding="utf-8")
    code = ("from generator.search.fold import t2s_table, opencc_converter; t = t2s_table(); "
            "print(t[ord('張')], t[ord('陳')], opencc_converter('s2t')('张'))")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            env={**__import__("os").environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["张", "陈", "張"]
