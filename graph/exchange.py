"""The queries behind an export: the people selected, their identifiers, calls, transfers and arrests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, LiteralString

from graph.connection import Graph, Row
from graph.dossier import native
from graph.model import NODE_KEYS, RELATIONSHIP_TYPES

# -- which people ------------------------------------------------------------------------------------
PEOPLE: Final = """
MATCH (p:Person) WHERE $ids IS NULL OR p.person_id IN $ids
RETURN p {.*} AS person
ORDER BY p.person_id
"""
"""Every property of the people with these ids (all people when ``$ids`` is null)."""

GROUP_MEMBERS: Final = """
MATCH (p:Person) WHERE p.analysis_id = $analysis_id AND p[$property] = $group
RETURN p.person_id AS person_id
ORDER BY person_id
"""
"""The people of one cell (``community``) or organisation (``organisation``) of an analysis."""

NEIGHBOURS: Final = """
UNWIND $ids AS pid
MATCH (p:Person {person_id: pid})
CALL (p) {
  MATCH (p)-[:USES]->(:Phone)-[c:CALLED]-(:Phone)<-[:USES]-(q:Person)
  WHERE 'calls' IN $layers AND q <> p
    AND ($since IS NULL OR c.start_time >= $since) AND ($until IS NULL OR c.start_time < $until)
  RETURN q
  UNION
  MATCH (p)-[:HOLDS]->(:Account)-[t:TRANSFERRED]-(:Account)<-[:HOLDS]-(q:Person)
  WHERE 'money' IN $layers AND q <> p
    AND ($since IS NULL OR t.timestamp >= $since) AND ($until IS NULL OR t.timestamp < $until)
  RETURN q
  UNION
  MATCH (p)-[:INVOLVED_IN]->(a:Arrest)<-[:INVOLVED_IN]-(q:Person)
  WHERE 'arrests' IN $layers AND q <> p
    AND ($since_date IS NULL OR a.arrest_date >= $since_date)
    AND ($until_date IS NULL OR a.arrest_date <= $until_date)
  RETURN q
  UNION
  MATCH (p)-[:USES|HOLDS|HAS_DOCUMENT]->(x)<-[:USES|HOLDS|HAS_DOCUMENT]-(q:Person)
  WHERE 'identifiers' IN $layers AND q <> p AND (x:Phone OR x:Device OR x:Account OR x:Document)
  RETURN q
}
RETURN DISTINCT q.person_id AS person_id
"""
"""The people one link away from these people, through the layers given, within the window."""

# -- what identifies them ----------------------------------------------------------------------------
IDENTITY: Final = """
MATCH (p:Person)-[r:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]->(x)
WHERE $ids IS NULL OR p.person_id IN $ids
RETURN p.person_id AS person_id, type(r) AS rel, head(labels(x)) AS label,
       coalesce(x.number, x.imei, x.account_id, x.doc_id, x.address) AS key, x {.*} AS props,
       r.valid_from AS valid_from, r.valid_to AS valid_to,
       coalesce(r.source_ids, []) AS source_ids, coalesce(r.source_rows, []) AS source_rows,
       [(x)<-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]-(o:Person) | coalesce(o.role, 'unknown')] AS user_roles
ORDER BY person_id, label, key
"""
"""Each phone, handset, account, document and e-mail address a person uses, with all its users' roles."""

PHONES: Final = "UNWIND $keys AS k MATCH (x:Phone {number: k}) RETURN x.number AS key, x {.*} AS props"
ACCOUNTS: Final = (
    "UNWIND $keys AS k MATCH (x:Account {account_id: k}) RETURN x.account_id AS key, x {.*} AS props"
)

# -- events --------------------------------------------------------------------------------------------
CALLS_ALL: Final = """
MATCH (x:Phone)-[c:CALLED]->(y:Phone)
WHERE ($since IS NULL OR c.start_time >= $since) AND ($until IS NULL OR c.start_time < $until)
RETURN c.call_id AS call_id, x.number AS caller, y.number AS callee, c.start_time AS start_time,
       c.duration_s AS duration_s, c.call_type AS call_type, c.source_id AS source_id, c.row AS row
"""
"""Every call in the window."""

