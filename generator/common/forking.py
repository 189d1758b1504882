"""Split work over two forked processes when there is enough of it (the machine has 2 cores).

Fork is used only where it is safe and cheap: on Linux, with no other thread running (the
`kexie serve` preview runs a server thread, so it stays in one process). Children inherit the
parent's memory, so the work needs no pickling on the way in; results come back pickled.

    fork_map(function, items, min_items)            [function(item) for item in items], 2 processes
    fork_stages(stages, function, items, min_items) the same, with independent stages run beside it
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Callable

_TASK = None  # the function the children run, inherited through fork
_STAGES: list = []  # the stand-alone stages the children run, inherited through fork
CHUNKS = 16  # items are handed out in this many chunks: both processes end at about the same time


@contextmanager
def _frozen():
    """Fork inside this: the children start with every inherited object frozen (gc.freeze), so
    their garbage collector never walks them — it would write into each object's header and so
    copy every page the parent shares with them (the build's model, the records). The parent
    unfreezes as soon as the children exist — unless something was frozen before (the build
    freezes its model until the end: site/plugin.py), which stays frozen."""
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not frozen_before:
            gc.unfreeze()


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


def _default_signals():
    """In a worker: SIGTERM and SIGINT act as the system's default again. A build installs a Python
    SIGTERM handler (site/build.py) that the workers would inherit; the pool's terminate() then
    raced it — a SIGTERM arriving just before a worker blocked on the pool's queue lock was
    noted but never handled, and the build waited for that worker forever (seen at 10,000 experts)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _run(chunk):
    return [_TASK(item) for item in chunk]


def _chunks(items: list, count: int) -> list[list]:
    size = max(1, -(-len(items) // count))
    return [items[i : i + size] for i in range(0, len(items), size)]


def fork_map(function, items: list, min_items: int) -> list:
    """[function(item) for item in items], in order; in two processes from min_items items on."""
    global _TASK
    if len(items) < min_items or not can_fork():
        return [function(item) for item in items]
    _TASK = function
    try:
        chunks = _chunks(items, CHUNKS * 4)  # small chunks: a worker holds one chunk's results at a time
        with _frozen():
            pool = multiprocessing.get_context("fork").Pool(2, initializer=_default_signals)
        try:
            results = pool.map(_run, chunks)
            pool.close()  # the workers finish and exit on their own: no SIGTERM needed
            pool.join()
        finally:
            pool.terminate()
        return [result for chunk in results for result in chunk]
    finally:
        _TASK = None


def _task(task):
    kind, value = task
    return _STAGES[value]() if kind == "stage" else _run(value)


def fork_stages(stages: list[Callable[[], object]], function, items: list, min_items: int,
                beside: Callable[[], object] | None = None) -> tuple[list, list, object]:
    """Run each stage (a function of no argument), `function` over `items` and `beside()` at once.

    Returns (the stages' results in order, [function(item) for item in items] in order, beside()'s
    result). From `min_items` items on, where forking is safe, two forked processes take the stages
    first (the long ones should come first) and then the items in chunks, while this process runs
    `beside` (which must not rely on forking: the pool's threads are running); otherwise everything
    runs here, one after the other. The results are the same either way. An exception in a stage
    or an item is raised here, after the other processes are stopped.
    """
    global _TASK, _STAGES
    if len(items) < min_items or not can_fork():
        done = [stage() for stage in stages]
        mapped = [function(item) for item in items]
        return done, mapped, beside() if beside else None
    _TASK, _STAGES = function, list(stages)
    try:
        tasks = [("stage", i) for i in range(len(stages))] + [("items", chunk) for chunk in _chunks(items, CHUNKS * 4)]
        with _frozen():
            # the workers act on SIGTERM as the system does (see _default_signals): `with pool`
            # ends them with terminate(), and an inherited Python handler could leave one waiting
            # on the task queue's lock forever (seen here: the page writers of a build)
            pool = multiprocessing.get_context("fork").Pool(2, initializer=_default_signals)
        with pool:
            pending = pool.map_async(_task, tasks, chunksize=1)
            extra = beside() if beside else None
            results = pending.get()
        return results[: len(stages)], [r for chunk in results[len(stages) :] for r in chunk], extra
    finally:
        _TASK, _STAGES = None, []


def _background(stages, send) -> None:
    try:
        outcome = ("ok", [stage() for stage in stages])
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        outcome = ("error", exc)
    try:
        send.send(outcome)
    except Exception:  # noqa: BLE001 - an exception that does not pickle: its text still goes
        send.send(("error", RuntimeError(repr(outcome[1]))))
    send.close()


class Background:
    """`stages` (functions of no argument) run in one forked process while this one goes on.

    `wait()` returns their results in order, or raises the exception one of them raised. Where
    forking is not safe (see `can_fork`) or `fork` is False, they run in `wait()` instead; if the
    process dies without an answer (killed), `wait()` runs them here. `stop()` ends the process
    (a build that failed meanwhile): call it from a `finally` or an error hook.
    """

    def __init__(self, stages: list[Callable[[], object]], fork: bool = True):
        self.stages, self.process = list(stages), None
        if fork and self.stages and can_fork():
            context = multiprocessing.get_context("fork")
            self.receive, send = context.Pipe(duplex=False)
            self.process = context.Process(target=_background, args=(self.stages, send), daemon=True)
            with _frozen():
                self.process.start()
            send.close()

    def wait(self) -> list:
        if self.process is None:
            return [stage() for stage in self.stages]
        try:
            kind, value = self.receive.recv()
        except (EOFError, OSError):
            kind, value = "lost", None
        self.process.join()
        self.receive.close()
        self.process = None
        if kind == "error":
            raise value
        return [stage() for stage in self.stages] if kind == "lost" else value

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join()
            self.receive.close()
            self.process = None
