"""Query plans prepared by `hilorojo ui`: every query of a target package, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from dossier.contents import build_package
from graph.connection import Graph
from graph.dossier import PLANNED, plan_package_queries

COUNTS = "MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels"


def test_planned_queries_cover_a_package_and_change_nothing(
    demo_graph: tuple[Graph, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    graph, key = demo_graph
    before = graph.read_one(COUNTS)
    plan_package_queries(graph)
    assert graph.read_one(COUNTS) == before
    ran: set[str] = set()
    for name in ("read", "read_one", "stream"):
        original = getattr(Graph, name)

        def recording(self: Graph, query: str, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            ran.add(query)
            return _original(self, query, *args, **kwargs)

        monkeypatch.setattr(Graph, name, recording)
    build_package(graph, key["brokers"][0]["person_id"])
    assert ran, "no query recorded"
    missing = ran - {query for query, _ in PLANNED}
    assert not missing, sorted(q.strip().splitlines()[0] for q in missing)
