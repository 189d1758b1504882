"""Build real sites from real records once per test run and share them between test modules."""

from __future__ import annotations

import functools
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_WORK = Path(tempfile.mkdtemp(prefix="kexie-tests-"))


def run_kexie(*args, cwd=REPO, env=None):
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


@functools.lru_cache(maxsize=None)
def demo_site() -> Path:
    """The shipped records/ built with the shipped mkdocs.yml, exactly as `kexie build` does."""
    out = _WORK / "demo-site"
    result = run_kexie("build", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def make_project(records_from: Path, name: str) -> Path:
    """A scratch project: the repo's mkdocs.yml, site_src/, overrides/ and schemas/ with a records tree."""
    project = _WORK / name
    if project.exists():
        shutil.rmtree(project)
    project.mkdir()
    shutil.copytree(REPO / "site_src", project / "site_src")
    shutil.copytree(REPO / "overrides", project / "overrides")
    shutil.copytree(REPO / "schemas", project / "schemas")
    shutil.copy(REPO / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(records_from, project / "records")
    return project


def canonical_html(text: str) -> str:
    """A page as the DOM a browser builds from it, written back with every tag closed and every
    attribute value quoted. Record pages are minified (optional closing tags and quotes left out,
    generator/site/record_pages.py); this reads them with html5lib, the HTML spec's parsing
    algorithm (so `<tbody>` appears where the parser puts it), and tests match the result."""
    import html5lib

    tree = html5lib.parse(text, namespaceHTMLElements=False)
    return html5lib.serialize(tree, tree="etree", quote_attr_values="always", omit_optional_tags=False,
                              minimize_boolean_attributes=True, use_trailing_solidus=False)


def read_page(path: Path) -> str:
    """`canonical_html` of the page file at `path`."""
    return canonical_html(path.read_text(encoding="utf-8"))
