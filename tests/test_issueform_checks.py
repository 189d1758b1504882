"""The need form runs every record check before writing, and leaves reviewed branches alone
(issue #10, item 7).

* A body that parses is still refused when `kexie validate` would refuse the record it makes
  (privacy: mobile and ID numbers; impossible dates; …): the message is the validator's own,
  prefixed with the form's label, and nothing is written.
* The consent section must be the form's own box with its exact text, ticked.
* `--branch` / `--pr-json`: a branch `need/issue-N` holding a commit that is not the bot's, or a
  pull request that was reviewed, labelled 已审核, merged or closed, is not overwritten (exit 3,
  comment-ready text). Real git repositories (tests/gitrepo.py), real command runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import click
import pytest
import yaml
from click.testing import CliRunner

from generator.cli.contrib import register
from generator.contrib.issueform import CONSENT_TEXT
from generator.contrib.needbranch import BOT_EMAIL
from tests.conftest import BASE, REPO, run_kexie
from tests.gitrepo import ENV, Repo
from tests.test_issueform import ANSWERS, FORM, body, convert

MOBILE_TEXT = "平台不公开个人手机号，请删除，或改为单位办公电话（例如 0571-85012345）"


def validate_message(tmp_path, field: str, value: str) -> str:
    """What `kexie validate` says about a hand-written need with this value: the form must say
    the same thing (one pipeline)."""
    tree = tmp_path / "validate"
    shutil.copytree(BASE / "records", tree / "records")
    shutil.copytree(REPO / "schemas", tree / "schemas")
    path = tree / "records/needs/new-alloy-coating.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    node = data
    *parents, leaf = field.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = value
    header = path.read_text(encoding="utf-8").split("\n", 1)[0]
    path.write_text(header + "\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    run = run_kexie("validate", cwd=tree)
    [line] = [line for line in run.lines if "错误" in line and "new-alloy-coating" in line]
    return line.split(": 错误: ", 1)[1].rsplit(" [", 1)[0]


# ------------------------------------------------------------------ record checks before writing


def test_mobile_number_in_the_description_is_refused(tmp_path):
    description = "请联系王经理，手机 138 1234 5678，周一到周五。"
    target, problems = convert(body(description=description), tmp_path)
    assert target is None
    assert problems == [f"“需求描述”中有像是个人手机号码的数字（138******78）：{MOBILE_TEXT}"]
    assert "手机" in validate_message(tmp_path, "description", description)  # validate refuses it too
    assert not (tmp_path / "records" / "needs").exists()


def test_id_number_in_the_unit_name_is_refused(tmp_path):
    name = "杭州示例公司 33010219800101123X"
    target, problems = convert(body(unit_name=name), tmp_path)
    assert target is None
    assert problems == ["“单位名称”中有像是身份证号码的数字（330*************3X）：平台不得公开身份证号，请删除"]
    assert "身份证" in validate_message(tmp_path, "unit.name", name)


def test_impossible_date_in_the_title_is_refused(tmp_path):
    """Not only privacy: every check of the pipeline (here date-invalid) runs before writing."""
    target, problems = convert(body(title="2016-02-30"), tmp_path)
    assert target is None
    assert problems == ["“需求标题”：日期 2016-02-30 不存在（例如 2 月没有 30 日）：请改为真实的日期"]


def test_checked_against_the_records_folder_it_joins(tmp_path):
    """The check runs on a copy of records/ plus the new file; the copy is not left behind and
    the real folder is untouched."""
    shutil.copytree(BASE / "records", tmp_path / "records")
    before = sorted(p.name for p in (tmp_path / "records").rglob("*"))
    target, problems = convert(body(description="手机 13912345678"), tmp_path)
    assert target is None and problems == [f"“需求描述”中有像是个人手机号码的数字（139******78）：{MOBILE_TEXT}"]
    assert sorted(p.name for p in (tmp_path / "records").rglob("*")) == before
    target, problems = convert(body(), tmp_path)
    assert problems == [] and target.is_file()
    assert run_kexie("validate", cwd=_with_schemas(tmp_path)).exit_code == 0


def _with_schemas(root):
    shutil.copytree(REPO / "schemas", root / "schemas")
    return root


# ------------------------------------------------------------------ the consent box


def test_consent_text_is_the_forms_label_exactly():
    form = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    [consent] = [item for item in form["body"] if item.get("id") == "consent"]
    assert [o["label"] for o in consent["attributes"]["options"]] == [CONSENT_TEXT]
    assert ANSWERS["公开确认"] == f"- [X] {CONSENT_TEXT}"


CONSENT_CHANGED = (
    f"“公开确认”与表单不一致：这一项只能是表单原有的勾选框“{CONSENT_TEXT}”，不能改写或增加文字；请编辑 issue，恢复原样并勾选"
)


@pytest.mark.parametrize(
    "answer",
    [
        "- [X] 我不同意公开",
        "- [x] 我确认",
        f"- [X] {CONSENT_TEXT}（但不含联系方式）",
        f"- [X] {CONSENT_TEXT}\n- [X] 另一个勾选框",
        f"- [X] {CONSENT_TEXT}\n补充说明：请勿公开",
        f"[X] {CONSENT_TEXT}",
    ],
)
def test_consent_with_other_text_is_refused(tmp_path, answer):
    target, problems = convert(body(consent=answer), tmp_path)
    assert target is None
    assert problems == [CONSENT_CHANGED]


def test_consent_lower_case_x_is_fine(tmp_path):
    target, problems = convert(body(consent=f"- [x] {CONSENT_TEXT}"), tmp_path)
    assert problems == [] and target is not None


# ------------------------------------------------------------------ reviewed branches


BOT = {"GIT_AUTHOR_NAME": "github-actions[bot]", "GIT_AUTHOR_EMAIL": BOT_EMAIL,
       "GIT_COMMITTER_NAME": "github-actions[bot]", "GIT_COMMITTER_EMAIL": BOT_EMAIL}


@pytest.fixture
def checkout(tmp_path, monkeypatch):
    """The workflow's checkout: main with records/, and the bot's branch need/issue-7 fetched."""
    repo = Repo(tmp_path / "repo")
    shutil.copytree(BASE / "records", repo.root / "records")
    shutil.copytree(REPO / "schemas", repo.root / "schemas")
    repo.commit("main")
    repo.branch("need/issue-7")
    repo.write("records/needs/issue-7.yaml", "# 机器人生成\n")
    repo.git("add", "-A")
    subprocess.run(["git", "commit", "-q", "-m", "新增需求：issue #7"], cwd=repo.root, check=True,
                   env={**os.environ, **ENV, **BOT})
    repo.checkout("main")
    (tmp_path / "body.md").write_text(body(), encoding="utf-8")
    monkeypatch.chdir(repo.root)
    return repo


def need(tmp_path, *extra):
    group = click.Group("kexie")
    register(group)
    result = CliRunner().invoke(group, ["need-from-issue", "--body-file", str(tmp_path / "body.md"),
                                        "--number", "7", "--out", "records/needs", "--date", "2016-06-01",
                                        *extra])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_bot_only_branch_is_rebuilt(checkout, tmp_path):
    result = need(tmp_path, "--branch", "need/issue-7")
    assert result.exit_code == 0, result.output
    assert (checkout.root / "records/needs/issue-7.yaml").is_file()


def test_branch_with_a_staff_commit_is_left_alone(checkout, tmp_path):
    checkout.checkout("need/issue-7")
    checkout.write("records/needs/issue-7.yaml", "# 工作人员改过\n")
    sha = checkout.commit("工作人员修改")[:7]
    checkout.checkout("main")
    result = need(tmp_path, "--branch", "need/issue-7")
    assert result.exit_code == 3
    assert result.output.splitlines() == [
        f"issue #7 的需求已由市科协工作人员接手审核（分支上有 1 个不是由机器人提交的改动（{sha}）），"
        "系统不再根据 issue 的修改自动覆盖分支 need/issue-7。",
        "如还需修改，请在对应的 pull request 中留言说明，工作人员会代为修改。",
    ]
    assert not (checkout.root / "records/needs/issue-7.yaml").exists()


@pytest.mark.parametrize(
    "pr, reason",
    [
        ({"state": "OPEN", "labels": [], "reviews": [{"state": "APPROVED"}]}, "pull request 已有 1 条审核意见"),
        ({"state": "OPEN", "labels": [{"name": "已审核"}], "reviews": []}, "pull request 已标记“已审核”"),
        ({"state": "MERGED", "labels": [], "reviews": []}, "对应的 pull request 已合并或关闭"),
        ({"state": "CLOSED", "labels": [], "reviews": []}, "对应的 pull request 已合并或关闭"),
    ],
)
def test_reviewed_pull_request_is_left_alone(checkout, tmp_path, pr, reason):
    (tmp_path / "pr.json").write_text(json.dumps(pr), encoding="utf-8")
    result = need(tmp_path, "--branch", "need/issue-7", "--pr-json", str(tmp_path / "pr.json"))
    assert result.exit_code == 3
    assert result.output.startswith(f"issue #7 的需求已由市科协工作人员接手审核（{reason}），")


def test_open_unreviewed_pull_request_is_rebuilt(checkout, tmp_path):
    (tmp_path / "pr.json").write_text('{"state": "OPEN", "labels": [{"name": "需求"}], "reviews": []}', encoding="utf-8")
    result = need(tmp_path, "--branch", "need/issue-7", "--pr-json", str(tmp_path / "pr.json"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("branch, pr_json", [("no-such-branch", None), ("need/issue-7", "not json")])
def test_what_cannot_be_read_is_left_alone(checkout, tmp_path, branch, pr_json):
    extra = ["--branch", branch]
    if pr_json is not None:
        (tmp_path / "pr.json").write_text(pr_json, encoding="utf-8")
        extra += ["--pr-json", str(tmp_path / "pr.json")]
    result = need(tmp_path, *extra)
    assert result.exit_code == 3
    assert "系统不再根据 issue 的修改自动覆盖分支 need/issue-7" in result.output
    assert "Traceback" not in result.output
