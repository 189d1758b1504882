"""The private-number detector (generator/checks/privacy.py): every decision as a table row, then
property tests with hypothesis — numbers written any way are found, contract numbers, amounts,
year ranges, dates and landlines are not — and the check over every record type with masked messages.
"""

from __future__ import annotations

import datetime
import json
import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.checks.privacy import ID_NUMBER, MOBILE, find_private_numbers, id_check_digit, is_id_number, mask
from tests.conftest import NEGATIVE, read_expected

ZW = "\u200b"  # zero-width space

# (text, kind found, its digits) — what counts as private, however written
FOUND = [
    ("手机 13812345678", MOBILE, "13812345678"),
    ("１３８１２３４５６７８", MOBILE, "13812345678"),  # full-width digits
    ("手机号：１３８－１２３４－５６７８。", MOBILE, "13812345678"),  # full-width digits and hyphens
    ("+86 138 1234 5678", MOBILE, "13812345678"),
    ("+8613812345678", MOBILE, "13812345678"),
    ("（+86）138-1234-5678", MOBILE, "13812345678"),
    ("0086 138 1234 5678", MOBILE, "13812345678"),
    ("0086-13812345678", MOBILE, "13812345678"),
    ("86-138-1234-5678", MOBILE, "13812345678"),
    ("8613812345678", MOBILE, "13812345678"),  # 86 glued on
    ("138 1234 5678", MOBILE, "13812345678"),
    ("1381234 5678", MOBILE, "13812345678"),  # spaces in any grouping
    ("13 81 23 45 67 8", MOBILE, "13812345678"),
    ("1 3 8 1 2 3 4 5 6 7 8", MOBILE, "13812345678"),
    ("138-1234-5678", MOBILE, "13812345678"),
    ("138.1234.5678", MOBILE, "13812345678"),
    ("138·1234·5678", MOBILE, "13812345678"),
    ("138 - 1234 - 5678", MOBILE, "13812345678"),  # up to three separator characters
    ("138—1234—5678", MOBILE, "13812345678"),
    ("138\u3000\u30001234\u30005678", MOBILE, "13812345678"),  # ideographic spaces
    (f"138{ZW}1234{ZW}5678", MOBILE, "13812345678"),  # zero-width characters are skipped
    ("1\u200d3\u200c8\u20601234\ufeff5678", MOBILE, "13812345678"),
    ("138\u00ad1234\u00ad5678", MOBILE, "13812345678"),  # soft hyphens
    ("1\u202e3812345678", MOBILE, "13812345678"),  # a bidi override inside
    ("一三八一二三四五六七八", MOBILE, "13812345678"),  # Chinese numeral digits
    ("联系人刘工13812345678，欢迎来电", MOBILE, "13812345678"),  # Han around it
    ("tel:13812345678", MOBILE, "13812345678"),
    ("19912345678", MOBILE, "19912345678"),
    ("330106198001011235", ID_NUMBER, "330106198001011235"),
    ("身份证：330106 19800101 1235", ID_NUMBER, "330106198001011235"),  # spaces between groups
    ("330106-1980-0101-1235", ID_NUMBER, "330106198001011235"),  # dashes
    ("3301 0619 8001 0112 35", ID_NUMBER, "330106198001011235"),
    (f"330106{ZW}198001011235", ID_NUMBER, "330106198001011235"),
    ("１１０１０５１９４９１２３１００２Ｘ", ID_NUMBER, "11010519491231002X"),  # full-width, X
    ("11010519491231002x", ID_NUMBER, "11010519491231002X"),  # lower-case x
    ("110105491231002", ID_NUMBER, "110105491231002"),  # the 15-digit ID of before 2004
    ("110105 491231 002", ID_NUMBER, "110105491231002"),
    ("110105200002290013", ID_NUMBER, "110105200002290013"),  # 29 February of a leap year
    # attack2: digits that are not decimal digits, wider gaps, labels glued on, e-mail local parts
    ("一三八○○○○一二三四", MOBILE, "13800001234"),  # ○ (U+25CB) typed for zero, as in 二○一六
    ("壹叁捌壹贰叁肆伍陆柒捌", MOBILE, "13812345678"),  # financial numerals
    ("①③⑧①②③④⑤⑥⑦⑧", MOBILE, "13812345678"),  # circled digits
    ("¹³⁸¹²³⁴⁵⁶⁷⁸", MOBILE, "13812345678"),  # superscripts
    ("〡〣〨〡〢〣〤〥〦〧〨", MOBILE, "13812345678"),  # Hangzhou numerals (杭州码)
    ("３３０１０６一九八〇〇一〇一１２３５", ID_NUMBER, "330106198001011235"),  # mixed scripts
    ("138~1234~5678", MOBILE, "13812345678"),
    ("138*1234*5678", MOBILE, "13812345678"),
    ("138\n    1234\n    5678", MOBILE, "13812345678"),  # across lines: a line break and indent is one gap
    ("Tel13812345678", MOBILE, "13812345678"),  # a contact label glued on is not a code prefix
    ("wx13812345678", MOBILE, "13812345678"),
    ("WeChat:13812345678", MOBILE, "13812345678"),
    ("zw13812345678@163.com", MOBILE, "13812345678"),  # the end of an e-mail local part
    ("mailto:zhangwei13812345678＠example.org", MOBILE, "13812345678"),
]

