#!/usr/bin/env python3
"""Search quality and cost of the directory index against the substring oracle.

    python bench/search_quality.py                     # 150 experts (the demo size)
    python bench/search_quality.py --experts 10000     # the scale target
    python bench/search_quality.py --experts 10000 --bio-chars 300 --words dict.txt   # ~300-char bios
    python bench/search_quality.py --experts 10000 --json bench/results/search-10000.json

Experts come from bench/synthetic.py (the same generator as the demo records) converted the way
generator.site.fragments.search_documents converts the model; `--source builtin` uses a small
generator in this file instead. The index is built with generator.search.index, then every query
is run by IndexReader (the Python twin of directory.js) reading the written files, and scored against
search_query.Oracle (a plain scan of the same fields):

    precision = found ∩ oracle / found, recall = found ∩ oracle / oracle (summed over a class's queries)

Bytes per query = bytes of index files a fresh page fetches for the query after start-up (manifest.json
and facets.json, which the page loads once), plus the cards of the first result page (`+cards`).
Build time: the fastest of --builds runs (wall clock; cpu of this process is shown too — from 2,000
experts on a forked helper process inverts half of the docs, see search_index._Inversion).
Everything is seeded: the same arguments give the same queries and numbers (timings aside).
Exit status 1 if any class is below precision or recall 1.00.
"""
from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.search.index import build_search_index  # noqa: E402
from generator.search.query import IndexReader, Oracle  # noqa: E402
from generator.search.text import (  # noqa: E402
    DEFAULT_CARD_BLOCK,
    DEFAULT_SHARD_BYTES,
    FIELDS,
    PAGE_SIZE,
    normalize,
    pinyin_syllables,
)

HAN_RUN = re.compile("[\u4e00-\u9fff]{2,}")


# ---------------------------------------------------------------- experts


def from_synthetic(n: int, seed: int | None = None) -> list[dict]:
    """n published experts of bench/synthetic.py → search documents (as fragments.search_documents makes them)."""
    from bench.synthetic import SEED, Synth
    from generator.model.bio import plain_text
    from generator.model.public import derive_pinyin

    # about 5 % of the generated experts do not consent to publication: generate a few more
    recs = Synth(math.ceil(n * 1.07), seed if seed is not None else SEED).build()
    vocab = json.loads((ROOT / "schemas" / "vocab.schema.json").read_text("utf-8"))["$defs"]
    disc = vocab["discipline"]["x-labels"]
    honour = vocab["honour"]["x-labels"]
    societies = {s["id"]: s["name"] for s in recs["society"]}
    out = []
    for e in recs["expert"]:
        if not e["consent"]["publish"]:
            continue
        socs = [s["society"] for s in e.get("societies") or []]
        out.append(
            {
                "id": e["id"],
                "url": f"experts/{e['id']}/",
                "name": e["name"],
                "pinyin": e.get("pinyin") or derive_pinyin(e["name"]),
                "title": e["title"],
                "affiliation": e["affiliation"],
                "district": e.get("district") or "",
                "disciplines": [disc[c] for c in e["disciplines"]],
                "discipline_codes": list(e["disciplines"]),
                "industries": list(e.get("industries") or []),
                "societies": [societies.get(s, s) for s in socs],
                "society_ids": socs,
                "honours": [honour[h] for h in e.get("honours") or []],
                "bio": plain_text(e.get("bio") or ""),
            }
        )
    return out[:n]


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤欧阳"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩凯俊峰晨燕琳颖倩婷雪梅慧宁波斌志国立海林松晓东亮鑫帆昊然博睿瑞佳欣怡晶晗嘉祺一鸣子涵雨彤思远振宏卫民春秋旭阳"
UNITS = ["浙江大学", "杭州电子科技大学", "浙江工业大学", "中国科学院大学", "杭州师范大学", "浙江中医药大学", "浙江农林大学"]
SCHOOLS = ["材料科学与工程学院", "计算机科学与技术学院", "医学院", "化学工程学院", "机械工程学院", "经济学院", "环境与资源学院"]
TOPICS = ["新材料", "集成电路", "人工智能", "生物医药", "智能制造", "大数据", "物联网", "新能源汽车", "环境治理", "数字经济",
          "精准医学", "中医药", "水污染控制", "高分子材料", "5G通信", "机器学习", "AI芯片", "区块链", "食品安全", "城市规划"]
