"""The contributor guide's field reference: every field of every record type, from the schemas."""

from __future__ import annotations

import html
import json
import shutil

from generator.records.schemas import PACKAGE_SCHEMAS
from generator.site.field_reference import field_reference
from generator.common.render import make_env
from generator.site.plugin import TEMPLATES


def by_path(entry: dict) -> dict:
    return {f["path"]: f for f in entry["fields"]}


def test_one_entry_per_record_type_in_order():
    types = field_reference(PACKAGE_SCHEMAS)
    assert [t["type"] for t in types] == [
        "society", "expert", "workstation", "project", "need", "proposal", "policy", "staff"
    ]
    need = types[4]
    assert need["folder"] == "needs" and need["title"] == "企业需求"
    assert need["path"] == "records/needs/<编号>.yaml"


def test_every_schema_property_is_listed():
    for entry in field_reference(PACKAGE_SCHEMAS):
        schema = json.loads((PACKAGE_SCHEMAS / f"{entry['type']}.schema.json").read_text(encoding="utf-8"))
        paths = by_path(entry)
        for name in schema["properties"]:
            assert name in paths, (entry["type"], name)
            assert paths[name]["required"] == (name in schema["required"])


def test_nested_fields_titles_types_and_values():
    expert = by_path(field_reference(PACKAGE_SCHEMAS)[1])
    assert expert["consent.publish"]["title"] == "同意公开"
    assert expert["consent.publish"]["required"] is True
    assert expert["consent.publish"]["type"] == "true 或 false"
    assert expert["societies[].role"]["title"] == "学会职务"
    assert expert["societies[].society"]["required"] is True
    assert expert["societies"]["type"] == "列表，每项是一组字段"
    assert expert["id"]["title"] == "记录编号" and "文件名" in expert["id"]["description"]
    assert {"value": "520", "label": "计算机科学技术"} in expert["disciplines"]["allowed"]
    assert "不超过 5 项" in expert["disciplines"]["limits"]
    assert {"value": "cas-academician", "label": "中国科学院院士"} in expert["honours"]["allowed"]
    need = by_path(field_reference(PACKAGE_SCHEMAS)[4])
    assert {"value": "enterprise", "label": "企业"} in need["unit.type"]["allowed"]
    assert {"value": "西湖区", "label": ""} in need["unit.district"]["allowed"]
    assert need["description"]["limits"] == ["不超过 3000 个字"]
    project = by_path(field_reference(PACKAGE_SCHEMAS)[3])
    assert project["funding[].amount"]["type"] == "整数"
    assert "以元为单位" in project["funding[].amount"]["description"]


def test_follows_a_changed_schema(tmp_path):
    schemas = tmp_path / "schemas"
    shutil.copytree(PACKAGE_SCHEMAS, schemas)
    need = json.loads((schemas / "need.schema.json").read_text(encoding="utf-8"))
    need["properties"]["contact"] = {"title": "联系人", "type": "string"}
    (schemas / "need.schema.json").write_text(json.dumps(need, ensure_ascii=False), encoding="utf-8")
    assert by_path(field_reference(schemas)[4])["contact"]["title"] == "联系人"


def test_template_renders_escaped():
    types = field_reference(PACKAGE_SCHEMAS)
    types[0]["fields"][0]["description"] = "<script>alert(1)</script>"
    out = make_env(TEMPLATES).get_template("contributing.html").render(types=types, base="../")
    assert "<script>alert(1)</script>" not in out
    assert "&lt;script&gt;" in out
    assert 'id="fields-expert"' in out and "<code>consent.publish</code>" in out
    assert "kexie validate" in out and "pre-commit" in out and "pull request" in out
    assert '<a href="../">网站</a>' in out
    assert "github.com/" not in out  # no repository link unless repo_url is given
    linked = make_env(TEMPLATES).get_template("contributing.html").render(
        types=types, base="/", repo_url="https://github.com/hzkx/kexie"
    )
    assert "https://github.com/hzkx/kexie/issues/new?template=correction.yml" in linked
    text = html.unescape(out)
    assert "520</code>（计算机科学技术）" in text