# (text, why it is not private)
NOT_FOUND = [
    ("HZKX-2015-001", "the demo records' contract number"),
    ("合同编号 HZKX-2016-0138", "a contract number in text"),
    ("HZKX2015138123456789", "digits glued to letters are a code"),
    ("ISBN 978-7-03-012345-6", "no span of whole groups makes a number of 11, 15 or 18 digits"),
    ("ZL201510123456.7", "a patent number"),
    ("2015-2017", "a year range: 8 digits"),
    ("2015—2017年", "a year range with a dash"),
    ("2015 2016 2017 2018", "years listed: 4-digit groups never make 11"),
    ("1,380,000", "a comma is not a separator"),
    ("1,380,000元", "an amount"),
    ("13800000元", "8 digits"),
    ("13812345678元", "an 11-digit span followed by 元 is money"),
    ("138 0000 0000 元", "money, grouped by spaces"),
    ("共 1380 万元", "money"),
    ("¥13812345678", "money after a currency sign"),
    ("50000 80000 100000", "amounts listed"),
    ("增长 13.812345678%", "a percentage"),
    ("0571-85012345", "an institution's landline is public"),
    ("0571 8501 2345", "a landline in groups"),
    ("(0571)85012345", "a landline with the area code in brackets"),
    ("+86 571 8501 2345", "a landline with the country code"),
    ("0086-571-85012345", "a landline with 0086"),
    ("+1 650 123 4567", "a foreign number: after + only 86 makes a Chinese mobile"),
    ("+44 20 7946 0958", "a foreign number"),
    ("2016-03-01", "a date"),
    ("2016.03.01", "a date with dots"),
    ("2016-03-01—2017-03-01", "a date range"),
    ("10.1016/j.jmatprotec.2016.01.001", "a DOI"),
    ("邮编 310000，电话 0571-85012345", "postcode and landline"),
    ("12345678901", "11 digits, but mobiles start 13-19"),
    ("138123456789", "12 digits: a longer number is not a mobile"),
    ("330106198001011234", "18 digits with a wrong check digit"),
    ("330106198013011232", "18 digits with month 13 (right check digit)"),
    ("000106198001011239", "province code 00 (right check digit)"),
    ("110105491331002", "15 digits with month 13"),
    ("十一五规划 第三期 一二三", "Chinese numerals in prose"),
    ("HZKX13812345678", "a contract-like code: letters that are no contact label"),
    ("hotel13812345678", "a word that merely ends in tel is no label"),
    ("二○一五—二○一七年", "a year range in Chinese numerals"),
    ("人民币壹拾叁万捌仟元", "an amount in financial numerals"),
    ("①②③④⑤⑥⑦⑧⑨", "list numbering: nine digits"),
    ("9:30~11:30 13:30~17:30", "opening hours"),
    ("138****5678", "a number masked already"),
    ("| 13 | 9 | 1200 | 3000 |", "a Markdown table row of figures: | is no separator"),
]


@pytest.mark.parametrize("text,kind,digits", FOUND, ids=[repr(t) for t, _, _ in FOUND])
def test_found(text, kind, digits):
    found = find_private_numbers(text)
    assert [(f.kind, f.digits) for f in found] == [(kind, digits)]


@pytest.mark.parametrize("text,why", NOT_FOUND, ids=[t for t, _ in NOT_FOUND])
def test_not_found(text, why):
    assert find_private_numbers(text) == [], why


def test_finding_points_at_the_number():
    text = "请拨 +86 138-1234-5678 联系"
    (f,) = find_private_numbers(text)
    assert text[f.start : f.end] == "86 138-1234-5678"


def test_several_numbers_each_found():
    text = "手机 13812345678，身份证 330106198001011235，另一手机 139 0000 1111"
    assert [(f.kind, f.digits) for f in find_private_numbers(text)] == [
        (MOBILE, "13812345678"), (ID_NUMBER, "330106198001011235"), (MOBILE, "13900001111")
    ]


