"""Parsing in two forked processes gives exactly what parsing in one gives, problems included."""

from __future__ import annotations

import multiprocessing
import shutil
import threading

import pytest

from generator.common import forking
from generator.records import recordset as records_module
from generator.checks.pipeline import check_records
from tests.sitebuild import REPO


def _tree(tmp_path):
    shutil.copytree(REPO / "tests" / "cases" / "base" / "records", tmp_path / "records")
    shutil.copytree(REPO / "schemas", tmp_path / "schemas")
    broken = tmp_path / "records" / "experts" / "zhang-wei.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("disciplines:", "disciplines: 999\nextra: 1\nx:"), encoding="utf-8")
    (tmp_path / "records" / "experts" / "dup.yaml").write_text("a: 1\na: 2\n", encoding="utf-8")
    return tmp_path / "records"


def _problems(root):
    checked = check_records(root)
    return checked.report.sorted(), sorted((r.type, r.id, repr(r.data)) for r in checked.records.all())


@pytest.mark.skipif(threading.active_count() != 1, reason="fork is only used without other threads")
def test_forked_parsing_equals_serial_parsing(tmp_path, monkeypatch):
    root = _tree(tmp_path)
    serial = _problems(root)
    forks = []
    real = multiprocessing.get_context

    def spy(method=None):
        forks.append(method)
        return real(method)

    monkeypatch.setattr(records_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(forking.multiprocessing, "get_context", spy)
    parallel = _problems(root)
    assert forks == ["fork"]
    assert parallel == serial
    rules = {p.rule for p in serial[0]}
    assert {"yaml-duplicate-key", "schema-unknown-field", "schema-type"} <= rules


@pytest.mark.skipif(threading.active_count() != 1, reason="fork is only used without other threads")
def test_pages_written_in_two_processes_equal_the_serial_build(tmp_path, monkeypatch):
    from generator.site.build import build_site
    from generator.site import plugin
    from tests.sitebuild import demo_site

    serial = demo_site()
    monkeypatch.chdir(REPO)
    monkeypatch.setattr(plugin, "PARALLEL_PAGES_FROM", 1)
    forks = []
    real = multiprocessing.get_context
    monkeypatch.setattr(forking.multiprocessing, "get_context", lambda method=None: forks.append(method) or real(method))
    parallel = build_site(REPO / "mkdocs.yml", tmp_path / "site")
    assert "fork" in forks
    files = sorted(p.relative_to(serial) for p in serial.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(parallel) for p in parallel.rglob("*") if p.is_file())
    assert [str(p) for p in files if (serial / p).read_bytes() != (parallel / p).read_bytes()] == []


@pytest.mark.skipif(threading.active_count() != 1, reason="fork is only used without other threads")
def test_checks_on_records_parsed_and_scanned_in_two_processes_report_what_one_process_reports(monkeypatch):
    """The per-value walks (checks/values.scan) run in the parsing processes (from 2,000 files on):
    on every negative case, the problems and their order are those of one process."""
    cases = sorted(p for p in (REPO / "tests" / "cases" / "negative").iterdir() if (p / "records").is_dir())
    assert len(cases) > 50
    serial = {case.name: check_records(case / "records").report.problems for case in cases}
    forks = []
    real = multiprocessing.get_context
    monkeypatch.setattr(forking.multiprocessing, "get_context", lambda method=None: forks.append(method) or real(method))
    monkeypatch.setattr(records_module, "PARALLEL_FROM", 1)
    parallel = {case.name: check_records(case / "records").report.problems for case in cases}
    assert forks.count("fork") > len(cases) * 9 // 10  # (a case with no record file to parse forks nothing)
    assert [name for name in serial if serial[name] != parallel[name]] == []
    assert sum(len(problems) for problems in serial.values()) > 100


@pytest.mark.skipif(threading.active_count() != 1, reason="fork is only used without other threads")
def test_a_scan_that_fails_in_a_parsing_process_fails_the_run(monkeypatch, tmp_path):
    from generator.checks import pipeline

    def broken(record_type, data):
        raise ValueError("scan broke")

    monkeypatch.setattr(records_module, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pipeline, "scan", broken)
    with pytest.raises(ValueError, match="scan broke"):
        check_records(_tree(tmp_path))
