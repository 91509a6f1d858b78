"""Graph Data Science detection and the fallback to the in-process engine, on the real local server
(Neo4j Community without the GDS plugin)."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from analytics.pipeline import NO_GDS, choose_engine
from graph.connection import Graph
from graph.errors import InputError
from graph.gds import gds_version
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
