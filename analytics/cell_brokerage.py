"""Brokerage between cells: pairs of contacts in different cells who meet only through one person."""

from __future__ import annotations

import numpy as np

from analytics.network import PersonNetwork

# Two-paths are enumerated this many at most at a time (memory: about 40 bytes each).
CHUNK_PAIRS = 4_000_000


def _two_paths(indptr: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every two-path a–v–c with a < c, as three arrays (a, middle v, c), degree by degree."""
    deg = np.diff(indptr)
    mids: list[np.ndarray] = []
    lows: list[np.ndarray] = []
    highs: list[np.ndarray] = []
    for d in np.unique(deg[deg >= 2]).tolist():
        iu, ju = np.triu_indices(d, k=1)
        verts = np.flatnonzero(deg == d)
        step = max(1, CHUNK_PAIRS // len(iu))
        for start in range(0, len(verts), step):
            vs = verts[start : start + step]
            base = indptr[vs][:, None]
            a = indices[base + iu].ravel()
            c = indices[base + ju].ravel()
            mids.append(np.repeat(vs, len(iu)))
            lows.append(np.minimum(a, c))
            highs.append(np.maximum(a, c))
    if not mids:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(lows), np.concatenate(mids), np.concatenate(highs)


def cell_brokerage(net: PersonNetwork, cells: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
    """Brokerage between cells of each person: k-betweenness with k = 2 over pairs in different cells.

    cb(v) = Σ 1/σ_ac over the pairs {a, c} of v's contacts that are in different cells and not in
    contact with each other, σ_ac being the number of people both are in contact with (v among them).
    It is Borgatti & Everett's (2006) k-betweenness for k = 2 restricted to the between-group pairs
    that Gould & Fernandez (1989) call liaison, itinerant, representative and gatekeeper brokerage
    (close to Everett & Borgatti's 2005 ego betweenness, which counts only common contacts inside
    the ego network): "v links 4.5 pairs of people of different cells who have no direct contact".
    ``cells`` gives each vertex's cell (the analysis' fine communities). Only the vertices of
    ``among`` (by default everyone) count, as ends and as intermediaries: the analysis passes the
    non-victims, so that a recruiter is not made a broker by the victims he recruits, nor a victim
    a link between two cells. Others get 0.
    """
    n = net.n
    out = np.zeros(n)
    ends = np.array(net.g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    if among is not None:
        ends = ends[among[ends[:, 0]] & among[ends[:, 1]]]
    if len(ends) < 2:
        return out
    src = np.concatenate([ends[:, 0], ends[:, 1]])
    dst = np.concatenate([ends[:, 1], ends[:, 0]])
    order = np.lexsort((dst, src))
    src, dst = src[order], dst[order]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(src, minlength=n))])
    a, mid, c = _two_paths(indptr, dst)
    if len(a) == 0:
        return out
    keys = a * n + c
    _, inverse, sigma = np.unique(keys, return_inverse=True, return_counts=True)
    linked = np.sort(np.minimum(ends[:, 0], ends[:, 1]) * n + np.maximum(ends[:, 0], ends[:, 1]))
    pos = np.searchsorted(linked, keys).clip(max=len(linked) - 1)
    open_pair = linked[pos] != keys
    cells = np.asarray(cells)
    counted = open_pair & (cells[a] != cells[c])
    out += np.bincount(mid[counted], weights=1.0 / sigma[inverse[counted]], minlength=n)
    return out
