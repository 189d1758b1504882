"""`kexie diff BASE HEAD`: a Chinese plain-words summary of record changes, on real git repos."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from generator.cli.contrib import register
from generator.contrib.prcomment import md_message, md_text, money, validation_markdown
from tests.gitrepo import Repo

PROJECT = """\
id: xm-1
programme: service-station
title: 西湖区科技服务站
lead_society: hz-a
applied: "2016-01-01"
approved: "2016-03-01"
funding:
  - year: 2016
    amount: 50000
  - year: 2017
    amount: 50000
status: active
experts: [zhang-wei, li-na]
owner: hz-a
"""


def expert(eid: str, name: str, publish: bool = True, **extra) -> str:
    lines = [f"id: {eid}", f"name: {name}", "title: 教授", "affiliation: 浙江大学",
             "disciplines: ['520']", f"consent: {{publish: {str(publish).lower()}, date: '2016-01-01'}}"]
    lines += [f"{k}: {v}" for k, v in extra.items()]
    return "\n".join(lines + ["owner: hz-a"]) + "\n"


@pytest.fixture
def repo(tmp_path):
    repo = Repo(tmp_path / "repo")
    repo.write("records/projects/xm-1.yaml", PROJECT)
    repo.write("records/needs/old-need.yaml", "id: old-need\ntitle: 水质监测设备选型\nowner: kexie\n")
    repo.write("records/experts/wang-wu.yaml", expert("wang-wu", "王五"))
    repo.base = repo.commit("base")
    return repo


def run(repo: Repo, *args: str):
    group = click.Group("kexie")
    register(group)
    result = CliRunner().invoke(group, ["diff", "--repo", str(repo.root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_headline_and_details(repo):
    repo.write("records/experts/zhang-wei.yaml", expert("zhang-wei", "张伟"))
    repo.write("records/experts/li-na.yaml", expert("li-na", "李娜"))
    repo.write(
        "records/projects/xm-1.yaml",
        PROJECT.replace("amount: 50000\n  - year: 2017", "amount: 70000\n  - year: 2017").replace(
            "status: active", "status: completed"
        ),
    )
    repo.remove("records/needs/old-need.yaml")
    repo.commit()
    result = run(repo, repo.base, "HEAD")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("## 记录变更摘要")
    assert "**新增专家 2 名；修改项目 1 个；删除需求 1 条。**" in out
    assert "- 新增专家“张伟”（`zhang-wei`）" in out
    assert "- 新增专家“李娜”（`li-na`）" in out
    assert "修改项目“西湖区科技服务站”（`xm-1`）：2016 年经费 +2 万元（5 万元 → 7 万元）；项目状态：实施中 → 已完成" in out
    assert "- 删除需求“水质监测设备选型”（`old-need`）" in out
    # order: additions, then edits, then deletions
    assert out.index("- 新增专家“张伟”") < out.index("- 修改项目") < out.index("- 删除需求")


def test_funding_years_added_removed_and_lowered(repo):
    repo.write(
        "records/projects/xm-1.yaml",
        PROJECT.replace("  - year: 2017\n    amount: 50000\n", "  - year: 2018\n    amount: 15000\n").replace(
            "amount: 50000", "amount: 30000"
        ),
    )
    repo.commit()
    out = run(repo, repo.base).output
    assert "2016 年经费 -2 万元（5 万元 → 3 万元）" in out
    assert "删除 2017 年经费（原为 5 万元）" in out
    assert "新增 2018 年经费 1.5 万元" in out


def test_lists_vocabulary_labels_and_booleans(repo):
    repo.write("records/experts/wang-wu.yaml", expert("wang-wu", "王五").replace("['520']", "['520', '320']"))
    repo.write("records/projects/xm-1.yaml", PROJECT.replace("[zhang-wei, li-na]", "[zhang-wei, zhao-liu]"))
    repo.commit()
    out = run(repo, repo.base).output
    assert "学科增加 320（临床医学）" in out
    assert "参与专家增加 zhao-liu，移除 li-na" in out


def test_withdrawn_consent_hides_the_name(repo):
    repo.write("records/experts/wang-wu.yaml", expert("wang-wu", "王五", publish=False))
    repo.commit()
    out = run(repo, repo.base).output
    assert "王五" not in out
    assert "`wang-wu`（未同意公开）" in out
    assert "公开授权·同意公开：是 → 否" in out


def test_rename_and_unreadable_file(repo):
    repo.move("records/needs/old-need.yaml", "records/needs/water-need.yaml")
    repo.write("records/needs/water-need.yaml", "id: water-need\ntitle: 水质监测设备选型\nowner: kexie\n")
    repo.write("records/experts/wang-wu.yaml", "id: wang-wu\nname: [broken\n")
    repo.commit()
    out = run(repo, repo.base).output
    assert "编号由 `old-need` 改为 `water-need`" in out
    assert "修改专家`wang-wu`：文件无法读取" in out


def test_formatting_only_and_no_record_changes(repo):
    repo.write("records/needs/old-need.yaml", "# 注释\nid: old-need\ntitle: 水质监测设备选型\nowner: kexie\n")
    repo.commit()
    assert "仅调整了格式或注释" in run(repo, repo.base).output
    base = repo.git("rev-parse", "HEAD")
    repo.write("README.md", "hello\n")
    repo.commit()
    out = run(repo, base).output
    assert "本次改动没有修改 records/ 中的记录。" in out
    assert "另有记录以外的文件改动：`README.md`" in out


def test_hostile_values_are_inert(repo):
    repo.write(
        "records/needs/old-need.yaml",
        "id: old-need\ntitle: '[点我](https://evil.example) @everyone <script>x</script> ## 标题'\nowner: kexie\n",
    )
    repo.commit()
    out = run(repo, repo.base).output
    assert "<script>" not in out and "](https://" not in out
    assert "@everyone" not in out  # a zero-width space keeps GitHub from mentioning
    assert "\\[点我\\]" in out


def test_unknown_revision_is_a_clear_error(repo):
    result = run(repo, "nope", "HEAD")
    assert result.exit_code == 2
    assert "找不到 git 版本 nope" in result.output


def test_pr_comment_with_validation_and_sections(repo, tmp_path):
    report = {
        "checked": 3,
        "problems": [
            {"path": "records/experts/b.yaml", "line": 2, "column": 1, "severity": "error",
             "rule": "schema-required", "field": "name", "message": "文件中缺少必填字段 `name`（姓名）"},
            {"path": "records/experts/a.yaml", "line": 0, "column": 0, "severity": "error",
             "rule": "x", "field": "", "message": "错误一 <b>"},
            {"path": "records/experts/a.yaml", "line": 5, "column": 0, "severity": "error",
             "rule": "x", "field": "", "message": "错误二"},
            {"path": "records/projects/p.yaml", "line": 3, "column": 0, "severity": "warning",
             "rule": "w", "field": "", "message": "请核实"},
        ],
    }
    (tmp_path / "v.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "own.txt").write_text("拒绝：records/x.yaml …\n", encoding="utf-8")
    out = run(repo, repo.base, "--validation", str(tmp_path / "v.json"),
              "--section", f"维护权限={tmp_path / 'own.txt'}").output
    assert "## 校验结果" in out and "**3 个错误**，1 个警告" in out
    errors, warnings = out.split("### ⚠️ 警告")
    assert errors.index("**`records/experts/a.yaml`**") < errors.index("**`records/experts/b.yaml`**")
    assert "- 第 5 行：错误二" in errors and "- 错误一 &lt;b&gt;" in errors
    assert "`name`（姓名）" in errors
    assert "**`records/projects/p.yaml`**" in warnings and "第 3 行：请核实" in warnings
    assert "## 维护权限" in out and "- 拒绝：records/x.yaml" in out


def test_validation_all_clear_and_broken_json():
    assert "✅ 检查了 4 条记录，全部通过。" in validation_markdown({"checked": 4, "problems": []})
    from generator.contrib.prcomment import load_report

    assert "校验结果无法读取" in validation_markdown(load_report("not json"))


@pytest.mark.parametrize(
    "yuan, shown", [(20000, "2 万元"), (15000, "1.5 万元"), (500, "500 元"), (12345, "12,345 元"), (0, "0 元")]
)
def test_money(yuan, shown):
    assert money(yuan) == shown


def test_md_helpers():
    assert md_text("a\nb") == "a b"
    assert len(md_text("字" * 100)) == 41
    assert md_message("字段 `x` 有误 [y](z)") == "字段 `x` 有误 \\[y\\]\\(z\\)"
    assert md_message("奇数个 ` 反引号") == "奇数个 \\` 反引号"


def test_list_items_keyed_by_year_or_reference(repo):
    repo.write("records/experts/wang-wu.yaml", expert("wang-wu", "王五", societies="[{society: hz-a, role: 理事}]"))
    base = repo.commit()
    repo.write("records/experts/wang-wu.yaml", expert("wang-wu", "王五", societies="[{society: hz-a, role: 常务理事}, {society: hz-b}]"))
    repo.commit()
    out = run(repo, base).output
    assert "所属学会（hz-a）学会职务：理事 → 常务理事" in out
    assert "所属学会新增hz-b" in out
