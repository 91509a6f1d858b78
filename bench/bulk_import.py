"""Bulk-import benchmark: Neo4j's offline importer writing phones and calls, in rows per second."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.ingest import calls_in_graph, free_port, machine
from graph import local_server
from graph.bulk_import import import_full
from graph.connection import Graph
from graph.migrations import migrate
from graph.settings import load_settings


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bulk_import", description=__doc__)
    parser.add_argument("--calls", type=int, default=1_000_000, help="CALLED relationships (default 1000000)")
    parser.add_argument("--phones", type=int, default=100_000, help="Phone nodes (default 100000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--heap", default="2g", help="Java heap of the importer and of the server")
    args = parser.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="hilorojo-bulk-"))
    saved = dict(os.environ)
    try:
        for name in [n for n in os.environ if n.startswith("NEO4J_")]:
            del os.environ[name]
        os.environ.update(
            HILOROJO_HOME=str(home),
            NEO4J_URI=f"bolt://127.0.0.1:{free_port()}",
            HILOROJO_HEAP=args.heap,
            HILOROJO_PAGECACHE="1g",
        )
        settings = load_settings(env_file=None)
        print(f"machine: {machine()}", flush=True)
        t = time.perf_counter()
        phones, calls = write_files(home, args.calls, args.phones, args.seed)
        size = (phones.stat().st_size + calls.stat().st_size) / 1e6
        print(f"files: {args.phones:,} phones, {args.calls:,} calls, {size:.0f} MB, written in "
              f"{time.perf_counter() - t:.1f} s", flush=True)  # fmt: skip
        report = import_full(settings, [("Phone", phones)], [("CALLED", calls)], heap=args.heap)
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
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
