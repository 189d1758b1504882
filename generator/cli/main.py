"""The `kexie` command. Domain errors become exit codes here and nowhere else."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.cli import zh
from generator.records.reporters import REPORTERS

zh.install()  # before the commands below are declared: click words some defaults ("file") then

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kexie", message="%(prog)s 版本 %(version)s")
def cli():
    """杭州市科协专家团队网络服务平台：校验记录、生成网站、出具年度报表。"""


def _records_root(paths: tuple[Path, ...], records: Path | None) -> Path:
    if records:
        return records
    for path in paths:
        for parent in [path.resolve(), *path.resolve().parents]:
            if parent.name == "records":
                return parent
    return Path("records")


def _selected(path: str, selection: list[Path]) -> bool:
    if not selection:
        return True
    target = Path(path).resolve()
    return any(target == s or s in target.parents for s in selection)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[文件或目录]...")
@click.option("--records", type=click.Path(file_okay=False, path_type=Path), help="记录目录（默认 records/）")
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True, help="输出格式")
@click.option("--changed-since", "since", metavar="版本", help="只校验自该 git 版本以来改动的记录及受其影响的记录（结果与全量校验一致）")
def validate(paths, records, fmt, since):
    """校验记录：YAML 语法 → 字段格式 → 记录间引用 → 政策规则。"""
    from generator.records.problems import Report
    from generator.checks.pipeline import check_records

    root = _records_root(paths, records)
    if not root.is_dir():
        raise click.UsageError(f"找不到记录目录 {root}：请在仓库根目录运行，或用 --records 指定")
    _refuse_outside(paths, root)
    if since is not None:
        _validate_changed(root, since, fmt, paths)
    checked = check_records(root)
    selection = [p.resolve() for p in paths]
    report = Report([p for p in checked.report.problems if _selected(p.path, selection)])
    count = sum(1 for r in checked.records.all() if _selected(r.path, selection))
    click.echo(REPORTERS[fmt](report, count), nl=False)
    sys.exit(EXIT_OK if report.ok else EXIT_INVALID)


def _refuse_outside(paths, root: Path) -> None:
    """A file given outside the records folder would be checked by nothing and "pass": refuse it."""
    from generator.common.quoting import escape

    top = root.resolve()
    for path in paths:
        resolved = path.resolve()
        if resolved != top and top not in resolved.parents:
            raise click.UsageError(
                f"{escape(path, 200)} 不在记录目录 {escape(root, 200)} 中，kexie validate 不会检查它："
                "请把记录放到 records/<类型>/ 中再校验，或用 --records 指定它所在的记录目录"
            )


def _validate_changed(root: Path, since: str, fmt: str, paths) -> None:
    """--changed-since: generator/contrib/changedsince.py; same reporters and exit codes."""
    from generator.contrib.changedsince import ChangedError, check_changed

    if paths:
        raise click.UsageError("--changed-since 不能与文件或目录参数同时使用：它自己找出改动的文件")
    try:
        result = check_changed(root, since)
    except ChangedError as exc:
        click.echo(f"错误: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(REPORTERS[fmt](result.report, result.count), nl=False)
    sys.exit(EXIT_OK if result.report.ok else EXIT_INVALID)


def _types_help() -> str:
    from generator.records.recordset import FOLDERS, TYPE_ZH

    return "\n".join(f"  {t:<12}{TYPE_ZH[t]}（写入 records/{FOLDERS[t]}/）" for t in FOLDERS)


@cli.command("new", help=f"""按模板新建一条记录，例如：kexie new expert zhang-wei

\b
类型（第一个参数）：
{_types_help()}

