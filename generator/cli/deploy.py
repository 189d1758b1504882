"""`kexie deploy-plan`: the upload and delete lists for deploying a site to an object store."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("deploy-plan")
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), default=Path("site"), show_default=True, help="kexie build 生成的网站目录")
@click.option("--deployed", type=click.Path(dir_okay=False, path_type=Path), help="存储桶中已发布的清单 kexie-deployed.json（首次发布时不存在）")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("deploy-plan"), show_default=True, help="写入上传、删除清单的目录")
def deploy_plan(site, deployed, out):
    """比较新网站与已发布的清单，写出同步工具（rclone）要上传和删除的文件清单及其响应头。"""
    from generator.deploy.plan import PlanError, Rules, make_plan, output_hashes, read_deployed, write_plan

    rules = Rules.load()
    try:
        plan = make_plan(output_hashes(site, rules), read_deployed(deployed), rules)
    except PlanError as exc:
        click.echo(f"错误: {exc}", err=True)
        sys.exit(2)
    write_plan(plan, out, rules)
    click.echo(f"上传 {len(plan.upload)} 个文件，删除 {len(plan.delete)} 个文件，网站共 {len(plan.manifest)} 个文件：清单在 {out}/")


def register(cli: click.Group) -> None:
    cli.add_command(deploy_plan)
