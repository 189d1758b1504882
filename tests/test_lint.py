"""ruff's pyflakes rules (unused and undefined names, repeated keys) and syntax errors over the code."""

from __future__ import annotations

import subprocess
import sys

from tests.sitebuild import REPO


def test_ruff_finds_no_pyflakes_errors():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "F,E9", "--output-format", "concise", "generator", "tests", "bench"],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
