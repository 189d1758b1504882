"""Split work over two forked processes when there is enough of it (the machine has 2 cores).

Fork is used only where it is safe and cheap: on Linux, with no other thread running (the
`kexie serve` preview runs a server thread, so it stays in one process). Children inherit the
parent's memory, so the work needs no pickling on the way in; results come back pickled.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading

_TASK = None  # the function the children run, inherited through fork


def can_fork() -> bool:
    return sys.platform == "linux" and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


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
        with multiprocessing.get_context("fork").Pool(2) as pool:
            return [result for chunk in pool.map(_run, chunks) for result in chunk]
    finally:
        _TASK = None