编号（第二个参数）只能用小写字母、数字和连字符，也是文件名。""")
@click.argument("record_type", metavar="类型")
@click.argument("record_id", metavar="编号")
@click.option("--records", type=click.Path(file_okay=False, path_type=Path), default=Path("records"), show_default=True, help="记录目录")
def new(record_type, record_id, records):
    from generator.contrib.new_record import NewRecordError, write_new_record

    try:
        path = write_new_record(records, record_type, record_id)
    except NewRecordError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"已新建 {path}：请按注释填写，然后运行 kexie validate {path}")


@cli.command()
@click.option("--records", type=click.Path(file_okay=False, exists=True, path_type=Path), help="记录目录（默认 records/）")
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True, help="输出目录（空目录、新目录或以前生成的网站）")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=Path("mkdocs.yml"), show_default=True, help="网站配置文件")
@click.option("--full", is_flag=True, help="完整生成，不沿用输出目录中上次生成的网站")
def build(records, out, config_file, full):
    """校验记录并生成网站（原子操作：失败时保留旧网站）。

    输出目录中有上次生成的网站及其清单时，只重新生成受改动影响的页面和文件（增量生成），结果与完整生成逐字节相同。
    """
    from generator.site.build import BuildError, OutRefused, build_site

    warnings: list = []
    notices: list = []
    try:
        target = build_site(config_file, out, records, warnings, full=full, notices=notices)
    except OutRefused as exc:
        click.echo(f"错误: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except BuildError as exc:
        from generator.common.quoting import escape_lines

        click.echo(escape_lines(str(exc)), err=True)  # MkDocs' messages may carry record text
        click.echo("网站未生成。", err=True)
        sys.exit(EXIT_INVALID)
    for line in notices:
        click.echo(line)
    click.echo(f"网站已生成：{target}")
    if warnings:
        click.echo(f"记录有 {len(warnings)} 个警告（不影响生成网站）：运行 kexie validate 查看。")
    else:
        click.echo("记录没有警告。")


@cli.command()
@click.option("--records", type=click.Path(file_okay=False, exists=True, path_type=Path), help="记录目录（默认 records/）")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=Path("mkdocs.yml"), show_default=True, help="网站配置文件")
@click.option("--address", "-a", default="127.0.0.1:8000", show_default=True, help="监听地址")
def serve(records, config_file, address):
    """本地预览网站；修改记录后自动重新生成并刷新浏览器。"""
    from generator.site.build import BuildError
    from generator.site.serve import serve_site

    click.echo(f"预览地址：http://{address}/  （Ctrl+C 退出）")
    try:
        serve_site(config_file, address, records)
    except BuildError as exc:
        if str(exc):
            click.echo(str(exc), err=True)
        click.echo("预览未启动：请按上面的提示修改记录后重新运行 kexie serve。", err=True)
        sys.exit(EXIT_INVALID)


@cli.command()
@click.option("--year", type=int, required=True, help="年度，例如 2016")
@click.option("--records", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("records"), show_default=True, help="记录目录")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"), show_default=True, help="输出目录")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=Path("mkdocs.yml"), show_default=True, help="网站配置文件（读取网址）")
def report(year, records, out, config_file):
    """生成年度资助经费汇总报表（HTML、CSV、XLSX），数字与网站完全一致。"""
    import yaml

    from generator.records.reporters import format_text
    from generator.report.yearly import REPORT_PROJECT_ROWS, ReportError, write_report
    from generator.checks.pipeline import check_records

    checked = check_records(records)
    if not checked.report.ok:
        click.echo(format_text(checked.report, sum(1 for _ in checked.records.all())), err=True, nl=False)
        click.echo("记录未通过校验，报表未生成。", err=True)
        sys.exit(EXIT_INVALID)
    site_url, options = "", {}
    if config_file.is_file():
        try:
            config = yaml.load(config_file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
        except yaml.YAMLError:
            config = {}
        site_url = config.get("site_url", "") if isinstance(config, dict) else ""
        plugins = config.get("plugins", []) if isinstance(config, dict) else []
        for plugin in plugins if isinstance(plugins, list) else []:
            if isinstance(plugin, dict) and isinstance(plugin.get("kexie"), dict):
                options = plugin["kexie"]
    rows = options.get("report_project_rows", str(REPORT_PROJECT_ROWS))
    if not rows.isdigit():
        raise click.UsageError(f"{config_file}：kexie 的 report_project_rows 应为非负整数，实际为“{rows}”")
    try:
        paths = write_report(checked, year, out, site_url, project_rows=int(rows))
    except ReportError as exc:
        raise click.UsageError(str(exc)) from None
    for path in paths:
        click.echo(f"已生成 {path}")


from generator.cli.contrib import register  # noqa: E402 - codeowners, check-ownership, diff, need-from-issue
from generator.cli.sheets import register as register_sheets  # noqa: E402 - template, import, export
from generator.cli.deploy import register as register_deploy  # noqa: E402 - deploy-plan

register(cli)
register_sheets(cli)
register_deploy(cli)
zh.localize(cli)  # after every command is registered: their help and errors in Chinese


def main():
    try:
        cli.main(prog_name="kexie", standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
