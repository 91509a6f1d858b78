"""The queries behind a target package: one person's identity, links, calls, money, arrests and sources."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, LiteralString

from graph import cases, entities, money, phones
from graph.connection import Graph, Row
from graph.protected import PROTECTED_QUERY, PROTECTED_STAMP

# -- the subject ------------------------------------------------------------------------------
SUBJECT = """
MATCH (p:Person {person_id: $person_id})
OPTIONAL MATCH (p)-[n:NATIONAL_OF]->(c:Country)
RETURN p {.*} AS person,
       [x IN collect(CASE WHEN c IS NULL THEN NULL ELSE
           {code: c.code, name: c.name, source_ids: n.source_ids} END) WHERE x IS NOT NULL] AS countries
"""
IDENTIFIERS = """
MATCH (p:Person {person_id: $person_id})-[r:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]->(x)
OPTIONAL MATCH (x)<-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]-(o:Person)
WHERE o <> p
WITH p, r, x, collect(DISTINCT o {.person_id, .name, .role, .aliases}) AS others
RETURN head(labels(x)) AS label,
       coalesce(x.number, x.imei, x.account_id, x.doc_id, x.address) AS key,
       x {.*} AS props, type(r) AS rel, r.valid_from AS valid_from, r.valid_to AS valid_to,
       coalesce(r.source_ids, []) AS source_ids, coalesce(r.source_rows, []) AS source_rows, others
ORDER BY label, key
"""

# -- data as of, analysis -----------------------------------------------------------------------
LATEST_SOURCE = """
MATCH (s:Source) WHERE s.loaded_at IS NOT NULL
RETURN s.loaded_at AS loaded_at ORDER BY s.loaded_at DESC LIMIT 1
"""
LATEST_CALL = """
MATCH ()-[c:CALLED]->() WHERE c.start_time IS NOT NULL
RETURN c.start_time AS at ORDER BY c.start_time DESC LIMIT 1
"""
LATEST_TRANSFER = """
MATCH ()-[t:TRANSFERRED]->() WHERE t.timestamp IS NOT NULL
RETURN t.timestamp AS at ORDER BY t.timestamp DESC LIMIT 1
"""
LATEST_ARREST = """
MATCH (a:Arrest) WHERE a.arrest_date IS NOT NULL
RETURN a.arrest_date AS at ORDER BY a.arrest_date DESC LIMIT 1
"""
ANALYSIS = "MATCH (a:Analysis {analysis_id: $analysis_id}) RETURN a {.*} AS analysis"
RANKS = """
MATCH (q:Person)
WHERE q.analysis_id = $analysis_id AND coalesce(q.role, 'unknown') <> 'victim'
UNWIND $measures AS m
WITH m, q[m.name] AS v WHERE v IS NOT NULL
RETURN m.name AS measure, count(v) AS n,
       sum(CASE WHEN (m.higher AND v > m.value) OR (NOT m.higher AND v < m.value) THEN 1 ELSE 0 END) AS better
"""
COMMUNITY = """
MATCH (q:Person)
WHERE q.analysis_id = $analysis_id AND q.community = $community
WITH q ORDER BY q.pagerank DESC
WITH count(q) AS size,
     sum(CASE WHEN q.role = 'victim' THEN 1 ELSE 0 END) AS victims,
     [x IN collect(CASE WHEN q.role = 'victim' THEN NULL ELSE
         {person_id: q.person_id, name: q.name, pagerank: q.pagerank} END) WHERE x IS NOT NULL] AS members,
     collect(q.nationality) AS nationalities,
     sum(CASE WHEN q.key_player THEN 1 ELSE 0 END) AS key_players
RETURN size, victims, members[0..$top] AS top_members, nationalities, key_players
"""

# -- calls ------------------------------------------------------------------------------------
CALL_CONTACTS = """
MATCH (p:Person {person_id: $person_id})-[:USES]->(mine:Phone)-[c:CALLED]-(other:Phone)
WHERE NOT (p)-[:USES]->(other)
WITH mine, other, c, startNode(c) = mine AS outgoing
WITH mine, other,
     count(c) AS calls,
     sum(CASE WHEN outgoing THEN 1 ELSE 0 END) AS outgoing,
     sum(coalesce(c.duration_s, 0)) AS duration_s,
     min(c.start_time) AS first, max(c.start_time) AS last,
     collect([c.source_id, c.row]) AS rows
