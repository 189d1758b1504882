"""Deploying to an S3-compatible object store (issue #14, item 4): `kexie deploy-plan` and
.github/deploy-s3.sh (what deploy.yml runs) against a local S3 server (moto's, started here) with
Debian's rclone. Build the demo site, deploy it, change one record and delete another, rebuild,
deploy again: exactly the files whose bytes changed are uploaded again, the removed ones deleted,
nothing private ever reaches the bucket, and every object carries headers.yaml's headers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.common.hashing import BUILD_MANIFEST, write_json_gz
from generator.deploy.plan import Rules, make_plan, output_hashes
from tests.sitebuild import REPO, demo_site, make_project, run_kexie

SCRIPT = REPO / ".github" / "deploy-s3.sh"


def _need(found, what):
    if not found:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is required under CI")
        pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def s3():
    _need(shutil.which("rclone"), "rclone (apt-get install rclone)")
    server_module = pytest.importorskip("moto.server")
    boto3 = pytest.importorskip("boto3")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                          aws_secret_access_key="test", region_name="us-east-1")
    client.create_bucket(Bucket="kexie-site")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}  # no CA bundle, no profile
    env.update({
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        "KEXIE_S3_TARGET": "kexie-site",
        "RCLONE_CONFIG_KEXIES3_TYPE": "s3",
        "RCLONE_CONFIG_KEXIES3_PROVIDER": "Other",
        "RCLONE_CONFIG_KEXIES3_ENDPOINT": endpoint,
        "RCLONE_CONFIG_KEXIES3_REGION": "us-east-1",
        "RCLONE_CONFIG_KEXIES3_ACCESS_KEY_ID": "test",
        "RCLONE_CONFIG_KEXIES3_SECRET_ACCESS_KEY": "test",
    })
    yield client, env
    server.stop()


def _objects(client) -> dict[str, object]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket="kexie-site")
    return {o["Key"]: o["LastModified"] for page in pages for o in page.get("Contents", [])}


def _hashes(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file() and not any(part.startswith(".kexie") for part in p.relative_to(site).parts)
    }


def _deploy(site: Path, env, script: Path = SCRIPT) -> str:
    done = subprocess.run(["bash", str(script), str(site)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_deploy_uploads_only_changed_files_and_deletes_removed(s3, tmp_path):
    client, env = s3
    first = demo_site()
    project = make_project(REPO / "records", "deploy-s3")
    expert = project / "records" / "experts" / "cai-yu.yaml"
    expert.write_text(expert.read_text(encoding="utf-8").replace("title: 教授", "title: 研究员"), encoding="utf-8")
    removed_record = sorted((project / "records" / "proposals").glob("*.yaml"))[0]
    removed_record.unlink()
    second = tmp_path / "site2"
    built = run_kexie("build", "--out", str(second), cwd=project)
    assert built.returncode == 0, built.stdout + built.stderr

    before, after = _hashes(first), _hashes(second)
    changed = {p for p, h in after.items() if before.get(p) != h}
    removed = set(before) - set(after)
    assert changed and removed and len(changed) < len(after) / 2  # the comparison means something
    assert any(removed_record.stem in p for p in removed)

    assert "上传" in _deploy(first, env)
    objects = _objects(client)
    assert set(objects) == set(before) | {"kexie-deployed.json"}  # no .kexie/, no marker file
    head = client.head_object(Bucket="kexie-site", Key="experts/cai-yu/index.html")
    assert head["ContentType"] == "text/html; charset=utf-8"
    assert head["CacheControl"] == "public, max-age=300, must-revalidate"
    script = next(p for p in before if p.endswith(".js") and p.startswith("assets/"))
    assert client.head_object(Bucket="kexie-site", Key=script)["ContentType"] == "text/javascript; charset=utf-8"
    manifest = client.head_object(Bucket="kexie-site", Key="kexie-deployed.json")
    assert manifest["CacheControl"] == "no-store"

    time.sleep(1.1)  # S3 times have whole seconds: an upload now is told apart from the first deploy's
    out = _deploy(second, env)
    assert f"上传 {len(changed)} 个文件，删除 {len(removed)} 个文件" in out
    now = _objects(client)
    assert set(now) == set(after) | {"kexie-deployed.json"}
    uploaded = {k for k, t in now.items() if objects.get(k) != t}
    assert uploaded == changed | {"kexie-deployed.json"}
    page = client.get_object(Bucket="kexie-site", Key="experts/cai-yu/index.html")["Body"].read()
    assert page == (second / "experts/cai-yu/index.html").read_bytes() and "研究员" in page.decode()
    deployed = json.loads(client.get_object(Bucket="kexie-site", Key="kexie-deployed.json")["Body"].read())
    assert deployed == {"version": 1, "files": dict(sorted(after.items()))}

    # the settings from deploy.env beside the script (as deploy.yml has them), keys from the environment
    copy = tmp_path / "github"
    copy.mkdir()
    shutil.copy(SCRIPT, copy / "deploy-s3.sh")
    (copy / "deploy.env").write_text(
        f"KEXIE_DEPLOY_TARGET=s3\nKEXIE_S3_TARGET=kexie-site\nKEXIE_S3_ENDPOINT={env['RCLONE_CONFIG_KEXIES3_ENDPOINT']}\n"
        "KEXIE_S3_REGION=us-east-1\nKEXIE_S3_PROVIDER=Other\n", encoding="utf-8")
    keys = {k: v for k, v in env.items() if k.endswith("_KEY_ID") or k.endswith("_SECRET_ACCESS_KEY") or not
            (k.startswith("RCLONE_CONFIG_") or k.startswith("KEXIE_S3_"))}
    time.sleep(1.1)
    assert "上传 0 个文件，删除 0 个文件" in _deploy(second, keys, copy / "deploy-s3.sh")  # nothing sent
    assert {k for k, t in _objects(client).items() if now.get(k) != t} == {"kexie-deployed.json"}


def test_build_manifest_outputs_are_preferred_only_when_they_list_the_files(tmp_path):
    site = tmp_path / "site"
    (site / ".kexie").mkdir(parents=True)
    (site / "a.html").write_text("a", encoding="utf-8")
    (site / ".kexie-site").write_text("marker", encoding="utf-8")
    fake = "f" * 64
    write_json_gz(site.joinpath(*BUILD_MANIFEST), {"outputs": {"a.html": fake}})
    assert output_hashes(site) == {"a.html": fake}  # the build's own map, no re-hashing
    (site / "b.css").write_text("b", encoding="utf-8")  # the map is stale: hash the files
    assert output_hashes(site) == {
        "a.html": hashlib.sha256(b"a").hexdigest(), "b.css": hashlib.sha256(b"b").hexdigest(),
    }
    plan = make_plan(output_hashes(site), {"a.html": fake, ".kexie/manifest.json.gz": fake, "gone.html": fake})
    assert plan.upload == ["a.html", "b.css"] and plan.delete == ["gone.html"]
    assert Rules.load().headers("b.css") == ("text/css; charset=utf-8", "public, max-age=300, must-revalidate")


def test_deploy_plan_errors(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("x", encoding="utf-8")
    bad = tmp_path / "deployed.json"
    bad.write_text('{"version": 2}', encoding="utf-8")
    done = run_kexie("deploy-plan", "--site", str(site), "--deployed", str(bad), "--out", str(tmp_path / "p"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == (f"错误: 已发布的清单 {bad} 格式不对（应为 version 1 与 files 表）；"
                           "如需全部重新上传，请删除存储桶中的这个文件\n")
    done = run_kexie("deploy-plan", "--site", str(tmp_path / "none"), "--out", str(tmp_path / "p"))
    assert done.returncode == 2
    assert done.stderr == f"错误: 找不到网站目录 {tmp_path / 'none'}：请先运行 kexie build --out {tmp_path / 'none'}\n"
    done = run_kexie("deploy-plan", "--site", str(site), "--out", str(tmp_path / "p"))
    assert done.returncode == 0 and done.stdout.startswith("上传 1 个文件，删除 0 个文件")
    assert (tmp_path / "p" / "upload-00.txt").read_text(encoding="utf-8") == "index.html\n"
    assert (tmp_path / "p" / "upload.tsv").read_text(encoding="utf-8") == (
        "upload-00.txt\ttext/html; charset=utf-8\tpublic, max-age=300, must-revalidate\n")
