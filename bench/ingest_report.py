"""The ingest benchmark's report: each run's rate, the ratios between them and the targets."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.ingest import Run

ONE_MILLION = 1_000_000
TARGET_SECONDS_PER_MILLION = 120.0
TARGET_RSS_MB = 1024.0


def report_many_numbers(runs: list[Run]) -> None:
    """The many-numbers file's runs and the loader's ratios to LOAD CSV."""
    loader, same_model, load_csv = runs
    print()
    print(f"{'many-numbers file (best of the rounds)':48} {'rows':>10} {'seconds':>9} {'rows/s':>10}  load")
    for run in runs:
        print(f"{run.name:48} {run.rows:>10,} {run.seconds:>9.1f} {run.rate:>10,.0f}  {run.load}")
    a_b2 = loader.rate / same_model.rate if same_model.rate else 0.0
    a_b = loader.rate / load_csv.rate if load_csv.rate else 0.0
    print(f"ratio a/b2 (loader vs LOAD CSV, same calls):   {a_b2:5.2f}   target >= 1  {verdict(a_b2 >= 1)}")
    print(f"ratio a/b (loader vs LOAD CSV, no devices):    {a_b:5.2f}   context only")
    sys.stdout.flush()


def verdict(ok: bool) -> str:
    """OK or MISSED."""
    return "OK" if ok else "MISSED"


def report(
    n_calls: int, loader: Run, load_csv: Run, naive: Run, rss_mb: float, same_model: Run | None = None
) -> None:
    """The runs on the calls file, the loader's ratios to LOAD CSV and the naive script, and the targets."""
    print()
    print(f"{'run (best of the rounds)':48} {'rows':>10} {'seconds':>9} {'rows/s':>10}  load average")
    for run in (loader, load_csv, same_model, naive):
        if run is None:
            continue
        print(f"{run.name:48} {run.rows:>10,} {run.seconds:>9.1f} {run.rate:>10,.0f}  {run.load}")
    a_b = loader.rate / load_csv.rate if load_csv.rate else 0.0
    a_c = loader.rate / naive.rate if naive.rate else 0.0
    per_million = loader.seconds * ONE_MILLION / loader.rows if loader.rows else float("inf")
    measured = "measured" if n_calls == ONE_MILLION else f"extrapolated from {n_calls:,} rows"
    print()
    print(f"ratio a/b (loader vs LOAD CSV):        {a_b:6.2f}   target >= 1     {verdict(a_b >= 1)}")
    print(f"ratio a/c (loader vs naive script):    {a_c:6.1f}   target >= 30    {verdict(a_c >= 30)}")
    if same_model is not None and same_model.rate:
        a_b2 = loader.rate / same_model.rate
        print(f"ratio a/b2 (loader vs same-model LOAD CSV): {a_b2:6.2f}   context only, no target")
    ok_time = per_million < TARGET_SECONDS_PER_MILLION
    print(f"1M calls with the loader:              {per_million:6.0f} s target < 120 s  "
          f"{'OK' if ok_time else 'MISSED'} ({measured})")  # fmt: skip
    print(f"peak Python RSS (after the loader run): {rss_mb:5.0f} MB target < 1024 MB "
          f"{'OK' if rss_mb < TARGET_RSS_MB else 'MISSED'}")  # fmt: skip
    sys.stdout.flush()
