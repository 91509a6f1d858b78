"""The person network: layer projections combined into an igraph graph with ids mapped back to people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import igraph as ig
import numpy as np
import pandas as pd

from analytics.duplicates import canonical_ids
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
    members: dict[str, list[str]] = field(default_factory=dict)  # canonical id -> its SAME_AS records
    _triangles: np.ndarray | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def n(self) -> int:
        return int(self.g.vcount())

    @property
    def m(self) -> int:
        return int(self.g.ecount())

    def triangles(self) -> np.ndarray:
        """Every triangle of ``g`` once, as rows of three vertex indexes (listed once, then kept)."""
        if self._triangles is None:
            self._triangles = np.array(self.g.list_triangles(), dtype=np.int64).reshape(-1, 3)
        return self._triangles

    def ids(self) -> list[str]:
        return list(self.g.vs["node_id"])

    def is_person(self) -> np.ndarray:
        return np.array([lab == "Person" for lab in self.g.vs["label"]], dtype=bool)

    def is_victim(self) -> np.ndarray:
        return np.array([r == "victim" for r in self.g.vs["role"]], dtype=bool)

    def records(self, v: int) -> list[str]:
        """The Person records of vertex ``v``: every record of its SAME_AS group, or its own id."""
        node_id = str(self.g.vs[v]["node_id"])
        return self.members.get(node_id, [node_id])

    def rankable(self) -> np.ndarray:
        """People who may be ranked as targets: persons who are not victims."""
        return self.is_person() & ~self.is_victim()


def _node_keys(labels: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Network node key: the person_id for a Person, ``<label>:<key>`` for an unowned Phone/Account."""
    out = keys.astype(object)
    other = labels != "Person"
    if other.any():
        out[other] = [
            f"{lab}:{k}" for lab, k in zip(labels[other].tolist(), keys[other].tolist(), strict=True)
        ]
    return out


@dataclass
class LinkColumns:
    """Layer links as parallel columns (one entry per aggregated link of one layer)."""

    layer: np.ndarray
    a_label: np.ndarray
    a_key: np.ndarray
    b_label: np.ndarray
    b_key: np.ndarray
    n: np.ndarray
    total: np.ndarray

    @classmethod
    def of(cls, edges: Iterable[LayerEdge]) -> LinkColumns:
        rows = list(edges)
        return cls(
            np.array([e.layer for e in rows], dtype=object),
            np.array([e.a_label for e in rows], dtype=object),
            np.array([e.a_key for e in rows], dtype=object),
            np.array([e.b_label for e in rows], dtype=object),
            np.array([e.b_key for e in rows], dtype=object),
            np.array([e.n for e in rows], dtype=np.int64),
            np.array([e.total for e in rows], dtype=float),
        )


def build_network(
    edges: Iterable[LayerEdge] | LinkColumns,
    layers: Sequence[str],
    attributes: dict[str, dict[str, str | None]] | None = None,
    canonical: Mapping[str, str] | None = None,
) -> PersonNetwork:
    """Combine layer links into one undirected network (parallel links summed, self-links dropped).

    Vertices are numbered in order of first appearance and links in order of their first record.
    ``canonical`` maps a person_id to its SAME_AS group's canonical id (docs/data-model.md): every
    record of a group becomes the one vertex of the canonical id, with their links' weights summed
    and links between records of the same group dropped; ``PersonNetwork.members`` lists the records.
    """
    return _assemble(
        edges if isinstance(edges, LinkColumns) else LinkColumns.of(edges), layers, attributes, canonical
    )[0]


def _canonical_keys(cols: LinkColumns, canonical: Mapping[str, str] | None) -> tuple[np.ndarray, np.ndarray]:
    """Both ends' keys, each person's record replaced by its canonical record (SAME_AS merges)."""
    a_key, b_key = cols.a_key, cols.b_key
    if canonical:
        a_key = a_key.copy()
        b_key = b_key.copy()
        for label_col, keys in ((cols.a_label, a_key), (cols.b_label, b_key)):
            person = np.flatnonzero(label_col == "Person")
            keys[person] = [canonical.get(k, k) for k in keys[person].tolist()]
    return a_key, b_key


