"""The web UI's read queries: overview, neighbourhoods, entities and timelines (with the rest re-exported)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from access import session
from access.roles import Permission
from graph.connection import Graph
from graph.console import (
    CONSOLE_MAX_ROWS,
    CONSOLE_PROCEDURES,
    CONSOLE_REFUSED_OPERATORS,
    CONSOLE_SHOW_ALLOWED,
    CONSOLE_TIMEOUT_S,
    console_query,
)
from graph.errors import InputError
from graph.map_aggregates import arrest_places, countries, money_flows, nationality_flows
from graph.model import NODE_KEYS, RELATIONSHIP_TYPES
from graph.paths import NODE_ID
from graph.rankings import MEASURES, communities, community_node_ids, ranking, ranking_filters
from graph.search import SEARCH_LABELS, lucene_query, search

# The web UI reads every query through this module: the neighbourhood, entities and timelines live
# here; the console, the map's aggregates, rankings and search in the modules named for them.

# Layers an analyst switches on and off, as relationship types of the model.
LAYERS: Final[dict[str, tuple[str, ...]]] = {
    "phones": ("USES", "IN_DEVICE", "CALLED"),
    "money": ("HOLDS", "TRANSFERRED"),
    "arrests": ("INVOLVED_IN", "PART_OF"),
    "identity": ("HAS_DOCUMENT", "HAS_EMAIL"),
    "geography": ("NATIONAL_OF", "IN_COUNTRY"),
    "inferred": ("LIKELY_LINKED",),
}
DEFAULT_LAYERS: Final[tuple[str, ...]] = ("phones", "money", "arrests", "identity")
NAME_KEYS: Final[tuple[str, ...]] = (
    "name",
    "number",
    "imei",
    "account_id",
    "doc_id",
    "address",
    "arrest_id",
    "code",
)
MAX_HOPS: Final[int] = 3

LOADS_QUERY = """
MATCH (s:Source)
RETURN s.source_id AS source_id, s.file_name AS file_name, s.kind AS kind, s.loaded_at AS loaded_at,
       s.rows_read AS rows_read, s.rows_loaded AS rows_loaded, s.rows_rejected AS rows_rejected
ORDER BY s.loaded_at DESC
LIMIT $limit
"""
LAST_ANALYSIS_QUERY = """
MATCH (a:Analysis) WHERE coalesce(a.status, 'complete') = 'complete'
RETURN a.analysis_id AS analysis_id, a.run_at AS run_at, a.layers AS layers, a.since AS since,
       a.until AS until, a.nodes AS nodes, a.edges AS edges, a.modularity AS modularity
ORDER BY a.run_at DESC
LIMIT 1
"""
QUALITY_QUERY = """
CALL () { MATCH (n:Phone) WHERE n.quality = 'unparsed' RETURN count(n) AS unparsed_phones }
CALL () { MATCH (d:Device) WHERE d.luhn_ok = false RETURN count(d) AS bad_imeis }
CALL () { MATCH (p:Person) WHERE p.name IS NULL OR p.name = '' RETURN count(p) AS unnamed_people }
CALL () { MATCH (s:Source) WHERE s.rows_rejected > 0 RETURN count(s) AS loads_with_rejects,
          sum(s.rows_rejected) AS rejected_rows }
CALL () { MATCH (p:Person) WHERE p.role IS NULL RETURN count(p) AS people_without_role }
RETURN unparsed_phones, bad_imeis, unnamed_people, loads_with_rejects,
       coalesce(rejected_rows, 0) AS rejected_rows,
       people_without_role
"""
PERSON_IDS_QUERY = """
MATCH (p:Person) WHERE p.person_id IN $person_ids
RETURN elementId(p) AS id
"""
EXPAND_QUERY = """
UNWIND $frontier AS fid
MATCH (n) WHERE elementId(n) = fid
MATCH (n)-[r]-(m)
WHERE type(r) IN $types AND NOT elementId(m) IN $visited
  AND (NOT m:Person OR coalesce(m.role, 'unknown') IN $roles)
  AND ($since IS NULL OR NOT type(r) IN ['CALLED', 'TRANSFERRED']
       OR coalesce(r.start_time, r.timestamp) >= $since)
  AND ($until IS NULL OR NOT type(r) IN ['CALLED', 'TRANSFERRED']
       OR coalesce(r.start_time, r.timestamp) < $until)
  AND ($since_date IS NULL OR NOT m:Arrest OR m.arrest_date >= $since_date)
  AND ($until_date IS NULL OR NOT m:Arrest OR m.arrest_date < $until_date)
