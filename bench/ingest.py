"""Ingest benchmark: `load_file` against Neo4j's LOAD CSV and a query-per-row script, on two calls files."""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from bench.ingest_report import report, report_many_numbers
from graph import local_server
from graph.connection import Graph, get_graph, reset_graph
from graph.migrations import migrate
from graph.settings import load_settings
from loaders.demo import generate, scale_for_calls

# The baselines' queries are kept here, beside the measurement, because they exist only to be measured.
CLEAR = "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
COUNT_CALLS = "MATCH ()-[c:CALLED]->() RETURN count(c) AS n"
# (b) Neo4j's own bulk path: the server reads the file and commits every 10,000 rows.
LOAD_CSV_CALLS = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  MERGE (a:Phone {number: row.caller})
  MERGE (b:Phone {number: row.callee})
  CREATE (a)-[c:CALLED]->(b)
  SET c.call_id = row.call_id, c.start_time = datetime(row.start_time),
      c.duration_s = toInteger(row.duration_s), c.call_type = row.call_type,
      c.caller_imei = row.caller_imei, c.caller_cell = row.caller_cell, c.callee_cell = row.callee_cell,
      c.caller_lat = toFloat(row.caller_lat), c.caller_lon = toFloat(row.caller_lon)
} IN TRANSACTIONS OF 10000 ROWS
"""
# (b2) LOAD CSV writing the graph the loader writes (devices, IN_DEVICE spans, provenance, row numbers),
# as an experienced user would: the target on the many-numbers file (on the demo file it is (b)). It
# cannot normalise phone numbers, so on the demo file "+57 300…" and "0057300…" stay two phones; the
# many-numbers file is all E.164, so there it writes the same calls, phones and handsets.
LOAD_CSV_SAME_MODEL = """
LOAD CSV WITH HEADERS FROM $url AS row
CALL (row) {
  WITH row, linenumber() AS line, datetime(row.start_time) AS t
  MERGE (a:Phone {number: row.caller})
  ON CREATE SET a.source_ids = [$source_id]
  ON MATCH SET a.source_ids = CASE WHEN $source_id IN a.source_ids THEN a.source_ids
                                   ELSE a.source_ids + $source_id END
  MERGE (b:Phone {number: row.callee})
  ON CREATE SET b.source_ids = [$source_id]
  ON MATCH SET b.source_ids = CASE WHEN $source_id IN b.source_ids THEN b.source_ids
                                   ELSE b.source_ids + $source_id END
  CREATE (a)-[c:CALLED {call_id: row.call_id, start_time: t, duration_s: toInteger(row.duration_s),
                        call_type: row.call_type, caller_imei: row.caller_imei, callee_imei: row.callee_imei,
                        caller_cell: row.caller_cell, callee_cell: row.callee_cell,
                        caller_lat: toFloat(row.caller_lat), caller_lon: toFloat(row.caller_lon),
                        source_id: $source_id, row: line}]->(b)
  WITH row, line, t, a, b
  UNWIND [x IN [[a, row.caller_imei], [b, row.callee_imei]] WHERE x[1] IS NOT NULL] AS seen
  WITH line, t, seen[0] AS p, seen[1] AS imei
  MERGE (d:Device {imei: imei})
  ON CREATE SET d.source_ids = [$source_id]
  MERGE (p)-[l:IN_DEVICE]->(d)
  ON CREATE SET l.first_seen = t, l.last_seen = t, l.source_ids = [$source_id],
                l.source_rows = [$source_id + ':' + line]
  SET l.first_seen = CASE WHEN t < l.first_seen THEN t ELSE l.first_seen END,
      l.last_seen = CASE WHEN t > l.last_seen THEN t ELSE l.last_seen END
} IN TRANSACTIONS OF 10000 ROWS
"""
# (c) What many teams write first: one auto-committed query per row.
NAIVE_CALL = """
MERGE (a:Phone {number: $caller})
MERGE (b:Phone {number: $callee})
CREATE (a)-[c:CALLED]->(b)
SET c.call_id = $call_id, c.start_time = datetime($start_time), c.duration_s = toInteger($duration_s),
    c.call_type = $call_type, c.caller_imei = $caller_imei, c.caller_cell = $caller_cell,
    c.callee_cell = $callee_cell, c.caller_lat = toFloat($caller_lat), c.caller_lon = toFloat($caller_lon)
