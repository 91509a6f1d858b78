"""Benchmark of the analytics on the large demo in Neo4j (or a generated network), with networkx baselines."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from analytics import brokerage, centrality, communities, hidden_links, keyplayers
from analytics.cell_bridging import cell_bridging
from analytics.cell_brokerage import cell_brokerage
from analytics.kbetweenness import choose_k, k_betweenness
from analytics.network import PersonNetwork, from_edge_list
from analytics.pipeline import AnalysisResult, analyze, compute
from bench.analytics_quality import demo_answer_key, planted_answer_key, quality_report
from bench.ingest import local_neo4j, machine
from bench.planted import planted_network
from bench.timing import best_of, timed
from graph.connection import Graph, get_graph
from graph.settings import load_settings
from loaders.demo import DEFAULT_SEED, SCALES, generate, load_demo

TARGET_ANALYZE_S = 60.0
TARGET_SPEEDUP = 20.0


def clustered_graph(n: int, m: int, seed: int, cell_size: int = 40) -> list[tuple[int, int]]:
    """n people in cells of about ``cell_size``, with exactly m distinct links, 80 % of them inside a
    cell and the rest between anyone (links are drawn in rounds until m distinct ones exist)."""
    rng = np.random.default_rng(seed)
    cell = rng.integers(0, max(1, n // cell_size), size=n)
    order = np.argsort(cell, kind="stable")
    starts = np.searchsorted(cell[order], np.arange(cell.max() + 2))
    keys = np.zeros(0, dtype=np.int64)
    while len(keys) < m:
        draw = int((m - len(keys)) * 1.1) + 16
        u = rng.integers(0, n, size=draw)
        inside = rng.random(draw) < 0.8
        c = cell[u]
        lo, hi = starts[c], starts[c + 1]
        v_in = order[lo + (rng.random(draw) * (hi - lo)).astype(np.int64)]
        v = np.where(inside, v_in, rng.integers(0, n, size=draw))
        a, b = np.minimum(u, v), np.maximum(u, v)
        new = a[a != b] * n + b[a != b]
        keys = np.unique(np.concatenate([keys, new]))
    keys = rng.permutation(keys)[:m]
    return list(zip((keys // n).tolist(), (keys % n).tolist(), strict=True))


def compare_networkx(net: PersonNetwork, sample: int, seed: int, t_bt: float) -> None:
    """Exact betweenness with both libraries on a BFS sample of ``net``; the full-size ratio scaled by n·m."""
    rng = random.Random(seed)
    start = rng.randrange(net.n)
    order = net.g.bfs(start)[0][:sample]
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
    speedup = t_nx / t_ours
    print(
        f"exact betweenness on a {sub.n}-person, {sub.m}-link BFS sample: ours {t_ours:.2f} s, networkx "
        f"{t_nx:.2f} s, speed-up {speedup:.0f}x (target ≥ {TARGET_SPEEDUP:.0f}x: "
        f"{'met' if speedup >= TARGET_SPEEDUP else 'MISSED'}); same top 20: {top_ours == top_nx}; "
        f"max |difference| {diff:.1e}"
    )
    # full-size networkx betweenness is O(nm): scale the sample time by (n·m)/(n_s·m_s)
    scale = (net.n * net.m) / (sub.n * sub.m)
    print(
        f"networkx exact betweenness on the whole network, scaled by n·m: ~{t_nx * scale:,.0f} s; "
        f"ours as analyze runs it: {t_bt:.1f} s (~{t_nx * scale / t_bt:,.0f}x)"
    )
    same_measures(sub, g_nx, exact)


def _max_diff(ours: np.ndarray, ref: dict[int, float], ids: list[int]) -> float:
    return max(abs(float(ours[i]) - ref[ids[i]]) for i in range(len(ids)))


def same_measures(sub: PersonNetwork, g_nx: nx.Graph, exact: centrality.PathMeasureMethod) -> None:
    """The other measures with both libraries on the sample: time, ratio and largest difference."""
    ids = [int(x) for x in sub.ids()]
    n = sub.n
    rows: list[tuple[str, float, float, str]] = []

    def pair(
        name: str, ours: Callable[[], Any], theirs: Callable[[], Any], agree: Callable[[Any, Any], str]
    ) -> None:
        t_o, a = best_of(ours)
        t_n, b = best_of(theirs)
        rows.append((name, t_o, t_n, agree(a, b)))

    pair(
        "degree",
        lambda: centrality.degree(sub)[0],
        lambda: dict(g_nx.degree()),
        lambda a, b: f"max |diff| {_max_diff(a, b, ids):.1e}",
    )
    pair(
        "closeness",
        lambda: centrality.closeness_harmonic(sub, exact)[0],
        lambda: nx.closeness_centrality(g_nx),
        lambda a, b: f"max |diff| {_max_diff(a, b, ids):.1e}",
    )
    pair(
        "harmonic (÷ n-1)",
        lambda: centrality.closeness_harmonic(sub, exact)[1],
        lambda: {k: v / (n - 1) for k, v in nx.harmonic_centrality(g_nx).items()},
        lambda a, b: f"max |diff| {_max_diff(a, b, ids):.1e}",
    )
    pair(
        "eigenvector",
        lambda: centrality.eigenvector(sub, False),
        lambda: nx.eigenvector_centrality(g_nx, max_iter=1000, tol=1e-10),
        lambda a, b: f"max |diff| {_max_diff(a, b, ids):.1e}",
    )
    pair(
        "pagerank",
        lambda: centrality.pagerank(sub, False),
        lambda: nx.pagerank(g_nx, tol=1e-10),
        lambda a, b: f"max |diff| {_max_diff(a, b, ids):.1e}",
    )
    pair(
        "communities (Leiden / networkx Louvain)",
        lambda: communities.leiden(sub),
        lambda: nx.community.louvain_communities(g_nx, seed=42),
        lambda a, b: f"modularity {a.modularity:.4f} / {nx.community.modularity(g_nx, b):.4f}",
    )
    pair(
        "constraint",
        lambda: brokerage.burt(sub, weighted=False)[0],
        lambda: nx.constraint(g_nx),
        lambda a, b: (
            f"max |diff| {_max_diff(np.nan_to_num(a), {k: np.nan_to_num(v) for k, v in b.items()}, ids):.1e}"
        ),
    )
    pair(
        "effective size",
        lambda: brokerage.burt(sub, weighted=False)[1],
        lambda: nx.effective_size(g_nx),
        lambda a, b: (
            f"max |diff| {_max_diff(np.nan_to_num(a), {k: np.nan_to_num(v) for k, v in b.items()}, ids):.1e}"
        ),
    )
    print(f"the other measures on the same {sub.n}-person sample (exact):")
    print("| measure | ours s | networkx s | networkx / ours | agreement |\n|---|---:|---:|---:|---|")
    for name, t_o, t_n, agree in rows:
        print(f"| {name} | {t_o:.3f} | {t_n:.3f} | {t_n / max(t_o, 1e-9):,.0f}x | {agree} |")


def bench_generated(args: argparse.Namespace) -> None:
    """Each measure on a generated clustered network (no Neo4j), then the networkx comparison."""
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
    t_cm, comms = timed(lambda: communities.cells(net), "cells")
    rows.append(("cells (Leiden, CPM)", t_cm))
    rows.append(
        (
            "organisations (Leiden on cells)",
            timed(lambda: communities.organisations(net, comms), "organisations")[0],
        )
    )
    rows.append(
        (
            "bridging between cells",
            timed(lambda: cell_bridging(net, comms.membership, ~net.is_victim()), "cell bridging")[0],
        )
    )
    rows.append(
        (
            "brokerage between cells",
            timed(lambda: cell_brokerage(net, comms.membership, ~net.is_victim()), "cell brokerage")[0],
        )
    )
    k = choose_k(net)
    label = f"{k}-betweenness (k as analyze chooses it)"
    rows.append((label, timed(lambda: k_betweenness(net, k), label)[0]))
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
    print_steps(result, t_all, TARGET_ANALYZE_S, "compute (in memory, hidden links included)")
    if not method.exact:
        print(f"  betweenness: {method.describe()}")
    compare_networkx(net, args.sample, args.seed, t_bt)
    print(f"timings of compute(): {result.timings}")


def peak_memory() -> str:
    """Peak resident memory of this process and of its (forked) children so far."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return f"peak memory: this process {own:,.0f} MiB, largest child {children:,.0f} MiB"


