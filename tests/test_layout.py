"""The package layout is the pipeline: each stage imports only stages before it (issue #8).

records → checks → model → search / report → site (the site publishes the yearly report files);
contrib reads records; cli may use everything;
common knows nothing of records. A module that imports against the arrows fails here, with the line.
"""

from __future__ import annotations

import ast

from tests.sitebuild import REPO

PACKAGE = REPO / "generator"
# stage → the stages it may import (besides itself)
ALLOWED = {
    "common": set(),
    "records": {"common"},
    "checks": {"common", "records"},
    "model": {"common", "records"},
    "search": {"common", "records", "model"},
    "report": {"common", "records", "checks", "model"},
    "site": {"common", "records", "checks", "model", "search", "report"},
    "contrib": {"common", "records", "checks"},
    "deploy": {"common"},  # a built site → object store lists; knows nothing of records
    "cli": {"common", "records", "checks", "model", "search", "site", "report", "contrib", "deploy"},
}
MAX_LINES = 330


def _imports(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("generator."):
            yield node.lineno, node.module.split(".")[1]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator."):
                    yield node.lineno, alias.name.split(".")[1]


def test_every_module_sits_in_a_stage():
    loose = sorted(p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert loose == [], f"modules outside a stage package: {loose}"
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == set(ALLOWED)


def test_imports_point_down_the_pipeline():
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        stage = path.relative_to(PACKAGE).parts[0]
        if stage not in ALLOWED:
            continue
        for line, target in _imports(path):
            if target != stage and target not in ALLOWED[stage]:
                wrong.append(f"{path.relative_to(REPO)}:{line}: {stage} imports {target}")
    assert wrong == []


def test_modules_stay_small():
    big = [f"{p.relative_to(REPO)}: {n}" for p in PACKAGE.rglob("*.py") if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert big == []
