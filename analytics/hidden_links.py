"""Hidden links: a classifier on topological pair features, trained by hiding known links."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from analytics import communities
from analytics.network import PersonNetwork

FEATURES = (
    "common_neighbours",
    "jaccard",
    "adamic_adar",
    "preferential_attachment",
    "katz",
    "same_community",
)
KATZ_BETA = 0.05
TRAIN_CAP = 20_000  # hidden links used as positives (seeded sample), and as many negatives


@dataclass
class LinkPrediction:
    """Scored candidate pairs (vertex ids, probability) and the AUC measured on hidden links."""

    pairs: np.ndarray  # (p, 2) vertex ids, u < v
    scores: np.ndarray
    auc: float
    hidden: int
    candidates: int


def _adjacency(n: int, edges: np.ndarray) -> sparse.csr_matrix:
    if len(edges) == 0:
        return sparse.csr_matrix((n, n))
    data = np.ones(2 * len(edges))
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    a = sparse.csr_matrix((data, (rows, cols)), shape=(n, n))
    a.data[:] = 1.0
    return a


def pair_features(
    adj: sparse.csr_matrix, pairs: np.ndarray, membership: np.ndarray, batch: int = 2000
) -> np.ndarray:
    """Features of each pair (u, v) on the network ``adj`` (Liben-Nowell & Kleinberg 2007):

    common neighbours |Γu∩Γv|; Jaccard |Γu∩Γv|/|Γu∪Γv|; Adamic–Adar Σ_{w∈Γu∩Γv} 1/ln|Γw| (Adamic &
    Adar 2003); preferential attachment |Γu|·|Γv|; Katz (1953) truncated to paths of length ≤ 3,
    β·A + β²·A² + β³·A³ with β = 0.05; same community (0/1).
    """
    deg = np.asarray(adj.sum(axis=1)).ravel()
    with np.errstate(divide="ignore"):
        inv_log = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0)
    aa_adj = adj @ sparse.diags(inv_log)
    out = np.zeros((len(pairs), len(FEATURES)))
    if len(pairs) == 0:
        return out
    adj = adj.tocsr()
    aa_adj = aa_adj.tocsr()
    for start in range(0, len(pairs), batch):
        chunk = pairs[start : start + batch]
        us, vs = chunk[:, 0], chunk[:, 1]
        rows_u, rows_v = adj[us], adj[vs]
        # row-wise products: only the pairs' own entries of A², (A·D·A) and A³ are computed
        cn = np.asarray(rows_u.multiply(rows_v).sum(axis=1)).ravel()
        aa = np.asarray(rows_u.multiply(aa_adj[vs]).sum(axis=1)).ravel()
        p3 = np.asarray((rows_u @ adj).multiply(rows_v).sum(axis=1)).ravel()
        p1 = np.asarray(adj[us, vs]).ravel()
        du, dv = deg[us], deg[vs]
        union = du + dv - cn
        out[start : start + len(chunk)] = np.column_stack(
            [
                cn,
                np.where(union > 0, cn / np.maximum(union, 1), 0.0),
                aa,
                du * dv,
                KATZ_BETA * p1 + KATZ_BETA**2 * cn + KATZ_BETA**3 * p3,
                (membership[us] == membership[vs]).astype(float),
            ]
        )
    return out


def candidate_pairs(
    adj: sparse.csr_matrix, cap: int, seed: int = 0, allowed: np.ndarray | None = None
) -> np.ndarray:
    """Non-adjacent pairs u < v at distance 2 (at least one common neighbour), at most ``cap`` of them.

    When there are more, the pairs with the most common neighbours are kept (ties broken at random).
    """
    n = adj.shape[0]
    rng = np.random.default_rng(seed)
    found: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    for start in range(0, n, 2000):
        rows = adj[start : start + 2000]
        paths = rows @ adj
        two = (paths - paths.multiply(rows)).tocoo()  # drop pairs that are already linked
        u = two.row + start
        v = two.col
        keep = (u < v) & (two.data > 0)
        u, v, c = u[keep], v[keep], two.data[keep]
        if allowed is not None:
            ok = allowed[u] & allowed[v]
            u, v, c = u[ok], v[ok], c[ok]
        found.append(np.column_stack([u, v]))
        weights.append(c + rng.random(len(c)) * 0.5)
        total = sum(len(f) for f in found)
        if total > 4 * cap:
            allp, allw = np.concatenate(found), np.concatenate(weights)
            top = np.argsort(-allw)[:cap]
            found, weights = [allp[top]], [allw[top]]
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    allp, allw = np.concatenate(found), np.concatenate(weights)
    if len(allp) > cap:
        allp = allp[np.argsort(-allw)[:cap]]
    return allp.astype(np.int64)


def predict_links(
    net: PersonNetwork,
    membership: np.ndarray,
    hide_fraction: float = 0.1,
    seed: int = 0,
    cap: int = 100_000,
    train_cap: int = TRAIN_CAP,
    train_membership: np.ndarray | None = None,
) -> LinkPrediction:
    """Train on hidden links, score candidate pairs (supervised link prediction, Lichtenwalter et al. 2010).

    A fraction ``hide_fraction`` of the links is hidden; a seeded sample of at most ``train_cap`` of
    them are the positives and as many non-adjacent pairs drawn uniformly at random the negatives;
    features are computed on the network without the hidden links; the ROC AUC of a logistic
    regression is measured by two-fold cross-validation (each half scored by the model fitted on the
    other). The model, refitted on all of them, then scores the candidate pairs of the full network.
    ``train_membership`` is the community partition of the reduced network; by default it is computed
    (Leiden, same seed) on the reduced network, so that no feature of a training pair sees its hidden link.
    """
    n = net.n
    edges = np.array(net.g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    rng = np.random.default_rng(seed)
    m = len(edges)
    n_hide = int(round(m * hide_fraction))
    if n < 4 or n_hide < 4:
        return LinkPrediction(np.zeros((0, 2), dtype=np.int64), np.zeros(0), float("nan"), 0, 0)
    perm = rng.permutation(m)
    hidden, kept = edges[perm[:n_hide]], edges[perm[n_hide:]]
    hidden = hidden[rng.permutation(len(hidden))[:train_cap]]
    existing = np.sort(edges.min(axis=1) * n + edges.max(axis=1))
    negatives = np.zeros((0, 2), dtype=np.int64)
    for _ in range(50):
        if len(negatives) >= len(hidden):
            break
        draw = rng.integers(0, n, size=(2 * len(hidden), 2))
        draw = np.sort(draw[draw[:, 0] != draw[:, 1]], axis=1)
        keys = draw[:, 0] * n + draw[:, 1]
        pos = np.minimum(np.searchsorted(existing, keys), len(existing) - 1)
        draw = draw[existing[pos] != keys]
        both = np.vstack([negatives, draw])
        _, first = np.unique(both[:, 0] * n + both[:, 1], return_index=True)
        negatives = both[np.sort(first)]
    negatives = negatives[: len(hidden)]
    neg = negatives.reshape(-1, 2)
    reduced = _adjacency(n, kept)
    if train_membership is None:
        reduced_graph = net.g.copy()
        reduced_graph.delete_edges(perm[:n_hide].tolist())
        reduced_net = PersonNetwork(reduced_graph, np.zeros((0, 2), dtype=np.int64))
        train_membership = communities.leiden(reduced_net, seed=seed).membership
    tm = train_membership
    x = pair_features(reduced, np.vstack([np.sort(hidden, axis=1), neg]), tm)
    y = np.concatenate([np.ones(len(hidden)), np.zeros(len(neg))])
    split = rng.permutation(len(y))
    half = len(y) // 2
    train, test = split[:half], split[half:]
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    auc = float("nan")
    if len(set(y[train])) == 2 and len(set(y[test])) == 2:
        # two-fold: each half is scored by the model trained on the other; AUC on the pooled scores
        held_out = np.zeros(len(y))
        for fit_on, score_on in ((train, test), (test, train)):
            model.fit(x[fit_on], y[fit_on])
            held_out[score_on] = model.predict_proba(x[score_on])[:, 1]
        auc = float(roc_auc_score(y, held_out))
    model.fit(x, y)
    full = _adjacency(n, edges)
    pairs = candidate_pairs(full, cap, seed, allowed=net.is_person())
    scores = model.predict_proba(pair_features(full, pairs, membership))[:, 1] if len(pairs) else np.zeros(0)
    order = np.argsort(-scores, kind="stable")
    return LinkPrediction(pairs[order], scores[order], auc, len(hidden), len(pairs))
