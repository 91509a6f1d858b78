"""Communities at two levels: cells (Leiden, CPM) within organisations (Leiden, modularity), and summaries."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np

from analytics.network import PersonNetwork

UNTIL_STABLE_MAX_EDGES = 50_000
# CPM density threshold of a cell: a group is a cell when more than 1 in 20 of its pairs are in contact
# and fewer than 1 in 20 of its pairs with any other group are (docs/analytics.md).
CELL_RESOLUTION = 0.05
LEVELS = ("cell", "organisation")


@dataclass
class Communities:
    """A partition of the network: ``membership[v]`` is v's community id (0 = largest), and its modularity."""

    membership: np.ndarray
    modularity: float
    resolution: float
    seed: int
    summaries: list[dict[str, Any]] = field(default_factory=list)
    level: str = "organisation"
    method: str = "Leiden, modularity"

    @property
    def count(self) -> int:
        return int(self.membership.max()) + 1 if len(self.membership) else 0


def leiden(
    net: PersonNetwork, resolution: float = 1.0, seed: int = 42, weighted: bool = False
) -> Communities:
    """Leiden algorithm (Traag, Waltman & van Eck 2019) maximising modularity (Newman & Girvan 2004).

    Uses the Reichardt–Bornholdt configuration-model quality with resolution γ (γ = 1 is modularity);
    igraph's C implementation (``community_leiden``, much faster than ``leidenalg`` with the same
    quality), iterated until stable up to UNTIL_STABLE_MAX_EDGES links, above it two iterations; a
    seeded private random generator gives the same communities for the same data. Community ids are
    renumbered by decreasing size.
    ``modularity`` is Newman's Q at resolution γ.
    """
    g = net.g
    if g.vcount() == 0:
        return Communities(np.zeros(0, dtype=np.int64), 0.0, resolution, seed)
    weights = "weight" if weighted else None
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = g.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            n_iterations=-1 if g.ecount() <= UNTIL_STABLE_MAX_EDGES else 2,
        )
    finally:
        ig.set_random_number_generator(random)
    membership = _renumber_by_size(np.array(part.membership, dtype=np.int64))
    q = g.modularity(membership.tolist(), weights=weights, resolution=resolution) if g.ecount() else 0.0
    return Communities(membership, float(q), resolution, seed)


def _renumber_by_size(raw: np.ndarray) -> np.ndarray:
    """Community ids 0, 1, … by decreasing size (ties by the original id)."""
    sizes = np.bincount(raw)
    order = sorted(range(len(sizes)), key=lambda c: (-sizes[c], c))
    remap = np.empty(len(sizes), dtype=np.int64)
    remap[order] = np.arange(len(sizes))
    return remap[raw]


def cells(
    net: PersonNetwork, resolution: float = CELL_RESOLUTION, seed: int = 42, weighted: bool = False
) -> Communities:
    """Cells: Leiden (Traag, Waltman & van Eck 2019) with the Constant Potts Model (Traag, Van Dooren
    & Nesterov 2011, *Phys. Rev. E* 84, 016114).

    CPM maximises Σ_c (e_c - γ·n_c(n_c-1)/2): a community must have internal link density above γ
    and density below γ towards any other community. Unlike modularity it has no resolution limit
    (Fortunato & Barthélemy 2007): a cell of ten stays a cell in a network of a million, instead of
    being merged with its neighbours. With ``weighted`` links count by weight and γ is scaled by the
    mean link weight, so that it keeps its meaning of a density. Iterated until stable; seeded;
    ids by decreasing size. ``modularity`` is Newman's Q of the cells (for comparison only).
    """
    g = net.g
    if g.vcount() == 0:
        return Communities(np.zeros(0, dtype=np.int64), 0.0, resolution, seed, level="cell", method="")
    link_weights: list[float] | None = g.es["weight"] if weighted and g.ecount() else None
    gamma = resolution * (float(np.mean(link_weights)) if link_weights else 1.0)
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = g.community_leiden(
            objective_function="CPM", weights=link_weights, resolution=gamma, n_iterations=-1
        )
    finally:
        ig.set_random_number_generator(random)
    membership = _renumber_by_size(np.array(part.membership, dtype=np.int64))
    quality = g.modularity(membership.tolist(), weights=link_weights) if g.ecount() else 0.0
    return Communities(
        membership,
        float(quality),
        resolution,
        seed,
        level="cell",
        method=f"Leiden, CPM (density γ = {resolution:g})",
    )