def test_check_digit_and_mask():
    assert id_check_digit("33010619800101123") == "5"
    assert id_check_digit("11010519491231002") == "X"
    assert is_id_number("330106198001011235") and not is_id_number("330106198001011236")
    assert mask("13812345678") == "138******78"
    assert mask("330106198001011235") == "330*************35"


# ---------------------------------------------------------------- properties

DIGIT_FORMS = [
    lambda d: d,
    lambda d: chr(ord("０") + int(d)),  # full-width
    lambda d: "〇一二三四五六七八九"[int(d)],  # Chinese numerals
    lambda d: chr(0x0660 + int(d)),  # Arabic-Indic digits: any Unicode decimal digit
]
SEPARATORS = st.text(alphabet=" -.·－—\u3000\u00a0/", min_size=0, max_size=3)
INVISIBLE = st.sampled_from(["", "", "", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202d"])
# Han context without numerals or money units
CONTEXT = st.text(alphabet="联系电话请拨打本人专家教授的是在有和研究中心手机号码身份证：，。（）", max_size=8)
PROVINCES = ["11", "12", "31", "32", "33", "44", "51", "65", "81", "91"]


def written(digits: str, draw) -> str:
    """digits in random forms, with random separators (at most 3 characters) and invisible characters."""
    out = []
    for i, d in enumerate(digits):
        form = draw(st.sampled_from(DIGIT_FORMS)) if d.isdigit() else (lambda c: draw(st.sampled_from([c, c.lower()])))
        out.append(form(d) + draw(INVISIBLE))
        if i < len(digits) - 1:
            out.append(draw(SEPARATORS))
    return "".join(out)


@st.composite
def mobiles(draw):
    number = "1" + draw(st.sampled_from("3456789")) + draw(st.text(string.digits, min_size=9, max_size=9))
    prefix = draw(st.sampled_from(["", "+86", "+86 ", "0086", "0086-", "86", "86 ", "（+86）"]))
    text = draw(CONTEXT) + prefix + written(number, draw) + draw(CONTEXT)
    return text, number


@st.composite
def id_numbers(draw):
    born = draw(st.dates(min_value=datetime.date(1920, 1, 1), max_value=datetime.date(2015, 12, 31)))
    if draw(st.booleans()):
        first17 = draw(st.sampled_from(PROVINCES)) + draw(st.text(string.digits, min_size=4, max_size=4))
        first17 += born.strftime("%Y%m%d") + draw(st.text(string.digits, min_size=3, max_size=3))
        number = first17 + id_check_digit(first17)
    else:  # the 15-digit form: 19YYMMDD births only
        born = born.replace(year=1900 + born.year % 100) if born.year >= 2000 and not (born.month == 2 and born.day == 29) else born
        number = draw(st.sampled_from(PROVINCES)) + draw(st.text(string.digits, min_size=4, max_size=4))
        number += born.strftime("%y%m%d") + draw(st.text(string.digits, min_size=3, max_size=3))
    return draw(CONTEXT) + written(number, draw) + draw(CONTEXT), number


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mobiles())
def test_property_mobile_found_however_written(case):
    text, number = case
    assert [(f.kind, f.digits) for f in find_private_numbers(text)] == [(MOBILE, number)], repr(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(id_numbers())
def test_property_id_found_however_written(case):
    text, number = case
    assert [(f.kind, f.digits) for f in find_private_numbers(text)] == [(ID_NUMBER, number)], repr(text)


YEARS = st.integers(1950, 2030)
contracts = st.builds(
    lambda letters, year, serial: f"{letters}-{year}-{serial:0{3}d}",
    st.text(string.ascii_uppercase, min_size=2, max_size=6), YEARS, st.integers(0, 9999),
)
amounts = st.integers(0, 100_000_000).flatmap(
    lambda n: st.sampled_from([f"{n:,}", f"{n:,}元", f"{n}元", f"{n} 元", f"¥{n}", f"￥{n:,}", f"{n // 10000}万元"])
)
year_ranges = st.tuples(YEARS, YEARS).flatmap(
    lambda y: st.sampled_from([f"{y[0]}-{y[1]}", f"{y[0]}—{y[1]}年", f"{y[0]}－{y[1]}", f"{y[0]} - {y[1]}", f"{y[0]}至{y[1]}年"])
)
dates = st.dates().flatmap(lambda d: st.sampled_from([d.isoformat(), d.strftime("%Y.%m.%d"), d.strftime("%Y年%m月%d日")]))
landlines = st.text(string.digits, min_size=7, max_size=7).flatmap(
    lambda n: st.sampled_from([f"0571-8{n}", f"0571 8{n[:3]} {n[3:]}", f"(0571)8{n}", f"+86 571 8{n}", f"0086-571-8{n}"])
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(contracts, amounts, year_ranges, dates, landlines), min_size=1, max_size=4))
def test_property_contracts_amounts_years_dates_landlines_are_not_private(values):
    text = "，".join(values)
    assert find_private_numbers(text) == [], text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_property_any_text_never_raises(text):
    for f in find_private_numbers(text):
        assert 0 <= f.start < f.end <= len(text)
        assert f.kind in (MOBILE, ID_NUMBER)


# ---------------------------------------------------------------- the check over every record type


@pytest.mark.parametrize(
    "path,old,new,field",
    [
        ("needs/new-alloy-coating.yaml", "延长使用寿命。", "延长使用寿命。电话 +86 138 1234 5678", "description"),
        ("proposals/materials-industry-2016.yaml", "的建议", "的建议（联系 １３８１２３４５６７８）", "title"),
        ("societies/hz-materials.yaml", "为企业提供新材料技术咨询", "咨询请拨 138-1234-5678", "duties.1"),
        ("workstations/xihu-materials-station.yaml", "    - 杭州示例新材料有限公司", '    - "杭州示例新材料有限公司 138\\u200b1234\\u200b5678"', "agreement.parties.1"),
        ("projects/xihu-materials-station-2016.yaml", "result: 优秀", "result: 优秀 联系 0086-13812345678", "assessments.1.result"),
        ("experts/li-na.yaml", "consent:", "bio: 身份证 330106-1980-0101-1235\nconsent:", "bio"),
    ],
)
def test_every_record_type_is_checked_and_numbers_are_masked(tree, invoke, path, old, new, field):
    target = tree / "records" / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    run = invoke("validate", "--format", "json")
    rows = [r for r in json.loads(run.stdout)["problems"] if r["rule"].startswith("privacy-")]
    assert [(r["path"], r["field"]) for r in rows] == [(f"records/{path}", field)]
    message = rows[0]["message"]
    assert f"`{field}`" in message
    assert "13812345678" not in message and "330106198001011235" not in message
    assert "******" in message or "*************" in message
    assert run.exit_code == 1


def test_a_number_typed_as_an_integer_is_found(tree, invoke):
    path = tree / "records/experts/li-na.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("consent:", "bio: 13812345678\nconsent:", 1), encoding="utf-8")
    run = invoke("validate")
    assert any("[privacy-mobile]" in line and "138******78" in line for line in run.lines), run.lines


def test_negative_cases_of_this_class_mask_every_number():
    """No expected output of a privacy case repeats a whole number (CI logs are public)."""
    for case in sorted(p.name for p in NEGATIVE.iterdir() if p.name.startswith("privacy-") and p.name != "privacy-email-consent"):
        for line in read_expected(NEGATIVE / case)[:-1]:
            assert re.findall(r"[0-9]{11,}", line) == [], (case, line)


@pytest.mark.parametrize(
    "field,value,expected",
    [
        ("description", "请联系王工 １３８ １２３４ ５６７８", "“需求描述”中有像是个人手机号码的数字（138******78）"),
        ("unit_name", "杭州示例机械有限公司（法人身份证 330106198001011235）", "“单位名称”中有像是身份证号码的数字（330*************35）"),
    ],
)
def test_need_form_refuses_a_private_number(tmp_path, field, value, expected):
    from tests.test_issueform import body, convert

    target, problems = convert(body(**{field: value}), tmp_path)
    assert target is None
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    assert not (tmp_path / "records").exists()


def test_masked_text_and_the_pull_request_comment():
    from generator.checks.privacy import masked_text
    from generator.contrib.prcomment import show  # recorddiff.show underneath: the site history too

    assert masked_text("手机 +86 138 1234 5678，身份证 330106198001011235。") == "手机 +138******78，身份证 330*************35。"
    assert masked_text("0571-85012345") == "0571-85012345"
    shown = show("理事长（电话 １３９－１２３４－５６７８）", {})
    assert "５６７８" not in shown and "139" in shown and "78" in shown


def test_zero_width_characters_inside_a_number_hide_nothing(tree, invoke):
    """Zero-width spaces pasted inside a mobile number: removed by the text normalisation (a warning)
    and, whatever that step does, seen through by the detector (an error)."""
    path = tree / "records/experts/li-na.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("consent:", 'bio: "联系电话 138\\u200b1234\\u200b5678"\nconsent:', 1), encoding="utf-8")
    run = invoke("validate")
    rules = [line.rsplit("[", 1)[1] for line in run.lines[:-1]]
    assert "privacy-mobile]" in rules, run.lines
    assert any("138******78" in line for line in run.lines)
    assert run.exit_code == 1