def print_steps(result: AnalysisResult, total: float, target: float, what: str) -> None:
    net = result.network
    print(
        f"{what}: {net.n:,} vertices, {net.m:,} links; total {total:.1f} s (target < {target:.0f} s: "
        f"{'met' if total < target else 'MISSED'})"
    )
    print("| step | s |\n|---|---:|")
    for name, seconds in result.timings.items():
        print(f"| {name} | {seconds:.1f} |")
    print(peak_memory(), flush=True)


def bench_planted(args: argparse.Namespace) -> None:
    """The in-memory analysis of a planted cell network (bench.planted), with its answer key."""
    t, planted = timed(lambda: planted_network(seed=args.seed))
    roles = {int(v): "victim" for v in planted.victims}
    t_build, net = timed(lambda: from_edge_list(planted.edges.tolist(), n=planted.n, roles=roles))
    print(f"planted network: {net.n:,} people, {net.m:,} links, {len(planted.brokers):,} brokers, "
          f"{len(planted.victims):,} victims (made in {t:.1f} s, built in {t_build:.1f} s)")  # fmt: skip
    total, result = timed(lambda: compute(net))
    print_steps(result, total, TARGET_ANALYZE_S, "compute (in memory)")
    quality_report(result, planted_answer_key(net, planted), args.seed, args.kadabra_epsilon)


