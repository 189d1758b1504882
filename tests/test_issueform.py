"""`kexie need-from-issue`: an issue filed with the need form → a schema-valid need record.

Bodies are written the way GitHub renders an issue form (`### label`, blank line, answer), and
include hostile ones: HTML, YAML injection, huge bodies, smuggled headings, missing sections.
"""

from __future__ import annotations

from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from generator.cli.contrib import register
from generator.contrib.issueform import LABELS, current_districts, discipline_options, need_from_issue
from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet
from generator.checks.pipeline import check_records
from generator.records.strict_yaml import Document, parse

FORM = Path(__file__).resolve().parent.parent / ".github" / "ISSUE_TEMPLATE" / "need.yml"

ANSWERS = {
    "单位名称": "杭州示例机械有限公司",
    "单位类型": "企业",
    "所在区、县（市）": "萧山区",
    "所属行业": "先进装备制造",
    "相关学科": "430 材料科学, 460 机械工程",
    "需求标题": "合金零件表面耐磨涂层工艺改进",
    "需求描述": "希望降低零件表面磨损，延长使用寿命。\n\n- 现状：每月更换一次\n- 目标：半年更换一次",
    "公开确认": "- [X] 我确认以上内容不含个人隐私信息，同意在平台公开",
}


def body(**changes) -> str:
    answers = {**ANSWERS}
    for key, value in changes.items():
        label = LABELS[key]
        if value is None:
            answers.pop(label)
        else:
            answers[label] = value
    return "\n\n".join(f"### {label}\n\n{value}" for label, value in answers.items())


def convert(text: str, tmp_path, number: int = 42):
    return need_from_issue(text, number, tmp_path / "records" / "needs", today="2016-06-01")


def written(target: Path) -> dict:
    doc = parse(target.read_bytes())
    assert isinstance(doc, Document), doc
    assert list(SchemaSet(PACKAGE_SCHEMAS).check("need", doc)) == []
    return doc.data


def test_real_form_body(tmp_path):
    target, problems = convert(body(), tmp_path)
    assert problems == []
    assert target == tmp_path / "records" / "needs" / "issue-42.yaml"
    data = written(target)
    assert data == {
        "id": "issue-42",
        "title": "合金零件表面耐磨涂层工艺改进",
        "unit": {"name": "杭州示例机械有限公司", "type": "enterprise", "district": "萧山区"},
        "industry": "先进装备制造",
        "disciplines": ["430", "460"],
        "description": ANSWERS["需求描述"],
        "submitted": "2016-06-01",
        "status": "open",
        "owner": "kexie",
    }
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schemas/need.schema.json\n")
    assert "issue #42" in text


def test_record_passes_the_whole_validator(tmp_path):
    records = tmp_path / "records"
    target, _ = convert(body(), tmp_path)
    checked = check_records(records, PACKAGE_SCHEMAS)
    assert [p.message for p in checked.report.errors] == []
    assert checked.records.get("need", "issue-42") is not None


def test_optional_disciplines_left_empty_and_crlf(tmp_path):
    target, problems = convert(body(disciplines="_No response_").replace("\n", "\r\n"), tmp_path)
    assert problems == []
    data = written(target)
    assert "disciplines" not in data
    assert "\r" not in data["description"]


def test_discipline_given_by_name(tmp_path):
    target, problems = convert(body(disciplines="材料科学"), tmp_path)
    assert problems == [] and written(target)["disciplines"] == ["430"]


def test_script_tags_are_refused(tmp_path):
    target, problems = convert(
        body(title="<script>alert(1)</script>需求", description="正文 <img src=x onerror=alert(1)>"), tmp_path
    )
    assert target is None
    assert any("“需求标题”中含有 HTML 标签" in p for p in problems)
    assert any("“需求描述”中含有 HTML 标签" in p for p in problems)
    assert not (tmp_path / "records").exists()