def _set_person_attributes(
    g: ig.Graph, labels: list[str], keys: list[str], attrs: dict[str, dict[str, str | None]]
) -> None:
    """Each vertex's name, role, nationality, country and operation: a person's from ``attrs`` (name
    defaulting to the key, role to unknown); other vertices are named by their key and 'unowned'."""
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


def _assemble(
    cols: LinkColumns,
    layers: Sequence[str],
    attributes: dict[str, dict[str, str | None]] | None,
    canonical: Mapping[str, str] | None,
) -> tuple[PersonNetwork, np.ndarray, np.ndarray]:
    """The network, and for each kept record (a != b) its row number and link number."""
    a_key, b_key = _canonical_keys(cols, canonical)
    m_rows = len(a_key)
    both_nk = np.empty(2 * m_rows, dtype=object)
    both_nk[0::2] = _node_keys(cols.a_label, a_key)
    both_nk[1::2] = _node_keys(cols.b_label, b_key)
    codes, uniques = pd.factorize(both_nk) if m_rows else (np.zeros(0, dtype=np.int64), np.zeros(0))
    nv = len(uniques)
    both_label = np.empty(2 * m_rows, dtype=object)
    both_label[0::2] = cols.a_label
    both_label[1::2] = cols.b_label
    both_key = np.empty(2 * m_rows, dtype=object)
    both_key[0::2] = a_key
    both_key[1::2] = b_key
    first = np.full(nv, -1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]  # first occurrence of each vertex
    labels: list[str] = both_label[first].tolist() if nv else []
    keys_v: list[str] = both_key[first].tolist() if nv else []
    node_ids: list[str] = list(uniques)
    a = codes[0::2].astype(np.int64)
    b = codes[1::2].astype(np.int64)
    keep = np.flatnonzero(a != b)
    a, b = a[keep], b[keep]
    layer_codes, layer_uniques = pd.factorize(cols.layer[keep])
    layer_names = [str(x) for x in layer_uniques]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    pair_codes, pair_uniques = (
        pd.factorize(lo * max(nv, 1) + hi)
        if len(keep)
        else (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    )
    n_pairs = len(pair_uniques)
    pair_keys = np.asarray(pair_uniques, dtype=np.int64)
    edge_list = (
        np.column_stack([pair_keys // max(nv, 1), pair_keys % max(nv, 1)])
        if n_pairs
        else np.zeros((0, 2), dtype=np.int64)
    )
    symmetric = ~np.isin(layer_codes, [i for i, x in enumerate(layer_names) if x in DIRECTED_LAYERS])
    d_keys = np.unique(np.concatenate([a * max(nv, 1) + b, (b * max(nv, 1) + a)[symmetric]]))
    directed = np.column_stack([d_keys // max(nv, 1), d_keys % max(nv, 1)]).astype(np.int64).reshape(-1, 2)

    g = ig.Graph(n=nv, edges=edge_list.tolist(), directed=False)
    g.vs["node_id"] = node_ids
    g.vs["key"] = keys_v
    g.vs["label"] = labels
    _set_person_attributes(g, labels, keys_v, attributes or {})
    n_col = cols.n[keep]
    total_col = cols.total[keep]
    weight = np.zeros(n_pairs)
    for name in dict.fromkeys([*layers, *sorted(layer_names)]):
        mask = layer_codes == (layer_names.index(name) if name in layer_names else -1)
        counts = np.bincount(pair_codes[mask], weights=n_col[mask], minlength=n_pairs)
        if name in layers:
            g.es[f"{name}_n"] = counts.astype(np.int64).tolist()
            g.es[f"{name}_total"] = np.bincount(
                pair_codes[mask], weights=total_col[mask], minlength=n_pairs
            ).tolist()
        weight += counts
    g.es["weight"] = weight.tolist()
    index = {k: i for i, k in enumerate(node_ids)}
    members: dict[str, list[str]] = {}
    for record, canon in sorted((canonical or {}).items()):
        if canon in index:
            members.setdefault(canon, []).append(record)
    net = PersonNetwork(g=g, directed=directed, layers=tuple(layers), index=index, members=members)
    return net, keep, pair_codes


def project(
    graph: Graph,
    layers: str | Sequence[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    keep_unowned: bool = False,
    merge_same_as: bool = True,
) -> PersonNetwork:
    """Stream the chosen layers from Neo4j and build the person network with each person's attributes.

    With ``merge_same_as`` every SAME_AS group is one vertex under its canonical id
    (``analytics.duplicates.canonical_ids``); it takes the canonical record's attributes, and the role
    'victim' when any record of the group is a victim (victims are never ranked).
    """
    names = parse_layers(layers)
    # The layers' queries run side by side: the server aggregates one while this process reads another.
    with ThreadPoolExecutor(max_workers=len(names), thread_name_prefix="hilorojo-layer") as pool:
        parts = list(
            pool.map(lambda layer: list(stream_layer(graph, layer, since, until, keep_unowned)), names)
        )
    edges: list[LayerEdge] = [edge for part in parts for edge in part]
    # The database returns links in the order it stored them, which depends on the order of loads; sorted,
    # the same data always gives the same network, and seeded results (likely links) do not move.
    edges.sort(key=lambda e: (e.layer, e.a_label, e.a_key, e.b_label, e.b_key))
    canonical = canonical_ids(graph) if merge_same_as else {}
    person_ids = sorted(
        {e.a_key for e in edges if e.a_label == "Person"}
        | {e.b_key for e in edges if e.b_label == "Person"}
        | set(canonical)
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
    groups: dict[str, list[str]] = {}
    for rec, canon in sorted(canonical.items()):
        groups.setdefault(canon, []).append(rec)
    for canon, recs in groups.items():
        found = [table[r] for r in recs if r in table]
        if not found:
            continue
        merged = dict(table.get(canon) or found[0])
        if any(f["role"] == "victim" for f in found):
            merged["role"] = "victim"
        table[canon] = merged
    return build_network(LinkColumns.of(edges), names, table, canonical)


def from_edge_list(
    edges: Iterable[tuple[int, int]] | Iterable[tuple[int, int, float]],
    n: int | None = None,
    roles: dict[int, str] | None = None,
) -> PersonNetwork:
    """A network straight from integer edges (ids ``'0'``, ``'1'``, …): for tests and benchmarks."""
    items = [tuple(e) for e in edges]
    arr = np.array([(e[0], e[1], e[2] if len(e) > 2 else 1.0) for e in items], dtype=float).reshape(-1, 3)
    ends = arr[:, :2].astype(np.int64)
    count = len(ends)
    a_key = ends[:, 0].astype(str).astype(object)
    b_key = ends[:, 1].astype(str).astype(object)
    person = np.full(count, "Person", dtype=object)
    cols = LinkColumns(
        np.full(count, "arrests", dtype=object),
        person,
        a_key,
        person,
        b_key,
        np.ones(count, dtype=np.int64),
        np.ones(count),
    )
    net, keep, pair_codes = _assemble(cols, ["arrests"], None, None)
    if n is not None:
        missing = [str(i) for i in range(n) if str(i) not in net.index]
        if missing:
            start = net.g.vcount()
            net.g.add_vertices(
                len(missing),
                attributes={
                    "node_id": missing,
                    "key": missing,
                    "label": ["Person"] * len(missing),
                    "name": missing,
                    "role": ["unknown"] * len(missing),
                },
            )
            for off, key in enumerate(missing):
                net.index[key] = start + off
    if np.any(arr[:, 2] != 1.0):
        net.g.es["weight"] = np.bincount(pair_codes, weights=arr[keep, 2], minlength=net.m).tolist()
    if roles:
        for i, role in roles.items():
            net.g.vs[net.index[str(i)]]["role"] = role
    return net
