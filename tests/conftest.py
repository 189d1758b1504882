"""Shared helpers for the validator's command-line tests, and the CI rule for browser tests.

Fixture cases are files (in the style of check-jsonschema): adding a case is adding a folder.

    tests/cases/base/records/              a small, valid, self-contained records tree
    tests/cases/negative/<case>/records/   files that replace or add to the base tree
    tests/cases/negative/<case>/expected.txt
                                           the exact output of `kexie validate` for that tree

A test copies the base tree to tmp_path/records and the repository's schemas/ to tmp_path/schemas
(the validator looks for the schemas beside records/), lays a case over it, and runs the command
with the working directory at tmp_path: through a subprocess (`python -m generator`, exactly what
CI runs) or, where speed matters more, through click's CliRunner in this process.

The reference date of the date-dependent policy rules is fixed with KEXIE_TODAY, so nothing here
depends on the clock.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "cases"
BASE = CASES / "base"
NEGATIVE = CASES / "negative"

TODAY = "2018-06-01"  # KEXIE_TODAY for every run: after the 2015–2017 period, all its years ended

# one output line of the text reporter: path[:line[:column]]: 错误|警告: message [rule]
PROBLEM_LINE = re.compile(
    r"^(?P<path>[^:\n]+?)(?::(?P<line>\d+)(?::(?P<column>\d+))?)?: (?P<severity>错误|警告): "
    r"(?P<message>.+) \[(?P<rule>[a-z0-9-]+)\]$"
)
SUMMARY_LINE = re.compile(r"^检查了 \d+ 条记录(，全部通过。|：\d+ 个错误，\d+ 个警告。)$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def negative_cases() -> list[str]:
    return sorted(d.name for d in NEGATIVE.iterdir() if d.is_dir() and not d.name.startswith("."))


def copy_base(root: Path) -> Path:
    """root/records ← the base tree, root/schemas ← the repository's schemas. Returns root."""
    shutil.copytree(BASE / "records", root / "records")
    shutil.copytree(REPO / "schemas", root / "schemas")
    return root


def overlay(case: Path, root: Path) -> None:
    """Lay a case's records/ over root/records (same relative paths: replace or add)."""
    source = case / "records"
    if source.is_dir():
        shutil.copytree(source, root / "records", dirs_exist_ok=True)


def read_expected(case: Path) -> list[str]:
    return (case / "expected.txt").read_text(encoding="utf-8").splitlines()


def expected_exit(lines: list[str]) -> int:
    """1 when any expected line is an error, else 0 (warnings alone do not fail)."""
    severities = [m["severity"] for m in map(PROBLEM_LINE.match, lines) if m]
    return 1 if "错误" in severities else 0


def key(line: str) -> tuple:
    """(path, line, column, severity, rule) of a problem line; (line,) for any other line."""
    m = PROBLEM_LINE.match(line)
    return (m["path"], m["line"], m["column"], m["severity"], m["rule"]) if m else (line,)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def lines(self) -> list[str]:
        return self.stdout.splitlines()


def kexie_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEXIE_")}
    env.update(PYTHONUTF8="1", PYTHONIOENCODING="utf-8", KEXIE_TODAY=TODAY)
    env.update(extra)
    return env


def run_kexie(*args: str, cwd: Path, timeout: float = 60, env=None, preexec_fn=None) -> Run:
    """`python -m generator ARGS` in cwd, as CI runs it; a run over `timeout` s fails the test."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "generator", *args],
            check=False,
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            env=env if env is not None else kexie_env(),
            preexec_fn=preexec_fn,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`kexie {' '.join(args)}` did not finish within {timeout} s", pytrace=False)
    return Run(done.returncode, done.stdout, done.stderr, time.monotonic() - started)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp_path holding a copy of the base records tree and of schemas/."""
    return copy_base(tmp_path)


@pytest.fixture
def invoke(tmp_path: Path, monkeypatch):
    """Run `kexie ARGS` in-process with CliRunner, cwd = tmp_path; exceptions propagate."""
    from generator.cli import cli

    monkeypatch.chdir(tmp_path)
    for name in [k for k in os.environ if k.startswith("KEXIE_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("KEXIE_TODAY", TODAY)

    def run(*args: str) -> Run:
        started = time.monotonic()
        result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr, time.monotonic() - started)

    return run


# ---------------------------------------------------------------- CI: browser tests may not skip


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI (CI=true, see .ci/run) a skipped `browser` test is a failure: a missing Chromium
    must not pass silently there. Locally such tests still skip."""
    report = yield
    if (
        report.skipped
        and not hasattr(report, "wasxfail")
        and _in_ci()
        and item.get_closest_marker("browser") is not None
    ):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI (CI={os.environ.get('CI')}): {reason}"
    return report


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module (shared by every browser test file)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
