"""Bulk-load benchmark: `hilorojo load bulk calls` against the online loader on one file, in rows/s."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.ingest import (
    Run,
    calls_in_graph,
    free_port,
    head_file,
    local_neo4j,
    machine,
    peak_rss_mb,
    timed,
    write_many_numbers,
)
from graph import local_server
from graph.bulk_import import import_full
from graph.connection import Graph
from graph.migrations import migrate
from graph.settings import Settings, load_settings
from loaders.bulk_load import bulk_load
from loaders.pipeline import load_file

# The online loader runs on at most this many rows of the file (its first rows): at its rate on the
# many-numbers file (docs/scaling.md) ten million rows would take over twenty minutes.
ONLINE_ROWS = 1_000_000


@contextmanager
def local_home(heap: str) -> Iterator[Settings]:
    """The settings of a local server in a new temporary home on a free port (not started)."""
    home = Path(tempfile.mkdtemp(prefix="hilorojo-bulk-"))
    saved = dict(os.environ)
    try:
        for name in [n for n in os.environ if n.startswith("NEO4J_")]:
            del os.environ[name]
        os.environ.update(
            HILOROJO_HOME=str(home),
            NEO4J_URI=f"bolt://127.0.0.1:{free_port()}",
            HILOROJO_HEAP=heap,
            HILOROJO_PAGECACHE="1g",
        )
        yield load_settings(env_file=None)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(home, ignore_errors=True)


def write_files(folder: Path, calls: int, phones: int, seed: int) -> tuple[Path, Path]:
    """Importer CSVs of ``phones`` Phone nodes (E.164 numbers, as the loader stores them) and ``calls``
    CALLED relationships between random pairs of them, with an id, a start time and a duration."""
    rng = random.Random(seed)
    numbers = [f"+5730{n:08d}" for n in rng.sample(range(10**8), phones)]
    phone_file, call_file = folder / "phones.csv", folder / "calls.csv"
    with open(phone_file, "w", encoding="utf-8") as out:
        out.write("number:ID(Phone),country\n")
        out.writelines(f"{n},CO\n" for n in numbers)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with open(call_file, "w", encoding="utf-8") as out:
        out.write(":START_ID(Phone),:END_ID(Phone),call_id,start_time:datetime,duration_s:int\n")
        for i in range(calls):
            a, b = rng.sample(numbers, 2)
            when = (start + timedelta(seconds=rng.randrange(365 * 86_400))).isoformat()
            out.write(f"{a},{b},C{i},{when},{rng.randrange(1, 3600)}\n")
    return phone_file, call_file


def synthetic(calls: int, phones: int, seed: int, heap: str) -> None:
    """The importer alone on files already in the model's form (no loader work)."""
    with local_home(heap) as settings:
        t = time.perf_counter()
        phone_file, call_file = write_files(settings.home, calls, phones, seed)
        size = (phone_file.stat().st_size + call_file.stat().st_size) / 1e6
        print(f"files: {phones:,} phones, {calls:,} calls, {size:.0f} MB, written in "
              f"{time.perf_counter() - t:.1f} s", flush=True)  # fmt: skip
        report = import_full(settings, [("Phone", phone_file)], [("CALLED", call_file)], heap=heap)
        rate = report.relationships / report.seconds
        print(f"import: {report.nodes:,} nodes, {report.relationships:,} relationships in "
              f"{report.seconds:.1f} s (JVM start included): {rate:,.0f} calls/s", flush=True)  # fmt: skip
        local_server.start(settings)
        graph = Graph(settings)
        try:
            t = time.perf_counter()
            migrate(graph)
            print(f"schema (hilorojo db migrate) on the imported store: {time.perf_counter() - t:.1f} s")
            print(f"calls in the started server: {calls_in_graph(graph):,}")
        finally:
            graph.close()
            local_server.stop(settings)


