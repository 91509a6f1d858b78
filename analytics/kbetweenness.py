"""Bounded-length (k-)betweenness: brokerage over the shortest paths of at most k links."""

from __future__ import annotations

import numpy as np

from analytics.network import PersonNetwork

DEFAULT_K = 3
# Paths of 3 links are followed when their search is small enough: Σ_v degree(v)·|2-ball(v)| (the
# links scanned at the third step, summed over sources) at most this, which keeps the search to
# seconds; otherwise 2 links. Measured by `python -m bench.analytics --generated`.
K3_WORK = 5e7


def choose_k(net: PersonNetwork, budget: float = K3_WORK) -> int:
    """DEFAULT_K when the third step's search fits ``budget`` (see K3_WORK), otherwise 2."""
    if net.n == 0:
        return DEFAULT_K
    degree = np.array(net.g.degree(), dtype=float)
    ball = np.array(net.g.neighborhood_size(order=2), dtype=float)
    return DEFAULT_K if float((degree * ball).sum()) <= budget else 2


def k_betweenness(net: PersonNetwork, k: int = DEFAULT_K, weighted: bool = False) -> np.ndarray:
    """k-betweenness (Borgatti & Everett 2006, *Social Networks* 28: 466–484), exact.

    kb(v) = Σ_{s<t, d(s,t) ≤ k, s≠v≠t} σ_st(v) / σ_st: the pairs of people within ``k`` links of
    each other whose shortest connections run through v, each pair counted by the share of its
    shortest paths through v. Unlike betweenness it measures local brokerage (between neighbouring
    cells) and is not dominated by long paths across the whole network; each source costs a
    breadth-first search of depth k only (igraph's range-limited betweenness). Values are pair
    counts, not normalised: "v brokers 42.5 pairs within 3 links". With ``weighted`` the length of
    a link is 1/weight and ``k`` bounds the summed length.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if net.n < 3 or net.m == 0:
        return np.zeros(net.n)
    dist = [1.0 / w for w in net.g.es["weight"]] if weighted else None
    return np.array(net.g.betweenness(directed=False, weights=dist, cutoff=k), dtype=float)
