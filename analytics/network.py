"""The person network: layer projections combined into an igraph graph with ids mapped back to people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import igraph as ig
import numpy as np

from graph.connection import Graph
from graph.projection import DIRECTED_LAYERS, LayerEdge, parse_layers, person_attributes, stream_layer


@dataclass
class PersonNetwork:
    """Undirected simple person network ``g`` plus the directed ties (calls, money) for brokerage.

    Vertex attributes: ``node_id`` (person_id, or the phone number / account id of an unowned node),
    ``label`` ('Person', 'Phone', 'Account'), ``name``, ``role``, ``nationality``, ``country``,
    ``operation``. Edge attributes: ``weight`` (sum over layers of each layer's count ``n``: calls,
    transfers, shared arrests, shared identifiers) and ``<layer>_n`` / ``<layer>_total`` per layer.
    ``directed`` holds (source, target) index pairs: calls and money in their direction, the symmetric
    layers in both directions.
    """

    g: ig.Graph
    directed: np.ndarray
    layers: tuple[str, ...] = ()
    index: dict[str, int] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return int(self.g.vcount())

    @property
    def m(self) -> int:
        return int(self.g.ecount())

    def ids(self) -> list[str]:
        return list(self.g.vs["node_id"])

    def is_person(self) -> np.ndarray:
        return np.array([lab == "Person" for lab in self.g.vs["label"]], dtype=bool)

    def is_victim(self) -> np.ndarray:
        return np.array([r == "victim" for r in self.g.vs["role"]], dtype=bool)

    def rankable(self) -> np.ndarray:
        """People who may be ranked as targets: persons who are not victims."""
        return self.is_person() & ~self.is_victim()


def _node_key(label: str, key: str) -> str:
    return key if label == "Person" else f"{label}:{key}"


def build_network(
    edges: Iterable[LayerEdge],
    layers: Sequence[str],
    attributes: dict[str, dict[str, str | None]] | None = None,
) -> PersonNetwork:
    """Combine layer links into one undirected network (parallel links summed, self-links dropped)."""
    index: dict[str, int] = {}
    labels: list[str] = []
    keys: list[str] = []
    pair_stats: dict[tuple[int, int], dict[str, float]] = {}
    directed: set[tuple[int, int]] = set()
    for e in edges:
        ends = []
        for label, key in ((e.a_label, e.a_key), (e.b_label, e.b_key)):
            nk = _node_key(label, key)
            i = index.get(nk)
            if i is None:
                i = index[nk] = len(labels)
                labels.append(label)
                keys.append(key)
            ends.append(i)
        a, b = ends
        if a == b:
            continue
        directed.add((a, b))
        if e.layer not in DIRECTED_LAYERS:
            directed.add((b, a))
        pair = (a, b) if a < b else (b, a)
        stats = pair_stats.setdefault(pair, {})
        stats[f"{e.layer}_n"] = stats.get(f"{e.layer}_n", 0) + e.n
        stats[f"{e.layer}_total"] = stats.get(f"{e.layer}_total", 0.0) + e.total
    g = ig.Graph(n=len(labels), edges=list(pair_stats), directed=False)
    g.vs["node_id"] = [_node_key(lab, k) for lab, k in zip(labels, keys, strict=True)]
    g.vs["key"] = keys
    g.vs["label"] = labels
    attrs = attributes or {}
    for name in ("name", "role", "nationality", "country", "operation"):
        default = {"name": None, "role": "unknown"}.get(name)
        values = []
        for lab, k in zip(labels, keys, strict=True):
            rec = attrs.get(k) if lab == "Person" else None
            v = rec.get(name) if rec else None
            if name == "name" and v is None:
                v = k
            if name == "role" and lab != "Person":
                v = "unowned"
            values.append(v if v is not None else default)
        g.vs[name] = values
    stats_list = list(pair_stats.values())
    for layer in layers:
        g.es[f"{layer}_n"] = [s.get(f"{layer}_n", 0) for s in stats_list]
        g.es[f"{layer}_total"] = [s.get(f"{layer}_total", 0.0) for s in stats_list]
    g.es["weight"] = [float(sum(v for k, v in s.items() if k.endswith("_n"))) for s in stats_list]
    arr = np.array(sorted(directed), dtype=np.int64).reshape(-1, 2)
    return PersonNetwork(g=g, directed=arr, layers=tuple(layers), index=index)


def project(
    graph: Graph,
    layers: str | Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    keep_unowned: bool = False,
) -> PersonNetwork:
    """Stream the chosen layers from Neo4j and build the person network with each person's attributes."""
    names = parse_layers(layers)
    edges: list[LayerEdge] = []
    for layer in names:
        edges.extend(stream_layer(graph, layer, since, until, keep_unowned))
    person_ids = sorted(
        {e.a_key for e in edges if e.a_label == "Person"} | {e.b_key for e in edges if e.b_label == "Person"}
    )
    attrs = person_attributes(graph, person_ids)
    table: dict[str, dict[str, str | None]] = {
        pid: {
            "name": a.name,
            "role": a.role,
            "nationality": a.nationality,
            "country": a.country,
            "operation": a.operation,
        }
        for pid, a in attrs.items()
    }
    return build_network(edges, names, table)


def from_edge_list(
    edges: Iterable[tuple[int, int]] | Iterable[tuple[int, int, float]],
    n: int | None = None,
    roles: dict[int, str] | None = None,
) -> PersonNetwork:
    """A network straight from integer edges (ids ``'0'``, ``'1'``, …): for tests and benchmarks."""
    items = [tuple(e) for e in edges]
    rows = [LayerEdge("arrests", "Person", str(e[0]), "Person", str(e[1]), 1, 1.0) for e in items]
    weights = [float(e[2]) if len(e) > 2 else 1.0 for e in items]
    net = build_network(rows, ["arrests"])
    if n is not None:
        missing = [str(i) for i in range(n) if str(i) not in net.index]
        if missing:
            start = net.g.vcount()
            net.g.add_vertices(len(missing))
            for off, key in enumerate(missing):
                v = net.g.vs[start + off]
                v.update_attributes(node_id=key, key=key, label="Person", name=key, role="unknown")
                net.index[key] = start + off
    if any(w != 1.0 for w in weights):
        by_pair: dict[tuple[int, int], float] = {}
        for e, w in zip(rows, weights, strict=True):
            a, b = net.index[e.a_key], net.index[e.b_key]
            by_pair[(min(a, b), max(a, b))] = by_pair.get((min(a, b), max(a, b)), 0.0) + w
        net.g.es["weight"] = [by_pair[(min(ed.tuple), max(ed.tuple))] for ed in net.g.es]
    if roles:
        for i, role in roles.items():
            net.g.vs[net.index[str(i)]]["role"] = role
    return net