"""
NAIVE_KEYS = ("caller", "callee", "call_id", "start_time", "duration_s", "call_type", "caller_imei",
              "caller_cell", "callee_cell", "caller_lat", "caller_lon")  # fmt: skip
# The many-numbers file: one phone per subscriber, each with its handset (one in a hundred changes it
# once), about eight calls per number as in an operator's records of a whole region.
CALLS_PER_NUMBER = 8
CONTACTS_PER_NUMBER = 8
HANDSET_CHANGES = 0.01
MANY_NUMBERS_HEADER = ("call_id", "caller", "callee", "start_time", "duration_s", "call_type", "caller_imei",
                       "callee_imei", "caller_cell", "callee_cell", "caller_lat", "caller_lon")  # fmt: skip


@dataclass
class Run:
    name: str
    rows: int
    seconds: float
    load: str = ""  # the load average (1 minute) when the run started and ended

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


def peak_rss_mb() -> float:
    """Peak resident memory of this Python process (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def local_neo4j(home: Path, heap: str, pagecache: str) -> Iterator[Graph]:
    """A fresh local Neo4j in ``home`` on a free port, migrated; stopped on exit."""
    saved = dict(os.environ)
    for name in [n for n in os.environ if n.startswith("NEO4J_")]:
        del os.environ[name]
    os.environ.update(
        HILOROJO_HOME=str(home),
        NEO4J_URI=f"bolt://127.0.0.1:{free_port()}",
        HILOROJO_HEAP=heap,
        HILOROJO_PAGECACHE=pagecache,
    )
    settings = load_settings(env_file=None)
    try:
        local_server.start(settings)
        graph = get_graph(settings)
        migrate(graph)
        yield graph
    finally:
        reset_graph()
        local_server.stop(settings)
        os.environ.clear()
        os.environ.update(saved)


def imei(rng: random.Random) -> str:
    """A random 15-digit IMEI with its Luhn check digit."""
    body = [rng.randrange(10) for _ in range(14)]
    total = sum(d * 2 - 9 if d > 4 and i % 2 == 0 else d * 2 if i % 2 == 0 else d
                for i, d in enumerate(reversed(body)))  # fmt: skip
    return "".join(map(str, body)) + str(-total % 10)


def write_many_numbers(path: Path, calls: int, seed: int) -> tuple[int, int]:
    """A calls file of ``calls`` rows between ``calls / 8`` subscribers, one phone and handset each.

    Every number is written in E.164, so LOAD CSV, which normalises nothing, writes the same phones
    as the loader. Each subscriber calls eight contacts; the calls run through one year in time
    order and both ends' handsets are known. Returns the numbers and handsets written.
    """
    rng = random.Random(seed)
    n = max(2, calls // CALLS_PER_NUMBER)
    numbers = [f"+573{i // 10**7 * 10:02d}{i % 10**7:07d}" for i in rng.sample(range(2 * 10**7), n)]
    first = [imei(rng) for _ in range(n)]
    second = {i: imei(rng) for i in rng.sample(range(n), int(n * HANDSET_CHANGES))}
    contacts = [rng.sample(range(n), min(CONTACTS_PER_NUMBER, n - 1)) for _ in range(n)]
    year = 365 * 86_400
    times = sorted(rng.randrange(year) for _ in range(calls))
    start = 1_672_549_200  # 2023-01-01T00:00:00-05:00
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(MANY_NUMBERS_HEADER)
        for row, at in enumerate(times, 1):
            a = rng.randrange(n)
            b = rng.choice(contacts[a])
            if b == a:
                b = (a + 1) % n
            handset = [second[x] if x in second and at > year // 2 else first[x] for x in (a, b)]
            when = time.strftime("%Y-%m-%dT%H:%M:%S-05:00", time.gmtime(start + at - 5 * 3600))
            cell = f"732-101-{a % 5000:05d}-{a % 7}"
            out.writerow((f"MN-{row:09d}", numbers[a], numbers[b], when, rng.randrange(1, 900),
                          "voice" if rng.random() < 0.8 else "sms", handset[0], handset[1], cell,
                          f"732-101-{b % 5000:05d}-{b % 7}", f"{4 + a % 700 / 100:.5f}",
                          f"{-74 - a % 500 / 100:.5f}"))  # fmt: skip
    return n, n + len(second)


def calls_in_graph(graph: Graph) -> int:
    return int((graph.read_one(COUNT_CALLS) or {"n": 0})["n"])


def head_file(source: Path, target: Path, rows: int) -> Path:
    """The header and the first ``rows`` rows of ``source``."""
    with open(source, encoding="utf-8") as src, open(target, "w", encoding="utf-8") as out:
        for i, line in enumerate(src):
            if i > rows:
                break
            out.write(line)
    return target


def run_loader(graph: Graph, path: Path) -> Run:
    from loaders.pipeline import load_file

    graph.run_in_batches(CLEAR)
    started = time.perf_counter()
    summary = load_file(graph, "calls", path, region="CO", progress=False)
    seconds = time.perf_counter() - started
    if summary.rows_rejected:
        raise SystemExit(f"bench: the loader rejected {summary.rows_rejected} rows of {path}")
    return Run("(a) load_file", summary.rows_loaded, seconds)


def run_load_csv(graph: Graph, path: Path) -> Run:
    graph.run_in_batches(CLEAR)
    started = time.perf_counter()
    graph.run_in_batches(LOAD_CSV_CALLS, {"url": f"file:///{path.name}"})
    seconds = time.perf_counter() - started
    return Run("(b) LOAD CSV … IN TRANSACTIONS", calls_in_graph(graph), seconds)


def run_load_csv_same_model(graph: Graph, path: Path) -> Run:
    graph.run_in_batches(CLEAR)
    started = time.perf_counter()
    graph.run_in_batches(LOAD_CSV_SAME_MODEL, {"url": f"file:///{path.name}", "source_id": "S-bench"})
    seconds = time.perf_counter() - started
    return Run("(b2) LOAD CSV, same model", calls_in_graph(graph), seconds)


def run_naive(graph: Graph, path: Path, sample: int) -> Run:
    graph.run_in_batches(CLEAR)
    with open(path, encoding="utf-8", newline="") as handle:
        rows: list[dict[str, Any]] = []
        for i, row in enumerate(csv.DictReader(handle)):
            if i >= sample:
                break
            rows.append({k: row[k] for k in NAIVE_KEYS})
    started = time.perf_counter()
    with graph.driver.session(database=graph.settings.database) as session:
        for params in rows:
            session.run(NAIVE_CALL, params).consume()
    seconds = time.perf_counter() - started
    return Run(f"(c) one query per row ({len(rows):,}-row sample)", calls_in_graph(graph), seconds)


def load_average() -> float:
    try:
        return os.getloadavg()[0]
    except OSError:
        return float("nan")


def timed(run: Callable[[], Run]) -> Run:
    """``run`` with the load average at its start and end, printed as it ends."""
    before = load_average()
    result = run()
    result.load = f"{before:.1f}-{load_average():.1f}"
    print(f"  {result.name:48} {result.rows:>10,} rows {result.seconds:7.1f} s {result.rate:>8,.0f} rows/s"
          f"  load {result.load}", flush=True)  # fmt: skip
    return result


def machine() -> str:
    cpus = os.cpu_count() or 0
    try:
        load = "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        load = ""
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f"{pages / 2**30:.0f} GB RAM"
    except (ValueError, OSError):
        pass
    return f"{platform.machine()}, {cpus} cores, {mem}, Python {platform.python_version()}, {load}"


def _parser() -> argparse.ArgumentParser:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__)
    parser.add_argument(
        "--calls", type=int, default=200_000, help="call records in the file (default 200000)"
    )
    parser.add_argument("--naive-sample", type=int, default=5_000, help="rows timed for the naive script")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--heap", default="2g", help="Neo4j heap of the benchmark server")
    parser.add_argument("--pagecache", default="1g", help="Neo4j page cache of the benchmark server")
    parser.add_argument(
        "--warm",
        type=int,
        default=20_000,
        help="rows of the warm-up file each path loads twice (default 20000)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=5,
        help="measured rounds on each file, each path once per round, the order turning (default 5)",
    )
    parser.add_argument(
        "--warm-rounds",
        type=int,
        default=1,
        help="whole rounds on each file before the measured ones, not counted (default 1)",
    )
    parser.add_argument(
        "--many-calls",
        type=int,
        default=None,
        help="call records in the many-numbers file (one phone and handset per eight calls; default"
        " --calls; 0 skips it)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary home (files, database)")
    return parser


# The paths measured in every round, by their letter in the report.
PATHS: dict[str, Callable[[Graph, Path], Run]] = {
    "a": run_loader,
    "b2": run_load_csv_same_model,
    "b": run_load_csv,
}


def rounds_on(graph: Graph, path: Path, rounds: int, warm_rounds: int) -> dict[str, list[Run]]:
    """Each path of ``PATHS`` once per round on ``path``, interleaved, the order turning each round.

    Every run starts from the same state: the database cleared by ``CLEAR``. The first
    ``warm_rounds`` rounds are run and printed but not returned: the server's first whole load into
    a store after warm-up extends its files and JIT-compiles the long paths, and costs more than the
    later ones (up to a half more, measured on the many-numbers file).
    """
    names = list(PATHS)
    runs: dict[str, list[Run]] = {name: [] for name in names}
    for round_ in range(warm_rounds + rounds):
        counted = round_ >= warm_rounds
        print(f" round {round_ - warm_rounds + 1}" if counted else " warm-up round (not counted)")
        turn = round_ % len(names)
        for name in names[turn:] + names[:turn]:
            run = timed(partial(PATHS[name], graph, path))
            if counted:
                runs[name].append(run)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    home = Path(tempfile.mkdtemp(prefix="hilorojo-bench-"))
    import_dir = home / "import"
    try:
        print(f"machine: {machine()}")
        started = time.perf_counter()
        generate(import_dir, scale_for_calls(args.calls), args.seed)
        calls = import_dir / "calls.csv"
        size_mb = calls.stat().st_size / 2**20
        took = time.perf_counter() - started
        print(f"calls file: {args.calls:,} rows, {size_mb:.0f} MB, written in {took:.1f} s")
        warm = head_file(calls, import_dir / "warm.csv", min(args.warm, args.calls))
        many_calls = args.calls if args.many_calls is None else args.many_calls
        many = import_dir / "many_numbers.csv"
        if many_calls:
            started = time.perf_counter()
            numbers, handsets = write_many_numbers(many, many_calls, args.seed)
            print(f"many-numbers file: {many_calls:,} rows, {numbers:,} numbers, {handsets:,} handsets,"
                  f" written in {time.perf_counter() - started:.1f} s")  # fmt: skip
        with local_neo4j(home, args.heap, args.pagecache) as graph:
            # Warm every path on a small file first (JIT, query plans).
            for _ in range(2):
                for run in PATHS.values():
                    run(graph, warm)
            print("demo-shaped file:")
            demo = rounds_on(graph, calls, args.rounds, args.warm_rounds)
            rss_after_loader = peak_rss_mb()
            naive = timed(lambda: run_naive(graph, calls, args.naive_sample))
            if many_calls:
                print("many-numbers file:")
                many_runs = rounds_on(graph, many, args.rounds, args.warm_rounds)
            graph.run_in_batches(CLEAR)
        report(args.calls, demo, naive, rss_after_loader)
        if many_calls:
            report_many_numbers(many_runs)
    finally:
        if args.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