WITH m, count(r) AS weight
WHERE $max_contacts IS NULL OR NOT m:Phone
   OR COUNT { MATCH (m)-[:CALLED]-(o:Phone) RETURN DISTINCT o } <= $max_contacts
RETURN elementId(m) AS id, weight
ORDER BY weight DESC, id
LIMIT $limit
"""
OWNERS_QUERY = """
UNWIND $ids AS iid
MATCH (i) WHERE elementId(i) = iid AND (i:Phone OR i:Account OR i:Device OR i:Document OR i:Email)
MATCH (p:Person)-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]->(i)
WHERE NOT elementId(p) IN $ids AND coalesce(p.role, 'unknown') IN $roles
RETURN DISTINCT elementId(p) AS id
LIMIT $limit
"""
NODES_QUERY = """
MATCH (n) WHERE elementId(n) IN $ids
RETURN elementId(n) AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, properties(n) AS props,
       CASE WHEN n:Phone THEN COUNT { MATCH (n)-[:CALLED]-(o:Phone) RETURN DISTINCT o } END AS contacts
"""
EDGES_QUERY = """
MATCH (a) WHERE elementId(a) IN $ids
MATCH (a)-[r]->(b)
WHERE elementId(b) IN $ids AND type(r) IN $types
  AND ($since IS NULL OR NOT type(r) IN ['CALLED', 'TRANSFERRED']
       OR coalesce(r.start_time, r.timestamp) >= $since)
  AND ($until IS NULL OR NOT type(r) IN ['CALLED', 'TRANSFERRED']
       OR coalesce(r.start_time, r.timestamp) < $until)
RETURN elementId(a) AS source, elementId(b) AS target, type(r) AS type, count(r) AS weight,
       min(coalesce(r.start_time, r.timestamp)) AS first, max(coalesce(r.start_time, r.timestamp)) AS last,
       sum(r.amount_micro) AS amount_micro
"""
ENTITY_QUERY = """
MATCH (n) WHERE elementId(n) = $id
OPTIONAL MATCH (n)-[r]-(m)
WITH n, type(r) AS type, [l IN labels(m) WHERE l IN $labels][0] AS other, count(r) AS count
RETURN elementId(n) AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, properties(n) AS props,
       collect(CASE WHEN type IS NULL THEN NULL ELSE {type: type, other: other, count: count} END) AS links
