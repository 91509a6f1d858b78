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


_PERMUTATIONS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


_PAIRS = tuple((x, y) for x in range(3) for y in range(3) if x != y)


def _find(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of each ``wanted`` key in the sorted array ``keys``, or -1 where it is absent."""
    if len(keys) == 0:
        return np.full(len(wanted), -1)
    pos = np.searchsorted(keys, wanted).clip(max=len(keys) - 1)
    return np.where(keys[pos] == wanted, pos, -1)


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
    # a = c: the counts above include each b↔a mutual tie as the pair (a, a); take them out
    keys = np.sort(src * n + dst)
    mutual = _find(keys, dst * n + src) >= 0  # edge (src, dst) has a reverse (dst, src)
    b_m, a_m = src[mutual], dst[mutual]
    same_m = g[a_m] == g[b_m]
    out["coordinator"] -= np.bincount(b_m[same_m], minlength=n)
    out["itinerant"] -= np.bincount(b_m[~same_m], minlength=n)
    # closed two-paths a→b→c with a→c: a, b, c form a triangle of the undirected network
    tri = net.triangles()
    if len(tri):
        # is the directed tie tri[:, x] → tri[:, y] present? (looked up once per ordered pair of corners)
        has = {(x, y): _find(keys, tri[:, x] * n + tri[:, y]) >= 0 for x, y in _PAIRS}
        for ia, ib, ic in _PERMUTATIONS:
            closed = has[(ia, ib)] & has[(ib, ic)] & has[(ia, ic)]
            a, b, c = tri[closed, ia], tri[closed, ib], tri[closed, ic]
            ga, gb, gc = g[a], g[b], g[c]
            for role, mask in (
                ("coordinator", (ga == gb) & (gb == gc)),
                ("itinerant", (ga == gc) & (ga != gb)),
                ("representative", (ga == gb) & (gb != gc)),
                ("gatekeeper", (ga != gb) & (gb == gc)),
                ("liaison", (ga != gb) & (gb != gc) & (ga != gc)),
            ):
                out[role] -= np.bincount(b[mask], minlength=n)
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

    p_dir = wsorted / strength[keys // n]  # p_ij for each ordered tie, in key order
    tri = net.triangles()
    # position in key order of the tie tri[:, x] → tri[:, y], for each ordered pair of corners
    pos = {(x, y): np.searchsorted(keys, tri[:, x] * n + tri[:, y]) for x, y in _PAIRS}
    indirect = np.zeros(len(keys))
    redundant = np.zeros(len(keys))
    for ia, ib, ic in _PERMUTATIONS:  # ordered pair (a, b) = (tri[:, ia], tri[:, ib]), third vertex q
        p_aq = p_dir[pos[(ia, ic)]]
        p_qb = p_dir[pos[(ic, ib)]]
        m_bq = wsorted[pos[(ib, ic)]] / wmax[tri[:, ib]]
        indirect += np.bincount(pos[(ia, ib)], weights=p_aq * p_qb, minlength=len(keys))
        redundant += np.bincount(pos[(ia, ib)], weights=p_aq * m_bq, minlength=len(keys))
    src = keys // n
    constraint = np.bincount(src, weights=(p_dir + indirect) ** 2, minlength=n)
    esize = np.bincount(src, weights=1.0 - redundant, minlength=n)
    isolated = np.bincount(src, minlength=n) == 0
    constraint[isolated] = np.nan
    esize[isolated] = np.nan
    return constraint, esize