def test_comparison_signs_are_not_html(tmp_path):
    target, problems = convert(body(description="温度 < 5 度时开裂，>10 度正常"), tmp_path)
    assert problems == []


@pytest.mark.parametrize(
    "payload",
    [
        "foo: bar\n---\nowner: hz-evil\nstatus: matched",
        "'; owner: hz-evil #",
        "!!python/object/apply:os.system ['rm -rf /']",
        "&a [*a, *a]\n{x: 1}",
        "key: |\n  block\n...\n%YAML 1.1",
    ],
)
def test_yaml_injection_stays_text(tmp_path, payload):
    target, problems = convert(body(description=payload, title=payload.splitlines()[0]), tmp_path)
    assert problems == []
    data = written(target)
    assert data["description"] == payload
    assert data["title"] == payload.splitlines()[0]
    assert data["owner"] == "kexie" and data["status"] == "open"
    assert len(list(yaml.safe_load_all(target.read_text(encoding="utf-8")))) == 1


def test_huge_body_is_refused(tmp_path):
    target, problems = convert(body(description="字" * 100_000), tmp_path)
    assert target is None
    assert problems == ["issue 正文超过 64 KB，不像是需求表单：请只填写表单中的各项，需求描述不超过 3000 字"]


def test_too_long_fields(tmp_path):
    target, problems = convert(body(title="长" * 201, description="字" * 3001), tmp_path)
    assert target is None
    assert any("“需求标题”有 201 个字，超过 200 字上限" in p for p in problems)
    assert any("“需求描述”有 3001 个字，超过 3000 字上限" in p for p in problems)


def test_missing_sections_are_each_named(tmp_path):
    target, problems = convert(body(unit_name=None, industry="_No response_", description=None), tmp_path)
    assert target is None
    assert "缺少“单位名称”：请编辑 issue，填写这一项" in problems
    assert "缺少“所属行业”：请编辑 issue，填写这一项" in problems
    assert "缺少“需求描述”：请编辑 issue，填写这一项" in problems


def test_empty_and_foreign_bodies(tmp_path):
    for text in ("", "随便写的一段话，没有按表单填写", "### Title\n\nhello"):
        target, problems = convert(text, tmp_path)
        assert target is None
        assert len(problems) == 7  # six fields and the consent box


@pytest.mark.parametrize("district", ["西湖县", "下城区", "Hangzhou", "萧山区\n西湖区"])
def test_unknown_or_abolished_district(tmp_path, district):
    target, problems = convert(body(district=district), tmp_path)
    assert target is None
    [problem] = problems
    assert problem.startswith("“所在区、县（市）”的")
    assert "不是杭州市现有的区、县（市）" in problem and "临平区" in problem


def test_unknown_choices(tmp_path):
    target, problems = convert(body(unit_type="外星企业", industry="挖矿", disciplines="999 玄学"), tmp_path)
    assert target is None
    assert any(p.startswith("“单位类型”的“外星企业”不在选项中：请选择 企业、园区") for p in problems)
    assert any(p.startswith("“所属行业”的“挖矿”不在选项中") for p in problems)
    assert any("“相关学科”中的“999 玄学”不是 GB/T 13745 一级学科" in p for p in problems)


def test_smuggled_heading_is_refused(tmp_path):
    """A description that repeats a form label could overwrite an earlier answer."""
    target, problems = convert(body(description="正文\n\n### 所在区、县（市）\n\n西湖区"), tmp_path)
    assert target is None
    assert any("“所在区、县（市）”出现了不止一次" in p for p in problems)


def test_other_headings_stay_in_the_description(tmp_path):
    target, problems = convert(body(description="### 背景\n\n老设备\n\n### 目标\n\n新工艺"), tmp_path)
    assert problems == []
    assert written(target)["description"] == "### 背景\n\n老设备\n\n### 目标\n\n新工艺"


