"""Queries for identity resolution: person records, shared identifiers, SAME_AS merge and split decisions."""

from __future__ import annotations

from typing import Any

from graph.connection import Graph

PERSON_RECORDS = """
MATCH (p:Person)
OPTIONAL MATCH (p)-[:NATIONAL_OF]->(c:Country)
WITH p, collect(DISTINCT c.code) AS codes
RETURN p.person_id AS person_id, p.name AS name, p.name_key AS name_key, p.aliases AS aliases,
       p.date_of_birth AS date_of_birth, p.role AS role,
       [x IN [p.nationality] WHERE x IS NOT NULL] + codes AS nationalities
"""
SHARED_IDENTIFIERS = """
MATCH (x)
WHERE (x:Phone OR x:Device OR x:Account OR x:Document OR x:Email)
WITH x, COUNT { (x)<-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]-(:Person) } AS sharing
WHERE 2 <= sharing <= $max_sharing
MATCH (p:Person)-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]->(x)<-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]-(q:Person)
WHERE p.person_id < q.person_id
RETURN p.person_id AS a, q.person_id AS b, labels(x)[0] AS kind,
       coalesce(x.number, x.imei, x.account_id, x.doc_id, x.address) AS value
"""
PERSON_SUMMARY = """
UNWIND $ids AS person_id
MATCH (p:Person {person_id: person_id})
RETURN p.person_id AS person_id, p.name AS name, p.role AS role
"""
DECIDED_PAIRS = """
MATCH (a:Person)-[r:SAME_AS|NOT_SAME_AS]->(b:Person)
RETURN a.person_id AS a, b.person_id AS b, type(r) AS decision
"""
SAME_AS_PAIRS = "MATCH (a:Person)-[:SAME_AS]->(b:Person) RETURN a.person_id AS a, b.person_id AS b"
MERGE_DECISIONS = """
MATCH (a:Person)-[r:SAME_AS]->(b:Person)
RETURN r.decision_id AS decision_id, a.person_id AS a, b.person_id AS b, r.analyst AS analyst,
       r.reason AS reason, toString(r.at) AS at, r.forced AS forced
ORDER BY r.at DESC
"""
SAME_AS_BETWEEN = """
MATCH (a:Person {person_id: $a})-[r:SAME_AS]-(b:Person {person_id: $b})
RETURN r.decision_id AS decision_id
"""
CREATE_SAME_AS = """
MATCH (a:Person {person_id: $a}), (b:Person {person_id: $b})
CREATE (a)-[r:SAME_AS {decision_id: $decision_id, analyst: $analyst, at: datetime(), reason: $reason,
                       score: $score, forced: $forced}]->(b)
RETURN r.decision_id AS decision_id, toString(r.at) AS at
"""
SPLIT_SAME_AS = """
MATCH (a:Person)-[r:SAME_AS {decision_id: $decision_id}]->(b:Person)
CREATE (a)-[n:NOT_SAME_AS {decision_id: $split_id, analyst: $analyst, at: datetime(), reason: $reason,
                           merge_decision_id: r.decision_id, merged_by: r.analyst, merged_at: r.at,
                           merge_reason: r.reason}]->(b)
DELETE r
RETURN a.person_id AS a, b.person_id AS b, toString(n.at) AS at
"""


def person_records(graph: Graph) -> list[dict[str, Any]]:
    """Every person with the fields identity resolution compares."""
    return graph.read(PERSON_RECORDS)


def shared_identifiers(graph: Graph, max_sharing: int = 10) -> list[dict[str, Any]]:
    """Pairs of people linked to the same phone, device, account, document or e-mail (an identifier
    shared by more than ``max_sharing`` people says nothing about identity and is skipped)."""
    return graph.read(SHARED_IDENTIFIERS, {"max_sharing": max_sharing})


def person_summary(graph: Graph, ids: list[str]) -> dict[str, dict[str, Any]]:
    return {r["person_id"]: r for r in graph.read(PERSON_SUMMARY, {"ids": ids})}


def decided_pairs(graph: Graph) -> dict[frozenset[str], str]:
    """Pairs an analyst already merged (SAME_AS) or split (NOT_SAME_AS)."""
    return {frozenset((r["a"], r["b"])): r["decision"] for r in graph.read(DECIDED_PAIRS)}


def same_as_pairs(graph: Graph) -> list[tuple[str, str]]:
    return [(r["a"], r["b"]) for r in graph.read(SAME_AS_PAIRS)]


def merge_decisions(graph: Graph) -> list[dict[str, Any]]:
    return graph.read(MERGE_DECISIONS)


def same_as_between(graph: Graph, a: str, b: str) -> str | None:
    row = graph.read_one(SAME_AS_BETWEEN, {"a": a, "b": b})
    return row["decision_id"] if row else None


def create_same_as(graph: Graph, params: dict[str, Any]) -> dict[str, Any] | None:
    return _first(graph.write(CREATE_SAME_AS, params))


def split_same_as(graph: Graph, params: dict[str, Any]) -> dict[str, Any] | None:
    return _first(graph.write(SPLIT_SAME_AS, params))


def _first(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    return rows[0] if rows else None
