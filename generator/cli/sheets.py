"""Spreadsheet commands: template, import, export (issue #15).

`register(cli)` adds them to the main click group. Every failure is Chinese text and an exit code:
1 when the file was refused (nothing written), 2 for a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2
TYPES = ["expert", "society", "workstation", "project", "need", "proposal"]


def _fail(message: str, code: int) -> None:
    from generator.common.quoting import escape_lines

    click.echo(escape_lines(message), err=True)  # cell text and file names are untrusted
    sys.exit(code)


def _schemas(records: Path):
    from generator.records.schemas import SchemaSet, find_schemas_dir

    return SchemaSet(find_schemas_dir(records))


@click.command("template")
@click.argument("record_type", type=click.Choice(TYPES), metavar="类型")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出的 .xlsx 文件")
@click.option("--records", type=click.Path(file_okay=False, path_type=Path), default=Path("records"), show_default=True, help="记录目录（用其旁边的 schemas/）")
def template(record_type, out, records):
    """生成一种记录的 Excel 填写模板：中文列标题、填写说明表和下拉选项。"""
    from generator.contrib.spreadsheet.exporter import write_template

    if out.suffix.lower() != ".xlsx":
        _fail(f"模板只能是 .xlsx 文件：{out.name}", EXIT_USAGE)
    from generator.common.safe_write import OutputError, refuse_inside

    try:
        schemas = _schemas(records)
        refuse_inside(out, [records, schemas.folder])
        write_template(schemas, record_type, out)
    except OutputError as exc:
        _fail(str(exc), EXIT_USAGE)
    click.echo(f"已生成模板 {out}")


@click.command("export")
@click.argument("record_type", type=click.Choice(TYPES), metavar="类型")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True, help="输出的 .xlsx 或 .csv 文件")
@click.option("--records", type=click.Path(file_okay=False, path_type=Path), default=Path("records"), show_default=True, help="记录目录")
def export(record_type, out, records):
    """把一种记录全部导出为表格（与模板同样的列），改好后可用 kexie import 导回。"""
    from generator.checks.pipeline import check_records
    from generator.contrib.spreadsheet.exporter import export_records

    if out.suffix.lower() not in (".xlsx", ".csv"):
        _fail(f"只能导出为 .xlsx 或 .csv 文件：{out.name}", EXIT_USAGE)
    if not records.is_dir():
        _fail(f"找不到记录目录 {records}", EXIT_USAGE)
    checked = check_records(records)
    from generator.common.safe_write import OutputError, refuse_inside

    try:
        refuse_inside(out, [records, checked.schemas.folder])
        count = export_records(checked.records, checked.schemas, record_type, out)
    except OutputError as exc:
        _fail(str(exc), EXIT_USAGE)
    click.echo(f"已导出 {count} 条记录到 {out}")


@click.command("import")
@click.argument("record_type", type=click.Choice(TYPES), metavar="类型")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path), metavar="文件")
@click.option("--owner", help="新记录的维护单位（学会编号），表中“维护单位”为空时使用")
@click.option("--dry-run", is_flag=True, help="只检查并列出将新增和修改的记录，不写文件")
@click.option("--records", type=click.Path(file_okay=False, path_type=Path), default=Path("records"), show_default=True, help="记录目录")
def import_(record_type, source, owner, dry_run, records):
    """从 Excel（.xlsx）或 CSV 导入记录：全部通过校验才写入，有错误时一条也不写。"""
    from generator.common.safe_write import OutputError
    from generator.contrib.spreadsheet.importer import SheetImportError, run_import

    if not records.is_dir():
        _fail(f"找不到记录目录 {records}", EXIT_USAGE)
    try:
        outcome = run_import(records, record_type, source, owner, dry_run)
    except SheetImportError as exc:
        _fail("\n".join(exc.lines) + f"\n导入未进行：共 {len(exc.lines)} 处问题，没有写入任何文件。", EXIT_REFUSED)
    except OutputError as exc:  # the trial run on a copy passed: only the file system can refuse now
        _fail(f"{exc}\n导入中断：此前的记录文件可能已写入，请用 git status 查看", EXIT_REFUSED)
    from generator.common.quoting import escape_lines

    if outcome.encoding:
        click.echo(f"文件编码：{outcome.encoding}")
    for note in outcome.notes:
        click.echo(escape_lines(note))
    verb = "将" if dry_run else "已"
    click.echo(f"{verb}新增 {len(outcome.added)} 条、修改 {len(outcome.changed)} 条，{outcome.unchanged} 条没有变化" + ("（试运行，未写文件）" if dry_run else ""))


def register(cli: click.Group) -> None:
    for command in (template, export, import_):
        cli.add_command(command)
