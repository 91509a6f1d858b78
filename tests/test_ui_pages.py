"""Every page of the web app, run by Streamlit's AppTest against the real Neo4j of the test session."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from graph import explore
from graph.connection import Graph
from tests.test_ui_network import build_ui_network
from ui.web.network import external_references

PAGES = Path(__file__).resolve().parent.parent / "ui" / "web" / "pages"
TIMEOUT = 60


@pytest.fixture
def ui_graph(empty_graph: Graph) -> Graph:
    build_ui_network(empty_graph)
    st.cache_data.clear()
    return empty_graph


def run(page: str, **state: object) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=TIMEOUT)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def drawn(html: str) -> list[dict[str, Any]]:
    """The nodes that the drawing's HTML hands to vis-network."""
    match = re.search(r"nodes = new vis.DataSet\((\[.*?\])\);", html, re.S)
    assert match, "no node data in the drawing"
    return list(json.loads(match.group(1)))


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [e.value for e in at.error] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [s.value for s in at.subheader] + [t.value for t in at.title]
    return "\n".join(str(p) for p in parts)


def test_overview_counts_loads_and_warnings(ui_graph: Graph) -> None:
    at = run("overview.py")
    assert at.title[0].value == "Hilo Rojo"
    metrics = {m.label: m.value for m in at.metric}
    # 6 people, 7 phones, 3 accounts, 2 arrests; calls 3+2+1+1+6 hub calls = 13; transfers 2
    assert metrics == {
        "People": "6",
        "Phones": "7",
        "Accounts": "3",
        "Arrests": "2",
        "Calls": "13",
        "Transfers": "2",
    }
    warnings = " ".join(w.value for w in at.warning)
    assert "1 phone numbers could not be parsed" in warnings and "2 rows were rejected in 1 loads" in warnings
    loads = at.dataframe[0].value
    assert list(loads["file_name"]) == ["arrests_darien.csv"] and list(loads["rows_rejected"]) == [2]


def test_empty_database_is_one_line(empty_graph: Graph) -> None:
    st.cache_data.clear()
    at = run("overview.py")
    assert len(at.error) == 1 and "The database is empty" in at.error[0].value
    assert "Traceback" not in texts(at)


def test_search_finds_the_broker_without_accents_and_opens_him(ui_graph: Graph) -> None:
    at = run("search.py")
    at.text_input(key="search_text").input("jose ramires").run()
    assert not at.exception
    labels = [b.label for b in at.button if b.key and b.key.startswith("open-")]
    assert labels[0].startswith("Person · José Ramírez")
    at.button(key="open-0").click().run()
    assert "#### Person: José Ramírez" in texts(at)
    props = at.dataframe[0].value
    assert dict(zip(props["property"], props["value"], strict=True))["person_id"] == "P1"


def test_search_marks_victims(ui_graph: Graph) -> None:
    at = run("search.py")
    at.text_input(key="search_text").input("maria lopez").run()
    at.button(key="open-0").click().run()
    assert "VICTIM (protected)" in at.button(key="open-0").label
    assert "never a target" in texts(at)


def test_explore_builds_the_network(ui_graph: Graph) -> None:
    seeds = explore.person_node_ids(ui_graph, ["P1"])
    at = run("explore.py", seeds=seeds)
    at.radio(key="hops").set_value(2).run()
    assert not at.exception
    # phones + money + arrests + identity layers, 2 hops from P1 (hand count in test_ui_network: 10 nodes with
    # phones and money) + arrest A2, its operation and V1 (through A2) = 13 entities
    caption = " ".join(c.value for c in at.caption)
    assert "13 entities" in caption and "1 victim(s), marked in red" in caption
    html = at.session_state["explore_html"]
    nodes = {n["title"].splitlines()[0]: n for n in drawn(html)}
    assert len(nodes) == 13 and "Person: José Ramírez" in nodes
    victim = nodes["Person: María López"]
    assert victim["label"].startswith("VICTIM") and victim["shape"] == "diamond"
    assert external_references(html) == []
    at.toggle(key="grouped").set_value(True).run()
    # grouped into owners: an identifier merges into its owner when both are drawn: phone1, the handset and
    # ACC1 into P1; V1's phone and ACC3 into V1 (drawn through arrest A2): 13 - 5 = 8 entities. P2's and
    # P3's phones stay (their owners are 3 hops away), and so do ACC2 and the hub number.
    grouped = {n["title"].splitlines()[0] for n in drawn(at.session_state["explore_html"])}
    assert len(grouped) == 8 and "Phone: +584121110001" not in grouped and "Phone: +573001110002" in grouped
