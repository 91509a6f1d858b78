"""Brokerage: Gould & Fernandez (1989) roles relative to groups, Burt (1992) constraint and effective size."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from analytics.network import PersonNetwork
from graph.errors import InputError

ROLES = ("coordinator", "itinerant", "gatekeeper", "representative", "liaison")
GROUP_ATTRIBUTES = ("community", "nationality", "country", "operation")


def group_codes(values: Sequence[object]) -> np.ndarray:
    """Integer group of each vertex; a missing value (None) is one shared group 'unknown'."""
    codes: dict[object, int] = {}
    return np.array([codes.setdefault(v, len(codes)) for v in values], dtype=np.int64)


def _triangles(net: PersonNetwork) -> np.ndarray:
    tri = net.g.list_triangles()
    return np.array(tri, dtype=np.int64).reshape(-1, 3)


_PERMUTATIONS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def gould_fernandez(net: PersonNetwork, groups: Sequence[object]) -> dict[str, np.ndarray]:
    """Counts of the five brokerage roles of each vertex b (Gould & Fernandez 1989, Sociol. Methodology 19).

    b brokers every open directed two-path a→b→c (a ≠ c, no tie a→c). With g(·) the group:
    coordinator g(a)=g(b)=g(c); itinerant (consultant) g(a)=g(c)≠g(b); representative g(a)=g(b)≠g(c);
    gatekeeper g(a)≠g(b)=g(c); liaison all three different. Ties are ``net.directed`` (calls and money
    in their direction, co-arrests and shared identifiers both ways). Counted without enumerating
    two-paths: group histograms of in- and out-neighbours give all two-paths by role, then mutual ties
    (a = c) and closed two-paths (found through the network's triangles) are subtracted.
    """
    n = net.n
    g = group_codes(groups)
    if len(g) != n:
        raise InputError(f"{len(g)} group values for {n} people", "give one group value per vertex")
    out = {role: np.zeros(n, dtype=np.int64) for role in ROLES}
    if n == 0 or len(net.directed) == 0:
        return out
    src, dst = net.directed[:, 0], net.directed[:, 1]
    ng = int(g.max()) + 1
    ones = np.ones(len(src), dtype=np.int64)
    # HI[b, k]: in-neighbours of b in group k; HO[b, k]: out-neighbours of b in group k
    hi = sparse.csr_matrix((ones, (dst, g[src])), shape=(n, ng))
    ho = sparse.csr_matrix((ones, (src, g[dst])), shape=(n, ng))
    in_tot = np.bincount(dst, minlength=n)
    out_tot = np.bincount(src, minlength=n)
    in_same = np.bincount(dst, weights=(g[src] == g[dst]).astype(float), minlength=n).astype(np.int64)
    out_same = np.bincount(src, weights=(g[src] == g[dst]).astype(float), minlength=n).astype(np.int64)
    same_group_pairs = np.asarray(hi.multiply(ho).sum(axis=1)).ravel().astype(np.int64)
    coord = in_same * out_same
    itin = same_group_pairs - coord
    out["coordinator"] = coord
    out["itinerant"] = itin
    out["representative"] = in_same * (out_tot - out_same)
    out["gatekeeper"] = (in_tot - in_same) * out_same
    out["liaison"] = (in_tot - in_same) * (out_tot - out_same) - itin
    # a = c: b↔a mutual ties were counted as the pair (a, a)
    keys = np.sort(src * n + dst)
    rev = dst * n + src
    pos = np.searchsorted(keys, rev).clip(max=len(keys) - 1)
    mutual = keys[pos] == rev  # edge (src, dst) has a reverse (dst, src)
    b_m, a_m = src[mutual], dst[mutual]
    same_m = g[a_m] == g[b_m]
    np.subtract.at(out["coordinator"], b_m[same_m], 1)
    np.subtract.at(out["itinerant"], b_m[~same_m], 1)
    # closed two-paths a→b→c with a→c: a, b, c form a triangle of the undirected network
    tri = _triangles(net)
    if len(tri):

        def has(u: np.ndarray, v: np.ndarray) -> np.ndarray:
            k = u * n + v
            p = np.searchsorted(keys, k).clip(max=len(keys) - 1)
            return keys[p] == k

        for ia, ib, ic in _PERMUTATIONS:
            a, b, c = tri[:, ia], tri[:, ib], tri[:, ic]
            closed = has(a, b) & has(b, c) & has(a, c)
            a, b, c = a[closed], b[closed], c[closed]
            ga, gb, gc = g[a], g[b], g[c]
            for role, mask in (
                ("coordinator", (ga == gb) & (gb == gc)),
                ("itinerant", (ga == gc) & (ga != gb)),
                ("representative", (ga == gb) & (gb != gc)),
                ("gatekeeper", (ga != gb) & (gb == gc)),
                ("liaison", (ga != gb) & (gb != gc) & (ga != gc)),
            ):
                np.subtract.at(out[role], b[mask], 1)
    return out


def burt(net: PersonNetwork, weighted: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Burt's (1992, *Structural Holes*) constraint and effective size of each vertex, as networkx does.

    p_ij = w_ij / Σ_k w_ik (proportion of i's tie weight invested in j);
    constraint(i) = Σ_{j∈N(i)} (p_ij + Σ_{q∈N(i)∩N(j)} p_iq p_qj)²;
    effective size(i) = Σ_{j∈N(i)} (1 - Σ_{q∈N(i)∩N(j)} p_iq m_jq), m_jq = w_jq / max_k w_jk
    (for unit weights this is Borgatti's (1997) degree - 2t/degree). Isolated vertices get NaN.
    The indirect terms run over common neighbours, i.e. over the network's triangles.
    """
    n = net.n
    g = net.g
    if net.m == 0:
        return np.full(n, np.nan), np.full(n, np.nan)
    ends = np.array(g.get_edgelist(), dtype=np.int64)
    w = np.array(g.es["weight"], dtype=float) if weighted else np.ones(len(ends))
    i = np.concatenate([ends[:, 0], ends[:, 1]])
    j = np.concatenate([ends[:, 1], ends[:, 0]])
    ww = np.concatenate([w, w])
    strength = np.bincount(i, weights=ww, minlength=n)
    wmax = np.zeros(n)
    np.maximum.at(wmax, i, ww)
    order = np.argsort(i * n + j)
    keys = (i * n + j)[order]
    wsorted = ww[order]

    def lookup(u: np.ndarray, v: np.ndarray) -> np.ndarray:
        return np.searchsorted(keys, u * n + v)

    p_dir = wsorted / strength[keys // n]  # p_ij for each ordered tie, in key order
    indirect = np.zeros(len(keys))
    redundant = np.zeros(len(keys))
    tri = _triangles(net)
    for ia, ib, ic in _PERMUTATIONS:
        a, b, q = tri[:, ia], tri[:, ib], tri[:, ic]  # ordered pair (a, b), third vertex q
        pos_ab = lookup(a, b)
        p_aq = p_dir[lookup(a, q)]
        p_qb = p_dir[lookup(q, b)]
        m_bq = wsorted[lookup(b, q)] / wmax[b]
        np.add.at(indirect, pos_ab, p_aq * p_qb)
        np.add.at(redundant, pos_ab, p_aq * m_bq)
    src = keys // n
    constraint = np.bincount(src, weights=(p_dir + indirect) ** 2, minlength=n)
    esize = np.bincount(src, weights=1.0 - redundant, minlength=n)
    isolated = np.bincount(src, minlength=n) == 0
    constraint[isolated] = np.nan
    esize[isolated] = np.nan
    return constraint, esize
