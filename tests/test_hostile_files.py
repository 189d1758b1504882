"""Hostile record files: a pull request may contain anything. Each one must give exit 1, a clear
Chinese message that names the file, never a traceback, and finish quickly.

Every case runs the real command in a subprocess (a crash, a hang or a memory blow-up must not take
the test run with it) on the valid base tree plus one hostile file.
"""

from __future__ import annotations

import random
import resource
from pathlib import Path

import pytest

from tests.conftest import CJK, PROBLEM_LINE, SUMMARY_LINE, run_kexie

# CPU seconds the child may spend (a normal run takes well under one). CPU time, not wall time:
# a busy machine slows the clock, not the work; the wall-clock limit only catches a hang.
QUICK = 5.0
HANG = 120.0


def run_hostile(*args, cwd, **kwargs):
    """run_kexie with a hang guard; the Run gets `cpu`, the child's user + system seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = run_kexie(*args, cwd=cwd, timeout=HANG, **kwargs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return run
HOSTILE = "records/experts/hostile.yaml"
HEADER = b"# yaml-language-server: $schema=../../schemas/expert.schema.json\n"

EXPERT = (
    "# yaml-language-server: $schema=../../schemas/expert.schema.json\n"
    "id: hostile\n"
    "name: 赵敏\n"
    "title: 副教授\n"
    "affiliation: 杭州示例学院\n"
    "disciplines:\n"
    '  - "520"\n'
    "consent:\n"
    "  publish: true\n"
    '  date: "2016-06-01"\n'
    "owner: kexie\n"
)


def billion_laughs() -> bytes:
    lines = ['lol0: &lol0 "lol"']
    for level in range(1, 10):
        below = ",".join([f"*lol{level - 1}"] * 10)
        lines.append(f"lol{level}: &lol{level} [{below}]")
    lines.append("bio: *lol9")
    return HEADER + "\n".join(lines).encode() + b"\n"


def binary_garbage() -> bytes:
    noise = bytearray(random.Random(20160301).randbytes(64 * 1024))
    noise[100] = 0  # a NUL byte for sure
    return bytes(noise)


def five_megabytes() -> bytes:
    return EXPERT.encode() + b"bio: " + "很长的简介".encode() * (5 * 1024 * 1024 // 15) + b"\n"


def deep_flow_lists(levels: int) -> bytes:
    return HEADER + b"bio: " + b"[" * levels + b"]" * levels + b"\n"


def huge_line(size: int) -> bytes:
    return EXPERT.encode() + b'bio: "' + b"x" * size + b'"'  # one line, no newline at the end


def unique_items_bomb() -> bytes:
    """20,000 distinct mappings in a `uniqueItems` list: 250 KB, under the size cap."""
    items = "".join(f"- {{a: {i}}}\n" for i in range(20_000))
    return HEADER + b"id: hostile\ndisciplines:\n" + items.encode()


HOSTILE_FILES = {
    # name: (file content, the rule it must be reported under; None: any rule)
    "billion-laughs": (billion_laughs(), "yaml-alias"),
    "duplicate-key": (
        EXPERT.replace("owner: kexie", "owner: kexie\nname: 钱敏").encode(),
        "yaml-duplicate-key",
    ),
    "binary-garbage": (binary_garbage(), "file-encoding"),
    "five-megabytes": (five_megabytes(), "file-too-large"),
    "utf-16": (EXPERT.encode("utf-16"), "file-encoding"),
    "utf-16-no-bom": (EXPERT.encode("utf-16-le"), "file-encoding"),
    "gbk": (EXPERT.encode("gbk"), "file-encoding"),
    "deep-lists-10000": (deep_flow_lists(10_000), "yaml-syntax"),
    "deep-lists-600": (deep_flow_lists(600), None),
    "huge-line-over-cap": (huge_line(1024 * 1024), "file-too-large"),
    "huge-line-under-cap": (huge_line(200 * 1024), "schema-length"),
    "python-tag": (
        EXPERT.encode() + b'bio: !!python/object/apply:os.system ["touch PWNED"]\n',
        "yaml-tag",
    ),
    "python-tag-top-level": (
        HEADER + b'!!python/object/apply:os.system ["touch PWNED"]\n',
        "yaml-tag",
    ),
    "control-characters": (EXPERT.encode() + b"bio: \x1b[2J\x1b[31mred\x07\n", None),
    "unique-items-bomb": (unique_items_bomb(), None),
}


def check_hostile_run(run, rule: str | None, tree: Path, name: str = HOSTILE) -> None:
    output = run.stdout + run.stderr
    crashed = "Traceback" in output
    assert not crashed, "crashed:\n" + output[-1500:]
    assert run.exit_code == 1, output[-1500:]
    assert run.stderr == ""
    assert run.cpu < QUICK, f"{run.cpu:.1f} CPU seconds"
    # every line is a problem or the summary: nothing torn across lines, nothing else printed
    *problems, summary = run.lines
    assert SUMMARY_LINE.match(summary), summary
    for line in problems:
        assert PROBLEM_LINE.match(line), f"not one problem per line: {line!r}"
    mine = [PROBLEM_LINE.match(line) for line in problems if line.startswith(name + ":")]
    assert mine, f"no problem names {name}:\n{run.stdout[:2000]}"
    first = mine[0]
    assert first["severity"] == "错误"
    assert CJK.search(first["message"]), first.group(0)
    # the message says what is wrong in Chinese, not in the parser's English
    assert "position" not in first["message"] and "<unicode string>" not in first["message"]
    if rule is not None:
        assert first["rule"] == rule, first.group(0)
    assert not (tree / "PWNED").exists()
    assert len(run.stdout) < 200_000  # a bounded report, not the file echoed back


@pytest.mark.parametrize("case", sorted(HOSTILE_FILES))
def test_hostile_file(case, tree):
    content, rule = HOSTILE_FILES[case]
    (tree / HOSTILE).write_bytes(content)
    run = run_hostile("validate", cwd=tree)
    check_hostile_run(run, rule, tree)


def test_hostile_file_given_as_path(tree):
    """The same protection when the file is named on the command line (what a PR check does)."""
    (tree / HOSTILE).write_bytes(billion_laughs())
    run = run_hostile("validate", HOSTILE, cwd=tree)
    check_hostile_run(run, "yaml-alias", tree)
    assert run.lines[-1] == "检查了 0 条记录：1 个错误，0 个警告。"


def test_python_tag_is_never_executed(tree):
    (tree / HOSTILE).write_bytes(HOSTILE_FILES["python-tag"][0])
    run = run_hostile("validate", cwd=tree)
    assert run.exit_code == 1
    assert not (tree / "PWNED").exists() and not Path("PWNED").exists()
    [line] = [text for text in run.lines if text.startswith(HOSTILE)]
    assert line == (
        f"{HOSTILE}:12:6: 错误: 不支持 YAML 标签 tag:yaml.org,2002:python/object/apply:os.system："
        "请删掉以 ! 开头的标记，直接写值 [yaml-tag]"
    )


def _limit_memory():  # runs in the child before exec: 512 MiB of address space
    resource.setrlimit(resource.RLIMIT_AS, (1 << 29, 1 << 29))


def test_symlink_to_an_endless_device(tree):
    """A record that is a symlink to /dev/zero (git stores symlinks) must not be read forever.

    The child runs with 512 MiB of address space, so a reader without a bound fails fast here
    instead of exhausting the machine."""
    (tree / HOSTILE).symlink_to("/dev/zero")
    run = run_hostile("validate", cwd=tree, preexec_fn=_limit_memory)
    check_hostile_run(run, None, tree)