CALLS_AMONG: Final = """
UNWIND $keys AS k
MATCH (x:Phone {number: k})-[c:CALLED]->(y:Phone)
WHERE ($since IS NULL OR c.start_time >= $since) AND ($until IS NULL OR c.start_time < $until)
  AND (y.number IN $keys OR NOT EXISTS { (y)<-[:USES]-(:Person) })
RETURN c.call_id AS call_id, x.number AS caller, y.number AS callee, c.start_time AS start_time,
       c.duration_s AS duration_s, c.call_type AS call_type, c.source_id AS source_id, c.row AS row
UNION ALL
UNWIND $keys AS k
MATCH (x:Phone)-[c:CALLED]->(y:Phone {number: k})
WHERE ($since IS NULL OR c.start_time >= $since) AND ($until IS NULL OR c.start_time < $until)
  AND NOT EXISTS { (x)<-[:USES]-(:Person) }
RETURN c.call_id AS call_id, x.number AS caller, y.number AS callee, c.start_time AS start_time,
       c.duration_s AS duration_s, c.call_type AS call_type, c.source_id AS source_id, c.row AS row
"""
"""Calls in the window between these phones, or between one of them and a phone nobody is known to use."""

TRANSFERS_ALL: Final = """
MATCH (x:Account)-[t:TRANSFERRED]->(y:Account)
WHERE ($since IS NULL OR t.timestamp >= $since) AND ($until IS NULL OR t.timestamp < $until)
RETURN t.transaction_id AS transaction_id, x.account_id AS sender, y.account_id AS receiver,
       t.timestamp AS timestamp, t.amount AS amount, t.currency AS currency, t.channel AS channel,
       t.reference AS reference, t.source_id AS source_id, t.row AS row
"""
"""Every transfer in the window."""

TRANSFERS_AMONG: Final = """
UNWIND $keys AS k
MATCH (x:Account {account_id: k})-[t:TRANSFERRED]->(y:Account)
WHERE ($since IS NULL OR t.timestamp >= $since) AND ($until IS NULL OR t.timestamp < $until)
  AND (y.account_id IN $keys OR NOT EXISTS { (y)<-[:HOLDS]-(:Person) })
RETURN t.transaction_id AS transaction_id, x.account_id AS sender, y.account_id AS receiver,
       t.timestamp AS timestamp, t.amount AS amount, t.currency AS currency, t.channel AS channel,
       t.reference AS reference, t.source_id AS source_id, t.row AS row
UNION ALL
UNWIND $keys AS k
MATCH (x:Account)-[t:TRANSFERRED]->(y:Account {account_id: k})
WHERE ($since IS NULL OR t.timestamp >= $since) AND ($until IS NULL OR t.timestamp < $until)
  AND NOT EXISTS { (x)<-[:HOLDS]-(:Person) }
RETURN t.transaction_id AS transaction_id, x.account_id AS sender, y.account_id AS receiver,
       t.timestamp AS timestamp, t.amount AS amount, t.currency AS currency, t.channel AS channel,
       t.reference AS reference, t.source_id AS source_id, t.row AS row
"""
"""Transfers in the window between these accounts, or between one of them and an account nobody holds."""

ARRESTS: Final = """
MATCH (p:Person)-[r:INVOLVED_IN]->(a:Arrest)
WHERE ($ids IS NULL OR p.person_id IN $ids)
  AND ($since_date IS NULL OR a.arrest_date >= $since_date)
  AND ($until_date IS NULL OR a.arrest_date <= $until_date)
OPTIONAL MATCH (a)-[:PART_OF]->(o:Operation)
WITH a, o, p, r ORDER BY p.person_id
RETURN a {.*} AS arrest, o.name AS operation,
       collect({person_id: p.person_id, role: r.role, charges: coalesce(r.charges, []),
                source_rows: coalesce(r.source_rows, [])}) AS involved
ORDER BY arrest.arrest_id
"""
"""Arrests in the window of the people with these ids (all when null), with those people involved."""

LIKELY_LINKS: Final = """
MATCH (a:Person)-[l:LIKELY_LINKED]->(b:Person)
WHERE $ids IS NULL OR (a.person_id IN $ids AND b.person_id IN $ids)
RETURN a.person_id AS a, b.person_id AS b, l.score AS score, l.analysis_id AS analysis_id
ORDER BY a, b
"""
"""Hidden links the latest analysis predicted between two of these people (inference, not evidence)."""