def test_consent_must_be_ticked(tmp_path):
    target, problems = convert(body(consent="- [ ] 我确认以上内容不含个人隐私信息，同意在平台公开"), tmp_path)
    assert target is None
    assert problems == ["未勾选“我确认以上内容不含个人隐私信息，同意在平台公开”：请编辑 issue 并勾选"]


def test_control_and_bidi_characters_are_removed(tmp_path):
    target, problems = convert(body(unit_name="杭州\u202e示例\x07公司", title="标题\x00"), tmp_path)
    assert problems == []
    data = written(target)
    assert data["unit"]["name"] == "杭州示例公司" and data["title"] == "标题"


def test_multiline_title_becomes_one_line(tmp_path):
    target, problems = convert(body(title="第一行\n第二行"), tmp_path)
    assert problems == [] and written(target)["title"] == "第一行 第二行"


def test_existing_record_is_not_overwritten(tmp_path):
    convert(body(), tmp_path)
    target, problems = convert(body(title="另一个"), tmp_path)
    assert target is None and "已存在" in problems[0]


# ------------------------------------------------------------------ the form itself


def test_form_labels_match_the_parser():
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    labels = {item["id"]: item["attributes"]["label"] for item in form["body"] if "id" in item}
    assert labels == LABELS


def test_every_form_option_is_accepted(tmp_path):
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    options = {item["id"]: item["attributes"].get("options") for item in form["body"] if "id" in item}
    schemas = SchemaSet(PACKAGE_SCHEMAS)
    assert options["district"] == current_districts(schemas)
    assert options["disciplines"] == discipline_options(schemas)
    for number, unit_type in enumerate(options["unit_type"], start=1):
        assert convert(body(unit_type=unit_type), tmp_path, number)[1] == []
    for number, industry in enumerate(options["industry"], start=100):
        assert convert(body(industry=industry), tmp_path, number)[1] == []
    every = ", ".join(options["disciplines"][:5])
    assert convert(body(disciplines=every), tmp_path, 999)[1] == []
    assert options["consent"][0]["label"] in ANSWERS["公开确认"]


# ------------------------------------------------------------------ the command


def run(*args):
    group = click.Group("kexie")
    register(group)
    result = CliRunner().invoke(group, ["need-from-issue", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_command_writes_the_record(tmp_path):
    (tmp_path / "body.md").write_text(body(), encoding="utf-8")
    out = tmp_path / "records" / "needs"
    result = run("--body-file", tmp_path / "body.md", "--number", 7, "--out", out, "--date", "2016-06-01")
    assert result.exit_code == 0, result.output
    assert "已生成" in result.output and (out / "issue-7.yaml").is_file()


def test_command_reports_problems_in_chinese(tmp_path):
    (tmp_path / "body.md").write_text(body(district="西湖县", title=None), encoding="utf-8")
    result = run("--body-file", tmp_path / "body.md", "--number", 7, "--out", tmp_path / "needs")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "issue #7 的需求表单有 2 处需要修改："
    assert all(line.startswith("- ") for line in lines[1:])
    assert not (tmp_path / "needs").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--number", "7"], "找不到 issue 正文文件"),
        (["--number", "0"], "issue 编号应为正整数"),
        (["--number", "7", "--date", "2016/06/01"], "--date 应为 YYYY-MM-DD"),
    ],
)
def test_command_usage_errors(tmp_path, args, message):
    body_file = tmp_path / ("body.md" if "找不到" not in message else "missing.md")
    if "找不到" not in message:
        body_file.write_text(body(), encoding="utf-8")
    result = run("--body-file", body_file, "--out", tmp_path / "needs", *args)
    assert result.exit_code in (1, 2)
    assert message in result.output


def test_binary_body_file(tmp_path):
    (tmp_path / "body.md").write_bytes(b"\xff\xfe\x00\x01" * 100)
    result = run("--body-file", tmp_path / "body.md", "--number", 7, "--out", tmp_path / "needs")
    assert result.exit_code == 1
