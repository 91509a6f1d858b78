"""The web UI's read queries: overview, search, neighbourhoods, rankings, timelines and map aggregates."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Final

from access import session
from access.roles import Permission
from graph.analysis_store import LEVEL_PROPERTY, TIE_BREAK
from graph.connection import Graph
from graph.errors import InputError, QueryFailed
from graph.model import NODE_KEYS, RELATIONSHIP_TYPES
from graph.paths import NODE_ID

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
# Person properties that `hilorojo analyze` writes back (docs/architecture.md) and the UI may rank by.
# The first is what the Brokers page ranks by unless told otherwise (docs/analytics.md).
MEASURES: Final[tuple[str, ...]] = (
    "cell_bridging",
    "cell_brokerage",
    "pagerank",
    "k_betweenness",
    "betweenness",
    "degree",
    "weighted_degree",
    "closeness",
    "harmonic",
    "eigenvector",
    "effective_size",
    "constraint",
    "brokerage_coordinator",
    "brokerage_itinerant",
    "brokerage_gatekeeper",
    "brokerage_representative",
    "brokerage_liaison",
)
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
SEARCH_LABELS: Final[tuple[str, ...]] = ("Person", "Phone", "Device", "Account", "Document", "Email")
MAX_HOPS: Final[int] = 3
LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')

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
FULLTEXT_QUERY = """
CALL db.index.fulltext.queryNodes('entity_search', $query, {limit: $limit}) YIELD node, score
RETURN elementId(node) AS id, [l IN labels(node) WHERE l IN $labels][0] AS label,
       coalesce(node.person_id, node.number, node.imei, node.account_id, node.doc_id, node.address) AS key,
       coalesce(node.name, node.number, node.imei, node.account_id, node.doc_id,
                node.address) AS name,
       node.role AS role, node.aliases AS aliases, score