OPTIONAL MATCH (other)<-[:USES]-(q:Person)
RETURN mine.number AS mine, other.number AS other, calls, outgoing, duration_s, first, last, rows,
       collect(DISTINCT q {.person_id, .name, .role, .aliases, .community}) AS owners
ORDER BY calls DESC, other
"""
PHONE_SUMMARY = """
MATCH (p:Person {person_id: $person_id})-[:USES]->(mine:Phone)
OPTIONAL MATCH (mine)-[c:CALLED]-()
WITH mine, count(c) AS calls,
     sum(CASE WHEN startNode(c) = mine THEN 1 ELSE 0 END) AS outgoing,
     sum(coalesce(c.duration_s, 0)) AS duration_s, min(c.start_time) AS first, max(c.start_time) AS last
OPTIONAL MATCH (mine)-[d:IN_DEVICE]->(dev:Device)
RETURN mine.number AS number, mine.region AS region, calls, outgoing, duration_s, first, last,
       collect(CASE WHEN dev IS NULL THEN NULL ELSE
           {imei: dev.imei, first_seen: d.first_seen, last_seen: d.last_seen,
            source_ids: coalesce(d.source_ids, []), source_rows: coalesce(d.source_rows, [])} END) AS devices
ORDER BY calls DESC, number
"""

OWN_CALL_PAIRS = """
MATCH (p:Person {person_id: $person_id})-[:USES]->(a:Phone)-[:CALLED]->(b:Phone)<-[:USES]-(p)
WHERE a <> b
RETURN DISTINCT a.number AS a, b.number AS b
"""
PHONE_PAIRINGS = """
UNWIND $numbers AS num
MATCH (n:Phone {number: num})
CALL (n) {
  MATCH (n)-[r:IN_DEVICE]->(d:Device)
  RETURN d.imei AS imei, r.first_seen AS first, r.last_seen AS last
  UNION ALL
  MATCH (n)-[c:CALLED]->() WHERE c.caller_imei IS NOT NULL
  RETURN c.caller_imei AS imei, min(c.start_time) AS first, max(c.start_time) AS last
  UNION ALL
  MATCH ()-[c:CALLED]->(n) WHERE c.callee_imei IS NOT NULL
  RETURN c.callee_imei AS imei, min(c.start_time) AS first, max(c.start_time) AS last
}
RETURN num AS number, imei, min(first) AS first, max(last) AS last
"""
DEVICE_PAIRINGS = """
UNWIND $imeis AS i
MATCH (d:Device {imei: i})<-[r:IN_DEVICE]-(n:Phone)
RETURN n.number AS number, i AS imei, min(r.first_seen) AS first, max(r.last_seen) AS last
"""
PHONE_USERS = """
UNWIND $numbers AS num
MATCH (n:Phone {number: num})<-[:USES]-(p:Person)
RETURN num AS number, collect(p {.person_id, .name, .role, .aliases}) AS users
"""

# -- money ------------------------------------------------------------------------------------
TRANSFERS = """
MATCH (p:Person {person_id: $person_id})-[:HOLDS]->(mine:Account)-[t:TRANSFERRED]-(other:Account)
WITH p, mine, other, t, startNode(t) = mine AS outgoing
WITH p, mine, other, outgoing, t.currency AS currency,
     count(t) AS transfers, collect(t.amount) AS amounts,
     min(t.timestamp) AS first, max(t.timestamp) AS last, collect([t.source_id, t.row]) AS rows
WITH p, mine, other, outgoing, currency, transfers, amounts, first, last, rows,
     EXISTS { (p)-[:HOLDS]->(other) } AS own
OPTIONAL MATCH (other)<-[:HOLDS]-(q:Person) WHERE q <> p
RETURN mine.account_id AS mine, other.account_id AS other, other.holder_name AS holder_name,
       other.country AS country, outgoing, currency, transfers, amounts, first, last, rows, own,
       collect(DISTINCT q {.person_id, .name, .role, .aliases, .community}) AS owners
