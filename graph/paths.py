"""Shortest evidence paths between two entities, and the connecting network of a set of people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, LiteralString

from graph.connection import Graph
from graph.entities import EntityRef
from graph.errors import InputError, NotFound

# The node of a resolved entity, per label (labels come from the model, never from input).
NODE_ID: Final[dict[str, LiteralString]] = {
    "Person": "MATCH (n:Person {person_id: $key}) RETURN elementId(n) AS id",
    "Phone": "MATCH (n:Phone {number: $key}) RETURN elementId(n) AS id",
    "Account": "MATCH (n:Account {account_id: $key}) RETURN elementId(n) AS id",
    "Device": "MATCH (n:Device {imei: $key}) RETURN elementId(n) AS id",
}

# Evidence relationships only: not NATIONAL_OF / IN_COUNTRY / PART_OF (a country or an operation links
# everyone in it) and not LIKELY_LINKED (inference, not evidence). Paths of at most 8 relationships.
SHORTEST_PATHS: Final = """
MATCH (a) WHERE elementId(a) = $a
MATCH (b) WHERE elementId(b) = $b
MATCH p = allShortestPaths(
  (a)-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL|IN_DEVICE|INVOLVED_IN|CALLED|TRANSFERRED*..8]-(b))
WITH p LIMIT $limit
RETURN [n IN nodes(p) | {id: elementId(n), labels: labels(n),
         key: coalesce(n.person_id, n.number, n.account_id, n.imei, n.doc_id, n.address, n.arrest_id),
         name: coalesce(n.name, n.holder_name, n.number, n.account_id, n.imei, n.doc_id, n.arrest_id),
         role: n.role}] AS nodes,
       [r IN relationships(p) | {type: type(r), start: elementId(startNode(r)), end: elementId(endNode(r)),
         properties: properties(r)}] AS rels
"""

CONNECTING_NETWORK: Final = """
UNWIND $pairs AS pair
MATCH (a:Person {person_id: pair[0]}), (b:Person {person_id: pair[1]})
MATCH p = shortestPath((a)-[:USES|HOLDS|HAS_DOCUMENT|IN_DEVICE|INVOLVED_IN|CALLED|TRANSFERRED*..6]-(b))
UNWIND relationships(p) AS r
WITH DISTINCT r
WITH r, startNode(r) AS s, endNode(r) AS e
RETURN {id: elementId(s), labels: labels(s), key: coalesce(s.person_id, s.number, s.account_id, s.imei,
          s.doc_id, s.arrest_id), name: coalesce(s.name, s.holder_name, s.number, s.account_id, s.imei,
          s.doc_id, s.arrest_id), role: s.role} AS source,
       {id: elementId(e), labels: labels(e), key: coalesce(e.person_id, e.number, e.account_id, e.imei,
          e.doc_id, e.arrest_id), name: coalesce(e.name, e.holder_name, e.number, e.account_id, e.imei,
          e.doc_id, e.arrest_id), role: e.role} AS target,
       type(r) AS type, elementId(r) AS rel_id
"""


def _node_id(graph: Graph, ref: EntityRef) -> str:
    query = NODE_ID.get(ref.label)
    if query is None:
        raise InputError(f"paths start from a person, phone, account or device, not a {ref.label}")
    row = graph.read_one(query, {"key": ref.key})
    if row is None:
        raise NotFound(f"no {ref.label} {ref.key!r}", "check the name or key")
    return str(row["id"])


def shortest_paths(graph: Graph, a: EntityRef, b: EntityRef, limit: int = 5) -> list[dict[str, Any]]:
    """Up to ``limit`` shortest paths (≤ 8 evidence relationships) between two entities.

    Each path is ``{"nodes": [...], "relationships": [...]}``; paths that differ only in which of several
    parallel call or transfer records they pass through are reported once.
    """
    ida, idb = _node_id(graph, a), _node_id(graph, b)
    if ida == idb:
        raise InputError(f"{a.key!r} and {b.key!r} are the same entity", "name two different entities")
    rows = graph.read(SHORTEST_PATHS, {"a": ida, "b": idb, "limit": max(limit * 20, 20)})
    out: list[dict[str, Any]] = []
    seen: set[tuple[str, ...]] = set()
    for row in rows:
        sig = tuple(n["id"] for n in row["nodes"])
        if sig in seen:
            continue
        seen.add(sig)
        out.append({"nodes": row["nodes"], "relationships": row["rels"]})
        if len(out) >= limit:
            break
    return out


def connecting_network(graph: Graph, person_ids: Sequence[str]) -> dict[str, Any]:
    """The union of one shortest evidence path (≤ 6 relationships) between every pair of the given people.

    Returns ``{"nodes": [...], "relationships": [...]}`` (relationships with ``source``/``target`` node ids).
    """
    ids = sorted(set(person_ids))
    pairs = [[x, y] for i, x in enumerate(ids) for y in ids[i + 1 :]]
    nodes: dict[str, dict[str, Any]] = {}
    rels: list[dict[str, Any]] = []
    if not pairs:
        return {"nodes": [], "relationships": []}
    for source, target, rtype, rel_id in graph.stream(CONNECTING_NETWORK, {"pairs": pairs}):
        nodes.setdefault(source["id"], source)
        nodes.setdefault(target["id"], target)
        rels.append({"id": rel_id, "type": rtype, "source": source["id"], "target": target["id"]})
    return {"nodes": list(nodes.values()), "relationships": rels}
