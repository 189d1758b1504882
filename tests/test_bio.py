"""Record Markdown: the fast path for plain paragraphs agrees with the parser on real texts."""

from __future__ import annotations

import pytest
import yaml

from generator.model.bio import _render_parsed, render_both
from tests.sitebuild import REPO

TEXT_FIELDS = ("bio", "summary", "description")


def _texts():
    for path in sorted((REPO / "records").rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for field in TEXT_FIELDS:
            if isinstance(data, dict) and isinstance(data.get(field), str):
                yield data[field]


EDGE_CASES = [
    "一段文字。\n第二行。",
    "第一段。\n\n\n第二段。",
    "  缩进两格的段落\n   再缩进三格",
    "行尾两个空格  \n下一行",
    "1. 列表\n2. 第二项",
    "2016年获奖",
    "标题\n===",
    "    代码块",
    "含有 \"引号\" 和 '单引号'",
    "网址 https://example.org 不是链接",
    "A & B <b>",
    "\n\n前后空行\n\n",
    "   ",
]


@pytest.mark.parametrize("text", list(_texts()) + EDGE_CASES)
def test_fast_path_equals_the_parser(text):
    assert render_both(text) == (_render_parsed(text) if text.strip() else ("", ""))
