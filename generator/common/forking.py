"""Split work over two forked processes when there is enough of it (the machine has 2 cores).

Fork is used only where it is safe and cheap: on Linux, with no other thread running (the
`kexie serve` preview runs a server thread, so it stays in one process). Children inherit the
parent's memory, so the work needs no pickling on the way in; results come back pickled.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading

_TASK = None  # the function the children run, inherited through fork


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


def fork_map(function, items: list, min_items: int) -> list:
    """[function(item) for item in items], in order; in two processes from min_items items on."""
    global _TASK
    if len(items) < min_items or not can_fork():
        return [function(item) for item in items]
    _TASK = function
    try:
        chunks = [items[i : i + max(1, len(items) // 16)] for i in range(0, len(items), max(1, len(items) // 16))]
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
