"""Benchmark of the analytics on a large network, with networkx baselines measured in the same run."""

from __future__ import annotations

import argparse
import os
import random
import time
from collections.abc import Callable
from typing import Any

import networkx as nx
import numpy as np

from analytics import brokerage, centrality, communities, hidden_links, keyplayers
from analytics.network import from_edge_list
from analytics.pipeline import compute


def clustered_graph(n: int, m: int, seed: int) -> list[tuple[int, int]]:
    """n people in cells of ~20 (80% of links inside a cell), the rest across: about m distinct links."""
    rng = np.random.default_rng(seed)
    cell = rng.integers(0, max(1, n // 20), size=n)
    order = np.argsort(cell, kind="stable")
    starts = np.searchsorted(cell[order], np.arange(cell.max() + 2))
    u = rng.integers(0, n, size=int(m * 1.05))
    inside = rng.random(len(u)) < 0.8
    c = cell[u]
    lo, hi = starts[c], starts[c + 1]
    v_in = order[lo + (rng.random(len(u)) * (hi - lo)).astype(np.int64)]
    v_out = rng.integers(0, n, size=len(u))
    v = np.where(inside, v_in, v_out)
    a, b = np.minimum(u, v), np.maximum(u, v)
    keys = np.unique(a[a != b] * n + b[a != b])[:m]
    return list(zip((keys // n).tolist(), (keys % n).tolist(), strict=True))


def timed(fn: Callable[[], Any], label: str | None = None) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t
    if label:
        print(f"  {label:34s} {elapsed:8.2f} s", flush=True)
    return elapsed, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=3_000, help="people in the networkx comparison sample")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}", flush=True)

    t_gen, edges = timed(lambda: clustered_graph(args.people, args.links, args.seed))
    t_build, net = timed(lambda: from_edge_list(edges, n=args.people))
    print(f"network: {net.n} people, {net.m} links (generated in {t_gen:.1f}s, built in {t_build:.1f}s)")

    method = centrality.choose_method(net.n, net.m, False)
    rows: list[tuple[str, float]] = []
    rows.append(("degree", timed(lambda: centrality.degree(net), "degree")[0]))
    t_bt, _ = timed(lambda: centrality.betweenness(net, method), "betweenness")
    rows.append((f"betweenness ({'exact' if method.exact else f'{method.pivots} pivots'})", t_bt))
    rows.append(
        (
            "closeness + harmonic",
            timed(lambda: centrality.closeness_harmonic(net, method), "closeness + harmonic")[0],
        )
    )
    rows.append(("eigenvector", timed(lambda: centrality.eigenvector(net, False), "eigenvector")[0]))
    rows.append(("pagerank", timed(lambda: centrality.pagerank(net, False), "pagerank")[0]))
    t_cm, comms = timed(lambda: communities.leiden(net), "communities")
    rows.append(("communities (Leiden)", t_cm))
    rows.append(
        (
            "brokerage roles",
            timed(lambda: brokerage.gould_fernandez(net, comms.membership.tolist()), "brokerage")[0],
        )
    )
    rows.append(("constraint + effective size", timed(lambda: brokerage.burt(net), "burt")[0]))
    rows.append(("KPP-Neg k=5", timed(lambda: keyplayers.kpp_neg(net, 5), "kpp")[0]))
    rows.append(
        ("hidden links", timed(lambda: hidden_links.predict_links(net, comms.membership), "hidden links")[0])
    )
    t_all, result = timed(lambda: compute(net))
    rows.append(("whole compute (no Neo4j)", t_all))
    for name, t in rows:
        print(f"  {name:34s} {t:8.2f} s")
    if not method.exact:
        print(f"  betweenness error bound: {method.describe()}")

    # networkx on a sample (induced subgraph of the first `sample` people by BFS from a random person):
    # exact betweenness with both libraries on the same sample graph, same top 20 required.
    rng = random.Random(args.seed)
    start = rng.randrange(net.n)
    order = net.g.bfs(start)[0][: args.sample]
    sub_ig = net.g.induced_subgraph(order)
    sub_edges = sub_ig.get_edgelist()
    sub = from_edge_list(sub_edges, n=sub_ig.vcount())
    g_nx = nx.Graph()
    g_nx.add_nodes_from(range(sub_ig.vcount()))
    g_nx.add_edges_from(sub_edges)
    exact = centrality.choose_method(sub.n, sub.m, False, exact_work=float("inf"))
    t_ours, ours = timed(lambda: centrality.betweenness(sub, exact))
    t_nx, ref = timed(lambda: nx.betweenness_centrality(g_nx))
    ids = [int(x) for x in sub.ids()]
    ours_by = {ids[i]: ours[i] for i in range(sub.n)}
    top_ours = sorted(ours_by, key=lambda k: (-ours_by[k], k))[:20]
    top_nx = sorted(ref, key=lambda k: (-ref[k], k))[:20]
    diff = max(abs(ours_by[k] - ref[k]) for k in ref)
    print(
        f"betweenness on a {sub.n}-person, {sub.m}-link sample: ours {t_ours:.2f} s, networkx {t_nx:.2f} s, "
        f"speed-up {t_nx / t_ours:.0f}x; same top 20: {top_ours == top_nx}; max |difference| {diff:.1e}"
    )
    # full-size networkx betweenness is O(nm): scale the sample time by (n·m)/(n_s·m_s)
    scale = (net.n * net.m) / (sub.n * sub.m)
    print(
        f"networkx exact betweenness, full network, scaled by n·m: ~{t_nx * scale:,.0f} s; "
        f"ours (sampled) {t_bt:.1f} s: ~{t_nx * scale / t_bt:,.0f}x"
    )
    t_pr_nx, _ = timed(lambda: nx.pagerank(g_nx))
    t_pr, _ = timed(lambda: centrality.pagerank(sub, False))
    print(f"pagerank on the sample: ours {t_pr:.3f} s, networkx {t_pr_nx:.3f} s")
    print(f"timings of compute(): {result.timings}")
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
