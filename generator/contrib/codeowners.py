"""`.github/CODEOWNERS` from the records: each record file is reviewed by its owner's maintainers.

GitHub applies the *last* matching line, so the file goes from general to specific: staff own
everything, then each society-maintained record names that society's maintainers (and staff, so
they can always approve). Only handles and file names that pass strict patterns are written: a
record cannot smuggle extra lines or patterns into the file.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from generator.contrib.ownership import (
    HANDLE, RECORD_NAME, SOCIETY_FOLDERS, UNREADABLE, load_data, owner_of, reserved_society,
)
from generator.records.recordset import STAFF_OWNER

HEADER = """\
# 本文件由 `kexie codeowners` 根据 records/ 自动生成，请勿手工修改。
# 记录的维护单位（owner）或学会的维护人（maintainers）变化后，请运行 `kexie codeowners` 并提交本文件。
# GitHub 采用最后一条匹配的规则：先列市科协工作人员（全部文件），再逐条列出各学会维护的记录。
"""


def _handles(values) -> list[str]:
    if not isinstance(values, list):
        return []
    seen, result = set(), []
    for v in values:
        if isinstance(v, str) and HANDLE.match(v) and v.lower() not in seen:
            seen.add(v.lower())
            result.append(v)
    return result


def _real_dir(path: Path) -> bool:
    return path.is_dir() and not path.is_symlink()  # a linked folder may lead anywhere


def _read(path: Path):
    if path.is_symlink():  # never a link's target: `kexie validate` reports the link itself
        return None
    try:
        return load_data(path.read_bytes())
    except OSError:
        return None


def render(records: Path) -> str:
    staff: list[str] = []
    staff_dir = records / "staff"
    for path in sorted(staff_dir.glob("*.yaml")) if _real_dir(staff_dir) else []:
        data = _read(path)
        if data:
            staff += [h for h in _handles(data.get("handles")) if h.lower() not in {s.lower() for s in staff}]
    maintainers: dict[str, list[str]] = {}
    societies_dir = records / "societies"
    for path in sorted(societies_dir.glob("*.yaml")) if _real_dir(societies_dir) else []:
        data = _read(path)
        if data and RECORD_NAME.match(path.name) and not reserved_society(f"records/societies/{path.name}"):
            maintainers[path.stem] = _handles(data.get("maintainers"))

    staff_refs = " ".join(f"@{h}" for h in staff)
    lines = [HEADER]
    if not staff:
        lines.append("# 警告：records/staff/ 中没有工作人员用户名，下面的规则没有审核人。")
    lines.append("# 市科协工作人员：全部文件（代码、结构定义、政策期、工作人员名单等）")
    lines.append(f"* {staff_refs}".rstrip())
    rows = []
    for folder in sorted(SOCIETY_FOLDERS):
        directory = records / folder
        if not _real_dir(directory):
            continue
        for path in sorted(directory.iterdir()):
            if path.is_symlink() or not path.is_file() or not RECORD_NAME.match(path.name):
                continue
            rel = f"records/{folder}/{path.name}"
            owner = owner_of(rel, _read(path))
            if owner in (STAFF_OWNER, UNREADABLE) or not maintainers.get(owner):
                continue  # staff only: the catch-all line already says so
            people = maintainers[owner] + [h for h in staff if h.lower() not in {m.lower() for m in maintainers[owner]}]
            rows.append((owner, f"/{rel} " + " ".join(f"@{h}" for h in people)))
    current = None
    for owner, row in sorted(rows):
        if owner != current:
            lines.append(f"\n# 学会 {owner}")
            current = owner
        lines.append(row)
    return "\n".join(lines) + "\n"


def stale_diff(committed: str, generated: str, path: str) -> str:
    diff = difflib.unified_diff(
        committed.splitlines(keepends=True),
        generated.splitlines(keepends=True),
        fromfile=f"{path}（已提交）",
        tofile=f"{path}（按记录应为）",
        n=1,
    )
    return "".join(diff)
