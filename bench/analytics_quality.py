"""How well the analysis finds what was planted: brokers found, agreement with exact betweenness, NMI."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np

from analytics.kbetweenness import k_betweenness
from analytics.network import PersonNetwork
from analytics.pipeline import AnalysisResult
from analytics.ranking import rank_bands
from bench import ranking_quality
from bench.planted import Planted
from bench.timing import timed
from graph import analysis_store


@dataclass
class AnswerKey:
    """What was planted, as vertex indexes of the analysed network: brokers, cells, organisations."""

    brokers: np.ndarray
    cell_of: dict[int, object]
    org_of: dict[int, object]


def demo_answer_key(net: PersonNetwork, key: dict[str, Any]) -> AnswerKey:
    """The demo's answer key on the projected network (people who are not in it are left out)."""
    brokers = np.array([net.index[b["person_id"]] for b in key["brokers"] if b["person_id"] in net.index])
    info = key["cell_info"]
    cell_of = {net.index[p]: c["cell"] for p, c in key["cells"].items() if p in net.index}
    org_of = {v: info[c]["org"] for v, c in cell_of.items() if c in info}
    return AnswerKey(brokers.astype(np.int64), cell_of, org_of)


def planted_answer_key(net: PersonNetwork, planted: Planted) -> AnswerKey:
    v = np.array([net.index[str(i)] for i in range(planted.n)])
    members = np.flatnonzero(planted.cell >= 0)
    return AnswerKey(
        v[planted.brokers],
        {int(v[i]): int(planted.cell[i]) for i in members},
        {int(v[i]): int(planted.org[i]) for i in members},
    )


def _kadabra(net: PersonNetwork, epsilon: float) -> np.ndarray | None:
    """networkit's KADABRA (Borassi & Natale 2016) on every CPU, or None when networkit is missing."""
    try:
        import networkit as nk
    except ImportError:
        return None
    nk.setNumberOfThreads(max(1, len(os.sched_getaffinity(0))))
    g = nk.Graph(net.n)
    for a, b in net.g.get_edgelist():
        g.addEdge(a, b)
    k = nk.centrality.KadabraBetweenness(g, epsilon, 0.1)
    k.run()
    return np.array(k.scores())


DEFAULT_RANKING = "cell_bridging (default)"
Scores = dict[str, tuple[np.ndarray, float | None]]


def _scores(
    result: AnalysisResult, kadabra_epsilon: float
) -> tuple[Scores, dict[str, np.ndarray], np.ndarray]:
    """Each ranking's values (and the seconds a baseline took), the default's tie-break, exact betweenness."""
    net = result.network
    default = DEFAULT_RANKING
    scores: Scores = {
        default: (result.measures["cell_bridging"], None),
        "cell_brokerage": (result.measures["cell_brokerage"], None),
        "pagerank": (result.measures["pagerank"], None),
        "degree": (result.measures["degree"], None),
        "effective_size": (result.measures["effective_size"], None),
        f"betweenness as analyze estimates it ({result.method.pivots} pivots)": (
            result.measures["betweenness"],
            None,
        ),
    }
    # the default ranking breaks equal values as the app does (analysis_store.TIE_BREAK)
    then = {default: result.measures[analysis_store.TIE_BREAK["cell_bridging"]]}
    t, (exact, took, cached) = timed(lambda: ranking_quality.exact_betweenness(net))
    scores["exact betweenness"] = (exact, took)
    print(f"exact betweenness: {took:.0f} s on every CPU ({'from the cache' if cached else 'computed now'})")
    for k in (2, 3, 4):
        t, value = timed(partial(k_betweenness, net, k))
        scores[f"{k}-betweenness"] = (value, t)
    t, kad = timed(lambda: _kadabra(net, kadabra_epsilon))
    if kad is not None:
        scores[f"KADABRA ε = {kadabra_epsilon:g}"] = (kad, t)
    else:
        print("KADABRA: networkit not installed (pip install -e '.[bench]')")
    # the same baselines on the network without the victims' links (the analysis keeps them)
    suspects = net.g.induced_subgraph(np.flatnonzero(~net.is_victim()).tolist())
    keep = np.flatnonzero(~net.is_victim())
    for name, fn in (("pagerank", lambda: suspects.pagerank()), ("degree", lambda: suspects.degree())):
        t, value = timed(fn)
        full = np.zeros(net.n)
        full[keep] = value
        scores[f"{name}, victims' links removed"] = (full, t)
    return scores, then, exact


