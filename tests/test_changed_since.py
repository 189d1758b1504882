"""`kexie validate --changed-since REF` reports exactly what a full `kexie validate` reports for the
affected files (issue #14, item 2).

Corpus test: the demo records in a real git repository; each round applies random edits of every
kind — reference breaks and swaps (which also move projects between double-funding groups, change
`contains` and bans), deletions, renames with and without the id, id-only changes, consent flips,
society renames, money and dates, schema breaks, YAML breaks, new records, misplaced, hidden and
symlinked files, policy edits — spread over commits after REF, the index, the work tree and
untracked files. The changed-since report must equal the full run's problems filtered to the files
it names, with the same count of records; and the affected set must hold every changed record and
every record that refers to a changed id. KEXIE_CHANGED_ROUNDS=300 runs it longer.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
from pathlib import Path

import pytest

from generator.checks.pipeline import check_records
from generator.contrib.changedsince import check_changed
from generator.records.problems import Problem
from tests.gitrepo import Repo
from tests.sitebuild import REPO, run_kexie

ROUNDS = int(os.environ.get("KEXIE_CHANGED_ROUNDS", "24"))
ID = re.compile(r"(?<![\w-])([a-z0-9]+(?:-[a-z0-9]+)+)(?![\w-])")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    repo = Repo(tmp_path_factory.mktemp("changed") / "repo")
    shutil.copytree(REPO / "records", repo.root / "records")
    shutil.copytree(REPO / "schemas", repo.root / "schemas")
    repo.base = repo.commit("base")
    return repo


def _records(root: Path) -> list[Path]:
    return sorted(p for p in (root / "records").glob("*/*.yaml") if p.parent.name != "policies")


def _ids(root: Path) -> list[str]:
    return [p.stem for p in _records(root)]


def _edit(rng: random.Random, root: Path) -> None:
    """One random edit of the records under root (see the module docstring)."""
    files = _records(root)
    path = rng.choice(files)
    text = path.read_text(encoding="utf-8")
    kind = rng.choice(["ref", "ref", "ref", "delete", "rename", "rename-id", "id", "consent", "name",
                       "number", "schema", "yaml", "new", "misplaced", "hidden", "symlink", "policy", "contains", "group", "group"])
    if kind == "ref":  # break a reference, or point it at another record (mostly of the same kind)
        found = [m for m in ID.finditer(text) if m.group(1) != path.stem]
        if found:
            m = rng.choice(found)
            same = [p.stem for p in _records(root) if (p.parent / f"{m.group(1)}.yaml").exists()]
            other = rng.choice((same if same and rng.random() < 0.7 else _ids(root)) + ["no-such-record"])
            path.write_text(text[: m.start(1)] + other + text[m.end(1):], encoding="utf-8")
    elif kind == "group":  # move a project into another's (workstation, lead society): double funding
        stations = [p for p in sorted((root / "records" / "projects").glob("*.yaml"))
                    if "\nworkstation:" in p.read_text(encoding="utf-8")]
        if len(stations) > 1:
            a, b = rng.sample(stations, 2)
            ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
            for field in ("workstation", "lead_society"):
                value = re.search(rf"(?m)^{field}: (.*)$", ta).group(1)
                tb = re.sub(rf"(?m)^{field}: .*$", f"{field}: {value}", tb)
            b.write_text(tb, encoding="utf-8")
    elif kind == "delete":
        path.unlink()
    elif kind in ("rename", "rename-id"):
        new = path.with_name(f"{path.stem}-x{rng.randrange(100)}.yaml")
        if kind == "rename-id":
            text = text.replace(f"id: {path.stem}\n", f"id: {new.stem}\n")
        new.write_text(text, encoding="utf-8")
        path.unlink()
    elif kind == "id":
        path.write_text(text.replace(f"id: {path.stem}\n", f"id: {path.stem}-y\n"), encoding="utf-8")
    elif kind == "consent":
        path.write_text(text.replace("publish: true", "publish: false"), encoding="utf-8")
    elif kind == "name":
        path.write_text(re.sub(r"(?m)^name: .*$", f"name: 改名{rng.randrange(9)}", text, count=1), encoding="utf-8")
    elif kind == "number":  # money, years, dates: funding, double funding, periods, bans
        numbers = list(re.finditer(r"\b(20\d\d|\d{4,6})\b", text))
        if numbers:
            m = rng.choice(numbers)
            value = str(int(m.group(1)) + rng.choice([-1, 1, 1000]))
            path.write_text(text[: m.start(1)] + value + text[m.end(1):], encoding="utf-8")
    elif kind == "schema":
        path.write_text(text.replace("\nowner:", "\nowner: 123\nx_unknown:", 1), encoding="utf-8")
    elif kind == "yaml":
        path.write_text(text + "\nbroken: [\n", encoding="utf-8")
    elif kind == "new":
        new = path.with_name(f"new-{rng.randrange(1000)}.yaml")
        new.write_text(text.replace(f"id: {path.stem}\n", f"id: {new.stem}\n"), encoding="utf-8")
    elif kind == "misplaced":
        (root / "records" / f"stray-{rng.randrange(9)}.yml").write_text("id: x\n", encoding="utf-8")
    elif kind == "hidden":
        (path.parent / f".{path.name}").write_text(text, encoding="utf-8")
    elif kind == "symlink":
        link = path.with_name(f"link-{rng.randrange(9)}.yaml")
        if not link.exists():
            link.symlink_to(path.name)
    elif kind == "policy":
        policy = rng.choice(sorted((root / "records" / "policies").glob("*.yaml")))
        ptext = policy.read_text(encoding="utf-8")
        policy.write_text(ptext.replace("ban_years: 5", "ban_years: 4"), encoding="utf-8")
    elif kind == "contains":  # containment and cycles between projects
        projects = sorted((root / "records" / "projects").glob("*.yaml"))
        project = rng.choice(projects)
        other = rng.choice(projects).stem
        ptext = project.read_text(encoding="utf-8")
        if "\ncontains:" in ptext:
            ptext = ptext.replace("\ncontains:\n", f"\ncontains:\n  - {other}\n", 1)
        else:
            ptext = ptext.rstrip("\n") + f"\ncontains:\n  - {other}\n"
        project.write_text(ptext, encoding="utf-8")


def _round(repo: Repo, rng: random.Random) -> None:
    """Edits in every git state: committed after REF, staged, unstaged, untracked."""
    repo.git("reset", "-q", "--hard", repo.base)
    repo.git("clean", "-q", "-fdx")
    for stage in ("commit", "stage", "work"):
        for _ in range(rng.randrange(0, 4)):
            _edit(rng, repo.root)
        if stage == "commit":
            repo.commit("edit")
        elif stage == "stage":
            repo.git("add", "-A", "records")


def _compare(repo: Repo):
    root = repo.root / "records"
    os.chdir(repo.root)
    result = check_changed(Path("records"), repo.base)
    full = check_records(Path("records"))
    wanted = {Problem(w, 0, 0, "", "").path for w in result.affected}
    expected = sorted({p for p in full.report.problems if p.path in wanted}, key=Problem.sort_key)
    assert result.report.sorted() == expected
    assert result.count == sum(1 for r in full.records.all() if r.path in result.affected)
    return root, result


def _by_file(problems) -> dict[str, set]:
    found: dict[str, set] = {}
    for p in problems:
        found.setdefault(p.path, set()).add(p)
    return found


def test_changed_since_equals_full_run_on_random_edits(repo):
    """Exact: the report equals the full run's for the files it names. Complete: every file whose
    problems differ between the full runs at REF and now is among them."""
    rng = random.Random(14)
    cwd = os.getcwd()
    kinds = {"affected": 0, "problems": 0, "full": 0, "moved": 0}
    try:
        repo.git("reset", "-q", "--hard", repo.base)
        repo.git("clean", "-q", "-fdx")
        os.chdir(repo.root)
        before = _by_file(check_records(Path("records")).report.problems)
        for _ in range(ROUNDS):
            _round(repo, rng)
            root, result = _compare(repo)
            now = _by_file(check_records(Path("records")).report.problems)
            moved = {f for f in before.keys() | now.keys() if before.get(f) != now.get(f)}
            wanted = {Problem(w, 0, 0, "", "").path for w in result.affected}
            assert moved <= wanted, sorted(moved - wanted)
            kinds["moved"] += len(moved)
            kinds["affected"] += len(result.affected)
            kinds["problems"] += len(result.report.problems)
            kinds["full"] += result.full
            changed = repo.git("diff", "--name-only", "--no-renames", repo.base, "--", "records").split("\n")
            changed += repo.git("ls-files", "--others", "--", "records").split("\n")
            for name in filter(None, changed):
                assert name in result.affected or not name.endswith(".yaml")
    finally:
        os.chdir(cwd)
    assert kinds["problems"] > ROUNDS  # the edits do break things: the comparison is not vacuous
    assert kinds["full"] < ROUNDS  # and most rounds are not full runs


def test_referrers_are_affected(repo):
    """Deleting an expert affects every record that lists it, with the full run's ref-missing."""
    repo.git("reset", "-q", "--hard", repo.base)
    repo.git("clean", "-q", "-fdx")
    (repo.root / "records/experts/cai-yu.yaml").unlink()
    cwd = os.getcwd()
    try:
        _, result = _compare(repo)
    finally:
        os.chdir(cwd)
    refs = {p.path for p in result.report.problems if p.rule == "ref-missing"}
    assert "records/societies/hz-jisuanji-xuehui.yaml" in refs
    assert "records/projects/hzkx-2015-027.yaml" in refs
    assert not result.full


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_cli_formats_and_exit_codes(repo, fmt):
    repo.git("reset", "-q", "--hard", repo.base)
    repo.git("clean", "-q", "-fdx")
    done = run_kexie("validate", "--changed-since", repo.base, "--format", fmt, cwd=repo.root)
    assert done.returncode == 0, done.stderr
    (repo.root / "records/experts/cai-yu.yaml").unlink()
    done = run_kexie("validate", "--changed-since", repo.base, "--format", fmt, cwd=repo.root)
    full = run_kexie("validate", "--format", fmt, cwd=repo.root)
    assert done.returncode == full.returncode == 1
    if fmt == "json":
        mine, everything = json.loads(done.stdout), json.loads(full.stdout)
        assert mine["problems"] and all(p in everything["problems"] for p in mine["problems"])
    else:
        lines = done.stdout.splitlines()
        assert set(lines[:-1]) <= set(full.stdout.splitlines()[:-1]) and len(lines) > 1
        assert "cai-yu" in done.stdout


