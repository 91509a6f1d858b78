"""Key players: Borgatti's KPP-Neg fragmentation set and disruption simulations by removal strategy."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np

from analytics.network import PersonNetwork
from graph.errors import InputError

STRATEGIES = ("degree", "betweenness", "kpp", "random")


def fragmentation(sizes: np.ndarray) -> float:
    """Borgatti's (2006) fragmentation F = 1 - Σ_k s_k(s_k-1) / (n(n-1)), n = Σ s_k (remaining people)."""
    n = int(sizes.sum())
    if n < 2:
        return 1.0
    return 1.0 - float((sizes * (sizes - 1)).sum()) / (n * (n - 1))


def _alive_ends(g: ig.Graph, ends: np.ndarray | None, alive: np.ndarray, h: ig.Graph) -> np.ndarray:
    """Ends of ``h``'s edges (``h`` = ``g`` without the dead vertices, numbered in order), from the
    ends of ``g``'s edges: deleting vertices keeps the other edges in their order, renumbered."""
    if ends is None:
        return np.array(h.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    kept = ends[alive[ends[:, 0]] & alive[ends[:, 1]]]
    out = (np.cumsum(alive) - 1)[kept]
    probe = np.linspace(0, len(out) - 1, num=min(len(out), 8), dtype=np.int64)
    if len(out) != h.ecount() or any(h.es[int(i)].tuple != tuple(out[i]) for i in probe):
        return np.array(h.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    return out


def _component_sums_after_removal(
    g: ig.Graph, alive: np.ndarray, ends: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, int]:
    """For every alive vertex v: Σ s(s-1) over the components of (alive graph − v).

    Exact for all v in O(n + m): a vertex that is not an articulation point only shrinks its
    component by one; an articulation point splits it into the pieces found in the block–cut tree
    of the biconnected components (Hopcroft & Tarjan 1973). Returns (sums over alive vertices,
    alive vertex ids, the Σ s(s-1) before any removal). ``ends``: ``g``'s edges as an array, if known.
    """
    idx = np.flatnonzero(alive)
    h = g.induced_subgraph(idx.tolist(), implementation="copy_and_delete")
    memb = np.array(h.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(memb) if len(memb) else np.zeros(0, dtype=np.int64)
    base = int((sizes * (sizes - 1)).sum())
    s = sizes[memb]
    after = base - s * (s - 1) + (s - 1) * (s - 2)
    edge_blocks, aps = ig.GraphBase.biconnected_components(h, True)
    if not aps:
        return after, idx, base
    nb = len(edge_blocks)
    h_ends = _alive_ends(g, ends, alive, h)
    sizes_b = np.fromiter(map(len, edge_blocks), dtype=np.int64, count=nb)
    eid = np.fromiter(itertools.chain.from_iterable(edge_blocks), dtype=np.int64, count=int(sizes_b.sum()))
    bid = np.repeat(np.arange(nb, dtype=np.int64), sizes_b)
    # (block, vertex) memberships: both ends of every edge of the block, once each
    bv = np.unique(np.concatenate([bid * h.vcount() + h_ends[eid, 0], bid * h.vcount() + h_ends[eid, 1]]))
    blk, ver = bv // h.vcount(), bv % h.vcount()
    ap_of = np.full(h.vcount(), -1, dtype=np.int64)
    ap_of[np.asarray(aps, dtype=np.int64)] = np.arange(len(aps))
    is_ap = ap_of[ver] >= 0
    weight = np.concatenate([np.bincount(blk[~is_ap], minlength=nb), np.ones(len(aps), dtype=np.int64)])
    weight = weight.tolist()
    adj: list[list[int]] = [[] for _ in range(nb + len(aps))]
    for j, p in zip(blk[is_ap].tolist(), ap_of[ver[is_ap]].tolist(), strict=True):
        adj[j].append(nb + p)
        adj[nb + p].append(j)
    sub = list(weight)
    parent = [-2] * len(weight)
    for root in range(nb):
        if parent[root] != -2:
            continue
        parent[root] = -1
        order = [root]
        stack = [root]
        while stack:
            x = stack.pop()
            for y in adj[x]:
                if parent[y] == -2:
                    parent[y] = x
                    order.append(y)
                    stack.append(y)
        for x in reversed(order[1:]):
            sub[parent[x]] += sub[x]
        total = sub[root]
        for x in order:
            if x < nb:
                continue
            pieces = [sub[y] for y in adj[x] if parent[y] == x]
            pieces.append(total - sub[x])
            v = aps[x - nb]
            comp_size = int(s[v])
            after[v] = base - comp_size * (comp_size - 1) + sum(p * (p - 1) for p in pieces if p > 0)
    return after, idx, base


def _best_addition(
    g: ig.Graph, alive: np.ndarray, allowed: np.ndarray, ends: np.ndarray | None = None
) -> tuple[int, float]:
    after, idx, _ = _component_sums_after_removal(g, alive, ends)
    remaining = len(idx) - 1
    denom = remaining * (remaining - 1) if remaining > 1 else 1
    ok = allowed[idx]
    if not ok.any():
        return -1, 0.0
    cand = np.flatnonzero(ok)
    best = cand[np.argmin(after[cand])]  # ties: lowest vertex id (argmin takes the first)
    return int(idx[best]), 1.0 - float(after[best]) / denom


@dataclass
class KeyPlayers:
    """The KPP-Neg set (in greedy order, improved by swaps) and the fragmentation it achieves."""

    members: list[int]
    fragmentation: float
    initial_fragmentation: float
    swaps: int = 0
    details: dict[str, Any] = field(default_factory=dict)


def kpp_neg(net: PersonNetwork, k: int, max_passes: int = 3) -> KeyPlayers:
    """The k people whose removal fragments the network most (Borgatti 2006, Comput. Math. Organ. Theory 12).

    Objective: fragmentation F of the remaining network (``fragmentation``). Optimisation: greedy
    (add the person whose removal raises F most), then Borgatti's swap heuristic: replace a member
    by the non-member that gives the best F, while F improves (at most ``max_passes`` passes).
    Every candidate is evaluated exactly (``_component_sums_after_removal``). Victims are never chosen.
    """
    if k < 1:
        raise InputError(f"--k {k} is not a positive number of people", "give --k 1 or more")
    g = net.g
    allowed = net.rankable()
    alive = np.ones(net.n, dtype=bool)
    ends = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    sizes = np.bincount(np.array(g.connected_components().membership)) if net.n else np.zeros(0)
    f0 = fragmentation(sizes)
    chosen: list[int] = []
    f = f0
    for _ in range(min(k, int(allowed.sum()))):
        v, f = _best_addition(g, alive, allowed & alive, ends)
        if v < 0:
            break
        chosen.append(v)
        alive[v] = False
    swaps = 0
    for _ in range(max_passes):
        improved = False
        for pos in range(len(chosen)):
            u = chosen[pos]
            alive[u] = True
            v, fv = _best_addition(g, alive, allowed & alive, ends)
            if v != u and fv > f + 1e-12:
                chosen[pos] = v
                f = fv
                swaps += 1
                improved = True
            alive[chosen[pos]] = False
        if not improved:
            break
    return KeyPlayers(chosen, f, f0, swaps)


def global_efficiency(g: ig.Graph, pivots: int | None = None, seed: int = 0) -> float:
    """Latora & Marchiori (2001) efficiency E = Σ_{i≠j} 1/d_ij / (n(n-1)).

    Exact when ``pivots`` is None or ≥ n; otherwise the mean over ``pivots`` random sources (unbiased).
    """
    n = g.vcount()
    if n < 2:
        return 0.0
    if pivots is None or pivots >= n:
        return float(np.sum(g.harmonic_centrality(normalized=False))) / (n * (n - 1))
    src = random.Random(seed).sample(range(n), pivots)
    return float(np.mean(g.harmonic_centrality(vertices=src, normalized=False))) / (n - 1)


def _state(g: ig.Graph, alive: np.ndarray, eff_pivots: int | None, seed: int) -> tuple[int, float]:
    h = g.induced_subgraph(np.flatnonzero(alive).tolist())
    lcc = max(h.connected_components().sizes()) if h.vcount() else 0
    return int(lcc), global_efficiency(h, eff_pivots, seed)


def _removals(
    net: PersonNetwork, steps: int, pick: Any, efficiency_pivots: int | None, seed: int
) -> tuple[list[int], list[int], list[float]]:
    """Remove the person ``pick(alive, step)`` names at each step (until it names nobody): who was
    removed, and the largest component and the efficiency after each removal."""
    alive = np.ones(net.n, dtype=bool)
    removed: list[int] = []
    lccs: list[int] = []
    effs: list[float] = []
    for step in range(steps):
        v = pick(alive, step)
        if v is None:
            break
        alive[v] = False
        removed.append(v)
        lcc, eff = _state(net.g, alive, efficiency_pivots, seed)
        lccs.append(lcc)
        effs.append(eff)
    return removed, lccs, effs


def _by_degree(g: ig.Graph, allowed: np.ndarray) -> Any:
    """Pick the allowed person of highest degree in the remaining network."""

    def pick(alive: np.ndarray, _step: int) -> int | None:
        idx = np.flatnonzero(alive)
        deg = np.array(g.induced_subgraph(idx.tolist()).degree())
        ok = allowed[idx]
        if not ok.any():
            return None
        cand = np.flatnonzero(ok)
        return int(idx[cand[np.argmax(deg[cand])]])

    return pick


def _by_list(order: list[int]) -> Any:
    """Pick the people of ``order`` in turn."""
    return lambda alive, step: order[step] if step < len(order) else None


def disruption(
    net: PersonNetwork,
    steps: int,
    betweenness: np.ndarray,
    kpp_order: list[int],
    random_runs: int = 5,
    seed: int = 0,
    efficiency_pivots: int | None = None,
) -> dict[str, Any]:
    """Remove people one at a time by each strategy and follow the network's collapse.

    As Duijn, Kashirin & Sloot (2014, Sci. Rep. 4:4238) and Cavallaro et al. (2020, PLoS ONE 15(8)):
    after each removal, the size of the largest connected component and the global efficiency
    (Latora & Marchiori 2001). Strategies: ``degree`` — highest degree in the *remaining* network
    (recomputed after each removal); ``betweenness`` — the *initial* betweenness ranking (not
    recomputed: an exact recomputation costs O(nm) per step); ``kpp`` — the KPP-Neg greedy order;
    ``random`` — uniformly random people, averaged over ``random_runs`` seeded runs. Victims are
    never removed. ``efficiency_pivots`` estimates efficiency from that many sources (None = exact).
    """
    g = net.g
    allowed = net.rankable()
    steps = min(steps, int(allowed.sum()))
    lcc0, eff0 = _state(g, np.ones(net.n, dtype=bool), efficiency_pivots, seed)
    result: dict[str, Any] = {
        "steps": steps,
        "initial": {"lcc": lcc0, "efficiency": eff0},
        "efficiency_method": "exact"
        if efficiency_pivots is None
        else f"estimated from {efficiency_pivots} sources",
        "betweenness_ranking": "initial (not recomputed)",
        "degree_ranking": "recomputed after each removal",
        "random_runs": random_runs,
        "strategies": {},
    }

    def run(pick: Any) -> tuple[list[int], list[int], list[float]]:
        return _removals(net, steps, pick, efficiency_pivots, seed)

    bt_order = [int(v) for v in np.lexsort((np.arange(net.n), -betweenness)) if allowed[v]]
    for name, pick in (
        ("degree", _by_degree(g, allowed)),
        ("betweenness", _by_list(bt_order)),
        ("kpp", _by_list(kpp_order)),
    ):
        removed, lccs, effs = run(pick)
        result["strategies"][name] = {
            "removed": [net.g.vs[v]["node_id"] for v in removed],
            "lcc": lccs,
            "efficiency": effs,
        }
    pool = np.flatnonzero(allowed).tolist()
    lcc_runs: list[list[int]] = []
    eff_runs: list[list[float]] = []
    for r in range(random_runs):
        order = random.Random(seed * 1000 + r).sample(pool, steps)
        _, lccs, effs = run(_by_list(order))
        lcc_runs.append(lccs)
        eff_runs.append(effs)
    result["strategies"]["random"] = {
        "removed": [],
        "lcc": np.mean(np.array(lcc_runs, dtype=float), axis=0).tolist() if lcc_runs else [],
        "efficiency": np.mean(np.array(eff_runs, dtype=float), axis=0).tolist() if eff_runs else [],
    }
    return result
