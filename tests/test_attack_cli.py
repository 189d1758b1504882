"""Attack round on issue #10 item 4 (text forging output lines), for command arguments: `kexie new`
echoed a refused type or id verbatim, so a newline in it started a `::error` annotation of its
own and an ESC sequence reached the terminal. Both now go through common.quoting."""

from __future__ import annotations

from tests.conftest import copy_base, run_kexie


def test_new_quotes_a_refused_id_and_type(tmp_path):
    copy_base(tmp_path)
    run = run_kexie("new", "expert", "zhang\n::error file=README.md,line=1::forged", cwd=tmp_path)
    assert run.exit_code == 2
    assert "编号 `zhang\\n::error file=README.md,line=1::forged` 不合格式" in run.stderr
    assert not any(line.startswith("::") for line in run.stderr.splitlines())
    run = run_kexie("new", "exp\x1b[31mert", "zhang-wei", cwd=tmp_path)
    assert run.exit_code == 2
    assert "没有“exp\\x1b[31mert”这种记录类型" in run.stderr and "\x1b" not in run.stderr
    run = run_kexie("new", "expert", "a" * 5000, cwd=tmp_path)
    assert run.exit_code == 2 and len(run.stderr) < 1000
    assert not list((tmp_path / "records" / "experts").glob("a*"))
