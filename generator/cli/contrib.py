"""Contribution commands: codeowners, check-ownership, diff, need-from-issue.

`register(cli)` adds them to the main click group (generator/cli.py calls it). Every failure is a
Chinese sentence and an exit code, never a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_REVIEWED = 3  # need-from-issue: staff have taken over the branch; the bot leaves it alone


def _real_date(text: str) -> bool:
    """A YYYY-MM-DD date that exists, as the schema's date pattern (whole value) and the calendar say."""
    import datetime

    from generator.records.schemas import common_pattern

    if not common_pattern("date").match(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _fail(message: str, code: int = EXIT_USAGE):
    from generator.common.quoting import escape_lines

    click.echo(escape_lines(message), err=True)  # messages may carry file names and git's words
    sys.exit(code)


def _read_text(path: Path, what: str) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        _fail(f"无法读取{what} {path}：{exc.strerror}")


@click.command("codeowners")
@click.option("--records", type=click.Path(file_okay=False, path_type=Path), default=Path("records"), show_default=True, help="记录目录")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path(".github/CODEOWNERS"), show_default=True, help="输出文件")
@click.option("--check", is_flag=True, help="只检查已提交的文件是否与记录一致，不一致时退出码为 1")
def codeowners(records, out, check):
    """根据记录生成 .github/CODEOWNERS（各学会的维护人审核本学会的记录）。"""
    from generator.common.safe_write import OutputError, write_file
    from generator.contrib.codeowners import render, stale_diff

    if not records.is_dir():
        _fail(f"找不到记录目录 {records}：请在仓库根目录运行，或用 --records 指定")
    generated = render(records)
    if check:
        committed = out.read_text(encoding="utf-8", errors="replace") if out.is_file() else None
        if committed == generated:
            click.echo(f"{out} 与记录一致。")
            return
        if committed is None:
            click.echo(f"{out} 不存在：请运行 `kexie codeowners` 生成并提交该文件。")
        else:
            click.echo(
                f"{out} 已过期：记录中的维护单位或学会维护人有变化。"
                f"请运行 `kexie codeowners` 重新生成，并把 {out} 一并提交。"
            )
            from generator.common.quoting import escape_lines

            click.echo(escape_lines(stale_diff(committed, generated, str(out))), nl=False)  # the committed file is the PR's
        sys.exit(EXIT_FAIL)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_file(out, generated)
    except OSError as exc:
        _fail(f"无法写入 {out}：{exc.strerror}")
    except OutputError as exc:
        _fail(str(exc))
    click.echo(f"已生成 {out}。")


@click.command("check-ownership")
@click.option("--base", required=True, help="比较的基准版本（PR 的 base sha 或分支名）")
@click.option("--head", default="HEAD", show_default=True, help="改动后的版本")
@click.option("--author", required=True, help="提交人的 GitHub 用户名")
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."), show_default=True, help="git 仓库目录")
def check_ownership(base, head, author, repo):
    """检查提交人是否有权修改改动涉及的每个文件（学会只能改本学会的记录）。"""
    from generator.contrib.ownership import HANDLE, Git, GitError, check

    author = author.strip().lstrip("@")
    if not HANDLE.match(author):
        _fail(f"提交人 {author!r} 不是有效的 GitHub 用户名")
    try:
        verdict = check(Git(repo), base, head, author)
    except GitError as exc:
        _fail(str(exc))
    from generator.common.quoting import escape_lines

    for line in verdict.lines():
        click.echo(escape_lines(line))  # file names and society ids come from the pull request
    sys.exit(EXIT_OK if verdict.ok else EXIT_FAIL)


