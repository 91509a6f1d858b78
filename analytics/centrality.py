"""Centrality of each person: degree, betweenness, closeness, harmonic, eigenvector and PageRank."""

from __future__ import annotations

import math
import multiprocessing
import random
import warnings
from dataclasses import dataclass

import numpy as np

from analytics.network import PersonNetwork

# Exact betweenness/closeness cost one BFS per vertex, O(n·m). Up to EXACT_WORK = n·m they are exact;
# above it they are estimated from k pivot sources with k = max(MIN_PIVOTS, EXACT_WORK // m).
EXACT_WORK = 150_000_000
MIN_PIVOTS = 100
# Pivots are split into this many groups to estimate each person's standard error (batch means).
SE_BATCHES = 10


@dataclass(frozen=True)
class PathMeasureMethod:
    """How betweenness, closeness and harmonic centrality were computed (exact or from k pivots)."""

    exact: bool
    pivots: int
    epsilon: float | None  # additive error bound on normalised betweenness, with probability 1 - delta
    delta: float
    weighted: bool

    def describe(self) -> str:
        dist = "distance 1/weight" if self.weighted else "unweighted"
        if self.exact:
            return f"exact ({dist})"
        return f"estimated from {self.pivots} random pivot sources (Brandes & Pich 2007; {dist})"


def betweenness_error_bound(n: int, k: int, delta: float) -> float:
    """Additive error of pivot-sampled normalised betweenness, simultaneously for all ``n`` vertices.

    Each pivot s contributes Y_s = δ_s(v)/(n-2) ∈ [0, 1] (δ_s(v) is Brandes' dependency, at most n-2),
    and the normalised betweenness is b(v) = n/(n-1) · mean_s Y_s. Hoeffding's inequality (which also
    holds for sampling without replacement) with a union bound over the n vertices gives
    P(max_v |b̂(v) - b(v)| ≥ ε) ≤ δ for ε = n/(n-1) · sqrt(ln(2n/δ) / (2k)).
    """
    if k <= 0 or n < 3:
        return math.inf
    return n / (n - 1) * math.sqrt(math.log(2 * n / delta) / (2 * k))