def _print_recall(scores: Scores, then: dict[str, np.ndarray], among: np.ndarray, truth: AnswerKey) -> None:
    """How many planted brokers each ranking puts in its top N (N planted), and the targets."""
    nb = len(truth.brokers)
    default = DEFAULT_RANKING
    print(f"\nplanted brokers found in the top {nb:,} (victims never ranked):")
    print("| ranking | found | share | s |\n|---|---:|---:|---:|")
    found: dict[str, int] = {}
    for name, (value, secs) in scores.items():
        found[name] = ranking_quality.recall(value, among, truth.brokers, then=then.get(name))
        took_s = "" if secs is None else f"{secs:.1f}"
        print(f"| {name} | {found[name]:,} | {found[name] / max(nb, 1):.1%} | {took_s} |")
    got = found[default]
    best_name = max(("pagerank", "degree", "exact betweenness"), key=found.__getitem__)
    tied = ranking_quality.tied_at_cut(scores[default][0], among, nb, then[default])
    print(
        f"default ≥ 90 % of planted: {'met' if got >= 0.9 * nb else 'MISSED'}; default ≥ best of "
        f"PageRank, degree, exact betweenness ({best_name}, {found[best_name]:,}): "
        f"{'met' if got >= found[best_name] else 'MISSED'}; people sharing the default's key at the "
        f"cut: {tied:,}"
    )


def _print_agreement(
    result: AnalysisResult, scores: Scores, exact: np.ndarray, among: np.ndarray, nb: int
) -> None:
    """Each ranking's overlap and rank correlation with exact betweenness; the estimate's rank bands."""
    print("\nagreement with exact betweenness (people who may be ranked):")
    print("| measure | top-100 | top-1,000 | top-N | Spearman |\n|---|---:|---:|---:|---:|")
    for name, (value, _) in scores.items():
        if name == "exact betweenness" or "removed" in name:
            continue
        o = [ranking_quality.overlap(value, exact, among, k) for k in (100, 1000, nb)]
        rho = ranking_quality.spearman(value, exact, among)
        print(f"| {name} | {o[0]:.2f} | {o[1]:.2f} | {o[2]:.2f} | {rho:.3f} |")
    if not result.method.exact:
        se = result.measures["betweenness_se"]
        best, worst = rank_bands(result.measures["betweenness"][among], se[among])
        top100 = np.argsort(-result.measures["betweenness"][among], kind="stable")[:100]
        width = worst[top100] - best[top100]
        print(
            f"estimated betweenness, top 100: median rank band {int(np.median(width)):,} ranks wide "
            f"(widest {int(width.max()):,}); the page and the CLI show those bands"
        )


def _print_groups(result: AnalysisResult, truth: AnswerKey) -> None:
    """NMI of the cells and organisations found against the planted ones, and their sizes."""
    vs = sorted(truth.cell_of)
    planted_cells = [truth.cell_of[v] for v in vs]
    nmi_cells = ranking_quality.nmi(planted_cells, [int(result.communities.membership[v]) for v in vs])
    vo = sorted(truth.org_of)
    nmi_orgs = ranking_quality.nmi(
        [truth.org_of[v] for v in vo], [int(result.organisations.membership[v]) for v in vo]
    )
    sizes = np.bincount(result.communities.membership)
    org_sizes = np.bincount(result.organisations.membership)
    print(
        f"\ncells: {result.communities.count:,} found for {len(set(planted_cells)):,} planted, NMI "
        f"{nmi_cells:.3f} (target ≥ 0.9: {'met' if nmi_cells >= 0.9 else 'MISSED'}); sizes median "
        f"{int(np.median(sizes))}, 90th percentile {int(np.percentile(sizes, 90))}"
    )
    print(
        f"organisations: {result.organisations.count:,} found for {len(set(truth.org_of.values())):,} "
        f"planted, NMI {nmi_orgs:.3f}; sizes median {int(np.median(org_sizes))}, largest {org_sizes.max():,}"
    )


def quality_report(result: AnalysisResult, truth: AnswerKey, seed: int, kadabra_epsilon: float) -> None:
    """Recall of the planted brokers for the default ranking and every baseline, agreement of each
    path measure with exact betweenness, and NMI of cells and organisations: all in this run."""
    among = result.network.rankable()
    scores, then, exact = _scores(result, kadabra_epsilon)
    _print_recall(scores, then, among, truth)
    _print_agreement(result, scores, exact, among, len(truth.brokers))
    _print_groups(result, truth)