def organisations(
    net: PersonNetwork, cell: Communities, resolution: float = 1.0, seed: int = 42, weighted: bool = False
) -> Communities:
    """Organisations: the cells grouped by Leiden maximising modularity (Newman & Girvan 2004) on the
    network of cells (one node per cell, links summed), so that every cell lies in one organisation.

    Modularity's resolution limit, which merges small cells, is what groups cells into the
    organisations of hundreds an analyst reads as one structure. ``modularity`` is Newman's Q of the
    organisations on the person network, at resolution γ.
    """
    g = net.g
    if g.vcount() == 0:
        return Communities(np.zeros(0, dtype=np.int64), 0.0, resolution, seed)
    ends = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    of = cell.membership
    a, b = of[ends[:, 0]], of[ends[:, 1]]
    w = np.array(g.es["weight"], dtype=float) if weighted and g.ecount() else np.ones(len(ends))
    # Links inside a cell stay as the cell's self-loop, so that modularity on the cell network equals
    # modularity of the same grouping on the person network (the aggregation step of Louvain/Leiden).
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    count = cell.count
    pairs, inverse = np.unique(lo * count + hi, return_inverse=True)
    contracted = ig.Graph(n=count, edges=np.column_stack([pairs // count, pairs % count]).tolist())
    contracted.es["weight"] = np.bincount(inverse, weights=w, minlength=len(pairs)).tolist()
    ig.set_random_number_generator(random.Random(seed))
    try:
        part = contracted.community_leiden(
            objective_function="modularity",
            weights="weight",
            # igraph's default node weights leave out the self-loops; a cell's weight is its people's degrees
            node_weights=contracted.strength(weights="weight"),
            resolution=resolution,
            n_iterations=-1 if contracted.ecount() <= UNTIL_STABLE_MAX_EDGES else 2,
        )
    finally:
        ig.set_random_number_generator(random)
    of_cell = np.array(part.membership, dtype=np.int64)
    membership = _renumber_by_size(of_cell[cell.membership])
    by = "weight" if weighted else None
    q = g.modularity(membership.tolist(), weights=by, resolution=resolution) if g.ecount() else 0.0
    return Communities(membership, float(q), resolution, seed, method="Leiden, modularity, on the cells")


def summarize(
    net: PersonNetwork, comms: Communities, score: np.ndarray, top: int = 5
) -> list[dict[str, Any]]:
    """Per community: size, people by nationality and arrest country, top members by ``score``
    (victims never listed), and the number of links to each other community."""
    g = net.g
    mem = comms.membership
    rankable = net.rankable()
    out: list[dict[str, Any]] = []
    ends = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    cross: dict[int, Counter[int]] = {c: Counter() for c in range(comms.count)}
    if len(ends):
        ca, cb = mem[ends[:, 0]], mem[ends[:, 1]]
        diff = ca != cb
        for x, y in zip(ca[diff].tolist(), cb[diff].tolist(), strict=True):
            cross[x][y] += 1
            cross[y][x] += 1
    internal = (
        Counter(mem[ends[:, 0]][mem[ends[:, 0]] == mem[ends[:, 1]]].tolist()) if len(ends) else Counter()
    )
    nat = g.vs["nationality"]
    country = g.vs["country"]
    node_ids = g.vs["node_id"]
    names = g.vs["name"]
    victim = net.is_victim()
    by_community = np.argsort(mem, kind="stable")
    bounds = np.searchsorted(mem[by_community], np.arange(comms.count + 1))
    for c in range(comms.count):
        members = by_community[bounds[c] : bounds[c + 1]]
        ranked = sorted((v for v in members.tolist() if rankable[v]), key=lambda v: (-score[v], node_ids[v]))
        out.append(
            {
                "community_id": c,
                "size": len(members),
                "victims": int(victim[members].sum()),
                "internal_links": int(internal.get(c, 0)),
                "nationalities": dict(Counter(nat[v] or "unknown" for v in members).most_common()),
                "countries": dict(Counter(country[v] for v in members if country[v]).most_common()),
                "top_members": [{"person_id": node_ids[v], "name": names[v]} for v in ranked[:top]],
                "links_to": {str(k): v for k, v in sorted(cross[c].items(), key=lambda kv: (-kv[1], kv[0]))},
            }
        )
    comms.summaries = out
    return out
