"""SAME_AS identity merges in the person network: one vertex per group, summed weights, write-back to all."""

from __future__ import annotations

import networkx as nx
import pytest

from analytics.network import project
from analytics.pipeline import analyze
from graph import identity
from graph.connection import Graph
from tests.test_analytics_helpers import load_coarrests

MEASURES = "MATCH (p:Person) RETURN p.person_id AS id, p.betweenness AS betweenness, p.degree AS degree"


def load_two_records_of_one_broker(graph: Graph) -> None:
    """B1 in a co-arrest clique with a1, a2, a3; B2 in one with c1, c2, c3; a1 also arrested with B2
    (a second link a1–broker) and B1 with B2 (a link between two records of one person)."""
    g = nx.Graph()
    g.add_edges_from(nx.complete_graph(["B1", "a1", "a2", "a3"]).edges())
    g.add_edges_from(nx.complete_graph(["B2", "c1", "c2", "c3"]).edges())
    g.add_edges_from([("a1", "B2"), ("B1", "B2")])
    load_coarrests(graph, g)
    identity.create_same_as(
        graph,
        {
            "a": "B2",
            "b": "B1",
            "decision_id": "d-1",
            "analyst": "test",
            "reason": "same passport",
            "score": 1.0,
            "forced": False,
        },
    )


def test_same_as_group_is_one_broker_bridging_both_cliques(empty_graph: Graph) -> None:
    load_two_records_of_one_broker(empty_graph)

    apart = project(empty_graph, "arrests", merge_same_as=False)
    assert (apart.n, apart.m) == (8, 14)  # 6 + 6 clique links, a1–B2, B1–B2

    net = project(empty_graph, "arrests")
    # merged: vertices B1 (canonical = smallest id), a1..a3, c1..c3; B1–B2 becomes a self-link and is
    # dropped: links = 3 (a-triangle) + 3 (c-triangle) + 3 (a–B) + 3 (c–B) = 12
    assert (net.n, net.m) == (7, 12)
    assert "B2" not in net.index
    assert net.records(net.index["B1"]) == ["B1", "B2"]
    b, a1 = net.index["B1"], net.index["a1"]
    # a1–B1 (one arrest) + a1–B2 (one arrest) summed into one link of weight 2
    assert net.g.es[net.g.get_eid(a1, b)]["weight"] == 2.0
    assert net.g.es[net.g.get_eid(net.index["a2"], b)]["weight"] == 1.0

    result = analyze(empty_graph, "arrests")
    rows = {r["id"]: r for r in empty_graph.read(MEASURES)}
    # Every shortest path between an a_i and a c_j (3 × 3 = 9 pairs, distance 2) goes only through the
    # broker; every other pair is adjacent. Normalised: 9 · 2/((n-1)(n-2)) = 9 · 2/(6 · 5) = 0.6.
    for record in ("B1", "B2"):
        assert rows[record]["betweenness"] == pytest.approx(0.6)
        assert rows[record]["degree"] == 6
    for other in ("a1", "a2", "a3", "c1", "c2", "c3"):
        assert rows[other]["betweenness"] == pytest.approx(0.0)
        assert rows[other]["degree"] == 3
    # the broker is the only cut vertex: removing it is the best single KPP-Neg choice
    assert result.key_players.members[0] == b
