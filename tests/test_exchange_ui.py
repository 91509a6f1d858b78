"""The Communities and Explore pages' export: what is on screen, victims pseudonymised, recorded."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import networkx as nx
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from access.audit import read as read_audit
from graph import explore
from graph.connection import Graph
from tests.test_ui_network import build_ui_network
from tests.test_ui_pages import drawn as drawn_nodes

PAGES = Path(__file__).resolve().parent.parent / "ui" / "web" / "views"


@pytest.fixture(autouse=True)
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HILOROJO_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    return tmp_path / "audit.jsonl"


@pytest.fixture
def ui_graph(empty_graph: Graph) -> Graph:
    build_ui_network(empty_graph)
    st.cache_data.clear()
    return empty_graph


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_communities_page_exports_the_open_cell(ui_graph: Graph, audit_log: Path) -> None:
    at = AppTest.from_file(str(PAGES / "communities.py"), default_timeout=60)
    at.run()
    at.radio(key="level").set_value("cell").run()
    at.selectbox(key="community-export-format").set_value("csv").run()
    at.button(key="community-export-build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    name, data, media = at.session_state["community-export-file"]
    assert name == "network-csv.zip" and media == "application/zip"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        nodes = csv_rows(archive.read("nodes.csv"))
        raw = b"".join(archive.read(n) for n in archive.namelist())
    # cell 1 holds P1, P2 and the victim V1 (tests/test_ui_network.py)
    people = sorted(r["label"] for r in nodes if r["kind"] == "person")
    assert people == ["Ana María Gómez", "José Ramírez", "Victim 1"]
    assert "María López".encode() not in raw
    entry = [e for e in read_audit(audit_log) if e["action"] == "export"][-1]
    assert entry["details"]["selection"].startswith("cell 1;")
    assert entry["details"]["include_victims"] is False


def test_explore_page_exports_the_people_drawn(ui_graph: Graph) -> None:
    at = AppTest.from_file(str(PAGES / "explore.py"), default_timeout=60)
    at.session_state["seeds"] = explore.person_node_ids(ui_graph, ["P1"])
    at.run()
    at.selectbox(key="explore-export-format").set_value("graphml").run()
    at.button(key="explore-export-build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    name, data, _ = at.session_state["explore-export-file"]
    assert name == "network.graphml"
    assert "María López".encode() not in data
    # the people drawn two hops from P1 (tests/test_ui_pages.py, people view), the victim by pseudonym
    drawn = {n["title"].splitlines()[0] for n in drawn_nodes(at.session_state["explore_html"])}
    assert {"Person: José Ramírez", "Person: Luis Pérez", "Person: María López"} <= drawn
    g = nx.read_graphml(io.BytesIO(data))
    people = sorted(d["label"] for _, d in g.nodes(data=True) if d["kind"] == "person")
    assert people == ["Ana María Gómez", "Carlos Mejía", "José Ramírez", "Luis Pérez", "Victim 1"]
