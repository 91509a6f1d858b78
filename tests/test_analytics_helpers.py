"""Test helper: write small networks into the real Neo4j following docs/data-model.md, with parameters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from graph.connection import Graph

ADD_PEOPLE = """
UNWIND $people AS p
MERGE (x:Person {person_id: p.id})
SET x.name = p.name, x.name_key = toLower(p.name), x.role = p.role, x.nationality = p.nationality
"""
# one Arrest per co-arrest; weight w = w separate arrests of the same two people
ADD_COARRESTS = """
UNWIND $rows AS r
MATCH (a:Person {person_id: r.a}), (b:Person {person_id: r.b})
CREATE (x:Arrest {arrest_id: r.id, arrest_date: date(r.date), country: r.country})
CREATE (a)-[:INVOLVED_IN {role: 'suspect'}]->(x)
CREATE (b)-[:INVOLVED_IN {role: 'suspect'}]->(x)
"""
ADD_PHONES = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.person})
MERGE (ph:Phone {number: r.number})
MERGE (p)-[:USES]->(ph)
"""
ADD_UNOWNED_PHONES = "UNWIND $numbers AS n MERGE (:Phone {number: n})"
ADD_CALLS = """
UNWIND $rows AS r
MATCH (x:Phone {number: r.src}), (y:Phone {number: r.dst})
CREATE (x)-[:CALLED {call_id: r.id, start_time: datetime(r.t), duration_s: r.d, call_type: 'voice'}]->(y)
"""
ADD_ACCOUNTS = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.person})
MERGE (a:Account {account_id: r.account})
MERGE (p)-[:HOLDS]->(a)
"""
ADD_TRANSFERS = """
UNWIND $rows AS r
MATCH (x:Account {account_id: r.src}), (y:Account {account_id: r.dst})
CREATE (x)-[:TRANSFERRED {transaction_id: r.id, timestamp: datetime(r.t), amount: r.amount,
        amount_micro: r.micro, currency: r.currency}]->(y)
"""


def add_people(graph: Graph, people: Iterable[Mapping[str, str | None]]) -> None:
    rows = [
        {
            "id": p["id"],
            "name": p.get("name") or p["id"],
            "role": p.get("role") or "suspect",
            "nationality": p.get("nationality"),
        }
        for p in people
    ]
    graph.write(ADD_PEOPLE, {"people": rows})


def load_coarrests(
    graph: Graph,
    g: nx.Graph,
    roles: Mapping[object, str] | None = None,
    names: Mapping[object, str] | None = None,
    weight: str | None = None,
    date: str = "2024-01-15",
) -> None:
    """Each node a Person (id = str(node)); each edge as many shared Arrests as its ``weight`` (default 1)."""
    add_people(
        graph,
        [
            {"id": str(v), "name": (names or {}).get(v, str(v)), "role": (roles or {}).get(v, "suspect")}
            for v in g
        ],
    )
    rows = []
    for i, (u, v, data) in enumerate(g.edges(data=True)):
        for j in range(int(data.get(weight, 1)) if weight else 1):
            rows.append({"a": str(u), "b": str(v), "id": f"A{i}-{j}", "date": date, "country": "CO"})
    for start in range(0, len(rows), 5000):
        graph.write(ADD_COARRESTS, {"rows": rows[start : start + 5000]})


def test_exact_up_to_chooses_the_method() -> None:
    from analytics.centrality import MIN_PIVOTS, choose_method

    # by the work budget (150 million): 2,000 people x 1,000,000 links is over it
    assert not choose_method(2_000, 1_000_000, False).exact
    # --exact-up-to 5000: exact for 2,000 people whatever the links
    assert choose_method(2_000, 1_000_000, False, exact_up_to=5_000).exact
    # --exact-up-to 1000: 5,000 people are estimated, from max(100, 150M // 3M = 50) = 100 pivots
    sampled = choose_method(5_000, 3_000_000, False, exact_up_to=1_000)
    assert not sampled.exact and sampled.pivots == MIN_PIVOTS == 100
    assert "estimated from 100 random pivot sources" in sampled.describe()
