"""Files the tools write (attack2): never through a symlink, never half written, never a traceback.

Every command that writes a file goes through generator/common/safe_write.py. Before it,
`kexie export --out link.csv` overwrote the record the link named, and `kexie import` wrote the
changed record through a symlinked record file of its trial copy into the file the link named (then
said "没有写入任何文件"); `export --out /nonexistent/x.csv` ended in a FileNotFoundError traceback.
"""

from __future__ import annotations

import os
import stat

import pytest

from generator.common.safe_write import OutputError, write_file
from tests.conftest import run_kexie


def test_write_file_replaces_a_file_in_one_step_and_keeps_its_mode(tmp_path):
    target = tmp_path / "a.csv"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o640)
    write_file(target, "新内容")
    assert target.read_text(encoding="utf-8") == "新内容"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]  # no temporary file left


@pytest.mark.parametrize("make", ["link", "dangling-link", "folder"])
def test_write_file_refuses_links_and_folders_and_touches_nothing(tmp_path, make):
    victim = tmp_path / "victim.yaml"
    victim.write_text("id: victim\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    if make == "link":
        target.symlink_to(victim)
    elif make == "dangling-link":
        target.symlink_to(tmp_path / "nowhere" / "x")
    else:
        target.mkdir()
    with pytest.raises(OutputError) as refused:
        write_file(target, b"data")
    assert "out.csv" in str(refused.value)
    assert victim.read_text(encoding="utf-8") == "id: victim\n"
    assert not (tmp_path / "nowhere").exists()


def test_write_file_names_a_missing_folder(tmp_path):
    with pytest.raises(OutputError, match="不存在"):
        write_file(tmp_path / "no" / "x.csv", b"data")


def test_export_and_template_refuse_a_link_and_a_missing_folder(tree):
    victim = tree / "precious.txt"  # outside records/ (a link into records/ is refused as a source folder)
    victim.write_text("不能丢\n", encoding="utf-8")
    before = victim.read_bytes()
    (tree / "link.csv").symlink_to(victim)
    (tree / "link.xlsx").symlink_to(victim)
    for args in (["export", "expert", "--out", "link.csv"], ["template", "expert", "--out", "link.xlsx"]):
        run = run_kexie(*args, cwd=tree)
        assert run.exit_code == 2, run
        assert "符号链接" in run.stderr and "Traceback" not in run.stderr
    assert victim.read_bytes() == before
    run = run_kexie("export", "expert", "--out", "no/such/folder/x.csv", cwd=tree)
    assert run.exit_code == 2 and "不存在" in run.stderr and "Traceback" not in run.stderr


def test_import_never_writes_through_a_symlinked_record(tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "victim.yaml"
    record = tree / "records" / "experts" / "li-na.yaml"
    outside.write_bytes(record.read_bytes())
    before = outside.read_bytes()
    assert run_kexie("export", "expert", "--out", "e.csv", cwd=tree).exit_code == 0
    sheet = tree / "e.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8-sig").replace(",研究员,", ",高级工程师,"), encoding="utf-8")
    record.unlink()
    record.symlink_to(outside)
    run = run_kexie("import", "expert", "e.csv", cwd=tree)
    assert run.exit_code == 1, run
    assert outside.read_bytes() == before
    assert record.is_symlink()


def test_import_names_the_sheet_row_for_a_pipeline_error_from_any_working_directory(tree, tmp_path_factory):
    assert run_kexie("export", "expert", "--out", "e.csv", cwd=tree).exit_code == 0
    sheet = tree / "e.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8-sig").replace(",研究员,", ",研究员 13912345678,"), encoding="utf-8")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    run = run_kexie("import", "expert", str(sheet), "--records", str(tree / "records"), cwd=elsewhere)
    assert run.exit_code == 1, run
    assert "kexie-import-" not in run.stderr  # the temporary copy is no place to send anyone
    assert "e.csv 第 3 行 职称: `title`（职称）中有像是个人手机号码的数字（139******78）" in run.stderr


def test_new_refuses_a_dangling_link_in_its_place(tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "planted.yaml"
    (tree / "records" / "experts" / "zhao-liu.yaml").symlink_to(outside)
    run = run_kexie("new", "expert", "zhao-liu", cwd=tree)
    assert run.exit_code != 0 and "Traceback" not in run.stderr + run.stdout
    assert not outside.exists()


def test_report_refuses_a_linked_output_folder(tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (tree / "reports").symlink_to(outside, target_is_directory=True)
    run = run_kexie("report", "--year", "2016", "--records", "records", "--out", "reports", cwd=tree)
    assert run.exit_code == 2 and "符号链接" in run.stderr, run
    assert list(outside.iterdir()) == []


def test_report_export_and_template_refuse_the_source_folders(tree):
    """`kexie build --out records` was refused; `report --out records/experts` wrote funding-2016.*
    among the records (then validation failed on them), and export/template did the same."""
    before = sorted(p.relative_to(tree).as_posix() for p in (tree / "records").rglob("*"))
    runs = [
        run_kexie("report", "--year", "2016", "--records", "records", "--out", "records/experts", cwd=tree),
        run_kexie("report", "--year", "2016", "--records", "records", "--out", "schemas/x", cwd=tree),
        run_kexie("export", "expert", "--out", "records/experts/x.csv", cwd=tree),
        run_kexie("template", "expert", "--out", "records/../records/x.xlsx", cwd=tree),
    ]
    for run in runs:
        assert run.exit_code == 2 and "源目录" in run.stderr and "Traceback" not in run.stderr, run
    assert sorted(p.relative_to(tree).as_posix() for p in (tree / "records").rglob("*")) == before
    assert not (tree / "schemas" / "x").exists()