def test_bad_ref_and_no_repository(repo, tmp_path):
    done = run_kexie("validate", "--changed-since", "no-such-ref", cwd=repo.root)
    assert done.returncode == 2
    assert done.stderr == "错误: 找不到 git 版本 no-such-ref：请确认它存在（在 GitHub Actions 中 checkout 需设 fetch-depth: 0）\n"
    done = run_kexie("validate", "--changed-since", "--oops", cwd=repo.root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    shutil.copytree(REPO / "records", tmp_path / "records")
    done = run_kexie("validate", "--changed-since", "HEAD", "--records", str(tmp_path / "records"), cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "不在 git 仓库中" in done.stderr


def test_changed_schema_or_policy_checks_everything(repo):
    """A schema or policy edit changes what every record means: the answer is the full run's."""
    cwd = os.getcwd()
    try:
        for path in ("schemas/common.schema.json", "records/policies/2015-2017.yaml"):
            repo.git("reset", "-q", "--hard", repo.base)
            repo.git("clean", "-q", "-fdx")
            target = repo.root / path
            target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            _, result = _compare(repo)
            assert result.full and result.count == len(_records(repo.root)) + 2  # + the policies
    finally:
        os.chdir(cwd)


def test_paths_and_changed_since_together_are_refused(repo):
    done = run_kexie("validate", "records/experts", "--changed-since", repo.base, cwd=repo.root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--changed-since 不能与文件或目录参数同时使用" in done.stderr


def test_a_society_read_through_a_workstation(tmp_path):
    """Two hops: a project's eligibility message names its station's lead society, which the project
    itself does not reference. Renaming that society changes the project's problem: it is reported."""
    repo = Repo(tmp_path / "repo")
    shutil.copytree(REPO / "records", repo.root / "records")
    shutil.copytree(REPO / "schemas", repo.root / "schemas")
    station = repo.root / "records/workstations/fwz-lihu-jiedaoshequfuwuzhongxin.yaml"
    station.write_text(station.read_text(encoding="utf-8").replace(
        "lead_society: hz-dianzishangwu-xiehui", "lead_society: hz-tongji-xuehui"), encoding="utf-8")
    base = repo.commit("base")
    society = repo.root / "records/societies/hz-tongji-xuehui.yaml"
    society.write_text(re.sub(r"(?m)^name: .*$", "name: 改名的学会", society.read_text(encoding="utf-8"), count=1),
                       encoding="utf-8")
    cwd = os.getcwd()
    try:
        os.chdir(repo.root)
        result = check_changed(Path("records"), base)
    finally:
        os.chdir(cwd)
    project = [p for p in result.report.problems if p.path == "records/projects/hzkx-2015-012.yaml"]
    assert [p.rule for p in project] == ["eligibility-agreement"] and "改名的学会" in project[0].message


def test_a_wrong_cache_entry_is_mended_by_a_full_run(repo):
    """The fact cache says a society refers to nothing: loading it shows otherwise, so the run is
    a full one (right answer), the entry is mended, and the next run is small again."""
    repo.git("reset", "-q", "--hard", repo.base)
    repo.git("clean", "-q", "-fdx")
    (repo.root / "records/experts/cai-yu.yaml").unlink()
    cwd = os.getcwd()
    try:
        os.chdir(repo.root)
        check_changed(Path("records"), repo.base)  # fills the cache
        cache = next((repo.root / ".git" / "kexie").glob("facts-*.json"))
        blob = repo.git("rev-parse", f"{repo.base}:records/societies/hz-jisuanji-xuehui.yaml")
        known = json.loads(cache.read_text(encoding="utf-8"))
        known[blob] = known[blob].replace("members.*\x1fexpert\x1fcai-yu\x1e", "")
        cache.write_text(json.dumps(known), encoding="utf-8")
        _, result = _compare(repo)
        assert result.full
        _, result = _compare(repo)
        assert not result.full and "records/societies/hz-jisuanji-xuehui.yaml" in result.affected
    finally:
        os.chdir(cwd)
