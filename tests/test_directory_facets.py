"""The directory's facet options travel as data in the page (#14: 2,000 societies' checkboxes made
the page 0.77 MB at 100,000 experts) and directory.js draws them: the data equals the facets of the
published experts, record text cannot end its script, and in Chromium every value has its checkbox."""

from __future__ import annotations

import json
import re

from generator.site.fragments import directory_facets
from generator.site.plugin import TEMPLATES
from generator.common.render import make_env
from tests.sitebuild import REPO, demo_site
from tests.test_browser import pytestmark, server  # noqa: F401

_DATA = re.compile(r'<script type="application/json" data-kx-facet-values>(.*?)</script>', re.S)


def _model():
    from generator.checks.pipeline import check_records
    from generator.model.public import build_model

    checked = check_records(REPO / "records")
    return build_model(checked.records, checked.schemas, {})


def test_the_page_carries_the_facets_as_data_not_markup():
    page = (demo_site() / "experts" / "index.html").read_text(encoding="utf-8")
    data = json.loads(_DATA.search(page).group(1))
    facets = directory_facets(_model())
    assert data == {group: [[f["value"], f["label"], f["count"]] for f in rows] for group, rows in facets.items() if rows}
    assert 'data-kx-facet=' not in page and "\\u" not in _DATA.search(page).group(1)  # UTF-8, not escapes
    assert len(data["society"]) > 10


def test_record_text_cannot_end_the_data_script():
    hostile = "学会</script><script>alert(1)</script>&amp;'"
    facets = {"discipline": [], "industry": [], "district": [], "honour": [],
              "society": [{"value": "hz-x", "label": hostile, "count": 3}]}
    html = make_env(TEMPLATES).get_template("directory.html").render(
        base="../", total=3, searched=["姓名"], examples=[], facets=facets)
    assert html.count("</script>") == 1 and "<script>alert" not in html
    assert json.loads(_DATA.search(html).group(1)) == {"society": [["hz-x", hostile, 3]]}


def test_directory_js_draws_a_checkbox_for_every_value(browser, server):  # noqa: F811
    data = json.loads(_DATA.search((demo_site() / "experts" / "index.html").read_text(encoding="utf-8")).group(1))
    page = browser.new_page()
    page.goto(server + "experts/?society=" + data["society"][-1][0])
    page.evaluate("window.kexieDirectory && window.kexieDirectory.ready")
    drawn = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-kx-options]')].map(ul =>
        [ul.getAttribute('data-kx-options'), [...ul.querySelectorAll('input[data-kx-facet]')].map(b =>
            [b.value, b.getAttribute('data-label'), b.closest('li').querySelector('.kx-dir__option-label').textContent])]))""")
    checked = page.locator(f"input[data-kx-facet=society][value='{data['society'][-1][0]}']").is_checked()
    page.close()
    assert {g: sorted(v[:2] for v in values) for g, values in drawn.items()} == \
        {g: sorted([v[0], v[1]] for v in values) for g, values in data.items()}
    assert all(label == text for values in drawn.values() for _, label, text in values)
    assert checked  # a value named in the address is checked once the options exist
