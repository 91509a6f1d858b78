"""Scores of a ranking against an answer key and against exact betweenness, and the exact values' cache."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr
from sklearn.metrics import normalized_mutual_info_score

from analytics.centrality import exact_betweenness_parallel
from analytics.network import PersonNetwork

CACHE_DIR = Path.home() / ".cache" / "hilorojo-bench"


def top(score: np.ndarray, among: np.ndarray, n: int, then: np.ndarray | None = None) -> np.ndarray:
    """Indexes of the ``n`` highest scores among the vertices of ``among`` (ties by ``then``, as the
    app breaks them, then by index)."""
    idx = np.flatnonzero(among)
    s = np.nan_to_num(np.asarray(score, dtype=float)[idx], nan=-np.inf)
    t = np.zeros(len(idx)) if then is None else np.nan_to_num(np.asarray(then, dtype=float)[idx], nan=-np.inf)
    order = np.lexsort((idx, -t, -s))
    return idx[order[:n]]


def recall(
    score: np.ndarray,
    among: np.ndarray,
    planted: np.ndarray,
    n: int | None = None,
    then: np.ndarray | None = None,
) -> int:
    """How many of the ``planted`` vertices are in the top ``n`` (default: as many as planted)."""
    n = len(planted) if n is None else n
    return int(np.isin(top(score, among, n, then), planted).sum())


def tied_at_cut(score: np.ndarray, among: np.ndarray, n: int, then: np.ndarray | None = None) -> int:
    """How many people share the ranking key of the n-th person (the cut is arbitrary among them)."""
    chosen = top(score, among, n, then)
    if len(chosen) < n:
        return 0
    last = chosen[-1]
    same = np.asarray(score)[among] == score[last]
    if then is not None:
        same &= np.asarray(then)[among] == then[last]
    return int(same.sum())


def overlap(a: np.ndarray, b: np.ndarray, among: np.ndarray, k: int) -> float:
    """Share of the top ``k`` by ``a`` that is also in the top ``k`` by ``b``."""
    return len(np.intersect1d(top(a, among, k), top(b, among, k))) / max(k, 1)


def spearman(a: np.ndarray, b: np.ndarray, among: np.ndarray) -> float:
    """Spearman's rank correlation of ``a`` and ``b`` over the vertices of ``among``."""
    rho = spearmanr(np.asarray(a)[among], np.asarray(b)[among]).statistic
    return float(rho)


def nmi(truth: Sequence[object], found: Sequence[int]) -> float:
    """Normalised mutual information of a found partition against the planted one."""
    return float(normalized_mutual_info_score(list(truth), list(found)))


def network_digest(net: PersonNetwork) -> str:
    """A digest of the network's vertices and links: the cache key of its exact betweenness."""
    h = hashlib.sha256()
    h.update("\n".join(net.ids()).encode())
    h.update(np.array(net.g.get_edgelist(), dtype=np.int64).tobytes())
    return h.hexdigest()[:20]


def exact_betweenness(net: PersonNetwork, cache_dir: Path = CACHE_DIR) -> tuple[np.ndarray, float, bool]:
    """Exact betweenness of ``net`` on every CPU, cached on disk by network digest: values, seconds
    it took (when computed, or as recorded with the cache), and whether it came from the cache."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"exact-betweenness-{network_digest(net)}.npz"
    if path.exists():
        data = np.load(path)
        return data["values"], float(data["seconds"]), True
    start = time.perf_counter()
    values = exact_betweenness_parallel(net, processes=max(1, len(os.sched_getaffinity(0))))
    seconds = time.perf_counter() - start
    np.savez(path, values=values, seconds=seconds)
    return values, seconds, False
