"""The rows the strategic report counts: who was involved in which arrest, where, and the justice chain."""

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
# Where each person's own phones were: one row per phone and cell its calls used (the caller's cell when
# it called, the callee's when it was called; null when not recorded) with the first call there, and the
# phone's number country on each (when the number parsed: an unparsed number's region is only the load's
# default). The other party's number is not read: whom a person called says nothing of where they were.
CALL_PLACES = """
UNWIND $people AS person_id
MATCH (:Person {person_id: person_id})-[:USES]->(ph:Phone)
CALL (ph) {
  MATCH (ph)-[c:CALLED]->()
  RETURN c.caller_cell AS cell, c.start_time AS at
  UNION ALL
  MATCH (ph)<-[c:CALLED]-()
  RETURN c.callee_cell AS cell, c.start_time AS at
}
RETURN person_id, CASE WHEN ph.quality = 'e164' THEN ph.region END AS region, cell, min(at) AS first
ORDER BY person_id, first, region, cell
"""
# The country of each account a person holds, first seen at its earliest transfer sent or received.
MONEY_PLACES = """
UNWIND $people AS person_id
MATCH (:Person {person_id: person_id})-[:HOLDS]->(a:Account)
WHERE a.country IS NOT NULL
CALL (a) {
  MATCH (a)-[t:TRANSFERRED]-()
  RETURN min(t.timestamp) AS at
}
WITH person_id, a.country AS country, at
WHERE at IS NOT NULL
RETURN person_id, country, min(at) AS first
ORDER BY person_id, first, country
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


def call_places(graph: Graph, people: list[str]) -> list[dict[str, Any]]:
    """For each of ``people``'s phones: its number's country (``region``) and each cell its calls used,
    with the first call there (``first``, a datetime). Read without the victims' shield: countries and
    dates only leave this function, never a number or a name."""
    session.require(Permission.ANALYSES)
    rows = graph.unshielded().read(CALL_PLACES, {"people": people})
    return [{**r, "first": _native(r["first"])} for r in rows]


def money_places(graph: Graph, people: list[str]) -> list[dict[str, Any]]:
    """The country of each account ``people`` hold, with its first transfer (``first``, a datetime)."""
    session.require(Permission.ANALYSES)
    rows = graph.unshielded().read(MONEY_PLACES, {"people": people})
    return [{**r, "first": _native(r["first"])} for r in rows]