"""
ARREST_ID_QUERY = "MATCH (n:Arrest {arrest_id: $key}) RETURN elementId(n) AS id"
TIMELINE_QUERY = """
MATCH (n) WHERE elementId(n) IN $ids
CALL (n) {
  MATCH (n)-[:INVOLVED_IN]->(a:Arrest)
  WHERE ($since_date IS NULL OR a.arrest_date >= $since_date)
    AND ($until_date IS NULL OR a.arrest_date < $until_date)
  RETURN 'arrest' AS kind, a.arrest_date AS at, a.arrest_id AS what, a.city AS detail, null AS amount,
         null AS unit
  UNION ALL
  MATCH (n)-[:USES*0..1]->(ph:Phone)-[c:CALLED]-(other:Phone)
  WHERE (n = ph OR n:Person)
    AND ($since IS NULL OR c.start_time >= $since) AND ($until IS NULL OR c.start_time < $until)
  RETURN 'call' AS kind, c.start_time AS at, ph.number AS what, other.number AS detail,
         toString(c.duration_s) AS amount, 's' AS unit
  UNION ALL
  MATCH (n)-[:HOLDS*0..1]->(ac:Account)-[t:TRANSFERRED]-(other:Account)
  WHERE (n = ac OR n:Person)
    AND ($since IS NULL OR t.timestamp >= $since) AND ($until IS NULL OR t.timestamp < $until)
  RETURN 'transfer' AS kind, t.timestamp AS at, ac.account_id AS what, other.account_id AS detail,
         t.amount AS amount, t.currency AS unit
}
RETURN coalesce(n.name, n.number, n.account_id, n.imei) AS entity, kind, at, what, detail, amount, unit
ORDER BY at
LIMIT $limit
"""


@dataclass
class Node:
    """A node drawn by the UI: its element id, label, properties and (for phones) distinct contacts."""

    id: str
    label: str
    props: dict[str, Any]
    contacts: int | None = None

    @property
    def name(self) -> str:
        p = self.props
        for key in NAME_KEYS:
            if p.get(key):
                return str(p[key])
        return self.label

    @property
    def is_victim(self) -> bool:
        return self.label == "Person" and self.props.get("role") == "victim"


@dataclass
class Edge:
    """All relationships of one type from ``source`` to ``target``, aggregated."""

    source: str
    target: str
    type: str
    weight: int
    first: Any = None
    last: Any = None
    amount_micro: int | None = None


@dataclass
class Subgraph:
    """A neighbourhood: nodes, aggregated edges, the seeds, and whether the node cap cut it short."""

    nodes: dict[str, Node] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)
    seeds: list[str] = field(default_factory=list)
    capped: bool = False
    hops_done: int = 0


def loads(graph: Graph, limit: int = 200) -> list[dict[str, Any]]:
    """The recorded loads (``Source`` nodes), newest first."""
    return graph.read(LOADS_QUERY, {"limit": limit})


def last_analysis(graph: Graph) -> dict[str, Any] | None:
    """The most recent ``Analysis`` node, or None when no analysis has run."""
    return graph.read_one(LAST_ANALYSIS_QUERY)


def quality(graph: Graph) -> dict[str, int]:
    """Counts of data-quality problems: unparsed phones, bad IMEIs, loads with rejected rows, ..."""
    row = graph.read_one(QUALITY_QUERY) or {}
    return {k: int(v or 0) for k, v in row.items()}


def person_node_ids(graph: Graph, person_ids: Sequence[str]) -> list[str]:
    """Element ids of the people with these ``person_id`` values."""
    return [r["id"] for r in graph.read(PERSON_IDS_QUERY, {"person_ids": list(person_ids)})]


def layer_types(layers: Iterable[str]) -> list[str]:
    """Relationship types of the chosen layers (unknown layer names are an input error)."""
    types: list[str] = []
    for layer in layers:
        if layer not in LAYERS:
            raise InputError(f"unknown layer {layer!r}", f"choose among {', '.join(LAYERS)}")
        types += [t for t in LAYERS[layer] if t in RELATIONSHIP_TYPES]
    return types


def _day(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def neighbourhood(
    graph: Graph,
    seeds: Sequence[str],
    hops: int = 1,
    layers: Iterable[str] = DEFAULT_LAYERS,
    since: datetime | None = None,
    until: datetime | None = None,
    roles: Iterable[str] = ("victim", "suspect", "witness", "unknown"),
    max_contacts: int | None = None,
    cap: int = 300,
    owners: bool = False,
) -> Subgraph:
    """The entities within ``hops`` of the seeds (breadth first, heaviest links first) and their links.

    Phones with more than ``max_contacts`` distinct contacts (the numbers everyone calls) are
    neither drawn nor crossed; at most ``cap`` nodes are kept and ``capped`` says when more existed.
    With ``owners``, the people who own the phones, accounts and documents reached are added too.
    """
    if not 1 <= hops <= MAX_HOPS:
        raise InputError(f"hops must be 1 to {MAX_HOPS}, not {hops}", "pick 1, 2 or 3 hops")
    if not seeds:
        raise InputError("no entity to explore", "search an entity and add it to the exploration")
    types = layer_types(layers)
    time = {"since": since, "until": until, "since_date": _day(since), "until_date": _day(until)}
    visited = list(dict.fromkeys(seeds))
    result = Subgraph(seeds=list(visited))
    frontier = list(visited)
    for hop in range(hops):
        room = cap - len(visited)
        if room <= 0 or not frontier or not types:
            result.capped = result.capped or (room <= 0 and bool(frontier))
            break
        rows = graph.read(
            EXPAND_QUERY,
            {
                "frontier": frontier,
                "visited": visited,
                "types": types,
                "roles": list(roles),
                "max_contacts": max_contacts,
                "limit": room + 1,
                **time,
            },
        )
        if len(rows) > room:
            result.capped = True
            rows = rows[:room]
        frontier = [r["id"] for r in rows]
        visited += frontier
        result.hops_done = hop + 1
    room = cap - len(visited)
    if owners and room > 0:
        rows = graph.read(OWNERS_QUERY, {"ids": visited, "roles": list(roles), "limit": room + 1})
        result.capped = result.capped or len(rows) > room
        visited += [r["id"] for r in rows[:room]]
        types = list(dict.fromkeys([*types, "USES", "HOLDS", "HAS_DOCUMENT", "HAS_EMAIL"]))
    for row in graph.read(NODES_QUERY, {"ids": visited, "labels": list(NODE_KEYS)}):
        result.nodes[row["id"]] = Node(row["id"], row["label"] or "?", dict(row["props"]), row["contacts"])
    if types:
        for row in graph.read(EDGES_QUERY, {"ids": visited, "types": types, **time}):
            result.edges.append(Edge(**row))
    return result


def entity(graph: Graph, node_id: str) -> dict[str, Any] | None:
    """One entity's properties and its links counted by relationship type and neighbour label (the view
    goes to the audit trail)."""
    session.require(Permission.EXPLORE)
    row = graph.read_one(ENTITY_QUERY, {"id": node_id, "labels": list(NODE_KEYS)})
    if row is not None:
        key = (row["props"] or {}).get(NODE_KEYS.get(row["label"] or "", ""), node_id)
        session.record("view_entity", [str(key)], label=row["label"])
    return row


def node_id(graph: Graph, label: str, key: str) -> str | None:
    """The element id of the person, phone, account, handset or arrest with this key (None if absent)."""
    query = ARREST_ID_QUERY if label == "Arrest" else NODE_ID.get(label)
    if query is None:
        return None
    row = graph.read_one(query, {"key": key})
    return str(row["id"]) if row else None


def timeline(
    graph: Graph,
    node_ids: Sequence[str],
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 5000,
) -> list[dict[str, Any]]:
    """Arrests, calls and transfers of the entities (and of the phones and accounts people use), by time."""
    params = {"ids": list(node_ids), "since": since, "until": until, "limit": limit}
    return graph.read(TIMELINE_QUERY, {**params, "since_date": _day(since), "until_date": _day(until)})


__all__ = [
    "ARREST_ID_QUERY",
    "CONSOLE_MAX_ROWS",
    "CONSOLE_PROCEDURES",
    "CONSOLE_REFUSED_OPERATORS",
    "CONSOLE_SHOW_ALLOWED",
    "CONSOLE_TIMEOUT_S",
    "DEFAULT_LAYERS",
    "EDGES_QUERY",
    "ENTITY_QUERY",
    "EXPAND_QUERY",
    "Edge",
    "LAST_ANALYSIS_QUERY",
    "LAYERS",
    "LOADS_QUERY",
    "MAX_HOPS",
    "MEASURES",
    "NAME_KEYS",
    "NODES_QUERY",
    "Node",
    "OWNERS_QUERY",
    "PERSON_IDS_QUERY",
    "QUALITY_QUERY",
    "SEARCH_LABELS",
    "Subgraph",
    "TIMELINE_QUERY",
    "arrest_places",
    "communities",
    "community_node_ids",
    "console_query",
    "countries",
    "entity",
    "last_analysis",
    "layer_types",
    "loads",
    "lucene_query",
    "money_flows",
    "nationality_flows",
    "neighbourhood",
    "node_id",
    "person_node_ids",
    "quality",
    "ranking",
    "ranking_filters",
    "search",
    "timeline",
]
