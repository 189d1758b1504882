"""When each record last changed, from git history in one pass (never the clock: builds repeat)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def last_changed(records_root: Path) -> dict[str, str]:
    """Map each record's display path (relative to the working directory) to its last commit date.

    Files git does not know (a new, uncommitted record) are simply absent: pages then show no date.
    """
    root = records_root.resolve()
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        log = subprocess.run(
            ["git", "-C", top, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", str(root)],
            capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    dates: dict[str, str] = {}
    date = ""
    cwd = Path.cwd()
    for line in log.splitlines():
        if line.startswith("\x00"):
            date = line[1:]
        elif line and date:
            shown = os.path.relpath(Path(top) / line, cwd).replace(os.sep, "/")
            dates.setdefault(shown, date)  # newest commit comes first
    return dates
