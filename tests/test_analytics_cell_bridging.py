"""Bridging between cells on small graphs with hand-computed answers, and against networkx max flows."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from analytics.cell_bridging import cell_bridging, working_ties
from analytics.network import from_edge_list
from tests.test_analytics_cell_brokerage import by_node, cells_of

TRIANGLE_A = [(0, 1), (0, 2), (1, 2)]
TRIANGLE_C = [(3, 4), (3, 5), (4, 5)]


def test_broker_between_two_triangles_by_hand() -> None:
    """Cells A = {0,1,2} and C = {3,4,5} (triangles); broker 6, alone in his cell, knows 0, 1 and
    3, 4. Each of his ties shares a contact in the other end's cell, so t(A) = t(C) = 2 and he scores
    min(2, 2) = 2. Members have working ties with their own cell only: 0. Member 0's tie to 6 shares
    no contact in 6's cell, so it is not a working tie."""
    edges = TRIANGLE_A + TRIANGLE_C + [(6, 0), (6, 1), (6, 3), (6, 4)]
    cell = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2}
    net = from_edge_list(edges)
    got = by_node(net, cell_bridging(net, cells_of(net, cell)))
    assert got == {0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 2}
    ids = net.ids()
    ties = {(int(ids[a]), int(ids[b])) for a, b in working_ties(net, cells_of(net, cell))}
    assert (6, 0) in ties and (0, 1) in ties and (0, 6) not in ties


def test_three_cells_sum_the_smaller_side_of_each_pair() -> None:
    """Broker 6 knows all of A (t = 3), two of C (t = 2) and both of the pair D = {7, 8} (t = 2):
    pairs (A,C) 2 + (A,D) 2 + (C,D) 2 = 6."""
    edges = TRIANGLE_A + TRIANGLE_C + [(7, 8), (6, 0), (6, 1), (6, 2), (6, 3), (6, 4), (6, 7), (6, 8)]
    cell = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 3, 7: 2, 8: 2}
    net = from_edge_list(edges)
    assert by_node(net, cell_bridging(net, cells_of(net, cell)))[6] == 6


def test_stray_contacts_do_not_bridge() -> None:
    """Member 0 of triangle A has one stray contact 3 in triangle C, and 1 has a path 1–6–4 through
    an outsider 6: none of these ties shares a contact in the other cell, so nobody bridges."""
    edges = TRIANGLE_A + TRIANGLE_C + [(0, 3), (1, 6), (6, 4)]
    cell = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2}
    net = from_edge_list(edges)
    assert set(by_node(net, cell_bridging(net, cells_of(net, cell))).values()) == {0.0}


def test_a_leader_visited_by_brokers_is_not_one() -> None:
    """Leader 0 of A = {0,1,2}; broker 3 of X = {3,4,5} knows 0 and 1, broker 6 of Y = {6,7,8} knows
    0 and 2. Each broker has 2 working ties with A and 2 with his own cell: 2. The leader's ties to
    the brokers share contacts only in A, not in X or Y: 0."""
    x = [(3, 4), (3, 5), (4, 5)]
    y = [(6, 7), (6, 8), (7, 8)]
    edges = TRIANGLE_A + x + y + [(3, 0), (3, 1), (6, 0), (6, 2)]
    cell = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2}
    net = from_edge_list(edges)
    got = by_node(net, cell_bridging(net, cells_of(net, cell)))
    assert got[0] == 0 and got[3] == 2 and got[6] == 2


def test_victims_count_neither_as_ends_nor_as_shared_contacts() -> None:
    """As the first test, but 1 and 4 are victims: 6's ties to 0 and 3 shared only victims, and his
    ties to the victims do not count: 6 bridges nothing; a victim scores 0."""
    edges = TRIANGLE_A + TRIANGLE_C + [(6, 0), (6, 1), (6, 3), (6, 4)]
    cell = {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2}
    net = from_edge_list(edges, roles={1: "victim", 4: "victim"})
    got = by_node(net, cell_bridging(net, cells_of(net, cell), ~net.is_victim()))
    assert set(got.values()) == {0.0}
    assert by_node(net, cell_bridging(net, cells_of(net, cell)))[6] == 2


def _reference(g: nx.Graph, cell: dict[int, int]) -> dict[int, float]:
    """The definition by brute force and networkx: working ties found by scanning common neighbours;
    for each person and each pair of cells, the maximum flow from the cell-A contacts to the cell-B
    contacts through the person, with unit capacities on his ties."""
    working = {(v, w) for v in g for w in g[v] if any(cell[z] == cell[w] for z in set(g[v]) & set(g[w]))}
    out = dict.fromkeys(g, 0.0)
    for v in g:
        by_cell: dict[int, list[int]] = {}
        for w in g[v]:
            if (v, w) in working:
                by_cell.setdefault(cell[w], []).append(w)
        for a, b in itertools.combinations(sorted(by_cell), 2):
            flow = nx.DiGraph()
            for w in by_cell[a]:
                flow.add_edge("s", ("a", w), capacity=1)
                flow.add_edge(("a", w), "v", capacity=1)
            for w in by_cell[b]:
                flow.add_edge("v", ("b", w), capacity=1)
                flow.add_edge(("b", w), "t", capacity=1)
            out[v] += nx.maximum_flow_value(flow, "s", "t")
    return out


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_matches_networkx_max_flows_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    g = nx.gnp_random_graph(40, 0.18, seed=seed)
    cell = {v: int(rng.integers(0, 6)) for v in g}
    net = from_edge_list(list(g.edges()), n=g.number_of_nodes())
    got = by_node(net, cell_bridging(net, cells_of(net, cell)))
    assert got == pytest.approx(_reference(g, cell))
    assert max(got.values()) > 0
