"""The ingest benchmark's report: each path's median rate over the rounds, paired ratios and their spread."""

from __future__ import annotations

import random
import statistics
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.ingest import Run

ONE_MILLION = 1_000_000
TARGET_SECONDS_PER_MILLION = 120.0
TARGET_RSS_MB = 1024.0
# The interval of a ratio: the 5th and 95th percentiles of the median of the per-round ratios over
# rounds drawn with replacement (a percentile bootstrap; Efron & Tibshirani, "An Introduction to the
# Bootstrap", 1993, ch. 13), with a fixed seed so that a report reads the same twice.
BOOTSTRAP_RESAMPLES = 4000
BOOTSTRAP_LEVEL = 0.90
BOOTSTRAP_SEED = 0


def median_rate(runs: Sequence[Run]) -> float:
    return statistics.median(run.rate for run in runs)


def paired_ratios(top: Sequence[Run], bottom: Sequence[Run]) -> list[float]:
    """The rate of ``top`` over the rate of ``bottom``, round by round (runs of one round pair up)."""
    return [a.rate / b.rate for a, b in zip(top, bottom, strict=True) if b.rate]


def bootstrap_interval(ratios: Sequence[float]) -> tuple[float, float]:
    """The ``BOOTSTRAP_LEVEL`` percentile-bootstrap interval of the median of ``ratios``."""
    rng = random.Random(BOOTSTRAP_SEED)
    medians = sorted(
        statistics.median(rng.choices(ratios, k=len(ratios))) for _ in range(BOOTSTRAP_RESAMPLES)
    )
    tail = (1 - BOOTSTRAP_LEVEL) / 2
    return medians[int(tail * (len(medians) - 1))], medians[int((1 - tail) * (len(medians) - 1))]


def verdict(ok: bool) -> str:
    """OK or MISSED."""
    return "OK" if ok else "MISSED"


def ratio_verdict(low: float, high: float) -> str:
    """Whether an interval of ratios is above 1, below it, or straddles it (no result either way)."""
    if low > 1:
        return "OK (interval above 1)"
    if high < 1:
        return "MISSED (interval below 1)"
    return "NOT A RESULT (interval straddles 1)"


def print_runs(title: str, runs: dict[str, list[Run]]) -> None:
    """Each path's median rate, its range over the rounds and the load average of its runs."""
    print()
    print(f"{title:44} {'rounds':>6} {'median rows/s':>14} {'min-max rows/s':>17}  load averages")
    for found in runs.values():
        low, high = min(r.rate for r in found), max(r.rate for r in found)
        loads = " ".join(r.load for r in found)
        print(f"{found[0].name:44} {len(found):>6} {median_rate(found):>14,.0f} "
              f"{low:>8,.0f}-{high:<8,.0f}  {loads}")  # fmt: skip


def print_ratio(label: str, top: Sequence[Run], bottom: Sequence[Run], target: bool) -> None:
    """The ratio of medians, the per-round ratios' median, range and bootstrap interval, and a verdict."""
    ratios = paired_ratios(top, bottom)
    if not ratios:
        return
    low, high = bootstrap_interval(ratios)
    print(f"{label:44} medians {median_rate(top) / median_rate(bottom):5.2f}; per round: median "
          f"{statistics.median(ratios):4.2f}, min-max {min(ratios):4.2f}-{max(ratios):4.2f}, "
          f"{BOOTSTRAP_LEVEL:.0%} interval {low:4.2f}-{high:4.2f}  "
          f"{'target >= 1: ' + ratio_verdict(low, high) if target else 'context only'}")  # fmt: skip
    print("  per-round ratios: " + " ".join(f"{r:.2f}" for r in ratios))


def report_many_numbers(runs: dict[str, list[Run]]) -> None:
    """The many-numbers file's runs and the loader's ratios to LOAD CSV."""
    print_runs("many-numbers file", runs)
    print_ratio("ratio a/b2 (loader vs LOAD CSV, same calls)", runs["a"], runs["b2"], target=True)
    print_ratio("ratio a/b (loader vs LOAD CSV, no devices)", runs["a"], runs["b"], target=False)
    sys.stdout.flush()


def report(n_calls: int, runs: dict[str, list[Run]], naive: Run, rss_mb: float) -> None:
    """The runs on the demo-shaped file, the loader's ratios to LOAD CSV and the naive script, and the
    targets."""
    print_runs("demo-shaped file", runs)
    print(f"{naive.name:44} {1:>6} {naive.rate:>14,.0f}")
    loader = runs["a"]
    print_ratio("ratio a/b (loader vs LOAD CSV)", loader, runs["b"], target=True)
    print_ratio("ratio a/b2 (loader vs same-model LOAD CSV)", loader, runs["b2"], target=False)
    a_c = median_rate(loader) / naive.rate if naive.rate else 0.0
    print(f"{'ratio a/c (loader vs naive script)':44} {a_c:6.1f}   target >= 30    {verdict(a_c >= 30)}")
    seconds = statistics.median(r.seconds * ONE_MILLION / r.rows for r in loader if r.rows)
    measured = "measured" if n_calls == ONE_MILLION else f"extrapolated from {n_calls:,} rows"
    print(f"{'1M calls with the loader (median)':44} {seconds:6.0f} s target < 120 s  "
          f"{verdict(seconds < TARGET_SECONDS_PER_MILLION)} ({measured})")  # fmt: skip
    print(f"{'peak Python RSS (after the loader runs)':44} {rss_mb:6.0f} MB target < 1024 MB "
          f"{verdict(rss_mb < TARGET_RSS_MB)}")  # fmt: skip
    sys.stdout.flush()
