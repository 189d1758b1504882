"""click's own words in Chinese: "用法：", "选项", "显示本帮助并退出。", "缺少参数 '类型'。" …

click marks its strings for gettext (`from gettext import gettext as _` in each module) but ships no
Chinese catalogue. `install()` points those modules' `_`/`ngettext` at the table below, so help pages
and usage errors of `kexie` are all Chinese; `localize(group)` gives every command and option a
Chinese metavar ("[选项]", "目录", "文件") where click would print PATH, TEXT or [OPTIONS].
A string missing from the table stays as click wrote it (nothing breaks when click adds one).
"""

from __future__ import annotations

import re

import click

ZH = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Error: {message}": "错误：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "No such command {name!r}.": "没有 {name!r} 这个命令。",
    "No such option {name!r}.": "没有 {name!r} 这个选项。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Invalid value: {message}": "取值无效：{message}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在 {range} 范围内。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件，应为目录。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是目录，应为文件。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 无法执行。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "file": "文件",
    "directory": "目录",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Aborted!": "已中止。",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "(dynamic)": "（动态）",
    "env var: {var}": "环境变量：{var}",
    "deprecated": "已弃用",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Value must be an iterable.": "取值必须是一组值。",
    "unknown error": "未知错误",
    "Error: invalid input": "错误：输入无效",
    "Do you want to continue?": "要继续吗？",
    "Repeat for confirmation": "请再输入一次确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Press any key to continue...": "按任意键继续……",
    "Confirm the action without prompting.": "不经询问直接执行。",
}
ZH_PLURAL = {
    "Got unexpected extra argument ({args})": "多余的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多余的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "Did you mean {possibility}?": "您是不是想输入 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（您是不是想输入其中之一：{possibilities}？）",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
}
NUMBER_TYPES = {"integer": "整数", "float": "数字"}
MODULES = ("core", "exceptions", "types", "formatting", "decorators", "parser", "utils", "termui")


def gettext(message: str) -> str:
    return ZH.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return ZH_PLURAL.get(chosen, ZH.get(chosen, chosen))


def install() -> None:
    """Point click's gettext calls at the Chinese table (this process only)."""
    import importlib

    for name in MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    _patch_missing_parameter()
    _patch_number_names()


def _patch_missing_parameter() -> None:
    """"缺少参数 '类型'." → "缺少参数 '类型'。": click appends an English full stop itself."""
    cls = click.exceptions.MissingParameter
    if getattr(cls.format_message, "_kexie", False):
        return
    original = cls.format_message

    def format_message(self):
        return re.sub(r"\.(?= |$)", "。", original(self), count=1)

    format_message._kexie = True
    cls.format_message = format_message


def _patch_number_names() -> None:
    for cls in (click.types.IntParamType, click.types.FloatParamType):
        cls.name = NUMBER_TYPES.get(cls.name, cls.name)


def _metavar(param: click.Parameter) -> str | None:
    kind = param.type
    if isinstance(kind, click.Path):
        if not kind.file_okay:
            return "目录"
        return "文件" if not kind.dir_okay else "路径"
    if isinstance(kind, click.Choice):
        return None  # click lists the choices: [text|json]
    if isinstance(kind, click.types.IntParamType):
        return "整数"
    if isinstance(kind, click.types.BoolParamType) or getattr(param, "is_flag", False):
        return None
    return "文字"


def localize(group: click.Group) -> None:
    """Chinese metavars for the group, every command and every option without one."""
    group.options_metavar = "[选项]"
    group.subcommand_metavar = "命令 [参数]..."
    for command in group.commands.values():
        command.options_metavar = "[选项]"
        for param in command.params:
            if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
                param.metavar = _metavar(param)
