"""Bridging between cells: the working ties a person has on both sides of every pair of cells he links."""

from __future__ import annotations

import numpy as np

from analytics.network import PersonNetwork

# The six ways to read a triangle (x, y, z) as "tie x→y, shared contact z".
_ORIENTATIONS = ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0))


def working_ties(net: PersonNetwork, cells: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
    """The ties v→w (rows of two vertex indexes, each once) where v and w share a contact in w's cell.

    A tie embedded in a triangle is a Simmelian tie (Krackhardt 1999); requiring the third person in
    w's own cell makes it a working tie *with that cell*: v knows two people of the cell who know each
    other. A single call to a stranger, or a broker visiting a cell's leader seen from the leader's
    side, is not one. Only vertices of ``among`` count, as either end and as the shared contact.
    """
    tri = net.triangles()
    if among is not None and len(tri):
        tri = tri[np.asarray(among)[tri].all(axis=1)]
    if len(tri) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    cells = np.asarray(cells)
    n = net.n
    keys = []
    for x, y, z in _ORIENTATIONS:
        ok = cells[tri[:, z]] == cells[tri[:, y]]
        keys.append(tri[ok, x] * n + tri[ok, y])
    key = np.unique(np.concatenate(keys))
    return np.column_stack([key // n, key % n])


def cell_bridging(net: PersonNetwork, cells: np.ndarray, among: np.ndarray | None = None) -> np.ndarray:
    """Bridging between cells of each person: Σ over pairs of cells {A, B} of min(t(A), t(B)).

    t(C) is the number of v's working ties with cell C (``working_ties``; v's own cell included). For
    each pair of cells v has working ties with, min(t(A), t(B)) is the most separate routes between A
    and B that v can carry, one per tie: the maximum flow through v from A to B with unit capacities
    (flow betweenness, Freeman, Borgatti & White 1991), between groups as in Gould & Fernandez (1989).
    A broker with working ties to 2 people in each of 3 cells scores 3 pairs × 2 = 6; a member of one
    cell with stray contacts in others scores 0, as does a leader whose visitors come from elsewhere.
    Computed without enumerating pairs: with v's t values sorted ascending t₁ ≤ … ≤ t_d, the sum is
    Σᵢ tᵢ·(d − i). Only vertices of ``among`` count (the analysis passes the non-victims); others get 0.
    """
    out = np.zeros(net.n)
    ties = working_ties(net, cells, among)
    if len(ties) == 0:
        return out
    cells = np.asarray(cells)
    ncells = int(cells.max()) + 1
    key, t = np.unique(ties[:, 0] * ncells + cells[ties[:, 1]], return_counts=True)
    v = key // ncells
    order = np.lexsort((t, v))
    v, t = v[order], t[order]
    d = np.bincount(v, minlength=net.n)
    first = np.concatenate([[0], np.cumsum(d)[:-1]])
    position = np.arange(len(v)) - first[v]  # 0-based rank of each t within its vertex
    out += np.bincount(v, weights=t * (d[v] - 1 - position), minlength=net.n)
    return out