PHRASES = ["长期从事{0}和{1}方面的研究", "主持国家自然科学基金项目{n}项", "发表SCI论文{n}十余篇", "获浙江省科学技术进步奖",
           "担任《{0}》期刊编委", "致力于推动科研成果转化", "在{0}领域具有丰富经验", "兼任中国科学院{1}研究所客座研究员",
           "指导研究生{n}十名", "参与制定{0}行业标准", "多次深入企业开展技术服务"]


def builtin(n: int, seed: int = 20150603) -> list[dict]:
    """A small stand-alone generator (names, units, bios of ~300 characters with some latin words)."""
    from pypinyin import lazy_pinyin

    r = random.Random(seed)
    vocab = json.loads((ROOT / "schemas" / "vocab.schema.json").read_text("utf-8"))["$defs"]
    disc = list(vocab["discipline"]["x-labels"].items())
    inds, dists = vocab["industry"]["enum"], vocab["district"]["enum"]
    honours = list(vocab["honour"]["x-labels"].values())
    socs = [(f"soc-{i}", f"杭州市{r.choice(TOPICS)}学会") for i in range(max(5, n // 60))]
    out, ids = [], set()
    for i in range(n):
        sur = "欧阳" if r.random() < 0.01 else r.choice(SURNAMES[:-2])
        given = "".join(r.choice(GIVEN) for _ in range(r.choice((1, 2, 2))))
        name = sur + given
        syl = lazy_pinyin(name)
        eid, k = "-".join([syl[0], "".join(syl[1:])]), 1
        while eid in ids:
            k += 1
            eid = f"{syl[0]}-{''.join(syl[1:])}-{k}"
        ids.add(eid)
        ds = r.sample(disc, r.randint(1, 3))
        my_socs = r.sample(socs, r.randint(0, 2))
        bio = []
        while sum(len(b) for b in bio) < 300:
            bio.append(r.choice(PHRASES).format(r.choice(TOPICS), r.choice(TOPICS), n=r.randint(2, 9)))
        out.append(
            {
                "id": eid,
                "url": f"experts/{eid}/",
                "name": name,
                "pinyin": f"{syl[0].capitalize()} {''.join(syl[1:]).capitalize()}",
                "title": r.choice(["教授", "研究员", "高级工程师", "主任医师", "副教授"]),
                "affiliation": r.choice(UNITS) + r.choice(SCHOOLS),
                "district": r.choice(dists + [""]),
                "disciplines": [label for _, label in ds],
                "discipline_codes": [code for code, _ in ds],
                "industries": r.sample(inds, r.randint(0, 2)),
                "societies": [s[1] for s in my_socs],
                "society_ids": [s[0] for s in my_socs],
                "honours": [r.choice(honours)] if r.random() < 0.05 else [],
                "bio": f"{name}，" + "，".join(bio) + "。",
            }
        )
    return out


def _word_list(kind: str, words_file: Path | None) -> tuple[list[str], list[float] | None]:
    if kind == "zipf":
        if words_file is None:
            try:  # jieba's dictionary, if jieba happens to be importable (do not install it into the
                import jieba  # site's venv: mkdocs-material's search would start segmenting with it)

                words_file = Path(jieba.__file__).parent / "dict.txt"
            except ImportError:
                pass
        if words_file is not None:
            words, weights = [], []
            with open(words_file, encoding="utf-8") as f:
                for line in f:
                    word, freq = line.split(" ")[:2]
                    if HAN_RUN.fullmatch(word) or len(word) == 1 and "\u4e00" <= word <= "\u9fff":
                        words.append(word)
                        weights.append(float(freq))
            return words, weights
        print("no word frequency list (--words, e.g. jieba's dict.txt); padding with uniform words", file=sys.stderr)
    from pypinyin.phrases_dict import phrases_dict

    return sorted(w for w in phrases_dict if 2 <= len(w) <= 4), None


def pad_bios(experts: list[dict], chars: int, kind: str = "zipf", seed: int = 11, words_file: Path | None = None) -> None:
    """Lengthen every bio to at least `chars` characters with sentences of 3-7 random words.

    zipf: words drawn by corpus frequency from a "word frequency …" list such as jieba's dict.txt
    (349,000 words): common words repeat, as in real text; uniform: words drawn uniformly from
    pypinyin's 47,000 phrases. Random word sequences make far more distinct bigrams than real bios
    do, so both are pessimistic for index size and build time."""
    words, weights = _word_list(kind, words_file)
    r = random.Random(seed)
    cum = list(itertools.accumulate(weights)) if weights else None
    for e in experts:
        bio = e["bio"]
        while len(bio) < chars:
            picked = r.choices(words, cum_weights=cum, k=r.randint(3, 7)) if cum else [r.choice(words) for _ in range(r.randint(3, 7))]
            bio += "".join(picked) + r.choice("，。；、")
        e["bio"] = bio


# ---------------------------------------------------------------- queries


FIXED = {
    "bio-2": ["材料", "学院", "制造", "编委", "研究", "医学", "工程", "专利", "技术", "杭州", "信息", "服务"],
    "word-3": ["科学院", "研究员", "工程师", "研究所", "医学院", "委员会", "科技奖", "工程院"],
    "long": ["集成电路", "中国工程院院士", "材料科学与工程学院", "人工智能", "浙江大学", "科学技术进步奖"],
}


def make_queries(experts: list[dict], per_class: int, seed: int = 7) -> dict[str, list[str]]:
    r = random.Random(seed)
    texts = [normalize(e["bio"]) for e in experts]
    runs = [m for t in texts for m in HAN_RUN.findall(t)]

    def substrings(k, n):
        pool = [run for run in runs if len(run) >= k]
        out = []
        for _ in range(n):
            run = r.choice(pool)
            i = r.randrange(len(run) - k + 1)
            out.append(run[i : i + k])
        return out

    sample = r.sample(experts, min(per_class, len(experts)))
    two_char_given = [e["name"][1:] for e in sample if len(e["name"]) == 3]
    one_char_given = [e["name"][-1] for e in sample if len(e["name"]) == 2]
    syl = [pinyin_syllables(e["name"], e["pinyin"]) for e in sample]
    words = sorted({
        w for e in experts for f in FIELDS
        for w in re.findall("[a-z0-9]+", normalize(" ".join(e[f] if isinstance(e[f], list) else [e[f]])))
    })
    q = {
        "bio-2 (2-char words)": FIXED["bio-2"] + substrings(2, per_class),
        "word-3 (3-char words)": FIXED["word-3"] + substrings(3, per_class),
        "long (4-9 chars)": FIXED["long"] + [s for k in range(4, 10) for s in substrings(k, max(1, per_class // 6))],
        "full name": [e["name"] for e in sample],
        "given name (2 chars)": two_char_given,
        "given name (1 char, name only)": one_char_given,
        "surname (1 char, name only)": [e["name"][0] for e in sample],
        "pinyin full (zhangwei)": ["".join(s) for s in syl],
        "pinyin spaced (zhang wei)": [f"{s[0]} {''.join(s[1:])}" for s in syl],
        "pinyin initials (zw)": ["".join(x[0] for x in s) for s in syl],
        "pinyin prefix (zhangw)": ["".join(s)[: len(s[0]) + 1] for s in syl],
        "two terms (AND)": [f"{e['name'][0]} {e['title']}" for e in sample[: per_class // 2]]
        + [f"{a} {b}" for a, b in zip(substrings(2, per_class // 2), substrings(3, per_class // 2))],
        "full-width / mixed case": ["ＺＨＡＮＧ", "Ｚｈａｎｇ Ｗｅｉ", "ZW", "５Ｇ", "AI"],
    }
    if words:
        q["latin words (5g, ai)"] = r.sample(words, min(per_class, len(words)))
    return q


# ---------------------------------------------------------------- run


def run(experts: list[dict], out_dir: Path, per_class: int, show: int, builds: int = 3, **options) -> dict:
    walls, cpus = [], []
    for _ in range(builds):  # the machine may be shared: the best of a few runs is the honest cost
        t0, c0 = time.perf_counter(), time.process_time()  # cpu: this process only (not a forked helper)
        stats = build_search_index(experts, out_dir, **options)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    build_s = min(walls)
    sizes = sorted((p.stat().st_size, str(p.relative_to(out_dir))) for p in out_dir.rglob("*.json"))
    by_kind = {}
    for size, rel in sizes:
        kind = rel.split("/")[0] if "/" in rel else rel
        n, b, mx = by_kind.get(kind, (0, 0, 0))
        by_kind[kind] = (n + 1, b + size, max(mx, size))

    oracle = Oracle(experts)
    queries = make_queries(experts, per_class)
    base = IndexReader(out_dir)
    base.get("facets.json")
    startup_cache = dict(base._cache)
    startup = sum(b for _, b in base.fetched)
    first_page = base.search("")  # the default view also loads the first page of cards
    startup_with_cards = sum(b for _, b in base.fetched)

    classes = {}
    all_index, all_cards, all_ms = [], [], []
    for cls, qs in queries.items():
        tp = fp = fn = 0
        worst = []
        for q in qs:
            reader = IndexReader.__new__(IndexReader)
            reader.dir, reader._cache, reader.fetched, reader._facet_sets = out_dir, dict(startup_cache), [], None
            reader.manifest = startup_cache["manifest.json"]
            t1 = time.perf_counter()
            docs = reader.match(q)
            ms = (time.perf_counter() - t1) * 1000
            index_bytes = sum(b for _, b in reader.fetched)
            reader.fetched.clear()
            reader.search(q)
            card_bytes = sum(b for _, b in reader.fetched)
            found = set(reader.ids(docs)) if docs is not None else set()
            truth = oracle.ids(q)
            tp += len(found & truth)
            fp += len(found - truth)
            fn += len(truth - found)
            all_index.append(index_bytes)
            all_cards.append(index_bytes + card_bytes)
            all_ms.append(ms)
            if found != truth:
                worst.append((q, len(found), len(truth)))
        classes[cls] = {
            "queries": len(qs),
            "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
            "recall": round(tp / (tp + fn), 4) if tp + fn else 1.0,
            "hits_per_query": round((tp + fp) / len(qs), 1) if qs else 0,
            "mismatches": worst[:show],
        }
    return {
        "experts": len(experts),
        "build_seconds": round(build_s, 3),
        "build_wall_seconds_each": [round(w, 3) for w in walls],
        "build_cpu_seconds_each": [round(c, 3) for c in cpus],
        "stats": stats,
        "files_by_kind": {k: {"files": n, "bytes": b, "max": mx} for k, (n, b, mx) in sorted(by_kind.items())},
        "startup_bytes": startup,
        "startup_with_first_page_bytes": startup_with_cards,
        "first_page_total": first_page["total"],
        "per_query_index_bytes": {"median": statistics.median(all_index), "p90": sorted(all_index)[int(0.9 * (len(all_index) - 1))], "max": max(all_index)},
        "per_query_with_cards_bytes": {"median": statistics.median(all_cards), "p90": sorted(all_cards)[int(0.9 * (len(all_cards) - 1))], "max": max(all_cards)},
        "python_query_ms": {"median": round(statistics.median(all_ms), 2), "max": round(max(all_ms), 2)},
        "page_size": PAGE_SIZE,
        "classes": classes,
    }


def report(res: dict) -> str:
    kb = lambda b: f"{b / 1024:,.1f} kB"  # noqa: E731
    lines = [
        f"experts: {res['experts']}   build: {res['build_seconds']:.2f} s (runs: wall "
        f"{', '.join(f'{w:.2f}' for w in res['build_wall_seconds_each'])}; cpu "
        f"{', '.join(f'{c:.2f}' for c in res['build_cpu_seconds_each'])})   files: {res['stats']['files']}   "
        f"total: {kb(res['stats']['bytes'])}   shards: {res['stats']['shards']} (+{res['stats']['big_keys']} large keys)",
        "files: " + ", ".join(f"{k} {v['files']} × ≤{kb(v['max'])} = {kb(v['bytes'])}" for k, v in res["files_by_kind"].items()),
        f"start-up: {kb(res['startup_bytes'])} (manifest + facets), with the first page of cards {kb(res['startup_with_first_page_bytes'])}",
        f"per query (index files): median {kb(res['per_query_index_bytes']['median'])}, p90 {kb(res['per_query_index_bytes']['p90'])}, "
        f"max {kb(res['per_query_index_bytes']['max'])}",
        f"per query (+ cards of the first {res['page_size']} results): median {kb(res['per_query_with_cards_bytes']['median'])}, "
        f"p90 {kb(res['per_query_with_cards_bytes']['p90'])}, max {kb(res['per_query_with_cards_bytes']['max'])}",
        f"python query time: median {res['python_query_ms']['median']} ms, max {res['python_query_ms']['max']} ms",
        "",
        f"{'class':34} {'queries':>7} {'precision':>9} {'recall':>7} {'hits/q':>8}",
    ]
    for cls, c in res["classes"].items():
        lines.append(f"{cls:34} {c['queries']:>7} {c['precision']:>9.2f} {c['recall']:>7.2f} {c['hits_per_query']:>8}")
        for q, f, t in c["mismatches"]:
            lines.append(f"    mismatch {q!r}: found {f}, oracle {t}")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experts", type=int, default=150)
    ap.add_argument("--source", choices=["synthetic", "builtin"], default="synthetic")
    ap.add_argument("--queries", type=int, default=60, help="sampled queries per class (plus fixed ones)")
    ap.add_argument("--bio-chars", type=int, default=0, help="pad bios to at least this many characters (see pad_bios)")
    ap.add_argument("--pad", choices=["zipf", "uniform"], default="zipf", help="words to pad with (see pad_bios)")
    ap.add_argument("--words", type=Path, help="word frequency list for --pad zipf (e.g. jieba's dict.txt)")
    ap.add_argument("--out", type=Path, help="keep the index here (default: a temporary folder)")
    ap.add_argument("--json", type=Path, help="also write the results as JSON")
    ap.add_argument("--show", type=int, default=5, help="mismatching queries to list per class")
    ap.add_argument("--builds", type=int, default=3, help="build this many times; report the fastest")
    ap.add_argument("--shard-bytes", type=int, default=DEFAULT_SHARD_BYTES, help="target size of an index shard")
    ap.add_argument("--card-block", type=int, default=DEFAULT_CARD_BLOCK, help="cards per card file")
    ap.add_argument("--jobs", type=int, help="processes for the build (default: as build_search_index decides)")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    if args.source == "synthetic":
        try:
            experts = from_synthetic(args.experts)
        except Exception as exc:  # the generator is another module; fall back rather than fail
            print(f"bench/synthetic.py unusable ({exc!r}); using the built-in generator", file=sys.stderr)
            experts = builtin(args.experts)
    else:
        experts = builtin(args.experts)
    if args.bio_chars:
        pad_bios(experts, args.bio_chars, args.pad, words_file=args.words)
    gen_s = time.perf_counter() - t0
    bio = statistics.mean(len(e["bio"]) for e in experts)
    print(f"generated {len(experts)} experts ({args.source}, mean bio {bio:.0f} characters) in {gen_s:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "search"
        res = run(experts, out, args.queries, args.show, args.builds,
                  shard_bytes=args.shard_bytes, card_block=args.card_block, jobs=args.jobs)
    res["source"] = args.source
    res["bio_chars_min"] = args.bio_chars
    res["pad"] = args.pad if args.bio_chars else None
    res["bio_chars_mean"] = round(bio)
    print(report(res))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8")
    bad = [c for c, v in res["classes"].items() if v["precision"] < 1 or v["recall"] < 1]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