@click.command("diff")
@click.argument("base", metavar="基准版本")
@click.argument("head", default="HEAD", metavar="[改动后版本]")
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."), show_default=True, help="git 仓库目录")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), help="结构定义目录（默认仓库中的 schemas/）")
@click.option("--validation", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="附上 `kexie validate --format json` 的结果（按文件分组）")
@click.option("--section", "sections", multiple=True, metavar="标题=文件", help="附上一段文字结果，例如 维护权限=ownership.txt；可重复")
def diff(base, head, repo, schemas_dir, validation, sections):
    """用中文概括两个版本之间记录的变化（Markdown，可直接作为 PR 评论）。"""
    from generator.contrib.diffsummary import summarize
    from generator.contrib.prcomment import load_report, pr_comment, text_section, validation_markdown
    from generator.contrib.ownership import Git, GitError
    from generator.records.schemas import PACKAGE_SCHEMAS, SchemaSet

    folder = schemas_dir or (repo / "schemas" if (repo / "schemas" / "common.schema.json").is_file() else PACKAGE_SCHEMAS)
    try:
        schemas = SchemaSet(folder)
        summary = summarize(Git(repo), base, head, schemas)
    except GitError as exc:
        _fail(str(exc))
    except (OSError, ValueError) as exc:
        _fail(f"无法读取结构定义 {folder}：{exc}")
    parts = []
    if validation:
        parts.append(validation_markdown(load_report(_read_text(validation, "校验结果"))))
    for spec in sections:
        title, sep, path = spec.partition("=")
        if not sep or not title or not path:
            _fail(f"--section 应写成 标题=文件，现在是 {spec!r}")
        parts.append(text_section(title, _read_text(Path(path), "文件")))
    click.echo(pr_comment(summary.markdown(), parts), nl=False)


@click.command("need-from-issue")
@click.option("--body-file", required=True, type=click.Path(dir_okay=False, path_type=Path), help="issue 正文（企业需求表单）")
@click.option("--number", required=True, type=int, help="issue 编号")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("records/needs"), show_default=True, help="输出目录")
@click.option("--date", "today", help="提交日期 YYYY-MM-DD（默认今天）")
@click.option("--schemas", "schemas_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), help="结构定义目录")
@click.option("--branch", help="已有的 need/issue-<编号> 分支（已取回的 git 版本）；有工作人员的提交时不再覆盖")
@click.option("--base", default="HEAD", show_default=True, help="默认分支的版本（--branch 与它比较）")
@click.option("--pr-json", type=click.Path(dir_okay=False, exists=True, path_type=Path), help="`gh pr view --json state,labels,reviews` 的输出；已审核、已合并或关闭时不再覆盖")
def need_from_issue(body_file, number, out, today, schemas_dir, branch, base, pr_json):
    """把“企业需求”issue 表单转换为 records/needs/ 中的一条需求记录。

    退出码：0 已生成；1 表单有误（输出可直接作为 issue 评论）；2 用法错误；3 工作人员已接手审核，不再覆盖分支。"""
    from generator.common.quoting import escape_lines
    from generator.contrib.issueform import need_from_issue as convert
    from generator.contrib.needbranch import refusal, reviewed
    from generator.contrib.gitread import Git

    if branch is not None or pr_json is not None:
        reasons = reviewed(Git("."), base, branch, _read_text(pr_json, "pull request 状态") if pr_json else "")
        if reasons:
            for line in refusal(number, reasons):
                click.echo(escape_lines(line))  # git's words may be in it
            sys.exit(EXIT_REVIEWED)
    if not body_file.is_file():
        _fail(f"找不到 issue 正文文件 {body_file}")
    try:
        raw = body_file.read_bytes()
    except OSError as exc:
        _fail(f"无法读取 {body_file}：{exc.strerror}")
    if today is not None and not _real_date(today):
        _fail(f"--date 应为 YYYY-MM-DD，现在是 {today!r}")
    schemas = schemas_dir or (Path("schemas") if Path("schemas/common.schema.json").is_file() else None)
    from generator.common.safe_write import OutputError

    try:
        target, problems = convert(raw.decode("utf-8", "replace"), number, out, schemas, today)
    except OutputError as exc:
        _fail(str(exc))
    if problems:
        click.echo(f"issue #{number} 的需求表单有 {len(problems)} 处需要修改：")
        for p in problems:
            click.echo(escape_lines(f"- {p}"))
        sys.exit(EXIT_FAIL)
    click.echo(f"已生成 {target}")


COMMANDS = (codeowners, check_ownership, diff, need_from_issue)


def register(cli: click.Group) -> None:
    for command in COMMANDS:
        if command.name not in cli.commands:
            cli.add_command(command)
