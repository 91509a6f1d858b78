"""Brokerage between cells, and cells within organisations, on small graphs with known answers."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from analytics import communities
from analytics.cell_brokerage import cell_brokerage
from analytics.network import PersonNetwork, from_edge_list


def cells_of(net: PersonNetwork, cell: dict[int, int]) -> np.ndarray:
    out = np.zeros(net.n, dtype=np.int64)
    for key, v in net.index.items():
        out[v] = cell[int(key)]
    return out


def by_node(net: PersonNetwork, values: np.ndarray) -> dict[int, float]:
    return {int(k): float(values[v]) for k, v in net.index.items()}


def test_a_star_across_three_cells_by_hand() -> None:
    """Star 0–{1,2,3}; cells {0,1}, {2}, {3}: the centre is the only link of (1,2), (1,3) and (2,3),
    three pairs in different cells: 3. Linking 1–2 closes one pair: 2, and 1 (contacts 0 and 2,
    already linked) brokers nothing."""
    cell = {0: 0, 1: 0, 2: 1, 3: 2}
    net = from_edge_list([(0, 1), (0, 2), (0, 3)])
    assert by_node(net, cell_brokerage(net, cells_of(net, cell))) == {0: 3, 1: 0, 2: 0, 3: 0}
    net = from_edge_list([(0, 1), (0, 2), (0, 3), (1, 2)])
    assert by_node(net, cell_brokerage(net, cells_of(net, cell))) == {0: 2, 1: 0, 2: 0, 3: 0}


def test_pairs_inside_one_cell_do_not_count() -> None:
    """Path 0–1–2 within one cell: no brokerage; with 2 in another cell, 1 brokers one pair."""
    net = from_edge_list([(0, 1), (1, 2)])
    assert by_node(net, cell_brokerage(net, cells_of(net, {0: 0, 1: 0, 2: 0})))[1] == 0
    assert by_node(net, cell_brokerage(net, cells_of(net, {0: 0, 1: 0, 2: 1})))[1] == 1


def test_two_brokers_of_one_pair_share_it() -> None:
    """a=0 (cell X) and c=3 (cell Y) both in contact with 1 and 2 (cell Z): σ = 2, each broker gets
    1/2; the pair (1, 2) is inside cell Z and counts for nobody."""
    net = from_edge_list([(0, 1), (1, 3), (0, 2), (2, 3)])
    got = by_node(net, cell_brokerage(net, cells_of(net, {0: 0, 1: 2, 2: 2, 3: 1})))
    assert got == {0: 0, 1: 0.5, 2: 0.5, 3: 0}


def test_victims_neither_end_nor_middle() -> None:
    """Recruiter 0 in contact with victims 1, 2 and suspect 3 of another cell: only suspect pairs
    count, so 0 brokers nothing among {3}; victim 1 linking suspects 3 and 4 brokers nothing."""
    edges = [(0, 1), (0, 2), (0, 3), (1, 4), (3, 5)]
    cell = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5}
    net = from_edge_list(edges, roles={1: "victim", 2: "victim"})
    among = ~net.is_victim()
    got = by_node(net, cell_brokerage(net, cells_of(net, cell), among))
    assert got == {0: 0, 1: 0, 2: 0, 3: 1, 4: 0, 5: 0}
    everyone = by_node(net, cell_brokerage(net, cells_of(net, cell)))
    assert everyone[0] == 3 and everyone[1] == 1


def _reference(g: nx.Graph, cell: dict[int, int]) -> dict[int, float]:
    """The definition through networkx's shortest paths: every pair of people in different cells at
    distance exactly 2, each of its shortest paths giving its middle 1/(number of paths)."""
    out = dict.fromkeys(g, 0.0)
    for s, t in itertools.combinations(g, 2):
        if cell[s] == cell[t] or not nx.has_path(g, s, t):
            continue
        paths = list(nx.all_shortest_paths(g, s, t))
        if len(paths[0]) != 3:
            continue
        for p in paths:
            out[p[1]] += 1.0 / len(paths)
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_equals_the_definition_on_random_graphs(seed: int) -> None:
    g = nx.gnm_random_graph(40, 90, seed=seed)
    g.remove_nodes_from([v for v in list(g) if g.degree(v) == 0])
    rng = np.random.default_rng(seed)
    cell = {int(v): int(rng.integers(0, 6)) for v in g}
    net = from_edge_list(list(g.edges()))
    got = by_node(net, cell_brokerage(net, cells_of(net, cell)))
    ref = _reference(g, cell)
    assert max(abs(got[v] - ref[v]) for v in g) < 1e-9


def test_one_cell_each_gives_two_step_betweenness() -> None:
    """With every person a cell of their own, the measure is Borgatti & Everett's k-betweenness for
    k = 2: over the Florentine families, each family gets 1/(common contacts) for every pair of its
    contacts not married to each other, common contacts counted by networkx in the whole network
    (not only in the family's ego network, as Everett & Borgatti's ego betweenness would)."""
    g = nx.convert_node_labels_to_integers(nx.florentine_families_graph(), label_attribute="family")
    net = from_edge_list(list(g.edges()))
    got = by_node(net, cell_brokerage(net, cells_of(net, {v: v for v in g})))
    for v in g:
        pairs = sum(
            1.0 / len(list(nx.common_neighbors(g, a, c)))
            for a, c in itertools.combinations(list(g[v]), 2)
            if not g.has_edge(a, c)
        )
        assert got[v] == pytest.approx(pairs), g.nodes[v]["family"]
    medici = next(v for v in g if g.nodes[v]["family"] == "Medici")
    assert got[medici] == pytest.approx(13.5)


def _ring_of_cliques(cliques: int, size: int) -> tuple[list[tuple[int, int]], dict[int, int]]:
    edges: list[tuple[int, int]] = []
    cell: dict[int, int] = {}
    for c in range(cliques):
        members = range(c * size, (c + 1) * size)
        edges.extend(itertools.combinations(members, 2))
        cell.update(dict.fromkeys(members, c))
        edges.append(((c + 1) * size - 1, ((c + 1) % cliques) * size))
    return edges, cell


def test_cells_have_no_resolution_limit() -> None:
    """Fortunato & Barthélemy (2007): on a ring of 30 five-cliques, maximal modularity merges
    neighbouring cliques. CPM cells recover every clique; organisations group whole cells."""
    edges, cell = _ring_of_cliques(30, 5)
    net = from_edge_list(edges)
    truth = [cell[int(k)] for k in net.index]
    modular = communities.leiden(net, resolution=1.0, seed=1)
    assert modular.count < 30
    cells = communities.cells(net, seed=1)
    assert cells.count == 30 and cells.level == "cell" and "CPM" in cells.method
    found = [int(cells.membership[v]) for v in net.index.values()]
    assert normalized_mutual_info_score(truth, found) == pytest.approx(1.0)
    orgs = communities.organisations(net, cells, seed=1)
    assert 1 < orgs.count < 30
    # every cell lies wholly in one organisation
    for c in range(cells.count):
        assert len(set(orgs.membership[cells.membership == c].tolist())) == 1
    # the organisations' modularity is the one networkx computes for that partition
    g = nx.Graph(edges)
    parts: dict[int, set[int]] = {}
    for key, v in net.index.items():
        parts.setdefault(int(orgs.membership[v]), set()).add(int(key))
    assert orgs.modularity == pytest.approx(nx.community.modularity(g, list(parts.values())), abs=1e-12)
    # a cell network (self-loops for the links inside cells) preserves the person network's modularity:
    # the organisations are at least as good as the best modularity partition found directly
    assert orgs.modularity >= modular.modularity - 0.01


def test_cells_are_numbered_by_size() -> None:
    edges = list(itertools.combinations(range(6), 2)) + list(itertools.combinations(range(6, 10), 2))
    edges.append((5, 6))
    net = from_edge_list(edges)
    cells = communities.cells(net, seed=3)
    sizes = np.bincount(cells.membership)
    assert sizes.tolist() == [6, 4]