"""
EXACT_QUERY = """
CALL () {
  MATCH (n:Phone) WHERE n.number IN $candidates OR n.digits IN $candidates RETURN n
  UNION
  MATCH (n:Device) WHERE n.imei IN $candidates RETURN n
  UNION
  MATCH (n:Account) WHERE n.account_id = $account RETURN n
  UNION
  MATCH (n:Document) WHERE n.number = $text OR n.doc_id = $text RETURN n
  UNION
  MATCH (n:Email) WHERE n.address = $email RETURN n
  UNION
  MATCH (n:Person) WHERE n.person_id = $text RETURN n
}
RETURN elementId(n) AS id, [l IN labels(n) WHERE l IN $labels][0] AS label,
       coalesce(n.person_id, n.number, n.imei, n.account_id, n.doc_id, n.address) AS key,
       coalesce(n.name, n.number, n.imei, n.account_id, n.doc_id, n.address) AS name,
       n.role AS role, n.aliases AS aliases, 100.0 AS score
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
# The Cypher console (admin only): its time limit, its row limit, and what its plans may contain.
CONSOLE_TIMEOUT_S: Final = float(os.environ.get("HILOROJO_CONSOLE_TIMEOUT", "30"))
CONSOLE_MAX_ROWS: Final = 10_000
CONSOLE_REFUSED_OPERATORS: Final = frozenset({"AdministrationCommand", "LoadCSV"})
CONSOLE_SHOW_ALLOWED: Final = frozenset({"ShowIndexes", "ShowConstraints"})
CONSOLE_PROCEDURES: Final[tuple[str, ...]] = (
    "db.labels(",
    "db.relationshipTypes(",
    "db.propertyKeys(",
    "db.schema.",
    "apoc.path.",
    "apoc.meta.",
)
ENTITY_QUERY = """
MATCH (n) WHERE elementId(n) = $id
OPTIONAL MATCH (n)-[r]-(m)
WITH n, type(r) AS type, [l IN labels(m) WHERE l IN $labels][0] AS other, count(r) AS count
RETURN elementId(n) AS id, [l IN labels(n) WHERE l IN $labels][0] AS label, properties(n) AS props,
       collect(CASE WHEN type IS NULL THEN NULL ELSE {type: type, other: other, count: count} END) AS links
"""
ARREST_ID_QUERY = "MATCH (n:Arrest {arrest_id: $key}) RETURN elementId(n) AS id"
RANKING_QUERY = """
MATCH (p:Person)
WHERE coalesce(p.role, 'unknown') <> 'victim' AND p[$measure] IS NOT NULL
  AND ($community IS NULL OR p.community = $community)
  AND ($organisation IS NULL OR p.organisation = $organisation)
  AND ($country IS NULL OR p.nationality = $country)
  AND ($operation IS NULL
       OR EXISTS { (p)-[:INVOLVED_IN]->(:Arrest)-[:PART_OF]->(:Operation {name: $operation}) })
RETURN p.person_id AS person_id, p.name AS name, p.role AS role, p.nationality AS nationality,
       p.community AS community, p.organisation AS organisation, p[$measure] AS score,
       p.cell_bridging AS cell_bridging, p.cell_brokerage AS cell_brokerage,
       p.k_betweenness AS k_betweenness, p.degree AS degree,
       p.betweenness AS betweenness, p.betweenness_se AS betweenness_se,
       p.pagerank AS pagerank, p.constraint AS constraint, p.effective_size AS effective_size,
       p.brokerage_coordinator AS coordinator, p.brokerage_itinerant AS itinerant,
       p.brokerage_gatekeeper AS gatekeeper, p.brokerage_representative AS representative,
       p.brokerage_liaison AS liaison, p.key_player AS key_player, p.kpp_rank AS kpp_rank
ORDER BY score DESC, coalesce(p[$then], 0) DESC, person_id
LIMIT $limit
"""
RANKING_FILTERS_QUERY = """
CALL () { MATCH (p:Person) WHERE p.organisation IS NOT NULL
          RETURN collect(DISTINCT p.organisation) AS organisations }
CALL () { MATCH (p:Person) WHERE p.nationality IS NOT NULL
          RETURN collect(DISTINCT p.nationality) AS countries }
CALL () { MATCH (o:Operation) RETURN collect(o.name) AS operations }
RETURN organisations, countries, operations
"""
# $property is the level's Person property (graph.analysis_store.LEVEL_PROPERTY).
COMMUNITIES_QUERY = """
MATCH (p:Person) WHERE p[$property] IS NOT NULL AND ($organisation IS NULL OR p.organisation = $organisation)
WITH p[$property] AS community, collect(p) AS members, count(DISTINCT p.community) AS cells,
     min(p.organisation) AS organisation
RETURN community, size(members) AS size, organisation, cells,
       size([m IN members WHERE m.role = 'suspect']) AS suspects,
       size([m IN members WHERE m.role = 'victim']) AS victims,
       [m IN members WHERE coalesce(m.role, 'unknown') <> 'victim'
           | {person_id: m.person_id, name: m.name, pagerank: m.pagerank,
              cell_bridging: m.cell_bridging, cell_brokerage: m.cell_brokerage}] AS people,
       [m IN members WHERE m.nationality IS NOT NULL | m.nationality] AS nationalities
ORDER BY size DESC, community
"""
COMMUNITY_MEMBERS_QUERY = """
MATCH (p:Person) WHERE p[$property] = $community
RETURN elementId(p) AS id
ORDER BY coalesce(p.cell_bridging, 0) DESC, coalesce(p.cell_brokerage, 0) DESC, coalesce(p.pagerank, 0) DESC
LIMIT $limit
"""
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
COUNTRIES_QUERY = """
MATCH (c:Country)
RETURN c.code AS code, c.name AS name,
       COUNT { (c)<-[:NATIONAL_OF]-(:Person) } AS nationals,
       COUNT { (c)<-[:IN_COUNTRY]-(:Arrest) } AS arrests
"""
ARREST_PLACES_QUERY = """
MATCH (a:Arrest)
WHERE a.latitude IS NOT NULL AND a.longitude IS NOT NULL
RETURN a.city AS city, a.country AS country, a.latitude AS latitude, a.longitude AS longitude,
       count(a) AS arrests
"""
NATIONALITY_FLOWS_QUERY = """
MATCH (p:Person)-[:INVOLVED_IN]->(a:Arrest)
WHERE p.nationality IS NOT NULL AND a.country IS NOT NULL
RETURN p.nationality AS origin, a.country AS destination, count(DISTINCT p) AS people,
       count(DISTINCT CASE WHEN p.role = 'victim' THEN p END) AS victims
"""
MONEY_FLOWS_QUERY = """
MATCH (x:Account)-[t:TRANSFERRED]->(y:Account)
WHERE x.country IS NOT NULL AND y.country IS NOT NULL AND x.country <> y.country
RETURN x.country AS origin, y.country AS destination, t.currency AS currency, count(t) AS transfers,
       sum(t.amount_micro) AS amount_micro
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


def lucene_query(text: str) -> str:
    """A full-text query for ``text``: every word escaped; words of letters also match fuzzily (``~``)."""
    words = [w for w in text.lower().split() if any(c.isalnum() for c in w)]
    terms = [(LUCENE_SPECIAL.sub(r"\\\1", w), w.isalpha() and len(w) >= 3) for w in words]
    return " AND ".join(f"({t}^2 OR {t}~)" if fuzzy else t for t, fuzzy in terms)


def search(
    graph: Graph, text: str, phone_candidates: Iterable[str] = (), limit: int = 25
) -> list[dict[str, Any]]:
    """Entities matching ``text``: exact identifiers first, then full-text hits on names and aliases.
    The search text goes to the audit trail."""
    session.require(Permission.SEARCH)
    text = text.strip()
    if not text:
        raise InputError("nothing to search for", "type a name, alias, phone number, IMEI or account")
    session.record("search", text=text)
    digits = re.sub(r"\D", "", text)
    candidates = sorted({text, digits, *phone_candidates} - {""})
    exact = graph.read(
        EXACT_QUERY,
        {
            "candidates": candidates,
            "account": re.sub(r"\s", "", text).upper(),
            "email": text.lower(),
            "text": text,
            "labels": list(SEARCH_LABELS),
        },
    )
    rows = list(exact)
    query = lucene_query(text)
    if query:
        rows += graph.read(FULLTEXT_QUERY, {"query": query, "limit": limit, "labels": list(SEARCH_LABELS)})
    seen: set[str] = set()
    found = []
    for row in rows:
        if row["id"] not in seen and row["label"]:
            seen.add(row["id"])
            found.append(row)
    return found[:limit]


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


def ranking(
    graph: Graph,
    measure: str,
    community: int | None = None,
    country: str | None = None,
    operation: str | None = None,
    limit: int = 50,
    organisation: int | None = None,
) -> list[dict[str, Any]]:
    """People (never victims) ranked by a measure that the analysis wrote back, with their other measures;
    ``community`` is a cell, ``organisation`` a group of cells."""
    if measure not in MEASURES:
        raise InputError(f"unknown measure {measure!r}", f"choose among {', '.join(MEASURES)}")
    params = {
        "measure": measure,
        "then": TIE_BREAK.get(measure, measure),
        "community": community,
        "organisation": organisation,
        "country": country,
        "operation": operation,
    }
    return graph.read(RANKING_QUERY, {**params, "limit": limit})


def ranking_filters(graph: Graph) -> dict[str, list[Any]]:
    """The organisations, nationalities and operations present, for the ranking filters."""
    row = graph.read_one(RANKING_FILTERS_QUERY) or {}
    return {k: sorted(v or [], key=str) for k, v in row.items()}


def communities(graph: Graph, level: str = "cell", organisation: int | None = None) -> list[dict[str, Any]]:
    """Every community at ``level`` (cell or organisation; cells only of ``organisation`` when given)
    with its size, cells, counts of suspects and victims, and its people (victims left out)."""
    if level not in LEVEL_PROPERTY:
        raise InputError(f"no community level {level!r}", f"choose among {', '.join(LEVEL_PROPERTY)}")
    params = {"property": LEVEL_PROPERTY[level], "organisation": organisation}
    return graph.read(COMMUNITIES_QUERY, params)


def community_node_ids(graph: Graph, community: int, limit: int = 200, level: str = "cell") -> list[str]:
    """Element ids of a cell's (or organisation's) people, the strongest brokers first."""
    params = {"property": LEVEL_PROPERTY[level], "community": community, "limit": limit}
    return [r["id"] for r in graph.read(COMMUNITY_MEMBERS_QUERY, params)]


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


def countries(graph: Graph) -> list[dict[str, Any]]:
    """Countries with the number of nationals and of arrests in them."""
    return graph.read(COUNTRIES_QUERY)


def arrest_places(graph: Graph) -> list[dict[str, Any]]:
    """Arrest locations (latitude, longitude) with the number of arrests at each."""
    return graph.read(ARREST_PLACES_QUERY)


def nationality_flows(graph: Graph) -> list[dict[str, Any]]:
    """People by nationality and country of arrest (victims counted apart)."""
    return graph.read(NATIONALITY_FLOWS_QUERY)


def money_flows(graph: Graph) -> list[dict[str, Any]]:
    """Transfers between accounts of different countries, summed by currency."""
    return graph.read(MONEY_FLOWS_QUERY)


def console_query(
    graph: Graph, query: str, limit: int = 1000, timeout: float | None = None
) -> tuple[list[str], list[list[Any]]]:
    """An administrator's query in a READ transaction (the database refuses writes), stopped after
    ``timeout`` seconds (HILOROJO_CONSOLE_TIMEOUT, 30 by default) and cut at ``limit`` rows (at most
    CONSOLE_MAX_ROWS): column names and rows. Administration commands and procedures outside
    CONSOLE_PROCEDURES are refused from the query's plan, before it runs; the text is audited."""
    session.require(Permission.CONSOLE)
    session.record("console_query", text=query)
    if not 1 <= limit <= CONSOLE_MAX_ROWS:
        raise InputError(f"row limit {limit} is out of range", f"use 1 to {CONSOLE_MAX_ROWS:,} rows")
    timeout = CONSOLE_TIMEOUT_S if timeout is None else timeout
    for operator, details in graph.plan_operators(query):
        if operator in CONSOLE_REFUSED_OPERATORS or (
            operator.startswith("Show") and operator not in CONSOLE_SHOW_ALLOWED
        ):
            raise InputError(
                f"the console does not run {operator} commands",
                "it reads the investigation graph; server administration is done with Neo4j's own tools",
            )
        if operator == "ProcedureCall" and not details.startswith(CONSOLE_PROCEDURES):
            name = details.split("(")[0]
            raise InputError(
                f"the console does not call the procedure {name}",
                f"allowed: {', '.join(p.rstrip('.') for p in CONSOLE_PROCEDURES)}",
            )
    try:
        return graph.read_only_query(query, limit=limit, timeout=timeout)
    except QueryFailed as exc:
        if "Timed" in (exc.hint or "") or "timed out" in exc.message.lower():
            raise QueryFailed(
                f"the query ran longer than {timeout:g} s and was stopped",
                "add a LIMIT, start from an indexed property, or narrow the pattern",
            ) from exc
        raise
