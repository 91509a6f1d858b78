"""Brokers page: the disruption curves of the latest analysis, checked against networkx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import networkx as nx
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.network import project
from analytics.pipeline import analyze
from graph.connection import Graph

PAGE = Path(__file__).resolve().parent.parent / "ui" / "web" / "views" / "brokers.py"


def test_disruption_curves_fragment_the_demo_network(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    analyze(graph, None, write=True)
    st.cache_data.clear()
    at = AppTest.from_file(str(PAGE), default_timeout=120)
    at.session_state["k"] = 3
    at.run()
    at.button(key="disrupt").click().run()
    assert not at.exception, [e.message for e in at.exception]
    players = list(at.dataframe[-1].value["person_id"])
    assert len(players) == 3 and not set(players) & set(key["victims"])
    caption = next(c.value for c in at.caption if "fragmentation" in c.value)
    before, after = (float(x) for x in re.findall(r"(\d\.\d{3})", caption))
    # fragmentation F = 1 - sum s(s-1) / (n(n-1)) over the components, computed here with networkx
    net = project(graph)
    g = nx.Graph(net.g.get_edgelist())
    g.add_nodes_from(range(net.n))

    def fragmentation(h: nx.Graph) -> float:
        n = h.number_of_nodes()
        pairs = sum(len(c) * (len(c) - 1) for c in nx.connected_components(h))
        return 1 - pairs / (n * (n - 1))

    assert before == round(fragmentation(g), 3)
    g.remove_nodes_from(net.index[p] for p in players)
    assert after == round(fragmentation(g), 3) and after > before
