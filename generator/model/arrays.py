"""Small integer-array helpers of the ranking (reach.py, matching.py)."""

from __future__ import annotations

import numpy as np


def _union(arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct values of ascending int arrays, ascending (a stable sort merges sorted runs fast)."""
    values = np.sort(np.concatenate(arrays), kind="stable")
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if values.size else values


def _gather(ptr: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a CSR index `ptr`: (row in `candidates`, entry number) of every entry of `candidates`."""
    start = ptr[candidates]
    lengths = ptr[candidates + 1] - start
    rows = np.repeat(np.arange(candidates.size), lengths)
    offsets = np.arange(rows.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return rows, np.repeat(start, lengths) + offsets
