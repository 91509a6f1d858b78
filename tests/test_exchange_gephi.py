"""Gephi's own importer (the Gephi Toolkit, built like the launcher) reads the GEXF and GraphML exports
with the same nodes, edges and attribute values as networkx, and no import errors."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from access.roles import Role
from access.session import Principal, acting_as
from exchange.export import build_export
from exchange.network import Selection
from graph.connection import Graph
from tests.conftest import CLEAR_QUERY, ROOT
from tests.exchange_data import load_network

PROJECT = ROOT / "tests" / "gephi"
MAIN_CLASS = "org.hilorojo.GephiCheck"


@pytest.fixture(scope="module")
def gephi_check() -> list[str]:
    """The command that runs the check (built once into the cache; Maven fetches the toolkit once)."""
    if shutil.which("mvn") is None or shutil.which("java") is None:
        pytest.fail("Java and Maven are needed (as for the local Neo4j)")
    build = Path(os.environ.get("HILOROJO_CACHE", "~/.cache/hilorojo")).expanduser() / "gephi-check"
    done = subprocess.run(
        ["mvn", "-q", "-DskipTests", f"-Dcheck.build.dir={build}", "package"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    classpath = os.pathsep.join([str(build / "gephi-check.jar"), str(build / "lib" / "*")])
    return ["java", "-Djava.awt.headless=true", "-cp", classpath, MAIN_CLASS]


@pytest.fixture(scope="module")
def net(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    graph.run_in_batches(CLEAR_QUERY)
    load_network(graph, tmp_path_factory.mktemp("gephi"))
    return graph


def gephi_read(command: list[str], path: Path) -> dict[str, Any]:
    done = subprocess.run([*command, str(path)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    line = [ln for ln in done.stdout.splitlines() if ln.startswith("{")][-1]
    return dict(json.loads(line))


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_gephi_reads_what_networkx_reads(
    net: Graph, gephi_check: list[str], tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HILOROJO_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    with acting_as(Principal("ana", Role.ANALYST)):
        data = next(iter(build_export(net, fmt, Selection()).files.values()))
    path = tmp_path / f"network.{fmt}"
    path.write_bytes(data)
    gephi = gephi_read(gephi_check, path)
    reader = nx.read_gexf if fmt == "gexf" else nx.read_graphml
    g = reader(io.BytesIO(data))
    assert not [i for i in gephi["issues"] if i.startswith(("SEVERE", "CRITICAL"))], gephi["issues"]
    assert (gephi["nodes"], gephi["edges"]) == (g.number_of_nodes(), g.number_of_edges()) == (6, 11)
    for node, attrs in g.nodes(data=True):
        seen = gephi["node"][node]
        assert seen["label"] == attrs["label"]
        for name in ("pagerank", "community", "key_player", "kpp_rank", "role", "phones"):
            assert seen.get(name) == attrs.get(name), (node, name)
    by_call = {d["call_id"]: d for d in gephi["edge"].values() if d.get("call_id")}
    assert sorted(by_call) == ["C1", "C2", "C3", "C4", "C5"]
    for _, _, attrs in g.edges(data=True):
        if "call_id" in attrs:
            seen = by_call[attrs["call_id"]]
            assert (seen["duration_s"], seen["call_type"]) == (attrs["duration_s"], attrs["call_type"])
    amounts = sorted(d["amount"] for d in gephi["edge"].values() if d.get("transaction_id"))
    assert amounts == [100.0, 500.0, 9500.0]
    if fmt == "gexf":  # the timeline: C1 lasts one minute from 10:00 UTC on 5 January 2024 (milliseconds)
        start = datetime(2024, 1, 5, 10, 0, tzinfo=UTC).timestamp() * 1000
        assert by_call["C1"]["interval"] == f"<[{start}, {start + 60_000}]>"
