"""What a deploy to an object store must upload and delete (issue #14, item 4).

The bucket holds the site plus one public file, `kexie-deployed.json` (headers.yaml:
deployed_manifest): {"version": 1, "files": {site path: sha256 of its bytes}} of what was deployed.
`kexie deploy-plan` compares it with the new site's hashes and writes, for the sync tool (rclone):

    upload.tsv          one line per header group: list file, Content-Type, Cache-Control
    upload-NN.txt       the site paths of that group, one per line (rclone --files-from-raw)
    delete.txt          deployed paths the new site no longer has (removed last, after the uploads)
    kexie-deployed.json the new deployed manifest, uploaded after everything else succeeded

so a failed deploy leaves the old manifest: the next plan uploads again what may not have arrived.
Never planned: the build's private state and markers (headers.yaml: private) and the deployed
manifest's own name. Headers come from headers.yaml (data), by extension and path pattern.

The new site's hashes: the build's manifest (<site>/.kexie/manifest.json.gz, its "outputs" map
{path: sha256}) when it lists exactly the files on disk, else each file hashed here.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.common.hashing import build_outputs, file_sha256

HEADERS = Path(__file__).with_name("headers.yaml")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PlanError(Exception):
    """A site or deployed manifest that cannot be planned from; the message is for people (Chinese)."""


@dataclass
class Rules:
    content_types: dict[str, str]
    cache_control: list[tuple[str, str]]
    private: set[str]
    deployed_manifest: str

    @classmethod
    def load(cls, path: Path = HEADERS) -> "Rules":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            {k.lower(): v for k, v in data["content_types"].items()},
            [(r["pattern"], r["value"]) for r in data["cache_control"]],
            set(data["private"]),
            data["deployed_manifest"],
        )

    def public(self, path: str) -> bool:
        """False for the build's private files and the deployed manifest itself."""
        return path != self.deployed_manifest and not any(part in self.private for part in path.split("/"))

    def headers(self, path: str) -> tuple[str, str]:
        """(Content-Type, Cache-Control) of a site path."""
        ctype = self.content_types.get(os.path.splitext(path)[1].lower(), "application/octet-stream")
        cache = next(v for p, v in self.cache_control if fnmatch.fnmatchcase(path, p))
        return ctype, cache


def _files(site: Path, rules: Rules) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(site):
        folder = Path(dirpath)
        for name in dirnames:
            if (folder / name).is_symlink():
                raise PlanError(f"网站中有符号链接 {(folder / name).relative_to(site).as_posix()}：kexie build 不会生成它，请重新生成网站")
        for name in filenames:
            path = folder / name
            relative = path.relative_to(site).as_posix()
            if "\n" in relative or "\r" in relative:
                raise PlanError(f"网站中的文件名含换行符（{relative!r}）：上传清单按行列出文件，请重新生成网站")
            if path.is_symlink() or not path.is_file():
                raise PlanError(f"网站中有符号链接或特殊文件 {relative}：kexie build 不会生成它，请重新生成网站")
            if rules.public(relative):
                found.append(relative)
    return sorted(found)


def output_hashes(site: Path, rules: Rules | None = None) -> dict[str, str]:
    """{site path: sha256} of every public file of a built site (module docstring).

    Raises PlanError for a missing folder or a symlink inside it."""
    rules = rules or Rules.load()
    if not site.is_dir():
        raise PlanError(f"找不到网站目录 {site}：请先运行 kexie build --out {site}")
    files = _files(site, rules)
    outputs = build_outputs(site)
    if outputs is not None:
        listed = {p: h for p, h in outputs.items() if isinstance(p, str) and rules.public(p)}
        if sorted(listed) == files and all(isinstance(h, str) and _SHA256.match(h) for h in listed.values()):
            return listed
    return {path: file_sha256(site / path) for path in files}


def read_deployed(path: Path | None) -> dict[str, str]:
    """The deployed manifest's files map; {} when there is none yet (first deploy)."""
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PlanError(f"无法读取已发布的清单 {path}：{exc}；如需全部重新上传，请删除存储桶中的这个文件") from None
    files = data.get("files") if isinstance(data, dict) else None
    if data.get("version") != 1 or not isinstance(files, dict) or not all(
        isinstance(p, str) and isinstance(h, str) and _SHA256.match(h) for p, h in files.items()
    ):
        raise PlanError(f"已发布的清单 {path} 格式不对（应为 version 1 与 files 表）；如需全部重新上传，请删除存储桶中的这个文件")
    return files


@dataclass
class Plan:
    upload: list[str]
    delete: list[str]
    manifest: dict[str, str]


def make_plan(new: dict[str, str], deployed: dict[str, str], rules: Rules | None = None) -> Plan:
    """Files that are new or whose hash changed; deployed files the new site lacks (never a private
    path, even if an old manifest listed one)."""
    rules = rules or Rules.load()
    upload = sorted(p for p, h in new.items() if deployed.get(p) != h and rules.public(p))
    delete = sorted(p for p in deployed if p not in new and rules.public(p))
    return Plan(upload, delete, dict(sorted(new.items())))


def write_plan(plan: Plan, out: Path, rules: Rules | None = None) -> None:
    """The files listed in the module docstring, into folder `out` (created)."""
    rules = rules or Rules.load()
    out.mkdir(parents=True, exist_ok=True)
    groups: dict[tuple[str, str], list[str]] = {}
    for path in plan.upload:
        groups.setdefault(rules.headers(path), []).append(path)
    lines = []
    for number, (headers, paths) in enumerate(sorted(groups.items())):
        name = f"upload-{number:02d}.txt"
        (out / name).write_text("".join(p + "\n" for p in paths), encoding="utf-8")
        lines.append(f"{name}\t{headers[0]}\t{headers[1]}\n")
    (out / "upload.tsv").write_text("".join(lines), encoding="utf-8")
    (out / "delete.txt").write_text("".join(p + "\n" for p in plan.delete), encoding="utf-8")
    manifest = {"version": 1, "files": plan.manifest}
    (out / rules.deployed_manifest).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8"
    )
