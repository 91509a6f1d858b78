"""Path measures in a forked child: the same values as in one process, failures reported in one line."""

from __future__ import annotations

import os

import networkx as nx
import numpy as np
import pytest

from analytics import forked, pipeline
from analytics.network import from_edge_list
from graph.errors import ComputationFailed

needs_fork = pytest.mark.skipif(not forked.usable(), reason="needs fork and a second CPU")


@needs_fork
def test_result_comes_from_a_child_process() -> None:
    pending = forked.Pending(lambda: (os.getpid(), np.arange(5) ** 2), use_fork=True)
    pid, squares = pending.result()
    assert pending.forked
    assert pid != os.getpid()
    assert squares.tolist() == [0, 1, 4, 9, 16]


@needs_fork
def test_failure_in_the_child_is_one_line() -> None:
    def broken() -> int:
        raise ValueError("no pivots left")

    with pytest.raises(ComputationFailed, match="ValueError: no pivots left") as info:
        forked.Pending(broken, use_fork=True).result()
    assert "\n" not in str(info.value)


def test_without_fork_runs_here() -> None:
    pending = forked.Pending(os.getpid, use_fork=False)
    assert not pending.forked
    assert pending.result() == os.getpid()


@needs_fork
def test_compute_with_path_measures_in_a_child_matches_networkx(monkeypatch: pytest.MonkeyPatch) -> None:
    g = nx.barbell_graph(6, 3)  # two 6-cliques joined by a 3-vertex path: the path carries everything
    net = from_edge_list(list(g.edges()), n=g.number_of_nodes())
    monkeypatch.setattr(pipeline, "FORK_WORK", 0)
    result = pipeline.compute(net, seed=1)
    assert "path_measures_wait" in result.timings
    expected = nx.betweenness_centrality(g)
    ids = [int(x) for x in net.ids()]
    got = {ids[v]: float(result.measures["betweenness"][v]) for v in range(net.n)}
    assert got == pytest.approx(expected, abs=1e-12)
    closeness = nx.closeness_centrality(g)
    got_close = {ids[v]: float(result.measures["closeness"][v]) for v in range(net.n)}
    assert got_close == pytest.approx(closeness, abs=1e-12)