ORDER BY mine, other, outgoing, currency
"""

# -- arrests ----------------------------------------------------------------------------------
ARRESTS = """
MATCH (p:Person {person_id: $person_id})-[r:INVOLVED_IN]->(a:Arrest)
OPTIONAL MATCH (a)-[:PART_OF]->(o:Operation)
OPTIONAL MATCH (a)<-[r2:INVOLVED_IN]-(q:Person) WHERE q <> p
WITH p, r, a, o, collect(DISTINCT q {.person_id, .name, .role, .aliases, .community, arrest_role: r2.role,
                                      source_rows: coalesce(r2.source_rows, [])}) AS others
OPTIONAL MATCH (o)<-[:PART_OF]-(oa:Arrest)
RETURN a {.*} AS arrest, r.role AS role, coalesce(r.charges, []) AS charges,
       coalesce(r.source_ids, []) AS source_ids, coalesce(r.source_rows, []) AS source_rows,
       o.name AS operation, count(DISTINCT oa) AS operation_arrests, others
ORDER BY arrest.arrest_date, arrest.arrest_id
"""

# -- inferences -------------------------------------------------------------------------------
LIKELY_LINKS = """
MATCH (p:Person {person_id: $person_id})-[l:LIKELY_LINKED]-(q:Person)
RETURN q {.person_id, .name, .role, .aliases, .community} AS person, l.score AS score,
       l.analysis_id AS analysis_id
ORDER BY score DESC, q.person_id
"""

# -- the ego network --------------------------------------------------------------------------
PERSON_LINKS = """
UNWIND $ids AS pid
MATCH (p:Person {person_id: pid})
CALL (p) {
  MATCH (p)-[:USES]->(:Phone)-[c:CALLED]-(:Phone)<-[:USES]-(q:Person) WHERE q <> p
  RETURN q, 'calls' AS kind, count(c) AS weight
  UNION
  MATCH (p)-[:HOLDS]->(:Account)-[t:TRANSFERRED]-(:Account)<-[:HOLDS]-(q:Person) WHERE q <> p
  RETURN q, 'money' AS kind, count(t) AS weight
  UNION
  MATCH (p)-[:INVOLVED_IN]->(a:Arrest)<-[:INVOLVED_IN]-(q:Person) WHERE q <> p
  RETURN q, 'arrest' AS kind, count(a) AS weight
  UNION
  MATCH (p)-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]->(x)<-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]-(q:Person)
  WHERE q <> p
  RETURN q, 'shared' AS kind, count(x) AS weight
}
RETURN pid AS source, q.person_id AS target, q.name AS name, q.role AS role, q.aliases AS aliases,
       q.community AS community, kind, weight
"""

# -- benchmark subjects -------------------------------------------------------------------------
BUSIEST_PEOPLE = """
MATCH (p:Person) WHERE coalesce(p.role, 'unknown') <> 'victim'
WITH p, COUNT { (p)-[:USES]->(:Phone)-[:CALLED]-() } AS calls
ORDER BY calls DESC, p.person_id LIMIT $limit
RETURN p.person_id AS person_id, calls
"""

# -- sources ---------------------------------------------------------------------------------
SOURCES = """
MATCH (s:Source) WHERE s.source_id IN $ids
RETURN s.source_id AS source_id, s.file_name AS file_name, s.kind AS kind, s.loaded_at AS loaded_at,
       s.sha256 AS sha256, s.grade AS grade
ORDER BY s.source_id
"""


def native(value: Any) -> Any:
    """Neo4j temporal values as Python ones, recursively through lists and maps."""
    if hasattr(value, "to_native"):
        return value.to_native()
    if isinstance(value, list):
        return [native(v) for v in value]
    if isinstance(value, Mapping):
        return {k: native(v) for k, v in value.items()}
    return value


def _rows(graph: Graph, query: LiteralString, params: Mapping[str, Any]) -> list[Row]:
    return [native(row) for row in graph.read(query, params)]


def subject(graph: Graph, person_id: str) -> Row | None:
    """The person's properties and nationalities (``None`` when absent)."""
    rows = _rows(graph, SUBJECT, {"person_id": person_id})
    return rows[0] if rows else None


