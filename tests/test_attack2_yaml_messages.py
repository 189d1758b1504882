"""Every YAML syntax problem libyaml can report reaches people in Chinese (attack2).

Before, these fell through to "格式无法识别（found unknown escape character）" and the like: the
English of the parser in a Chinese message. Each row is a small file that triggers one of them;
the message must name the problem in Chinese, at a line and column, under the yaml-syntax rule."""

from __future__ import annotations

import re

import pytest

from generator.records.strict_yaml import ParseError, parse

HEAD = "# yaml-language-server: $schema=../../schemas/expert.schema.json\nid: zhang-wei\n"
CASES = {
    "text after the document end": HEAD + "...\njunk: [\n",
    "unknown escape": HEAD + 'title: "教授\\q"\n',
    "bad hex escape": HEAD + 'title: "教授\\xZZ"\n',
    "surrogate escape": HEAD + 'title: "教授\\ud800"\n',
    "anchor without a name": HEAD + "title: &\n",
    "undefined tag handle": HEAD + "title: !foo!bar x\n",
    "unclosed verbatim tag": HEAD + "title: !<x\n",
    "bad tag escape": HEAD + "title: !a%ZZ x\n",
    "YAML 2.0 directive": "%YAML 2.0\n---\nid: x\n",
    "duplicate %YAML": "%YAML 1.1\n%YAML 1.1\n---\nid: x\n",
    "duplicate %TAG": "%TAG ! tag:x,2000:\n%TAG ! tag:y,2000:\n---\nid: x\n",
    "directive without version": "%YAML\n---\nid: x\n",
    "--- inside a quoted value": HEAD + 'title: "a\n---\nb"\n',
    "indentation indicator 0": HEAD + "bio: |0\n  x\n",
    "text after |": HEAD + "bio: | x\n  y\n",
    "list dash after a key": HEAD + "title: - a\n",
    "value starting with ]": HEAD + "title: ]\n",
    "empty flow item": HEAD + "honours: [a, , b]\n",
    "nesting too deep": HEAD + "honours: " + "[" * 2000 + "]" * 2000 + "\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_yaml_syntax_problems_are_explained_in_chinese(text):
    error = parse(text.encode("utf-8"))
    assert isinstance(error, ParseError) and error.rule == "yaml-syntax", error
    assert "格式无法识别" not in error.message, error.message
    assert not re.search(r"[A-Za-z]{5,}", error.message.replace("YAML", "").replace("honours", "")), error.message
    assert error.line > 0 and error.column > 0, error
