"""Accessibility: axe-core (vendored in tests/vendor/axe-core) in Chromium on the demo site's main
kinds of page, at desktop and phone width: no serious or critical violation (issue 16, item 8)."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.sitebuild import REPO
from tests.test_browser import pytestmark, server  # noqa: F401  (fixtures and the skip rule)

AXE = REPO / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"  # axe-core 4.14.1
PAGES = ["", "experts/", "experts/?query=%E6%9D%90%E6%96%99", "EXPERT", "SOCIETY", "funding/", "funding/2016/", "targets/", "needs/", "NEED"]


def _first(folder: str) -> str:
    return sorted(p.stem for p in (REPO / "records" / folder).glob("*.yaml"))[0]


def _url(path: str) -> str:
    folders = {"EXPERT": "experts", "SOCIETY": "societies", "NEED": "needs"}
    if path == "EXPERT":
        from tests.test_browser import _an_expert

        return f"experts/{_an_expert()[0]}/"
    if path in folders:
        return f"{folders[path]}/{_first(folders[path])}/"
    return path


def test_the_vendored_axe_core_is_the_pinned_release():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_axe_violation(browser, server, path, width):  # noqa: F811
    context = browser.new_context(viewport={"width": width, "height": 900 if width > 600 else 844})
    page = context.new_page()
    url = _url(path)
    page.goto(server + url)
    page.wait_for_load_state("networkidle")
    if url.startswith("experts/") and url.count("/") == 1:
        page.evaluate("window.kexieDirectory.ready")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    bad = [
        f"{v['impact']} {v['id']}: {v['help']} — " + "; ".join(json.dumps(n["target"], ensure_ascii=False) for n in v["nodes"][:5])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], f"/{url} at {width} px:\n" + "\n".join(bad)
    # the run really checked the page: the rules behind the findings were applied
    applied = {r["id"] for kind in ("passes", "incomplete", "violations") for r in result[kind]}
    assert {"color-contrast", "aria-dialog-name"} <= applied
