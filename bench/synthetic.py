#!/usr/bin/env python3
"""Write a fictional but realistic data set of kexie records: the demo site, or a benchmark.

    python bench/synthetic.py [--out records] [--experts 150] [--force]   # e.g. --out /tmp/synth --experts 10000

One YAML file per record, <out>/<type dir>/<id>.yaml, byte-identical on every run (seeded random.Random). All people,
units and handles are invented; mail and web addresses use example.org/.com. Funding amounts, years, eligibility and
the ban length come from the policy file; district names and their validity from the vocabulary schema.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

ROOT = Path(__file__).resolve().parent.parent
POLICY = ROOT / "records" / "policies" / "2015-2017.yaml"
TYPES = {"society": "societies", "expert": "experts", "workstation": "workstations",
         "project": "projects", "need": "needs", "proposal": "proposals"}
HEADER = "# yaml-language-server: $schema=../../schemas/{}.schema.json\n# 演示数据：虚构人物与单位\n"
SEED = 20150603
DEMO_EXPERTS = 150

# ---------------------------------------------------------------- name lists
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单"
SURNAME_PINYIN = {"曾": "zeng", "单": "shan", "覃": "qin", "仇": "qiu", "解": "xie", "查": "zha"}  # polyphonic
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红建文辉力鹏宇浩凯俊峰晨燕琳颖倩婷雪梅慧宁波斌志国立海林松晓东亮鑫帆昊然博睿瑞佳欣怡晶晗嘉祺一鸣子涵雨彤思远振宏卫民春秋旭阳"
BRANDS = ["恒远", "博远", "华腾", "瑞丰", "信达", "中正", "嘉禾", "天成", "宏图", "新锐", "启明", "创元", "众诚", "同创", "海川", "金石", "云帆", "星河", "德润", "鼎新", "致远", "汇智", "凌云", "远景", "优联", "合众", "泰和", "安澜", "瀚海", "清禾"]
VILLAGES = ["新桥", "石门", "青山", "龙门", "白沙", "溪口", "横村", "大源", "分水", "里湖", "洞桥", "长乐", "金竹", "三合", "东溪", "上塘", "桃源", "竹林"]
PARKS = (["东方", "湖畔", "新湾", "云谷", "江南", "北岸", "绿谷", "星桥"], ["科技园", "创新园", "智造园", "产业园", "科技城"])
ROADS = {"西湖": ["文三路", "天目山路", "文一西路"], "下城": ["体育场路", "环城北路"], "上城": ["解放路"], "滨江": ["江南大道"]}
PLACE_WEIGHTS = {"西湖": 6, "滨江": 5, "余杭": 5, "萧山": 5, "江干": 4, "拱墅": 3, "下城": 3, "上城": 3, "富阳": 2, "临安": 2, "桐庐": 1, "淳安": 1, "建德": 1}
UNIVERSITIES = {cat: [tuple(u.split("/")) for u in units.split()] for cat, units in {
    "eng": "浙江大学/西湖 杭州电子科技大学/江干 中国计量大学/江干 浙江工业大学/下城 浙江理工大学/江干 浙江科技学院/西湖 浙江大学城市学院/拱墅",
    "soc": "浙江大学/西湖 杭州师范大学/余杭 浙江工商大学/江干 浙江财经大学/江干 浙江传媒学院/江干",
    "med": "浙江中医药大学/滨江 浙江大学/西湖 杭州师范大学/余杭", "agri": "浙江农林大学/临安 浙江大学/西湖"}.items()}
OUTSIDE_UNIS = ["清华大学", "北京大学", "上海交通大学", "复旦大学", "南京大学", "中国科学技术大学", "中国科学院大学"]
COLLEGES = {"110": "数学科学学院", "120": "控制科学与工程学院", "140": "物理学院", "150": "化学学院", "170": "地球科学学院", "180": "生命科学学院",
            "190": "心理与行为科学系", "210": "农业与食品科学学院", "220": "林业与生物技术学院", "230": "动物科技学院", "240": "水产学院", "310": "基础医学院",
            "320": "临床医学院", "330": "公共卫生学院", "350": "药学院", "360": "中医药学院", "410": "工程师学院", "413": "自动化学院",
            "416": "生物医学工程学院", "420": "测绘与地理信息学院", "430": "材料科学与工程学院", "460": "机械工程学院", "470": "电气工程学院", "480": "能源工程学院",
            "510": "信息与电子工程学院", "520": "计算机科学与技术学院", "530": "化学工程学院", "535": "设计学院", "540": "纺织科学与工程学院",
            "550": "食品科学与工程学院", "560": "建筑工程学院", "570": "水利与海洋工程学院", "580": "交通工程学院", "610": "环境与资源学院", "620": "安全工程学院",
            "630": "管理学院", "760": "艺术学院", "790": "经济学院", "840": "社会学系", "860": "传媒学院", "880": "教育学院", "890": "体育学院",
            "910": "统计与数学学院"}
HOSPITALS = ["城东医院", "城西中心医院", "江南人民医院", "运河医院", "湖滨医院", "钱江中医院", "西溪康复医院"]
DEPTS = {"320": ["心血管内科", "呼吸内科", "普外科", "骨科", "儿科", "神经内科"], "310": ["病理科", "检验科"],
         "330": ["预防保健科", "感染管理科"], "350": ["药剂科", "临床药学室"], "360": ["中医科", "针灸推拿科"]}
# industry -> word in an invented company name; the first 13 are the plan's key industries, high-tech from 信息软件 on
IND_WORD = {"文化创意": "文化创意", "旅游休闲": "旅游发展", "金融服务": "金融信息服务", "电子商务": "电子商务", "信息软件": "信息技术",
            "先进装备制造": "智能装备", "物联网": "物联网科技", "生物医药": "生物医药", "节能环保": "环保科技", "新能源": "新能源科技",
            "战略性新兴产业": "新材料科技", "信息经济": "数据科技", "智慧经济": "智慧城市科技", "现代农业": "农业开发",
            "医疗卫生": "医疗器械", "教育": "教育科技"}
KEY_INDUSTRIES = list(IND_WORD)[:13]
HOST_UNITS = {"agricultural-base": [c + "专业合作社" for c in ["茶叶", "山核桃", "蔬菜", "草莓", "中药材", "笋竹", "食用菌"]] + ["家庭农场"],
              "hospital": ["社区卫生服务中心", "中医院", "康复医院"], "school": ["中学", "小学", "职业技术学校"], "other": ["街道社区服务中心"]}
TITLES = {"university": (["教授", "副教授", "研究员", "副研究员", "讲师"], [40, 30, 10, 12, 8]), "hospital": (["主任医师", "副主任医师"], [55, 45]),
          "enterprise": (["教授级高级工程师", "高级工程师", "工程师"], [30, 55, 15]), "institute": (["研究员", "副研究员", "高级工程师"], [40, 35, 25])}
SPECIAL_TITLES = {"护理": ["主任护师", "副主任护师"], "药学": ["主任药师", "副主任药师"], "农学": ["推广研究员", "高级农艺师"],
                  "统计": ["高级统计师", "研究员"], "金融": ["高级经济师", "研究员"]}  # by society area, outside universities
AFFIL_MIX = {"eng": (["university", "enterprise", "institute"], [50, 35, 15]), "med": (["hospital", "university", "enterprise"], [65, 25, 10]),
             "agri": (["institute", "university", "enterprise"], [40, 40, 20]), "soc": (["university", "institute", "enterprise"], [50, 30, 20])}
STATION_HOSTS = {"eng": ["enterprise"], "med": ["hospital", "hospital", "school"], "agri": ["agricultural-base"], "soc": ["school", "enterprise", "other"]}
# (field, kind, category, GB/T 13745 disciplines, industries, research directions)
SOCIETY_FIELDS = [
    ("计算机", "学会", "eng", ["520", "120"], ["信息软件", "信息经济", "电子商务"], ["云计算", "大数据分析", "人工智能", "信息安全", "软件工程"]),
    ("医", "学会", "med", ["320", "310"], ["医疗卫生", "生物医药"], ["心血管疾病诊治", "肿瘤综合治疗", "微创外科", "医学影像", "慢病管理"]),
    ("农", "学会", "agri", ["210", "180"], ["现代农业"], ["作物栽培", "种质资源", "设施农业", "植物保护", "农业信息化"]),
    ("材料", "学会", "eng", ["430", "530"], ["先进装备制造", "战略性新兴产业", "节能环保"], ["高分子材料", "磁性材料", "复合材料", "新型金属材料"]),
    ("电子", "学会", "eng", ["510", "413"], ["物联网", "信息软件", "先进装备制造"], ["集成电路设计", "嵌入式系统", "无线通信", "传感器网络"]),
    ("软件行业", "协会", "eng", ["520"], ["信息软件", "信息经济", "智慧经济"], ["软件测试", "企业信息化", "移动互联网应用", "软件项目管理"]),
    ("机械工程", "学会", "eng", ["460", "410"], ["先进装备制造"], ["数控装备", "工业机器人", "精密制造", "液压与传动"]),
    ("药", "学会", "med", ["350", "360"], ["生物医药", "医疗卫生"], ["药物制剂", "临床药学", "药物分析", "新药研发"]),
    ("环境科学", "学会", "eng", ["610", "150"], ["节能环保"], ["水污染控制", "大气污染防治", "固体废物资源化", "环境监测"]),
    ("茶叶", "学会", "agri", ["210", "550"], ["现代农业", "文化创意", "旅游休闲"], ["茶树育种", "茶叶加工", "茶文化", "茶叶质量安全"]),
    ("能源", "研究会", "eng", ["480", "470"], ["新能源", "节能环保"], ["光伏发电", "储能技术", "建筑节能", "智能电网"]),
    ("电子商务", "协会", "soc", ["520", "790", "630"], ["电子商务", "金融服务", "信息经济"], ["跨境电商", "网络营销", "电商物流", "数据运营"]),
    ("中医药", "学会", "med", ["360"], ["医疗卫生", "生物医药"], ["中医内科", "针灸推拿", "中药资源", "中医治未病"]),
    ("自动化", "学会", "eng", ["413", "460"], ["先进装备制造", "物联网"], ["过程控制", "机器视觉", "工业互联网", "智能控制"]),
    ("科普作家", "协会", "soc", ["860", "880"], ["文化创意", "教育"], ["科普创作", "科学传播", "青少年科技教育", "科普影视"]),
    ("食品科学技术", "学会", "agri", ["550"], ["现代农业", "生物医药"], ["食品安全检测", "功能食品", "农产品加工", "食品发酵"]),
    ("土木建筑", "学会", "eng", ["560"], ["节能环保", "智慧经济"], ["绿色建筑", "岩土工程", "结构抗震", "建筑信息模型"]),
    ("生物工程", "学会", "eng", ["180", "416"], ["生物医药", "战略性新兴产业"], ["基因工程", "生物制药", "酶工程", "生物发酵"]),
    ("预防医", "学会", "med", ["330"], ["医疗卫生"], ["传染病防控", "职业卫生", "营养与食品卫生", "健康教育"]),
    ("统计", "学会", "soc", ["910", "790"], ["金融服务", "信息经济"], ["统计调查", "经济预测", "数据挖掘", "抽样方法"]),
    ("林", "学会", "agri", ["220"], ["现代农业", "节能环保", "旅游休闲"], ["森林培育", "林下经济", "竹资源利用", "森林生态"]),
    ("旅游", "学会", "soc", ["790", "840"], ["旅游休闲", "文化创意"], ["智慧旅游", "乡村旅游", "旅游规划", "会展经济"]),
    ("智慧城市", "研究会", "soc", ["520", "630"], ["智慧经济", "物联网", "信息经济"], ["城市大脑", "智慧交通", "数字治理", "城市数据平台"]),
    ("护理", "学会", "med", ["320"], ["医疗卫生"], ["社区护理", "老年护理", "急危重症护理", "护理管理"]),
    ("化工", "学会", "eng", ["530", "150"], ["节能环保", "先进装备制造", "战略性新兴产业"], ["精细化工", "化工安全", "催化技术", "分离工程"]),
    ("水利", "学会", "eng", ["570"], ["节能环保", "现代农业"], ["防洪减灾", "水资源管理", "河道生态治理", "农田水利"]),
    ("测绘与地理信息", "学会", "eng", ["420", "170"], ["信息软件", "智慧经济"], ["遥感监测", "地理信息系统", "卫星导航定位", "三维建模"]),
    ("纺织工程", "学会", "eng", ["540"], ["先进装备制造", "文化创意"], ["功能纺织品", "丝绸技术", "印染工艺", "服装设计"]),
    ("金融", "研究会", "soc", ["790"], ["金融服务"], ["科技金融", "互联网金融", "风险管理", "普惠金融"]),
    ("心理", "学会", "soc", ["190"], ["教育", "医疗卫生"], ["心理健康教育", "心理咨询", "职业心理", "儿童发展心理"]),
    ("水产", "学会", "agri", ["240"], ["现代农业"], ["淡水养殖", "水产病害防治", "生态渔业", "水产品加工"]),
]
AREA = {"医": "医学", "农": "农学", "林": "林学", "药": "药学", "预防医": "预防医学", "科普作家": "科普创作", "软件行业": "软件"}
MODIFIERS = ["青年", "应用", "产业", "工程", "现代", "区域", "基础", "交叉"]  # extra societies at benchmark scale
DUTIES = ["组织开展{a}领域的学术交流和学术研讨活动", "开展{a}科学技术普及工作，提高公众科学素质", "承接政府部门委托的{a}领域科技咨询、评估和论证工作",
          "开展{a}专业技术人员继续教育和技术培训", "推动{a}科技成果转化，为企业和基层单位提供技术服务", "向党委政府反映科技工作者的意见和建议，开展决策咨询",
          "举荐{a}领域优秀科技人才，表彰奖励优秀科技成果", "编辑出版{a}领域学术资料和科普读物", "牵头建设学会科技服务站，长期服务企业和基层单位"]
HONOUR_PHRASE = {"cas-academician": "中国科学院院士。", "cae-academician": "中国工程院院士。",
                 "overseas-talent": "曾在海外知名高校和研究机构学习、工作多年，后回国来杭创新创业。"}
FOCUS = ["注重基础研究与工程应用相结合", "致力于推动科研成果在杭州企业中的转化应用", "在产学研合作方面积累了丰富经验", "多次为地方企业解决关键技术难题"]
AWARDS = ["曾获浙江省科学技术进步奖二等奖", "曾获杭州市科学技术进步奖一等奖", "获浙江省自然科学奖三等奖", "主持制定行业标准两项"]
SERVICE = ["积极参与学会组织的科技咨询和科普活动", "多次带队深入企业和基层一线开展技术服务", "长期担任企业技术顾问，帮助企业解决生产中的技术难题"]
EXTRA = ["指导培养研究生和青年技术骨干数十名，其中多人已成为企业技术负责人。", "重视科学普及，多次走进社区和中小学开展科普讲座，深受公众欢迎。",
         "先后承担多项企业委托的技术开发项目，相关成果已在省内多家企业推广应用，取得了良好的经济效益和社会效益。",
         "兼任多个省级专业委员会委员和学术期刊编委，积极参与学科建设和学术评审工作。"]
TOPIC_TITLES = {"topic-major": ["杭州市{i}产业发展战略研究", "信息经济背景下杭州{i}转型升级路径研究", "杭州建设{i}高地的对策研究"],
                "topic-key": ["{d}技术在杭州{i}领域的应用研究", "杭州市{d}关键技术需求与发展路线图研究", "{d}领域产学研协同机制研究"],
                "topic-general": ["{a}学科发展现状与趋势研究", "杭州市{a}科技人才队伍建设研究", "{d}科普工作现状调查与对策"]}
NEED_TITLES = ["{d}关键技术攻关", "寻求{d}方面的技术咨询", "{d}专业技术人才培训", "{d}技术合作与成果转化"]
PROPOSAL_TITLES = ["关于加快杭州{i}发展的建议", "关于推进{d}在{i}中应用的建议", "关于完善{a}科技人才激励机制的建议", "关于发挥学会作用服务{i}企业创新的建议"]


def slug(*parts):
    return "-".join("".join(lazy_pinyin(p)).lower() for p in parts if p)


class Synth:
    """Builds every record in memory as a plain dict; keys starting with '_' are private and not written."""

    def __init__(self, n_experts, seed=SEED):
        self.rng, self.n, self.f = random.Random(seed), n_experts, n_experts / DEMO_EXPERTS
        vocab = json.loads((ROOT / "schemas" / "vocab.schema.json").read_text("utf-8"))["$defs"]
        self.validity = {k: (date.fromisoformat(a), date.fromisoformat(b or "9999-12-31"))
                         for k, (a, b) in vocab["district"]["x-validity"].items()}
        self.policy = yaml.safe_load(POLICY.read_text("utf-8"))
        self.prog = {p["programme"]: p for p in self.policy["programmes"]}
        self.start, self.end = (date.fromisoformat(self.policy[k]) for k in ("valid_from", "valid_until"))
        self.ids, self.recs = {t: set() for t in TYPES}, {t: [] for t in TYPES}
        self.next_suffix = {}  # (kind, base id) -> first suffix not yet tried
        self.led, self.hosts = {}, set()  # society id -> service workstations it leads; host names in use
        self.surname_weights = [1 / (i + 1) ** 0.8 for i in range(len(SURNAMES))]  # 王李张刘陈 most common

    def k(self, x):  # x scaled from the demo size to the requested number of experts
        return max(1, round(x * self.f))

    def day(self, lo, hi):
        return lo + timedelta(self.rng.randint(0, (hi - lo).days))

    def new_id(self, kind, base):
        # the smallest free suffix, searched from where the last search for this base stopped: every
        # smaller one is taken and ids are never freed, so this gives the same ids as probing from 1,
        # in linear rather than quadratic time for common names (王伟 ×300 at 100,000 experts)
        base = base[:58].strip("-")
        i = self.next_suffix.get((kind, base), 1)
        while (cand := f"{base}-{i}" if i > 1 else base) in self.ids[kind]:
            i += 1
        self.next_suffix[(kind, base)] = i + 1
        self.ids[kind].add(cand)
        return cand

    def district_at(self, place, when):
        """The district name valid at `when` for a place such as 临安 (临安市 until 2017-08-31, then 临安区)."""
        return next((d for d, (a, b) in self.validity.items() if d[:-1] == place and a <= when <= b), None)

    def place(self, when):
        while not (d := self.district_at(p := self.rng.choices(*zip(*PLACE_WEIGHTS.items()))[0], when)):
            pass
        return p, d

    def published(self, soc):
        return [e for e in soc["_pool"] if e["consent"]["publish"]]

    def app_dates(self, lo, hi):
        """(applied, approved): approved within [lo, hi], applied 1-3 months earlier and not before the policy."""
        approved = self.day(max(lo, self.start + timedelta(31)), hi)
        return approved - timedelta(self.rng.randint(30, min(92, (approved - self.start).days))), approved

    def eligible(self, soc, prog, applied):
        """Not banned, inspections passed in the years before (every programme here), grade for bases."""
        cache, year = soc.setdefault("_eligible", {}), applied.year
        if (prog, year) not in cache:
            rules = self.prog[prog].get("eligibility", {})
            insp = {i["year"]: i["result"] for i in soc["inspections"]}
            ok = all(insp.get(year - k) == "合格" for k in range(1, rules.get("inspections_passed_before", 2) + 1))
            if ok and rules.get("min_grade"):
                grades = [g["grade"] for g in soc["grades"] if g["year"] <= year]
                ok = bool(grades) and grades[-1] >= rules["min_grade"]  # "3A" < "4A" as strings
            cache[(prog, year)] = ok
        return cache[(prog, year)] and not any(b["from"] <= applied <= b["until"] for b in soc.get("bans", []))

    def pick_lead(self, prog, applied, spread=True):
        """An eligible society; with spread, one that leads the fewest service stations and bases so far."""
        cands = [s for s in self.recs["society"] if self.eligible(s, prog, applied)]
        if not cands or not spread:
            return cands and self.rng.choice(cands) or None
        return min(cands, key=lambda s: (self.led.get(s["id"], 0), self.rng.random()))

    def host(self, htype, industry, place, district):
        """(full name, parts of its short name) of an invented host unit."""
        r = self.rng
        if htype == "enterprise":
            return f"杭州{''.join(parts := (r.choice(BRANDS), IND_WORD[industry]))}有限公司", parts
        if htype == "park":
            return "".join(parts := (place, r.choice(PARKS[0]), r.choice(PARKS[1]))), parts
        return district + "".join(parts := (r.choice(VILLAGES), r.choice(HOST_UNITS[htype]))), parts

    # ------------------------------------------------------------ societies and experts
    def build_societies(self):
        r, grades = self.rng, ["1A", "2A", "3A", "4A", "5A"]
        for i in range(max(25, self.n // 50)):
            field, kind, cat, discs, inds, dirs = SOCIETY_FIELDS[i % len(SOCIETY_FIELDS)]
            area = AREA.get(field, field)
            if i >= len(SOCIETY_FIELDS):  # benchmark sizes: 杭州市青年计算机研究会 and so on
                field, kind = MODIFIERS[(i // len(SOCIETY_FIELDS) - 1) % len(MODIFIERS)] + area, "研究会"
            sid = self.new_id("society", slug("hz", field, kind))
            # real societies bear names like ours: the demo ones say they are demo ones
            founded = r.randint(1956, 2010) if r.random() < 0.92 else r.randint(2012, 2014)
            gs, g = [], r.choices(grades, [3, 15, 35, 32, 15])[0]
            if r.random() < 0.9 and founded < 2011:
                gs.append({"year": r.randint(2011, 2014), "grade": g})
                if r.random() < 0.5:
                    gs.append({"year": 2016, "grade": grades[max(0, min(4, grades.index(g) + r.choice((-1, 0, 1))))]})
            self.recs["society"].append({
                "id": sid, "name": f"杭州市{field}{kind}（演示）", "kind": kind, "founded": founded, "disciplines": list(discs),
                "duties": [d.format(a=area) for d in sorted(r.sample(DUTIES, r.randint(3, 6)), key=DUTIES.index)],
                "inspections": [{"year": y, "result": "合格"} for y in range(max(2012, founded + 1), 2018)],
                "grades": gs, "website": f"https://{sid}.example.org/",
                "contact": {"address": f"杭州市{self.district_at(p := r.choice(list(ROADS)), self.end)}{r.choice(ROADS[p])}{r.randint(1, 400)}号",
                            "phone": f"0571-8{r.randrange(10 ** 7):07d}", "email": f"office@{sid}.example.org"},
                "owner": sid, "_cat": cat, "_ind": inds, "_dirs": dirs, "_area": area, "_pool": []})
        for soc in r.sample(self.recs["society"], max(2, round(len(self.recs["society"]) * 0.08))):
            if years := [i for i in soc["inspections"] if 2014 <= i["year"] <= 2016]:  # failed one annual inspection
                r.choice(years)["result"] = "不合格"

    def build_experts(self):
        r, socs = self.rng, self.recs["society"]
        order, n_acad = r.sample(socs, len(socs)), max(3, round(self.n * 0.02))  # 2 % CAS and 2 % CAE academicians
        acad = r.sample(range(self.n), 2 * n_acad)
        honour_of = {i: "cas-academician" for i in acad[:n_acad]} | {i: "cae-academician" for i in acad[n_acad:]}
        hidden = set(r.sample([i for i in range(self.n) if i not in honour_of], round(self.n * 0.05)))  # consent.publish false
        for i in range(self.n):
            prim = order[i % len(order)]
            extra = r.choices((0, 1, 2), (55, 30, 15))[0]
            mine = [prim] + [s for s in r.sample(socs, extra + 1) if s is not prim][:extra]
            sur = r.choices(SURNAMES, self.surname_weights)[0]
            given = "".join(r.choice(GIVEN) for _ in range(r.choices((1, 2), (35, 65))[0]))
            sp = SURNAME_PINYIN.get(sur)
            eid = self.new_id("expert", f"{sp or lazy_pinyin(sur)[0]}-{''.join(lazy_pinyin(given))}")
            pinyin = (sp or lazy_pinyin(sur, v_to_u=True)[0]).capitalize() + " " + "".join(lazy_pinyin(given, v_to_u=True)).capitalize()
            academician = i in honour_of
            honours = [h for h in (honour_of.get(i), "overseas-talent" if r.random() < 0.1 else None) if h]
            pool = list(dict.fromkeys(d for s in mine for d in s["disciplines"]))
            discs = [pool[0]] + r.sample(pool[1:], min(len(pool) - 1, r.randint(0, 2)))
            inds = r.sample(list(dict.fromkeys(x for s in mine for x in s["_ind"])), 1)
            inds += [x for x in r.sample(prim["_ind"], len(prim["_ind"])) if x not in inds][:r.randint(0, 2)]
            consent_day = self.day(self.start, self.end - timedelta(10))
            affiliation, place, akind = self.affiliation(prim, discs[0], inds[0], academician)
            special = akind != "university" and r.random() < 0.7 and SPECIAL_TITLES.get(prim["_area"])
            title = "教授" if academician and akind == "university" else "研究员" if academician else (
                r.choice(special) if special else r.choices(*TITLES[akind])[0])
            publish = i not in hidden
            contact = publish and r.random() < 0.5
            e = {"id": eid, "name": sur + given, "pinyin": pinyin if sp or r.random() >= 0.2 else None,  # polyphonic
                 "title": title, "honours": honours, "affiliation": affiliation,                       # surnames keep it
                 "district": self.district_at(place, consent_day), "disciplines": discs, "industries": inds,
                 "homepage": f"https://example.org/people/{eid}" if r.random() < 0.3 else None,
                 "email": f"{eid.replace('-', '.')}@{r.choice(['example.org', 'example.com'])}" if contact else None,
                 "consent": {"publish": publish, "contact": contact, "date": consent_day}, "owner": prim["id"], "_socs": mine}
            for s in mine:
                s["_pool"].append(e)
            self.recs["expert"].append(e)

    def affiliation(self, soc, disc, industry, academician):
        """(unit and department, place or None outside Hangzhou, kind of unit)."""
        r, cat = self.rng, soc["_cat"]
        if academician and r.random() < 0.5:
            return r.choice(OUTSIDE_UNIS) + COLLEGES.get(disc, "研究院"), None, "university"
        akind = "university" if academician else r.choices(*AFFIL_MIX[cat])[0]
        if akind == "university":
            uni, place = r.choice(UNIVERSITIES[cat])
            return uni + COLLEGES.get(disc, "科学技术研究院"), place, akind
        place = r.choices(*zip(*PLACE_WEIGHTS.items()))[0]
        return {"hospital": f"杭州{r.choice(HOSPITALS)}{r.choice(DEPTS.get(disc, ['护理部', '医务部']))}",
                "enterprise": f"杭州{r.choice(BRANDS)}{IND_WORD[industry]}有限公司{r.choice(['研发中心', '技术中心'])}",
                "institute": f"杭州{r.choice(BRANDS)}{soc['_area']}研究所"}[akind], place, akind

    def wire_memberships(self):
        """Core teams and main members (published experts only), maintainers, every expert's roles and bio."""
        r, published, roles = self.rng, [e for e in self.recs["expert"] if e["consent"]["publish"]], {}
        for soc in self.recs["society"]:
            pool = self.published(soc)
            while len(pool) < 8:
                e = r.choice(published)
                if len(e["_socs"]) < 3 and soc not in e["_socs"]:
                    e["_socs"].append(soc)
                    soc["_pool"].append(e)
                    pool.append(e)
            plain = [e for e in pool if e["honours"][:1] in ([], ["overseas-talent"])]  # academicians hold no office
            core = r.sample(plain, r.randint(3, min(6, len(plain), len(pool) - 5)))
            titles = ["理事长"] + ["副理事长"] * (len(core) - 2) + ["秘书长"]
            members = r.sample([e for e in pool if e not in core], r.randint(5, min(15, len(pool) - len(core))))
            soc["core_team"] = [{"expert": e["id"], "role": t} for e, t in zip(core, titles)]
            soc["members"] = [e["id"] for e in members]
            roles |= {(e["id"], soc["id"]): t for e, t in zip(core + members, titles + r.choices(["常务理事", "理事"], [1, 2], k=len(members)))}
            soc["maintainers"] = [soc["id"].removeprefix("hz-")[:26].strip("-") + "-" + r.choice(["mishuchu", "admin", "bangongshi"])]
            if r.random() < 0.5:
                soc["maintainers"].append(f"{core[-1]['id'].replace('-', '')[:20]}-hz{r.randint(10, 99)}")
        for e in self.recs["expert"]:
            e["societies"] = [{"society": s["id"], "role": roles.get((e["id"], s["id"]), "会员")} for s in e["_socs"]]
            e["bio"] = self.bio(e, e["_socs"][0], e["societies"][0]["role"])

    def bio(self, e, soc, role):
        """Markdown, 150-400 Chinese characters: paragraphs, sometimes a list; no HTML, no phone numbers."""
        r, d = self.rng, self.rng.sample(soc["_dirs"], 3)
        hon = "".join(HONOUR_PHRASE[h] for h in e["honours"])
        paras = [(f"{e['name']}，{e['title']}，现就职于{e['affiliation']}。{hon}长期从事{d[0]}和{d[1]}方面的研究与技术服务工作，"
                  f"{r.choice(FOCUS)}。"),
                 (f"近年来主持或参与国家级、省部级科研项目{r.randint(3, 20)}项，发表学术论文{r.randint(2, 12) * 10}余篇，"
                  f"获授权发明专利{r.randint(1, 15)}项，{r.choice(AWARDS)}。")]
        if r.random() < 0.4:
            paras.append("**主要服务方向**\n\n" + "\n".join(f"- {x}" for x in d))
        paras.append(f"{'作为' if role == '会员' else '现任'}{soc['name']}{role}，{r.choice(SERVICE)}。")
        extra = r.sample(EXTRA, len(EXTRA))
        while extra and (sum("\u4e00" <= ch <= "\u9fff" for ch in "".join(paras)) < 150 or r.random() < 0.3):
            paras.insert(2, extra.pop())
        return "\n\n".join(paras) + "\n"

    # ------------------------------------------------------------ workstations and projects
    def add_workstation(self, kind, established, lead, htype, industry, experts, **extra):
        place, district = self.place(established)
        candidates = (self.host(htype, industry, place, district) for _ in range(20))  # one workstation per host
        host, parts = next((h for h in candidates if h[0] not in self.hosts), None) or self.host(htype, industry, place, district)
        self.hosts.add(host)
        name, prefix = {"academician-city": (f"{host}院士专家工作站", "ysz"),
                        "academician-provincial": (f"{host}省级院士工作站", "sysz"),
                        "overseas-base": (f"{host}海智基地工作站", "hzjd"),
                        "service-base": (f"{host}{industry}学会协同创新服务基地", "jd"),
                        "service-station": (f"{lead['name'] if lead else ''}{''.join(parts).removesuffix('科技')}科技服务站", "fwz")}[kind]
        ws = {"id": self.new_id("workstation", slug(prefix, *parts)), "name": name, "kind": kind,
              "host": {"name": host, "type": htype}, "district": district, "industry": industry,
              "established": established, "lead_society": lead and lead["id"], "experts": [e["id"] for e in experts],
              "status": "active", "owner": lead["id"] if lead else "kexie"} | extra
        if lead and kind.startswith("service"):
            self.led[lead["id"]] = self.led.get(lead["id"], 0) + 1
        self.recs["workstation"].append(ws)
        return ws

    def add_project(self, prog, lead, applied, approved, title, ws=None, experts=(), years=None):
        r, rule = self.rng, self.prog[prog]
        years = years or list(range(approved.year, min(approved.year + rule.get("max_years", 1), self.end.year + 1)))
        amount = rule["min"] if rule["min"] == rule["max"] else r.randrange(rule["min"], rule["max"] + 1, 5000)
        assessments, materials = [], self.policy["assessment_materials"]
        for y in years:  # every funded year has ended by the end of the data set
            result = r.choices(["优秀", "合格", "基本合格"], [20, 68, 12])[0]
            missing = r.choice(materials) if result == "基本合格" else None
            assessments.append({"year": y, "result": result, "materials": {m: m != missing for m in materials}})
        p = {"programme": prog, "title": title, "lead_society": lead["id"], "workstation": ws and ws["id"],
             "experts": [e["id"] for e in experts], "applied": applied, "approved": approved,
             "funding": [{"year": y, "amount": amount} for y in years], "assessments": assessments,
             "status": "active" if approved.year == self.end.year else "completed", "owner": lead["id"], "_contains": []}
        self.recs["project"].append(p)
        return p

    def add_service(self, kind, applied=None, approved=None, lead=None, years=None):
        """A service base or station with its signed agreement, and the project that funds it."""
        r = self.rng
        if applied is None:
            applied, approved = self.app_dates(self.start, date(self.end.year, 11, 30))
        lead = lead or self.pick_lead(kind, applied)
        if lead is None:
            return None, None
        established = max(self.start, applied - timedelta(r.randint(0, 20)))
        pool, industry = self.published(lead), r.choice(lead["_ind"])
        if kind == "service-base":
            partners = [s for s in r.sample(self.recs["society"], 4) if s is not lead][:r.randint(1, 3)]
            experts = r.sample(pool, min(len(pool), r.randint(2, 5)))
            ws = self.add_workstation(kind, established, lead, "park", industry, experts,
                                      partner_societies=[s["id"] for s in partners])
            parties, title = [lead["name"]] + [s["name"] for s in partners] + [ws["host"]["name"] + "管理委员会"], ws["name"]
        else:
            experts = r.sample(pool, min(len(pool), r.randint(1, 4)))
            ws = self.add_workstation(kind, established, lead, r.choice(STATION_HOSTS[lead["_cat"]]), industry, experts)
            parties, title = [lead["name"], ws["host"]["name"]], ws["host"]["name"] + "科技服务站"
        ws["agreement"] = {"date": established - timedelta(r.randint(7, 60)), "parties": parties}
        ws["summary"] = f"由{lead['name']}牵头，围绕{industry}领域开展技术咨询、人才培训和联合攻关，服务对象为{ws['host']['name']}。"
        return ws, self.add_project(kind, lead, applied, approved, title + "建设项目", ws,
                                    r.sample(experts, max(1, len(experts) // 2)), years)

    def build_services(self):
        r, y0 = self.rng, self.start.year
        # a base project containing an earlier station project of the same society, funded in other years
        st_dates = self.app_dates(date(y0, 7, 15), date(y0, 11, 30))
        base_dates = self.app_dates(date(y0 + 1, 3, 1), date(y0 + 1, 11, 30))
        lead = r.choice([s for s in self.recs["society"] if self.eligible(s, "service-station", st_dates[0])
                         and self.eligible(s, "service-base", base_dates[0])])
        _, inner = self.add_service("service-station", *st_dates, lead=lead, years=[y0])
        _, outer = self.add_service("service-base", *base_dates, lead=lead)
        outer["_contains"].append(inner)
        inner["summary"] = "服务站自次年起并入本学会牵头的协同创新服务基地统一实施，基地项目不再重复资助本服务站。"
        # 管理办法第九条: the shortened funding is a change approved by CAST (change-approval)
        inner["decisions"] = [{"kind": "change", "date": date(y0 + 1, 3, 10), "document": f"杭科协〔{y0 + 1}〕9号（演示）",
                               "reason": "服务站并入协同创新服务基地统一实施，经批准资助年限调整为一年"}]
        # a station project whose disbursement was stopped after a failed assessment, and one that was revoked
        _, stop, ws, bad = *self.failing_station("outcomes"), *self.failing_station("accounts")
        stop["status"] = "terminated"
        stop["sanctions"] = [{"kind": "stop-disbursement", "date": date(y0 + 1, 12, r.randint(10, 28)),
                              "document": f"杭科协〔{y0 + 1}〕58号（演示）", "reason": "未按期完成年度任务，年度考核不合格，停止拨款"}]
        # exactly one revoked project: everything paid is refunded, and its society is banned for five years
        when, reason = self.day(date(y0 + 2, 3, 1), date(y0 + 2, 4, 30)), "经费未专款专用，年度考核不合格"
        bad["status"], ws["status"] = "revoked", "closed"
        document = f"杭科协〔{when.year}〕21号（演示）"
        bad["sanctions"] = [{"kind": "revoke-and-refund", "date": when, "refund": sum(f["amount"] for f in bad["funding"]),
                             "document": document, "reason": reason},
                            {"kind": "five-year-ban", "date": when, "document": document, "reason": reason}]
        soc = next(s for s in self.recs["society"] if s["id"] == bad["lead_society"])
        # 五年内 as the policy file reads it (ban_until): up to the day before the anniversary, or the anniversary
        until = when.replace(year=when.year + self.policy["ban_years"])
        if self.policy.get("ban_until") == "day-before-anniversary":
            until -= timedelta(days=1)
        soc["bans"] = [{"from": when, "until": until,
                        "reason": reason, "_project": bad}]
        for kind in ["service-base"] * (self.k(12) - 1) + ["service-station"] * (self.k(22) - 3):
            self.add_service(kind)

    def failing_station(self, missing):
        """A station project approved in the first year, funded two years, failing its second assessment."""
        y0 = self.start.year
        ws, p = self.add_service("service-station", *self.app_dates(date(y0, 7, 1), date(y0, 10, 31)), years=[y0, y0 + 1])
        p["assessments"][-1] |= {"result": "不合格", "materials": p["assessments"][-1]["materials"] | {missing: False}}
        return ws, p

    def build_academician_and_overseas(self):
        r, socs = self.rng, self.recs["society"]
        published = [e for e in self.recs["expert"] if e["consent"]["publish"]]
        academicians = [e for e in published if {"cas-academician", "cae-academician"} & set(e["honours"])]
        overseas = [e for e in published if "overseas-talent" in e["honours"]] or published
        for kind, n in (("academician-city", self.k(10)), ("academician-provincial", self.k(6))):
            for i in range(n):
                early = i < max(1, n // 5)  # a few stations predate the plan, so they do not count as new
                established = self.day(date(2013, 1, 1), date(2014, 12, 31)) if early else self.day(self.start, self.end - timedelta(10))
                lead = r.choice(socs) if r.random() < 0.3 else None
                industry = r.choice(lead["_ind"] if lead else KEY_INDUSTRIES[4:])
                experts = [a := r.choice(academicians)] + [e for e in r.sample(published, r.randint(1, 3)) if e is not a]
                htype = "hospital" if industry in ("医疗卫生", "生物医药") and r.random() < 0.5 else "enterprise"
                ws = self.add_workstation(kind, established, lead, htype, industry, experts)
                if r.random() < 0.5:
                    ws["agreement"] = {"date": established - timedelta(r.randint(10, 90)),
                                       "parties": [ws["host"]["name"], experts[0]["name"] + "院士团队"]}
        for _ in range(self.k(5)):
            established, lead = self.day(self.start, date(self.start.year + 1, 12, 31)), r.choice(socs)
            partners = [s for s in r.sample(socs, 3) if s is not lead][:r.randint(1, 2)]
            experts = r.sample(overseas, min(len(overseas), r.randint(1, 3)))
            ws = self.add_workstation("overseas-base", established, lead, "park", r.choice(KEY_INDUSTRIES[4:]), experts,
                                      partner_societies=[s["id"] for s in partners])
            if r.random() < 0.6:
                ws["agreement"] = {"date": established - timedelta(r.randint(7, 40)),
                                   "parties": [lead["name"], ws["host"]["name"] + "管理委员会"]}
            earliest = established + timedelta(31)
            years = [y for y in range(established.year, self.end.year + 1) if max(date(y, 3, 1), earliest) <= date(y, 11, 30)]
            for year in sorted(r.sample(years, r.randint(1, len(years)))):  # the yearly 海外英才杭州项目对接会
                applied, approved = self.app_dates(max(date(year, 3, 1), earliest), date(year, 11, 30))
                if organisers := [s for s in [lead] + partners if self.eligible(s, "overseas-activity", applied)]:
                    self.add_project("overseas-activity", r.choice(organisers), applied, approved,
                                     f"{year}年海外英才杭州项目对接会（{ws['industry']}专场）", ws, experts)

    def build_topics(self):
        r = self.rng
        for year, counts in {2015: (5, 8, 8), 2016: (5, 10, 10), 2017: (5, 10, 11)}.items():
            for prog, n in zip(("topic-major", "topic-key", "topic-general"), counts):
                for _ in range(self.k(n)):
                    applied, approved = self.app_dates(date(year, 3, 1), date(year, 11, 30))
                    if lead := self.pick_lead(prog, applied, spread=False):
                        title = r.choice(TOPIC_TITLES[prog]).format(i=r.choice(lead["_ind"]), d=r.choice(lead["_dirs"]), a=lead["_area"])
                        pool = self.published(lead)
                        self.add_project(prog, lead, applied, approved, title, None, r.sample(pool, min(len(pool), r.randint(1, 4))))

    def number_projects(self):
        """Contract numbers HZKX-<year>-<nnn> in approval order; a project's id is its contract number in lower case."""
        seq = {}
        for p in sorted(self.recs["project"], key=lambda p: p["approved"]):
            seq[p["approved"].year] = seq.get(p["approved"].year, 0) + 1
            p["contract"] = f"HZKX-{p['approved'].year}-{seq[p['approved'].year]:03d}"
            p["id"] = self.new_id("project", p["contract"].lower())
        for p in self.recs["project"]:
            p["contains"] = [q["id"] for q in p["_contains"]]
        for b in (b for s in self.recs["society"] for b in s.get("bans", [])):
            b["project"] = b["_project"]["id"]
        self.recs["project"].sort(key=lambda p: p["id"])

    # ------------------------------------------------------------ needs and proposals
    def build_needs(self):
        r, needs = self.rng, []
        for _ in range(self.k(15)):
            soc, submitted = r.choice(self.recs["society"]), self.day(self.start, self.end - timedelta(10))
            place, district = self.place(submitted)
            industry, direction = r.choice(soc["_ind"]), r.choice(soc["_dirs"])
            htype = r.choice(STATION_HOSTS[soc["_cat"]] + ["enterprise"])
            status, pool = r.choices(["open", "matched", "closed"], [30, 50, 20])[0], self.published(soc)
            needs.append({
                "title": r.choice(NEED_TITLES).format(d=direction),
                "unit": {"name": self.host(htype, industry, place, district)[0], "type": htype, "district": district},
                "industry": industry, "disciplines": soc["disciplines"][:r.randint(1, 2)],
                "description": f"我单位主要从事{industry}相关业务，目前在**{direction}**方面遇到以下问题：\n\n"
                               f"- 现有技术方案成本偏高，难以满足生产需要\n- 缺少{soc['_area']}方面的专业技术人员\n\n"
                               "希望通过平台对接相关领域专家，开展技术咨询、人员培训或联合攻关。\n",
                "submitted": submitted, "status": status, "owner": soc["id"] if r.random() < 0.6 else "kexie",
                "matched": status == "matched" and {"experts": [e["id"] for e in r.sample(pool, min(len(pool), r.randint(1, 3)))],
                                                    "societies": [soc["id"]]} or None})
        self.recs["need"] = self.numbered("need", "xq", needs, "submitted")

    def build_proposals(self):
        r, props = self.rng, []
        for year, n in ((2015, self.k(5)), (2016, self.k(9)), (2017, self.k(10))):
            good = set(r.sample(range(n), -(-n * 3 // 5)))  # 60 %: endorsed by a leader or adopted
            for i in range(n):
                soc = r.choice(self.recs["society"])
                pool, endorsed = self.published(soc), i in good and r.random() < 0.7
                societies = [soc["id"]] if r.random() < 0.85 else []
                props.append({"year": year, "title": r.choice(PROPOSAL_TITLES).format(i=r.choice(soc["_ind"]), d=r.choice(soc["_dirs"]), a=soc["_area"]),
                              "authors": [e["id"] for e in r.sample(pool, min(len(pool), r.randint(1, 3)))], "societies": societies,
                              "submitted": self.day(max(self.start, date(year, 1, 10)), date(year, 12, 20)),
                              "endorsed": endorsed, "adopted": i in good and (not endorsed or r.random() < 0.3),
                              "summary": f"针对杭州{r.choice(soc['_ind'])}发展中的突出问题，结合{soc['_area']}领域调研成果，提出政策与技术层面的对策建议。",
                              "owner": societies[0] if societies else "kexie"})
        self.recs["proposal"] = self.numbered("proposal", "jy", props, "submitted")

    def numbered(self, kind, prefix, recs, key):
        """Ids <prefix>-<year>-<nnn> in date order."""
        seq, out = {}, []
        for rec in sorted(recs, key=lambda x: x[key]):
            seq[rec[key].year] = seq.get(rec[key].year, 0) + 1
            out.append({"id": self.new_id(kind, f"{prefix}-{rec[key].year}-{seq[rec[key].year]:03d}")} | rec)
        return out

    def build(self):
        for stage in (self.build_societies, self.build_experts, self.wire_memberships, self.build_services,
                      self.build_academician_and_overseas, self.build_topics, self.number_projects,
                      self.build_needs, self.build_proposals):
            stage()
        return self.recs


# ---------------------------------------------------------------- writing
class Dumper(yaml.SafeDumper):
    """Block style with indented lists, like the hand-written records (pure Python)."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


FastDumper = type("FastDumper", (getattr(yaml, "CSafeDumper", yaml.SafeDumper),), {})  # libyaml, 5x faster; lists unindented


def _str(dumper, s):
    """Markdown as a literal block; strings that would read as another type (e.g. "520") in double quotes."""
    plain = dumper.resolve(yaml.ScalarNode, s, (True, False)).endswith(":str")
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style="|" if "\n" in s else None if plain else '"')


for _dumper in (Dumper, FastDumper):
    _dumper.ignore_aliases = lambda self, data: True  # a date shared by two sanctions is written twice, not as &id001
    _dumper.add_representer(str, _str)
    _dumper.add_representer(date, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v.isoformat(), style='"'))


def ordered(value, schema):
    """Drop private and empty values; keys in the order the schema lists its properties."""
    if isinstance(value, list):
        return [ordered(v, schema.get("items", {})) for v in value]
    if not isinstance(value, dict):
        return value
    props = list(schema.get("properties", {}))
    keys = sorted((k for k, v in value.items() if not k.startswith("_") and v not in (None, [], {})),
                  key=lambda k: props.index(k) if k in props else len(props))
    return {k: ordered(value[k], schema["properties"].get(k, {}) if props else {}) for k in keys}


def write(recs, out, force, dumper):
    """One file per record. With --force the old records go; files whose text is unchanged are left untouched."""
    existing = {p for t in TYPES.values() if (out / t).is_dir() for p in (out / t).glob("*.yaml")}
    if existing and not force:
        sys.exit(f"synthetic.py: {out} already holds {len(existing)} records of the generated types; --force deletes them first")
    for kind, items in recs.items():
        schema = json.loads((ROOT / "schemas" / f"{kind}.schema.json").read_text("utf-8"))
        (out / TYPES[kind]).mkdir(parents=True, exist_ok=True)
        for rec in items:
            path = out / TYPES[kind] / f"{rec['id']}.yaml"
            text = HEADER.format(kind) + yaml.dump(ordered(rec, schema), Dumper=dumper, allow_unicode=True, sort_keys=False, width=1000)
            if path not in existing or path.read_text("utf-8") != text:
                path.write_text(text, "utf-8")
            existing.discard(path)
    for path in sorted(existing):
        path.unlink()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "records", help="records folder to write into (default: records/)")
    ap.add_argument("--scale", choices=["demo"], default="demo", help="demo (default): 150 experts, the rest in proportion")
    ap.add_argument("--experts", type=int, help="number of experts, at least 150; other types scale in proportion")
    ap.add_argument("--force", action="store_true", help="first delete *.yaml in the six generated record folders of --out")
    args = ap.parse_args(argv)
    n = args.experts or DEMO_EXPERTS
    if n < DEMO_EXPERTS:
        ap.error(f"--experts must be at least {DEMO_EXPERTS}")
    t0 = time.perf_counter()
    recs = Synth(n).build()
    write(recs, args.out, args.force, Dumper if n <= 1000 else FastDumper)
    print(f"wrote {', '.join(f'{len(v)} {TYPES[k]}' for k, v in recs.items())} to {args.out} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
