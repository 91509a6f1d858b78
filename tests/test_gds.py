"""Graph Data Science detection and the fallback to the in-process engine, on the real local server
(Neo4j Community without the GDS plugin)."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest

from analytics.pipeline import NO_GDS, choose_engine
from graph.analysis_store import PERSON_MEASURES
from graph.connection import Graph
from graph.errors import InputError
from graph.gds import _likely_links, _person_rows, gds_version
from graph.settings import Settings
from tests.conftest import run_cli, server_env
from tests.test_analytics_helpers import load_coarrests

ENGINE_OF_LATEST = "MATCH (a:Analysis) RETURN a.engine AS engine, a.parameters AS parameters"
# The plugins the local server loaded: none (graph/local_server.py builds it from Neo4j's own jars).
GDS_PROCEDURES = "SHOW PROCEDURES YIELD name WHERE name STARTS WITH 'gds.' RETURN count(*) AS n"


def test_local_server_has_no_gds(graph: Graph) -> None:
    assert graph.read_one(GDS_PROCEDURES) == {"n": 0}
    assert gds_version(graph) is None


def test_engine_choice_without_gds(graph: Graph) -> None:
    auto = choose_engine(graph, "auto")
    assert auto.name == "in-process" and auto.reason == NO_GDS and auto.gds_version is None
    assert choose_engine(graph, "in-process").name == "in-process"
    with pytest.raises(InputError) as err:
        choose_engine(graph, "gds")
    assert "gds.version() is missing" in str(err.value) and graph.settings.uri in str(err.value)
    with pytest.raises(InputError):
        choose_engine(graph, "spark")


def test_analyze_falls_back_and_says_so(empty_graph: Graph, neo4j_settings: Settings) -> None:
    g = nx.florentine_families_graph()
    load_coarrests(empty_graph, g)
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    out = run_cli(["analyze", "--layers", "arrests", "--json"], env)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["engine"] == f"in-process ({NO_GDS})"
    assert summary["nodes"] == 15 and summary["edges"] == 20  # the Florentine families: 15 and 20
    stored = empty_graph.read_one(ENGINE_OF_LATEST)
    assert stored is not None and stored["engine"] == "in-process"
    assert json.loads(stored["parameters"])["engine"] == summary["engine"]
    refused = run_cli(["analyze", "--layers", "arrests", "--engine", "gds"], env)
    assert refused.returncode == InputError.exit_code
    assert len(refused.stderr.strip().splitlines()) == 1 and "Graph Data Science" in refused.stderr


def test_gds_answers_become_the_in_process_properties() -> None:
    """The write-back of the GDS engine on answers shaped like the client's (its columns), by hand: linked
    pairs are no hidden link, each pair counts once, the first Leiden level is the cell."""
    frame = pd.DataFrame(
        {
            "nodeId": [0, 1, 2, 3],
            "degree": [1.0, 1.0, 0.0, 0.0],
            "weighted_degree": [2.0, 2.0, 0.0, 0.0],
            "pagerank": [0.4, 0.4, 0.1, 0.1],
            "betweenness": [0.0, 0.0, 0.0, 0.0],
            "levels": [[3, 7], [3, 7], [4, 7], [5, 8]],
            "person_id": ["a", "b", "c", "d"],
        }
    )
    similar = pd.DataFrame(
        {"node1": [0, 1, 0, 2, 3], "node2": [1, 0, 2, 3, 2], "similarity": [0.9, 0.9, 0.5, 0.7, 0.7]}
    )
    existing = pd.DataFrame({"sourceNodeId": [0, 1], "targetNodeId": [1, 0]})
    assert _likely_links(frame, similar, existing, top=5) == [
        {"a": "c", "b": "d", "score": 0.7},
        {"a": "a", "b": "c", "score": 0.5},
    ]
    assert _likely_links(frame, similar, existing, top=1) == [{"a": "c", "b": "d", "score": 0.7}]
    rows = {r["person_id"]: r["props"] for r in _person_rows(frame)}
    assert set(rows["a"]) == set(PERSON_MEASURES)
    assert rows["c"]["community"] == 4 and rows["c"]["organisation"] == 7 and rows["d"]["organisation"] == 8
    assert rows["a"]["pagerank"] == 0.4 and rows["a"]["degree"] == 1 and rows["a"]["key_player"] is False
    assert rows["a"]["cell_bridging"] is None and rows["a"]["closeness"] is None  # not computed by GDS
