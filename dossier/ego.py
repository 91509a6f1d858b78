"""The subject's ego network (people within N hops, by calls, money, co-arrests and shared identifiers)."""

from __future__ import annotations

from typing import Any

from dossier.document import EgoEdge, EgoNetwork, EgoNode
from dossier.redaction import Redactor
from graph import dossier as queries
from graph.connection import Graph


def ego_network(
    graph: Graph, subject: dict[str, Any], redactor: Redactor, hops: int = 2, max_nodes: int = 40
) -> EgoNetwork:
    """Grow the network hop by hop from the subject, keeping the most strongly linked people first."""
    pid = str(subject["person_id"])
    people: dict[str, dict[str, Any]] = {pid: subject}
    hop_of: dict[str, int] = {pid: 0}
    frontier = [pid]
    truncated = False
    for hop in range(1, max(hops, 0) + 1):
        if not frontier or len(hop_of) >= max_nodes:
            break
        score: dict[str, int] = {}
        for row in queries.person_links(graph, frontier):
            target = str(row["target"])
            if target in hop_of:
                continue
            score[target] = score.get(target, 0) + int(row["weight"] or 0)
            people.setdefault(
                target,
                {
                    "person_id": target,
                    "name": row["name"],
                    "role": row["role"],
                    "aliases": row["aliases"],
                    "community": row["community"],
                },
            )
        ranked = sorted(score, key=lambda t: (-score[t], t))
        room = max_nodes - len(hop_of)
        truncated = truncated or len(ranked) > room
        frontier = ranked[:room]
        for target in frontier:
            hop_of[target] = hop
    ids = list(hop_of)
    index = {p: i for i, p in enumerate(ids)}
    edges: dict[tuple[int, int], EgoEdge] = {}
    for row in queries.person_links(graph, ids):
        a, b = index[str(row["source"])], index.get(str(row["target"]))
        if b is None or a == b:
            continue
        key = (min(a, b), max(a, b))
        edge = edges.setdefault(key, EgoEdge(key[0], key[1], [], 0))
        if row["kind"] not in edge.kinds:
            edge.kinds.append(str(row["kind"]))
            edge.weight += int(row["weight"] or 0)  # each direction reports the same count: add once per kind
    nodes = [
        EgoNode(
            label=redactor.label(people[p]),
            victim=people[p].get("role") == "victim",
            subject=p == pid,
            community=people[p].get("community"),
            hop=hop_of[p],
        )
        for p in ids
    ]
    return EgoNetwork(
        hops=hops, nodes=nodes, edges=sorted(edges.values(), key=lambda e: (e.a, e.b)), truncated=truncated
    )


def components_without(network: EgoNetwork, node: int) -> tuple[int, int]:
    """(connected groups, people) in the ego network once ``node`` is removed (union-find)."""
    parent = list(range(len(network.nodes)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for e in network.edges:
        if node not in (e.a, e.b):
            parent[find(e.a)] = find(e.b)
    rest = [i for i in range(len(network.nodes)) if i != node]
    return len({find(i) for i in rest}), len(rest)