def choose_method(
    n: int,
    m: int,
    weighted: bool,
    exact_work: float = EXACT_WORK,
    delta: float = 0.1,
    exact_up_to: int | None = None,
) -> PathMeasureMethod:
    """Exact when n·m ≤ ``exact_work`` (or, when given, when n ≤ ``exact_up_to`` people), otherwise
    estimated from k = max(MIN_PIVOTS, exact_work // m) pivot sources."""
    exact = n * max(m, 1) <= exact_work if exact_up_to is None else n <= exact_up_to
    if exact or n <= MIN_PIVOTS:
        return PathMeasureMethod(True, n, 0.0, delta, weighted)
    k = min(n, max(MIN_PIVOTS, int(exact_work // max(m, 1))))
    return PathMeasureMethod(False, k, betweenness_error_bound(n, k, delta), delta, weighted)


def degree(net: PersonNetwork) -> tuple[np.ndarray, np.ndarray]:
    """Number of distinct neighbours and the sum of link weights (strength)."""
    deg = np.array(net.g.degree(), dtype=float)
    strength = np.array(net.g.strength(weights="weight"), dtype=float) if net.m else np.zeros(net.n)
    return deg, strength


def _distances(net: PersonNetwork, weighted: bool) -> list[float] | None:
    return [1.0 / w for w in net.g.es["weight"]] if weighted and net.m else None


def betweenness(net: PersonNetwork, method: PathMeasureMethod, seed: int = 0) -> np.ndarray:
    """Betweenness (Freeman 1977; Brandes 2001), normalised as networkx does for undirected graphs.

    b(v) = Σ_{s<t} σ_st(v)/σ_st · 2/((n-1)(n-2)). With ``method.exact`` false, only k random pivot
    sources are used and the sum is scaled by n/k (Brandes & Pich 2007).
    """
    return betweenness_with_error(net, method, seed)[0]


def betweenness_with_error(
    net: PersonNetwork, method: PathMeasureMethod, seed: int = 0, batches: int = SE_BATCHES
) -> tuple[np.ndarray, np.ndarray]:
    """Betweenness as :func:`betweenness`, and each person's standard error (zeros when exact).

    The pivots are drawn as before and split into ``batches`` groups; each group gives an unbiased
    estimate, and the standard error of their mean is the batch-means estimate
    std(group estimates) / sqrt(batches). It is per person, so the ranking can say where two people's
    values are too close to order (:func:`analytics.ranking.rank_bands`).
    """
    n = net.n
    if n < 3:
        return np.zeros(n), np.zeros(n)
    dist = _distances(net, method.weighted)
    scale = 2.0 / ((n - 1) * (n - 2))
    if method.exact:
        raw = np.array(net.g.betweenness(directed=False, weights=dist), dtype=float)
        return raw * scale, np.zeros(n)
    pivots = random.Random(seed).sample(range(n), method.pivots)
    groups = [list(part) for part in np.array_split(np.array(pivots), min(batches, len(pivots))) if len(part)]
    parts = np.array(
        [
            np.array(net.g.betweenness(directed=False, weights=dist, sources=grp), dtype=float)
            * (n / len(grp) * scale)
            for grp in groups
        ]
    )
    sizes = np.array([len(grp) for grp in groups], dtype=float)
    value = (parts * sizes[:, None]).sum(axis=0) / sizes.sum()
    b = len(groups)
    stderr = parts.std(axis=0, ddof=1) / math.sqrt(b) if b > 1 else np.full(n, np.inf)
    return value, stderr


def _source_sums(args: tuple[PersonNetwork, list[int], bool]) -> np.ndarray:
    net, sources, weighted = args
    dist = _distances(net, weighted)
    return np.array(net.g.betweenness(directed=False, weights=dist, sources=sources), dtype=float)


def exact_betweenness_parallel(net: PersonNetwork, weighted: bool = False, processes: int = 2) -> np.ndarray:
    """Exact betweenness as :func:`betweenness`, the sources split between ``processes`` forked
    processes (Brandes' sums over sources add up). For the benchmark's reference values and for
    networks where one CPU would take too long; the caller must not itself be a daemon process."""
    n = net.n
    if n < 3:
        return np.zeros(n)
    parts = [list(range(i, n, processes)) for i in range(processes)]
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes) as pool:
        sums = pool.map(_source_sums, [(net, part, weighted) for part in parts])
    return np.sum(sums, axis=0) * 2.0 / ((n - 1) * (n - 2))


def closeness_harmonic(
    net: PersonNetwork, method: PathMeasureMethod, seed: int = 0, chunk: int = 32
) -> tuple[np.ndarray, np.ndarray]:
    """Closeness (Wasserman & Faust 1994 form for disconnected graphs, as networkx) and harmonic centrality.

    closeness(v) = (r-1)/Σ_{u reachable} d(v,u) · (r-1)/(n-1), r = size of v's component;
    harmonic(v) = Σ_{u≠v} 1/d(v,u) / (n-1) (Marchiori & Latora 2000; normalised by n-1).
    With pivots (Eppstein & Wang 2004) the sums are estimated from the pivots' distances, scaled up.
    """
    n = net.n
    if n < 2:
        return np.zeros(n), np.zeros(n)
    g = net.g
    dist = _distances(net, method.weighted)
    comp = np.array(g.connected_components().membership)
    sizes = np.bincount(comp)
    r = sizes[comp].astype(float)
    if method.exact:
        close = np.nan_to_num(np.array(g.closeness(weights=dist, normalized=True), dtype=float))
        close = close * (r - 1) / (n - 1)
        harm = np.array(g.harmonic_centrality(weights=dist, normalized=True), dtype=float)
        return close, harm
    pivots = random.Random(seed + 1).sample(range(n), method.pivots)
    sum_d = np.zeros(n)
    sum_inv = np.zeros(n)
    hits = np.zeros(n)
    for start in range(0, len(pivots), chunk):
        srcs = pivots[start : start + chunk]
        d = np.array(g.distances(source=srcs, weights=dist), dtype=float)
        finite = np.isfinite(d) & (d > 0)
        sum_d += np.where(finite, d, 0.0).sum(axis=0)
        with np.errstate(divide="ignore"):
            sum_inv += np.where(finite, 1.0 / np.where(finite, d, 1.0), 0.0).sum(axis=0)
        hits += finite.sum(axis=0)
    k = len(pivots)
    harm = sum_inv * (n / k) / (n - 1)
    # pivots in v's component other than v estimate the mean distance to the r-1 others
    with np.errstate(divide="ignore", invalid="ignore"):
        est_sum = np.where(hits > 0, sum_d / np.maximum(hits, 1) * (r - 1), 0.0)
        close = np.where(est_sum > 0, (r - 1) / est_sum * (r - 1) / (n - 1), 0.0)
    return close, harm


def eigenvector(net: PersonNetwork, weighted: bool) -> np.ndarray:
    """Eigenvector centrality (Bonacich 1972), scaled to unit Euclidean norm as networkx does.

    On a disconnected network the leading eigenvector lives on the component with the largest
    eigenvalue and people elsewhere get (nearly) zero, as with networkx; igraph's warning saying so
    is not repeated on every analysis.
    """
    if net.m == 0:
        return np.zeros(net.n)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Some eigenvector centralities are nearly zero")
        ev = np.array(net.g.eigenvector_centrality(weights="weight" if weighted else None), dtype=float)
    norm = float(np.linalg.norm(ev))
    return ev / norm if norm > 0 else ev


def pagerank(net: PersonNetwork, weighted: bool, damping: float = 0.85) -> np.ndarray:
    """PageRank (Brin & Page 1998) with damping 0.85 on the undirected network."""
    if net.n == 0:
        return np.zeros(0)
    return np.array(net.g.pagerank(damping=damping, weights="weight" if weighted else None), dtype=float)


def path_measures(net: PersonNetwork, method: PathMeasureMethod, seed: int = 0) -> dict[str, np.ndarray]:
    """Shortest-path measures: betweenness (and its standard error), closeness and harmonic centrality."""
    close, harm = closeness_harmonic(net, method, seed)
    value, stderr = betweenness_with_error(net, method, seed)
    return {"betweenness": value, "betweenness_se": stderr, "closeness": close, "harmonic": harm}


def local_measures(net: PersonNetwork, weighted: bool) -> dict[str, np.ndarray]:
    """Degree, weighted degree, eigenvector centrality and PageRank."""
    deg, strength = degree(net)
    return {
        "degree": deg,
        "weighted_degree": strength,
        "eigenvector": eigenvector(net, weighted),
        "pagerank": pagerank(net, weighted),
    }


def centralities(
    net: PersonNetwork, weighted: bool = False, seed: int = 0, exact_work: float = EXACT_WORK
) -> tuple[dict[str, np.ndarray], PathMeasureMethod]:
    """Every centrality measure, by name, for each vertex of ``net``; and how path measures were done."""
    method = choose_method(net.n, net.m, weighted, exact_work)
    return local_measures(net, weighted) | path_measures(net, method, seed), method
