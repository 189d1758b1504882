"""`kexie serve`: the preview a secretary uses while editing records, rebuilt on every change."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from tests.sitebuild import REPO, make_project


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def _wait_for(url: str, needle: str, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if needle in last:
                return last
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} not served at {url} within {seconds} s")


def test_serve_rebuilds_when_a_record_changes_and_survives_a_broken_one():
    project = make_project(REPO / "tests" / "cases" / "base" / "records", "serve")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--address", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}/"
        page = base + "societies/hz-materials/"
        _wait_for(page, "杭州市材料学会")
        record = project / "records" / "societies" / "hz-materials.yaml"
        text = record.read_text(encoding="utf-8")
        record.write_text(text.replace("name: 杭州市材料学会", "name: 杭州市新材料学会"), encoding="utf-8")
        _wait_for(page, "杭州市新材料学会")
        # a broken record: the preview reports it and keeps running; fixing it brings the page back
        record.write_text(text.replace("name: 杭州市材料学会", "name: [unclosed"), encoding="utf-8")
        time.sleep(4)
        assert server.poll() is None
        record.write_text(text.replace("name: 杭州市材料学会", "name: 杭州市先进材料学会"), encoding="utf-8")
        _wait_for(page, "杭州市先进材料学会")
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            output, _ = server.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            output, _ = server.communicate()
    assert "Traceback" not in output, output
    assert "records/societies/hz-materials.yaml:" in output and "YAML 语法错误" in output, output


def _reader(stream, lines: list[str]) -> None:
    for line in stream:
        lines.append(line)


def _wait_output(lines: list[str], needle: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(needle in line for line in lines):
            return
        time.sleep(0.3)
    raise AssertionError(f"{needle!r} not printed within {seconds} s:\n" + "".join(lines))


def test_serve_reports_a_broken_rebuild_in_chinese_and_says_when_it_recovers():
    import threading

    project = make_project(REPO / "tests" / "cases" / "base" / "records", "serve-recovery")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--address", f"127.0.0.1:{port}"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True,
    )
    lines: list[str] = []
    threading.Thread(target=_reader, args=(server.stdout, lines), daemon=True).start()
    try:
        _wait_for(f"http://127.0.0.1:{port}/societies/hz-materials/", "杭州市材料学会")
        # a fresh skeleton, as a secretary starts a new record: every required field still empty
        created = subprocess.run([sys.executable, "-m", "generator", "new", "expert", "zhou-bo"], cwd=project,
                                 capture_output=True, text=True)
        assert created.returncode == 0, created.stderr
        _wait_output(lines, "网站未更新：请按上面的提示修改记录并保存")
        assert any("records/experts/zhou-bo.yaml:" in line and "错误" in line for line in lines)
        (project / "records" / "experts" / "zhou-bo.yaml").unlink()
        _wait_output(lines, "记录已通过校验，网站已重新生成")
        assert server.poll() is None
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    output = "".join(lines)
    for english in ("BuildError", "appear stuck", "Aborted", "Traceback"):
        assert english not in output, output


def test_serve_with_broken_records_at_start_exits_with_chinese_reasons():
    project = make_project(REPO / "tests" / "cases" / "base" / "records", "serve-broken-start")
    record = project / "records" / "societies" / "hz-materials.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("name: 杭州市材料学会", "name: [unclosed"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "generator", "serve", "--address", f"127.0.0.1:{_free_port()}"],
        cwd=project, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1
    assert "records/societies/hz-materials.yaml:" in done.stderr and "YAML 语法错误" in done.stderr
    assert done.stderr.rstrip().endswith("预览未启动：请按上面的提示修改记录后重新运行 kexie serve。")
    assert "Aborted" not in done.stderr and "Traceback" not in done.stderr
