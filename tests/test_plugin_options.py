"""A wrong kexie option in mkdocs.yml is refused before MkDocs reads it, in Chinese, naming the file,
the line, the option, what it should be and what it is (MkDocs' own message is English and names
no line); the site is not built and the exit code is 1."""

from __future__ import annotations

import re

import pytest

from tests.sitebuild import REPO, make_project, run_kexie


@pytest.fixture(scope="module")
def project():
    return make_project(REPO / "records", "plugin-options")


def _line(config: str, name: str) -> int:
    return next(i for i, text in enumerate(config.splitlines(), 1) if re.match(rf"\s+{name}:", text))


CASES = [
    ("record_json_max", "abc", "kexie 插件的选项 record_json_max 应为整数，实际为“abc”"),
    ("record_json_max", "-5", "kexie 插件的选项 record_json_max 应为非负整数，实际为 -5"),
    ("record_json_max", "true", "kexie 插件的选项 record_json_max 应为整数，实际为“true”"),
    ("open_data_compress_over", "1.5", "kexie 插件的选项 open_data_compress_over 应为整数，实际为“1.5”"),
    ("list_page_rows", "0", "kexie 插件的选项 list_page_rows 应为正整数，实际为 0"),
    ("sitemap_urls_per_file", "''", "kexie 插件的选项 sitemap_urls_per_file 应为整数，实际为“”"),
    ("demo", "'yes please'", "kexie 插件的选项 demo 应为 true 或 false，实际为“yes please”"),
    ("branch", "2024", "kexie 插件的选项 branch 应为文字，实际为“2024”"),
]


@pytest.mark.parametrize("name,value,message", CASES, ids=[f"{n}={v}" for n, v, _ in CASES])
def test_a_wrong_option_is_named_with_its_line(project, tmp_path, name, value, message):
    config_file = project / "mkdocs.yml"
    original = config_file.read_text(encoding="utf-8")
    try:
        config, n = re.subn(rf"(\n      {name}:)[^\n#]*", rf"\g<1> {value}   ", original)
        assert n == 1, name
        config_file.write_text(config, encoding="utf-8")
        result = run_kexie("build", "--out", str(tmp_path / "site"), cwd=project)
    finally:
        config_file.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"mkdocs.yml 第 {_line(config, name)} 行：{message}", "网站未生成。"]
    assert not (tmp_path / "site").exists()


def test_an_unknown_option_lists_the_known_ones(project, tmp_path):
    config_file = project / "mkdocs.yml"
    original = config_file.read_text(encoding="utf-8")
    try:
        config = original.replace("\n      demo:", "\n      colour: red\n      demo:", 1)
        config_file.write_text(config, encoding="utf-8")
        result = run_kexie("build", "--out", str(tmp_path / "site"), cwd=project)
    finally:
        config_file.write_text(original, encoding="utf-8")
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"mkdocs.yml 第 {_line(config, 'colour')} 行：kexie 插件没有选项“colour”。可用的选项：branch、breakdown_rows、demo、")
    assert "record_json_max" in first and "Config value" not in result.stderr
