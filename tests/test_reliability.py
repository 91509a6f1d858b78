"""Loads killed half-way are visible and heal: SIGKILL at the first, a middle and the last batch."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graph import analysis_store, explore, ingest
from graph.connection import Graph
from graph.settings import Settings
from graph.status import half_loaded
from loaders.pipeline import BATCH_ROWS, load_file
from tests.conftest import ROOT, run_cli, server_env

BATCHES = 8
CALLS = BATCHES * BATCH_ROWS
ALL_NODES = "MATCH (n) WHERE NOT n:Migration RETURN labels(n) AS labels, properties(n) AS props"
ALL_RELS = """
MATCH (a)-[r]->(b)
RETURN type(r) AS type, properties(r) AS props,
       coalesce(a.number, a.imei, a.source_id) AS a, coalesce(b.number, b.imei, b.source_id) AS b
"""
COUNT_CALLS = "MATCH ()-[c:CALLED]->() RETURN count(c) AS n"


def calls_file(path: Path, rows: int = CALLS, numbers: int = 3000, seed: int = 5) -> Path:
    """Calls among ``numbers`` Colombian mobiles, each calling from its own handset."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["caller", "callee", "start_time", "duration_s", "caller_imei"])
        for i in range(rows):
            a, b = rng.sample(range(numbers), 2)
            minute = i % (60 * 24 * 28)
            out.writerow(
                [
                    f"+57300{a:07d}",
                    f"+57300{b:07d}",
                    f"2025-02-{1 + minute // 1440:02d} {minute // 60 % 24:02d}:{minute % 60:02d}:00",
                    rng.randint(1, 900),
                    f"35209900{a:07d}",
                ]
            )
    return path


def graph_state(
    graph: Graph,
    ignore: tuple[str, ...] = ("loaded_at", "status"),
    skip_labels: tuple[str, ...] = (),
    value: Callable[[str, Any], Any] = lambda key, v: v,
) -> tuple[dict[str, int], list[str]]:
    """Counts per label and type, and every node and relationship with its properties as sorted text.
    The keys in ``ignore`` are left out (by default a Source's load time and status: they say when, not
    what, was loaded), nodes with a label of ``skip_labels`` too, and each value goes through ``value``."""

    def text(row: dict[str, Any]) -> str:
        props = {k: value(k, v) for k, v in row["props"].items() if k not in ignore}
        return json.dumps({**row, "props": props}, sort_keys=True, default=str)

    nodes = [r for r in graph.read(ALL_NODES) if not set(r["labels"]) & set(skip_labels)]
    rels = graph.read(ALL_RELS)
    counts: dict[str, int] = {}
    for row in nodes:
        for label in row["labels"]:
            counts[label] = counts.get(label, 0) + 1
    for row in rels:
        counts[row["type"]] = counts.get(row["type"], 0) + 1
    return counts, sorted(text(r) for r in nodes + rels)


def killed_load(path: Path, env: dict[str, str], graph: Graph, after_calls: int) -> int:
    """Start `hilorojo load calls`, SIGKILL it once ``after_calls`` calls are in the graph (or when it
    ends by itself); the calls in the graph once it is dead."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli.main", "load", "calls", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if int((graph.read_one(COUNT_CALLS) or {"n": 0})["n"]) >= after_calls:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.01)
    finally:
        proc.wait(timeout=60)
    return int((graph.read_one(COUNT_CALLS) or {"n": 0})["n"])


CLEAR = "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS"


@pytest.fixture(scope="module")
def clean_load(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The calls file and the graph one uninterrupted load of it gives (computed once)."""
    path = calls_file(tmp_path_factory.mktemp("calls") / "calls.csv")
    graph.run_in_batches(CLEAR)
    load_file(graph, "calls", path, progress=False)
    state = graph_state(graph)
    assert state[0]["CALLED"] == CALLS and state[0]["Source"] == 1 and state[0]["IN_DEVICE"] == 3000
    graph.run_in_batches(CLEAR)
    return path, state


@pytest.mark.parametrize("batches", [1, BATCHES // 2, BATCHES - 1], ids=["first", "middle", "last"])
def test_a_killed_load_is_marked_and_its_rerun_equals_a_clean_load(
    empty_graph: Graph, neo4j_settings: Settings, clean_load: tuple[Path, Any], batches: int
) -> None:
    path, clean = clean_load
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    loaded = killed_load(path, env, empty_graph, batches * BATCH_ROWS)
    assert batches * BATCH_ROWS <= loaded <= CALLS
    if loaded < CALLS:
        # visibly half-loaded: the Source says so, and db status and analyze warn in one line
        assert [r["file_name"] for r in ingest.incomplete_sources(empty_graph)] == ["calls.csv"]
        assert half_loaded(empty_graph) == ["calls.csv (calls) is half-loaded: run the same load again"]
        out = run_cli(["db", "status"], env)
        assert out.returncode == 0 and "calls.csv (calls) is half-loaded" in out.stdout
        if batches == BATCHES // 2:
            out = run_cli(["analyze", "--layers", "calls", "--json", "--keep-unowned"], env)
            assert out.returncode == 0 and "warning: calls.csv (calls) is half-loaded" in out.stderr
            assert json.loads(out.stdout)["warnings"] == half_loaded(empty_graph)
            empty_graph.run_in_batches("MATCH (a:Analysis) CALL (a) { DETACH DELETE a } IN TRANSACTIONS")
    load_file(empty_graph, "calls", path, progress=False)
    assert ingest.incomplete_sources(empty_graph) == []
    assert graph_state(empty_graph) == clean
    if batches == BATCHES // 2:  # and once more: nothing changes
        load_file(empty_graph, "calls", path, progress=False)
        assert graph_state(empty_graph) == clean


def test_an_analysis_stopped_while_writing_is_not_read(empty_graph: Graph) -> None:
    """An Analysis still 'writing' (its write-back cut off by an outage) is ignored; the last complete
    one stays the latest, in the store and on the pages."""
    empty_graph.write(
        "CREATE (:Analysis {analysis_id: 'OLD', status: 'complete', run_at: datetime('2025-01-01T00:00Z')}),"
        "       (:Analysis {analysis_id: 'CUT', status: 'writing', run_at: datetime('2025-02-01T00:00Z')})"
    )
    assert analysis_store.latest_analysis(empty_graph)["analysis_id"] == "OLD"
    assert (explore.last_analysis(empty_graph) or {})["analysis_id"] == "OLD"