def bench_demo(args: argparse.Namespace) -> None:
    """The whole ``analyze`` (projection, every measure, write-back) on the demo loaded in Neo4j."""
    if args.running:
        key_path = Path(
            args.key or load_settings().home / "demo" / f"{args.scale}-{args.seed}" / "answer_key.json"
        )
        key = json.loads(key_path.read_text(encoding="utf-8"))
        run_analysis(get_graph(), key, args)
        return
    home = Path(tempfile.mkdtemp(prefix="hilorojo-bench-analytics-"))
    try:
        t, key = timed(lambda: generate(home / "demo", SCALES[args.scale], args.seed))
        print(f"{args.scale} demo written in {t:.1f} s", flush=True)
        with local_neo4j(home, args.heap, args.pagecache) as graph:
            t, _ = timed(lambda: load_demo(graph, home / "demo", progress=False))
            print(f"loaded in {t:.1f} s", flush=True)
            run_analysis(graph, key, args)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run_analysis(graph: Graph, key: dict[str, Any], args: argparse.Namespace) -> None:
    counts = graph.read_one("MATCH (p:Person) WITH count(p) AS people MATCH ()-[c:CALLED]->() "
                            "RETURN people, count(c) AS calls")  # fmt: skip
    print(f"graph: {counts}", flush=True)
    for run in range(1, args.runs + 1):
        t, result = timed(lambda: analyze(graph, None, weighted=args.weighted, write=True))
        print_steps(result, t, TARGET_ANALYZE_S, f"analyze run {run} (projection and write-back included)")
        print(f"path measures: {result.method.describe()}", flush=True)
    net = result.network
    quality_report(result, demo_answer_key(net, key), args.seed, args.kadabra_epsilon)
    t_bt, _ = timed(lambda: centrality.betweenness(net, result.method, args.seed))
    print(f"betweenness alone, as analyze computes it: {t_bt:.1f} s")
    compare_networkx(net, args.sample, args.seed, t_bt)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.analytics", description=__doc__)
    parser.add_argument(
        "--generated", action="store_true", help="a generated network in memory instead of the demo in Neo4j"
    )
    parser.add_argument(
        "--planted",
        action="store_true",
        help="a planted cell network with brokers (bench.planted) in memory, scored on its answer key",
    )
    parser.add_argument("--kadabra-epsilon", type=float, default=0.01, help="KADABRA's additive error")
    parser.add_argument("--scale", default="large", choices=list(SCALES), help="demo scale")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--running",
        action="store_true",
        help="use the database of NEO4J_URI (or the local one), where `hilorojo demo --scale …` "
        "already loaded the demo, instead of a new server loaded here",
    )
    parser.add_argument("--key", help="answer_key.json of the loaded demo (with --running)")
    parser.add_argument("--runs", type=int, default=1, help="analyze runs (the first plans every query)")
    parser.add_argument("--weighted", action="store_true", help="analyze --weighted")
    parser.add_argument("--heap", default="4g", help="heap of the benchmark's own Neo4j")
    parser.add_argument("--pagecache", default="2g", help="page cache of the benchmark's own Neo4j")
    parser.add_argument("--people", type=int, default=100_000, help="generated network: people")
    parser.add_argument("--links", type=int, default=1_000_000, help="generated network: links drawn")
    parser.add_argument("--sample", type=int, default=3_000, help="people in the networkx comparison sample")
    args = parser.parse_args()
    print(f"machine at start: {machine()}", flush=True)
    if args.generated:
        bench_generated(args)
    elif args.planted:
        bench_planted(args)
    else:
        bench_demo(args)
    print(f"load average at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