def identifiers(graph: Graph, person_id: str) -> list[Row]:
    """Phones, devices, accounts, documents and emails of the person, with provenance and co-users."""
    return _rows(graph, IDENTIFIERS, {"person_id": person_id})


def data_as_of(graph: Graph) -> dict[str, Any]:
    """The latest load time and the latest call, transfer and arrest in the database."""
    out: dict[str, Any] = {}
    for name, query in (
        ("loaded_at", LATEST_SOURCE),
        ("call", LATEST_CALL),
        ("transfer", LATEST_TRANSFER),
        ("arrest", LATEST_ARREST),
    ):
        rows = _rows(graph, query, {})
        out[name] = next(iter(rows[0].values())) if rows else None
    return out


def analysis(graph: Graph, analysis_id: str) -> Row | None:
    """The Analysis node's properties."""
    rows = _rows(graph, ANALYSIS, {"analysis_id": analysis_id})
    return rows[0]["analysis"] if rows else None


def ranks(graph: Graph, analysis_id: str, measures: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """For each ``{name, value, higher}``: (non-victims strictly better than value, non-victims measured)."""
    rows = _rows(graph, RANKS, {"analysis_id": analysis_id, "measures": measures})
    return {r["measure"]: (int(r["better"]), int(r["n"])) for r in rows}


def community(graph: Graph, analysis_id: str, community_id: int, top: int = 5) -> Row | None:
    """Size, victim count, nationalities and top non-victim members (by PageRank) of one community."""
    rows = _rows(graph, COMMUNITY, {"analysis_id": analysis_id, "community": community_id, "top": top})
    return rows[0] if rows and rows[0]["size"] else None


def call_contacts(graph: Graph, person_id: str) -> list[Row]:
    """Calls between the person's phones and each other number, aggregated, with the number's users."""
    return _rows(graph, CALL_CONTACTS, {"person_id": person_id})


def phone_summary(graph: Graph, person_id: str) -> list[Row]:
    """Each phone the person uses: call counts, durations, first/last call and handsets."""
    return _rows(graph, PHONE_SUMMARY, {"person_id": person_id})


def own_call_pairs(graph: Graph, person_id: str) -> list[tuple[str, str]]:
    """(caller, callee) pairs of the person's own phones that called each other."""
    return [(str(r["a"]), str(r["b"])) for r in _rows(graph, OWN_CALL_PAIRS, {"person_id": person_id})]


def pairings(graph: Graph, numbers: list[str], imeis: list[str]) -> list[Row]:
    """(number, IMEI, first, last) of these numbers (IN_DEVICE, call IMEIs) and devices (IN_DEVICE)."""
    rows = _rows(graph, PHONE_PAIRINGS, {"numbers": numbers})
    return rows + _rows(graph, DEVICE_PAIRINGS, {"imeis": imeis})


def phone_users(graph: Graph, numbers: list[str]) -> dict[str, list[Row]]:
    """The people recorded as using each number."""
    return {r["number"]: r["users"] for r in _rows(graph, PHONE_USERS, {"numbers": numbers})}


def transfers(graph: Graph, person_id: str) -> list[Row]:
    """Transfers of the person's accounts per counterparty account, direction and currency."""
    return _rows(graph, TRANSFERS, {"person_id": person_id})


def arrests(graph: Graph, person_id: str) -> list[Row]:
    """The person's arrests in date order, with operation and the other people involved."""
    return _rows(graph, ARRESTS, {"person_id": person_id})


def likely_links(graph: Graph, person_id: str) -> list[Row]:
    """Predicted hidden links (``LIKELY_LINKED``) of the person, best score first."""
    return _rows(graph, LIKELY_LINKS, {"person_id": person_id})


def person_links(graph: Graph, person_ids: list[str]) -> list[Row]:
    """Person-to-person links (calls, money, co-arrest, shared identifier) of the given people."""
    return _rows(graph, PERSON_LINKS, {"ids": person_ids})


def sources(graph: Graph, source_ids: list[str]) -> list[Row]:
    """The Source nodes (file, kind, load time) with these ids."""
    return _rows(graph, SOURCES, {"ids": source_ids})


def busiest_people(graph: Graph, limit: int) -> list[Row]:
    """Non-victims with the most calls on their phones (the heaviest packages to build)."""
    return _rows(graph, BUSIEST_PEOPLE, {"limit": limit})


# -- query plans ------------------------------------------------------------------------------
NO_KEY = "\u0000no such key"  # matches no person, phone, device, account, analysis or source
# Every query building a package makes, with values of the same types that match nothing (the server's
# plan cache is keyed on the text and the parameters' types). Planning them costs more than running
# them, so `hilorojo ui` plans them before the first package is built. Measured by `python -m bench.ui`.
PLANNED: tuple[tuple[LiteralString, dict[str, Any]], ...] = (
    (entities.PERSON_BY_ID, {"ref": NO_KEY}),
    (entities.ACCOUNT_BY_ID, {"ref": NO_KEY}),
    (entities.DEVICE_BY_IMEI, {"ref": NO_KEY}),
    (entities.PHONE_BY_NUMBER, {"candidates": [NO_KEY]}),
    (SUBJECT, {"person_id": NO_KEY}),
    (IDENTIFIERS, {"person_id": NO_KEY}),
    (RANKS, {"analysis_id": NO_KEY, "measures": [{"name": "pagerank", "value": 0.0, "higher": True}]}),
    (COMMUNITY, {"analysis_id": NO_KEY, "community": 0, "top": 1}),
    (PHONE_SUMMARY, {"person_id": NO_KEY}),
    (CALL_CONTACTS, {"person_id": NO_KEY}),
    (phones.PHONES_OF_PERSON, {"person_id": NO_KEY}),
    (phones.CALLS_FROM, {"numbers": [NO_KEY]}),
    (phones.CALLS_TO, {"numbers": [NO_KEY]}),
    (phones.PHONE_USERS, {"numbers": [NO_KEY]}),
    (OWN_CALL_PAIRS, {"person_id": NO_KEY}),
    (PHONE_PAIRINGS, {"numbers": [NO_KEY]}),
    (DEVICE_PAIRINGS, {"imeis": [NO_KEY]}),
    (PHONE_USERS, {"numbers": [NO_KEY]}),
    (TRANSFERS, {"person_id": NO_KEY}),
    (money.ACCOUNTS_OF_PERSON, {"person_id": NO_KEY}),
    (money.OUTGOING_TRANSFERS, {"accounts": [NO_KEY]}),
    (money.INCOMING_TRANSFERS, {"accounts": [NO_KEY]}),
    (money.ACCOUNT_HOLDERS, {"accounts": [NO_KEY]}),
    (money.TRANSFERS_IN_AMOUNT_RANGE, {"low_micro": 1, "high_micro": 0, "accounts": [NO_KEY]}),
    (ARRESTS, {"person_id": NO_KEY}),
    (LIKELY_LINKS, {"person_id": NO_KEY}),
    (PERSON_LINKS, {"ids": [NO_KEY]}),
    (LATEST_SOURCE, {}),
    (LATEST_CALL, {}),
    (LATEST_TRANSFER, {}),
    (LATEST_ARREST, {}),
    (ANALYSIS, {"analysis_id": NO_KEY}),
    (SOURCES, {"ids": [NO_KEY]}),
    (cases.NOTES_ON, {"refs": [["Person", NO_KEY]]}),
    (PROTECTED_STAMP, {}),
    (PROTECTED_QUERY, {}),
)


def plan_package_queries(graph: Graph, workers: int = 3) -> None:
    """Have the server plan every query of a target package (run once with values matching nothing),
    so that the first package built afterwards does not wait for the planner. Changes nothing. The
    queries go ``workers`` at a time: the server plans them in parallel."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="hilorojo-plan") as pool:
        for _ in pool.map(lambda step: graph.read(*step), PLANNED):
            pass
