"""The rows the strategic report counts: who was involved in which arrest, and the justice chain."""

from __future__ import annotations

from datetime import date
from typing import Any

from access import session
from access.roles import Permission
from graph.connection import Graph

# One row per person and arrest in the window. No names: the report counts, it never lists people.
INVOLVEMENTS = """
MATCH (p:Person)-[r:INVOLVED_IN]->(a:Arrest)
WHERE a.arrest_date IS NOT NULL
  AND ($since IS NULL OR a.arrest_date >= $since) AND ($until IS NULL OR a.arrest_date <= $until)
OPTIONAL MATCH (a)-[:PART_OF]->(o:Operation)
WITH p, r, a, collect(o.name) AS operations
RETURN p.person_id AS person_id, coalesce(p.role, 'unknown') AS role, p.gender AS sex,
       p.date_of_birth AS born, p.nationality AS nationality, a.arrest_id AS arrest_id,
       a.arrest_date AS arrest_date, a.country AS country, operations,
       coalesce(r.charges, []) AS charges, r.exploitation AS exploitation
ORDER BY a.arrest_date, a.arrest_id, p.person_id
"""
# Every stage reached in a case by anyone: the funnel keeps those of the people arrested in the window.
OUTCOMES = """
MATCH (p:Person)-[r:IN_CASE]->(c:Case)
RETURN p.person_id AS person_id, c.case_id AS case_id, r.stage AS stage, r.date AS date
ORDER BY p.person_id, c.case_id, r.stage
"""


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def involvements(graph: Graph, since: date | None = None, until: date | None = None) -> list[dict[str, Any]]:
    """Each person's part in each arrest from ``since`` to ``until`` (inclusive), with the arrest's
    date, country, operations, the person's charges and form of exploitation. Read without the
    victims' shield: the report shows counts only, and needs victims' sex and age to count them."""
    session.require(Permission.ANALYSES)
    rows = graph.unshielded().read(INVOLVEMENTS, {"since": since, "until": until})
    return [{**r, "born": _native(r["born"]), "arrest_date": _native(r["arrest_date"])} for r in rows]


def outcomes(graph: Graph) -> list[dict[str, Any]]:
    """Every stage a person reached in a case (outcomes files), with its date."""
    session.require(Permission.ANALYSES)
    return [{**r, "date": _native(r["date"])} for r in graph.unshielded().read(OUTCOMES)]