def run_bulk(path: Path, heap: str) -> Run:
    """`hilorojo load bulk calls` on ``path`` into a new local server: from the first row read to the
    server answering with its schema and Source (the server's first start, to check it empty, left out)."""
    with local_home(heap) as settings:
        local_server.start(settings)
        try:
            summary = bulk_load(settings, "calls", [path], region="CO", heap=heap, progress=False)
            graph = Graph(settings)
            try:
                in_graph = calls_in_graph(graph)
            finally:
                graph.close()
        finally:
            local_server.stop(settings)
    if summary.rows_rejected:
        raise SystemExit(f"bench: the bulk load rejected {summary.rows_rejected} rows of {path}")
    restart = summary.seconds - summary.write_seconds - summary.import_seconds
    print(f"  bulk: files {summary.write_seconds:.1f} s, importer {summary.import_seconds:.1f} s, "
          f"server start, schema and Source {restart:.1f} s; {summary.nodes:,} nodes, "
          f"{summary.relationships:,} relationships, {in_graph:,} calls in the started server; "
          f"peak memory of this process {peak_rss_mb():,.0f} MB", flush=True)  # fmt: skip
    return Run("hilorojo load bulk calls", summary.rows_read, summary.seconds)


def run_online(path: Path, heap: str) -> Run:
    """`hilorojo load calls` (load_file) on ``path`` into a new local server."""
    home = Path(tempfile.mkdtemp(prefix="hilorojo-online-"))
    try:
        with local_neo4j(home, heap, "1g") as graph:
            started = time.perf_counter()
            summary = load_file(graph, "calls", path, region="CO", progress=False)
            seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(home, ignore_errors=True)
    if summary.rows_rejected:
        raise SystemExit(f"bench: the loader rejected {summary.rows_rejected} rows of {path}")
    return Run("hilorojo load calls (online)", summary.rows_loaded, seconds)


def compare(calls: int, online_rows: int, seed: int, heap: str) -> None:
    """The bulk load of the many-numbers file of ``calls`` rows against the online loader on its first
    ``online_rows`` rows (all when 0 or more than the file)."""
    folder = Path(tempfile.mkdtemp(prefix="hilorojo-bulk-files-"))
    try:
        t = time.perf_counter()
        path = folder / "many_numbers.csv"
        numbers, handsets = write_many_numbers(path, calls, seed)
        size = path.stat().st_size / 2**20
        print(f"many-numbers file: {calls:,} rows, {numbers:,} numbers, {handsets:,} handsets, "
              f"{size:,.0f} MB, written in {time.perf_counter() - t:.1f} s", flush=True)  # fmt: skip
        bulk = timed(lambda: run_bulk(path, heap))
        prefix = path
        if 0 < online_rows < calls:
            prefix = head_file(path, folder / "prefix.csv", online_rows)
            print(f"  the online loader loads the first {online_rows:,} rows only (the whole file "
                  f"is {calls / online_rows:.0f} times as long)", flush=True)  # fmt: skip
        online = timed(lambda: run_online(prefix, heap))
        print(f"bulk / online: {bulk.rate / online.rate:.1f} times the rows per second "
              f"({bulk.rate:,.0f} against {online.rate:,.0f})")  # fmt: skip
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk_import", description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000_000, help="rows of the file (default 10000000)")
    parser.add_argument("--online-rows", type=int, default=ONLINE_ROWS,
                        help=f"the file's first rows the online loader loads (default {ONLINE_ROWS}; 0: all)")
    parser.add_argument("--synthetic", action="store_true",
                        help="instead: the importer alone, files in the model's form")  # fmt: skip
    parser.add_argument("--phones", type=int, default=100_000, help="with --synthetic: Phone nodes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--heap", default="2g", help="Java heap of the importer and of the servers")
    args = parser.parse_args(argv)
    print(f"machine: {machine()}", flush=True)
    if args.synthetic:
        synthetic(args.calls, args.phones, args.seed, args.heap)
    else:
        compare(args.calls, args.online_rows, args.seed, args.heap)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
