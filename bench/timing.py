"""Timing helpers of the benchmarks: one timed call, the best of a few."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], label: str | None = None) -> tuple[float, Any]:
    """Seconds ``fn()`` took and its result (printed under ``label`` when given)."""
    t = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t
    if label:
        print(f"  {label:34s} {elapsed:8.2f} s", flush=True)
    return elapsed, out


def best_of(fn: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    """The shortest of ``runs`` timings (one run when it takes a second or more) and the result."""
    best, out = timed(fn)
    for _ in range(runs - 1 if best < 1.0 else 0):
        best = min(best, timed(fn)[0])
    return best, out
