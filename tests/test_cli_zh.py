"""The `kexie` command speaks Chinese throughout, click's own words included (#16 item 9)."""

from __future__ import annotations

import re

import pytest

from generator.records.recordset import FOLDERS, TYPE_ZH
from tests.sitebuild import REPO, run_kexie

COMMANDS = ["validate", "new", "build", "serve", "report", "codeowners", "check-ownership", "diff", "need-from-issue"]
# click's English, as it prints it when untranslated
ENGLISH = re.compile(r"Usage:|Options:|Commands:|Show this message|Show the version|Error:|Missing |No such |"
                     r"Invalid value|does not exist|is not one of|Try '|\[default|\[required|PATH|TEXT|INTEGER|DIRECTORY|FILE\b")


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_chinese(command):
    args = ["--help"] if command is None else [command, "--help"]
    result = run_kexie(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("用法: kexie "), result.stdout
    assert "选项:" in result.stdout and "显示本帮助并退出。" in result.stdout
    assert not ENGLISH.search(result.stdout), result.stdout


def test_new_help_lists_every_record_type():
    out = run_kexie("new", "--help").stdout
    assert "用法: kexie new [选项] 类型 编号" in out
    for record_type, folder in FOLDERS.items():
        assert re.search(rf"^\s+{record_type}\s+{TYPE_ZH[record_type]}（写入 records/{folder}/）$", out, re.M), record_type


@pytest.mark.parametrize("args, message", [
    (["new"], "错误：缺少参数 '类型'。"),
    (["new", "expert"], "错误：缺少参数 '编号'。"),
    (["report"], "错误：缺少选项 '--year'。"),
    (["report", "--year", "abc"], "错误：'--year' 的取值无效：'abc' 不是有效的整数。"),
    (["validate", "--format", "xml"], "错误：'--format' 的取值无效：'xml' 不在可选值 'github', 'json', 'text' 之中。"),
    (["build", "--config", "no-such.yml"], "错误：'--config' 的取值无效：文件 'no-such.yml' 不存在。"),
    (["nosuch"], "错误：没有 'nosuch' 这个命令。"),
    (["build", "--bogus"], "错误：没有 '--bogus' 这个选项。"),
])
def test_usage_errors_are_chinese(args, message):
    result = run_kexie(*args)
    assert result.returncode == 2
    assert message in result.stderr, result.stderr
    assert "运行 'kexie" in result.stderr and "查看帮助。" in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_version_is_chinese():
    result = run_kexie("--version")
    assert result.returncode == 0 and re.fullmatch(r"kexie 版本 \S+\n", result.stdout)


def test_build_says_how_many_warnings(tmp_path):
    validated = run_kexie("validate")
    count = int(re.search(r"(\d+) 个警告", validated.stdout).group(1))
    result = run_kexie("build", "--out", str(tmp_path / "site"), cwd=REPO)
    assert result.returncode == 0, result.stderr
    expected = f"记录有 {count} 个警告（不影响生成网站）：运行 kexie validate 查看。" if count else "记录没有警告。"
    assert result.stdout.splitlines()[-1] == expected