SOURCES: Final = """
MATCH (s:Source)
RETURN s.source_id AS source_id, s.file_name AS file_name, s.sha256 AS sha256, s.kind AS kind
"""

_USED_LABELS = ("Person", "Phone", "Account", "Arrest", "Operation", "Device", "Document", "Source")
_USED_TYPES = "USES HOLDS HAS_DOCUMENT HAS_EMAIL CALLED TRANSFERRED INVOLVED_IN PART_OF LIKELY_LINKED".split()
assert all(label in NODE_KEYS for label in _USED_LABELS)
assert all(rel in RELATIONSHIP_TYPES for rel in _USED_TYPES)


def _rows(graph: Graph, query: LiteralString, params: Mapping[str, Any]) -> list[Row]:
    return [native(row) for row in graph.read(query, params)]


def people(graph: Graph, ids: Sequence[str] | None) -> list[dict[str, Any]]:
    """The properties of these people (all people when ``ids`` is None), by person_id."""
    return [r["person"] for r in _rows(graph, PEOPLE, {"ids": None if ids is None else list(ids)})]


def group_members(graph: Graph, analysis_id: str, level_property: str, group: int) -> list[str]:
    """The person_ids in one group (``community`` or ``organisation``) of the analysis."""
    params = {"analysis_id": analysis_id, "property": level_property, "group": group}
    return [str(r["person_id"]) for r in _rows(graph, GROUP_MEMBERS, params)]


def neighbours(
    graph: Graph, ids: Sequence[str], layers: Sequence[str], window: Mapping[str, Any]
) -> set[str]:
    """The people linked to any of ``ids`` through ``layers`` within the window (``window_params``)."""
    params = {"ids": list(ids), "layers": list(layers), **window}
    return {str(r["person_id"]) for r in _rows(graph, NEIGHBOURS, params)}


def identity(graph: Graph, ids: Sequence[str] | None) -> list[Row]:
    """The identifiers of these people (all when None), with provenance and the roles of their users."""
    return _rows(graph, IDENTITY, {"ids": None if ids is None else list(ids)})


def phones(graph: Graph, numbers: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The properties of these phones."""
    return {str(r["key"]): r["props"] for r in _rows(graph, PHONES, {"keys": list(numbers)})}


def accounts(graph: Graph, account_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The properties of these accounts."""
    return {str(r["key"]): r["props"] for r in _rows(graph, ACCOUNTS, {"keys": list(account_ids)})}


def calls(graph: Graph, numbers: Sequence[str] | None, window: Mapping[str, Any]) -> list[Row]:
    """Calls in the window: all of them (``numbers`` None), or those ``CALLS_AMONG`` these phones."""
    if numbers is None:
        return _rows(graph, CALLS_ALL, dict(window))
    return _rows(graph, CALLS_AMONG, {"keys": list(numbers), **window})


def transfers(graph: Graph, account_ids: Sequence[str] | None, window: Mapping[str, Any]) -> list[Row]:
    """Transfers in the window: all of them (``account_ids`` None), or those ``TRANSFERS_AMONG`` these."""
    if account_ids is None:
        return _rows(graph, TRANSFERS_ALL, dict(window))
    return _rows(graph, TRANSFERS_AMONG, {"keys": list(account_ids), **window})


def arrests(graph: Graph, ids: Sequence[str] | None, window: Mapping[str, Any]) -> list[Row]:
    """Arrests in the window involving these people (all when None), with the people involved."""
    return _rows(graph, ARRESTS, {"ids": None if ids is None else list(ids), **window})


def likely_links(graph: Graph, ids: Sequence[str] | None) -> list[Row]:
    """Predicted hidden links between these people (all when None)."""
    return _rows(graph, LIKELY_LINKS, {"ids": None if ids is None else list(ids)})


def sources(graph: Graph) -> dict[str, dict[str, Any]]:
    """Every Source node by its id: file name, SHA-256 and kind."""
    return {str(r["source_id"]): r for r in _rows(graph, SOURCES, {})}
