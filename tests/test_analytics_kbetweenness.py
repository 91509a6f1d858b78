"""k-betweenness, estimated betweenness with its standard error, and rank bands on small graphs."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from analytics import centrality
from analytics.kbetweenness import DEFAULT_K, choose_k, k_betweenness
from analytics.network import PersonNetwork, from_edge_list
from analytics.ranking import rank_bands


def by_node(net: PersonNetwork, values: np.ndarray) -> dict[int, float]:
    return {int(k): float(values[i]) for k, i in net.index.items()}


def test_k_betweenness_on_a_path_by_hand() -> None:
    """Path 0-1-2-3-4: with k = 2 each inner vertex lies between one pair at distance 2; with k = 3,
    vertex 1 brokers (0,2), (0,3); vertex 2 brokers (0,3), (1,3), (1,4); with k = 4 it is betweenness."""
    net = from_edge_list([(0, 1), (1, 2), (2, 3), (3, 4)])
    assert by_node(net, k_betweenness(net, 1)) == {0: 0, 1: 0, 2: 0, 3: 0, 4: 0}
    assert by_node(net, k_betweenness(net, 2)) == {0: 0, 1: 1, 2: 1, 3: 1, 4: 0}
    assert by_node(net, k_betweenness(net, 3)) == {0: 0, 1: 2, 2: 3, 3: 2, 4: 0}
    assert by_node(net, k_betweenness(net, 4)) == {0: 0, 1: 3, 2: 4, 3: 3, 4: 0}


def test_k_betweenness_splits_a_pair_between_its_shortest_paths() -> None:
    """4-cycle 0-1-2-3: the pair (0, 2) has two shortest paths (via 1 and via 3), so each broker gets
    1/2; likewise (1, 3). Every vertex: 0.5."""
    net = from_edge_list([(0, 1), (1, 2), (2, 3), (3, 0)])
    assert by_node(net, k_betweenness(net, 2)) == {0: 0.5, 1: 0.5, 2: 0.5, 3: 0.5}


def _brute_force(g: nx.Graph, k: int) -> dict[int, float]:
    """Borgatti & Everett's definition read literally: every pair within k links, every shortest path."""
    out = dict.fromkeys(g, 0.0)
    for s, t in itertools.combinations(g, 2):
        if not nx.has_path(g, s, t):
            continue
        paths = list(nx.all_shortest_paths(g, s, t))
        if len(paths[0]) - 1 > k:
            continue
        for p in paths:
            for v in p[1:-1]:
                out[v] += 1.0 / len(paths)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_k_betweenness_equals_the_definition_on_random_graphs(seed: int) -> None:
    g = nx.gnm_random_graph(30, 55, seed=seed)
    net = from_edge_list(list(g.edges()), n=30)
    for k in (2, 3, 5):
        got = by_node(net, k_betweenness(net, k))
        ref = _brute_force(g, k)
        assert max(abs(got[v] - ref[v]) for v in g) < 1e-9


def test_k_betweenness_rejects_k_below_one() -> None:
    with pytest.raises(ValueError):
        k_betweenness(from_edge_list([(0, 1), (1, 2)]), 0)


def test_exact_betweenness_has_no_error() -> None:
    net = from_edge_list([(0, 1), (1, 2), (2, 3), (3, 4)])
    method = centrality.choose_method(net.n, net.m, False)
    value, se = centrality.betweenness_with_error(net, method)
    ref = nx.betweenness_centrality(nx.path_graph(5))
    assert by_node(net, value) == pytest.approx(ref)
    assert not se.any()


def test_standard_error_covers_the_exact_value_at_the_top() -> None:
    """On a 400-person Barabási–Albert graph, sampled from 200 pivots in 10 groups, the exact
    betweenness (networkx) lies within 3 standard errors of the estimate for at least 85 % of the top
    tenth: the people a ranking shows first. (Below the top, a value made by one or two sources is
    often missed by every group, and its standard error understates the error: docs/analytics.md.)"""
    g = nx.barabasi_albert_graph(400, 2, seed=5)
    net = from_edge_list(list(g.edges()), n=400)
    method = centrality.choose_method(net.n, net.m, False, exact_work=net.m * 200)
    assert not method.exact and method.pivots == 200
    ref = nx.betweenness_centrality(g)
    exact = np.array([ref[int(node)] for node in net.ids()])
    top = exact >= np.quantile(exact, 0.9)
    for seed in range(4):
        value, se = centrality.betweenness_with_error(net, method, seed=seed)
        assert (np.abs(value - exact) <= 3 * se)[top].mean() >= 0.85
        assert (se[top] > 0).all()
        assert np.allclose(value, centrality.betweenness(net, method, seed=seed))


def test_rank_bands_by_hand() -> None:
    """Values 5, 4, 3, 1 with half-widths 0.6 (z = 2, se 0.3) and 0.2: intervals [4.4, 5.6], [3.4, 4.6],
    [2.4, 3.6], [0.8, 1.2]. The first could be 1st or 2nd, the second 1st to 3rd, the third 2nd or 3rd,
    the last only 4th. Exact values keep their plain ranks, tied values share a band."""
    best, worst = rank_bands(np.array([5.0, 4.0, 3.0, 1.0]), np.array([0.3, 0.3, 0.3, 0.1]))
    assert best.tolist() == [1, 1, 2, 4]
    assert worst.tolist() == [2, 3, 3, 4]
    best, worst = rank_bands(np.array([5.0, 4.0, 3.0]), np.zeros(3))
    assert best.tolist() == [1, 2, 3] and worst.tolist() == [1, 2, 3]
    best, worst = rank_bands(np.array([5.0, 5.0, 3.0]), np.zeros(3))
    assert best.tolist() == [1, 1, 3] and worst.tolist() == [2, 2, 3]


def test_the_path_length_follows_the_search_size() -> None:
    """A star of 4 leaves: the centre has degree 4 and reaches all 5 people within 2 links, each leaf
    has degree 1 and reaches all 5 too: Σ degree·|2-ball| = 4·5 + 4·(1·5) = 40."""
    net = from_edge_list([(0, 1), (0, 2), (0, 3), (0, 4)])
    assert choose_k(net, budget=40) == DEFAULT_K == 3
    assert choose_k(net, budget=39) == 2
