"""Every page of the web app, run by Streamlit's AppTest against the real Neo4j of the test session."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.pipeline import analyze
from graph import explore
from graph.connection import Graph
from tests.conftest import free_port
from tests.test_ui_network import build_ui_network
from ui.web.common import UNEXPECTED
from ui.web.network import external_references

PAGES = Path(__file__).resolve().parent.parent / "ui" / "web" / "views"
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
    assert not [e.value for e in at.error if UNEXPECTED in e.value]
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


UNREACHABLE_SCRIPT = """
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=60).run()
print(json.dumps({"errors": [e.value for e in at.error], "exceptions": [e.message for e in at.exception]}))
"""


def test_unreachable_database_is_one_line(graph: Graph, tmp_path: Path) -> None:
    # a separate process whose NEO4J_URI names a port where nothing listens
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(NEO4J_URI=f"bolt://127.0.0.1:{free_port()}", NEO4J_PASSWORD="x", HILOROJO_HOME=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", UNREACHABLE_SCRIPT, str(PAGES / "overview.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=tmp_path,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["exceptions"] == []
    assert len(result["errors"]) == 1 and result["errors"][0].startswith(
        "cannot reach Neo4j at bolt://127.0.0.1:"
    )
    assert "\n" not in result["errors"][0]


def test_search_finds_the_broker_without_accents_and_opens_him(ui_graph: Graph) -> None:
    at = run("search.py")
    at.text_input(key="search_text").input("jose ramires").run()
    assert not at.exception
    labels = [b.label for b in at.button if b.key and b.key.startswith("open-")]
    assert labels[0].startswith("Person · José Ramírez")
    at.button(key="open-0").click().run()
    assert "#### Person: José Ramírez" in texts(at)
    props = at.dataframe[0].value
    assert dict(zip(props["property"], props["value"], strict=True))["Person ID"] == "P1"


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
    at.toggle(key="grouped").set_value(False).run()
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
    # people view: the owners of the identifiers reached join (P2 of phone2, P3 of phone3, P4 of ACC2: 16
    # entities), then every identifier with one drawn owner merges into it (phone1, handset, ACC1 into P1;
    # phone2, phone3, ACC2 into P2, P3, P4; V1's phone and ACC3 into V1): 16 - 8 = 8 entities
    grouped = {n["title"].splitlines()[0] for n in drawn(at.session_state["explore_html"])}
    assert grouped == {
        "Person: José Ramírez",
        "Person: Ana María Gómez",
        "Person: Luis Pérez",
        "Person: Carlos Mejía",
        "Person: María López",
        "Phone: +18005550000",
        "Arrest: A2",
        "Operation: Operación Darién",
    }


def test_brokers_ranking_leaves_victims_out(ui_graph: Graph) -> None:
    at = run("brokers.py")
    # the default: bridging between cells as written, P1 2, P3 2, then P2, P4, P5 0; equal bridging is
    # ordered by brokerage between cells (P1 2.0 > P3 1.5, P4 0.5 > P2 0 = P5 0, then by id);
    # victim V1 (4) never ranked; the page says the measure is exact
    assert list(at.dataframe[0].value["person_id"]) == ["P1", "P3", "P4", "P2", "P5"]
    assert any("Bridging between cells: exact" in c.value for c in at.caption)
    at.selectbox(key="measure").set_value("betweenness").run()
    ranking = at.dataframe[0].value
    # betweenness as written: P1 0.60, P3 0.30, P2 0.10, P4 0.05, P5 0.00; victim V1 (0.90) never ranked
    assert list(ranking["person_id"]) == ["P1", "P3", "P2", "P4", "P5"]
    assert "V1" not in set(at.dataframe[1].value["person_id"])
    # estimated: bands of ± 2 standard errors, P1 [0.5, 0.7], P3 [0.2, 0.4], P2 [0.06, 0.14],
    # P4 [0.01, 0.09], P5 [0, 0]; P2's and P4's bands overlap, so each may be 3rd or 4th
    assert list(ranking["rank"]) == ["1", "2", "3–4", "3–4", "5"]
    assert ranking.iloc[0]["score"] == "0.5 – 0.7"  # the ranked measure, shown as "Betweenness"
    assert any("estimated" in c.value and "band" in c.value for c in at.caption)


def test_communities_list_and_network(ui_graph: Graph) -> None:
    at = run("communities.py")
    # organisation 7 holds both cells: 6 people, 1 victim
    table = at.dataframe[0].value
    assert list(table["organisation"]) == [7] and list(table["cells"]) == [2] and list(table["people"]) == [6]
    assert any("modularity, on the cells" in c.value for c in at.caption)
    at.radio(key="level").set_value("cell").run()
    table = at.dataframe[0].value
    # cell 1: P1, P2, V1 (1 victim); cell 2: P3, P4, P5; strongest brokers of 1 (victims left out): P1, P2
    assert list(table["people"]) == [3, 3] and list(table["victims"]) == [1, 0]
    assert table.iloc[0]["strongest brokers"] == "José Ramírez, Ana María Gómez"
    assert any("CPM" in c.value for c in at.caption)
    names = {n["title"].splitlines()[0]: n for n in drawn(at.session_state["community_html"])}
    assert "Person: José Ramírez" in names and names["Person: María López"]["label"].startswith("VICTIM")


def test_paths_between_two_people(ui_graph: Graph) -> None:
    at = run("paths.py")
    at.text_input(key="path_from").input("jose ramirez").run()
    at.text_input(key="path_to").input("carlos mejia").run()
    assert not at.exception
    # shortest: José -HOLDS-> ACC1 -TRANSFERRED-> ACC2 <-HOLDS- Carlos (3 links); through phones it takes 4
    assert "1 shortest path(s) of 3 links" in " ".join(s.value for s in at.success)


def test_timeline_of_a_person(ui_graph: Graph) -> None:
    at = run("timeline.py", seeds=explore.person_node_ids(ui_graph, ["P1"]))
    # José: arrest A2, 3 + 2 + 1 + 1 = 7 calls of his phone, T1 and T2 through ACC1 = 10 events
    assert "10 events" in " ".join(c.value for c in at.caption)


def test_map_flows(ui_graph: Graph) -> None:
    at = run("map.py")
    flows = at.dataframe[0].value
    # A1 in MX: P3 (CO) and P4 (MX); A2 in PA: P1 and V1 (VE, one victim)
    got = {(r.origin, r.destination): (r.people, r.victims) for r in flows.itertuples()}
    assert got == {("CO", "MX"): (1, 0), ("MX", "MX"): (1, 0), ("VE", "PA"): (2, 1)}
    at.radio(key="flows").set_value("Money between countries").run()
    money = at.dataframe[0].value
    assert list(money["amount"]) == [9000.0] and list(money["origin"]) == ["VE"]  # T2 only crosses a border


def test_cypher_console_reads_and_the_database_refuses_writes(ui_graph: Graph) -> None:
    at = run("cypher.py")
    at.text_area(key="cypher").input("MATCH (p:Person) RETURN p.name AS name ORDER BY name").run()
    at.button(key="run").click().run()
    assert len(at.dataframe[0].value) == 6
    at.text_area(key="cypher").input("CREATE (:Person {person_id: 'INTRUDER'})").run()
    at.button(key="run").click().run()
    assert len(at.error) == 1
    message = at.error[0].value
    # the refusal comes from Neo4j (a read transaction cannot write), shown in one line
    assert "Neo4j refused the query" in message and "Neo.ClientError" in message and "\n" not in message
    assert ui_graph.read_one("MATCH (p:Person {person_id: 'INTRUDER'}) RETURN count(p) AS n") == {"n": 0}


def test_money_structuring(ui_graph: Graph) -> None:
    at = run("money.py")
    at.radio(key="money_view").set_value("Structuring").run()
    at.number_input(key="min_count").set_value(1).run()
    rows = at.dataframe[0].value
    # [9000, 10000): T1 9500 (ACC3 -> ACC1) and T2 9000 (ACC1 -> ACC2): each account and direction once
    assert set(zip(rows["account_id"], rows["direction"], strict=True)) == {
        ("ACC1", "sent"),
        ("ACC1", "received"),
        ("ACC3", "sent"),
        ("ACC2", "received"),
    }
    holders = dict(zip(rows["account_id"], rows["holders"], strict=True))
    assert holders["ACC3"] == "María López (VICTIM)"


def test_phones_profile(ui_graph: Graph) -> None:
    at = run("phones.py")
    at.text_input(key="profile_ref").input("+584121110001").run()
    assert not at.exception
    # the phone's calls: 3 to P2, 2 to P3, 1 to V1, 1 to the hub = 7
    assert "7 calls" in " ".join(c.value for c in at.caption)


def test_import_page_without_data(empty_graph: Graph) -> None:
    at = run("import_data.py")
    assert not at.error  # the Import page is usable on an empty database
    assert "arrest_id" in " ".join(i.value for i in at.info)


def test_target_package_and_victim_refusal(ui_graph: Graph) -> None:
    at = run("package.py")
    at.text_input(key="package_search").input("maria lopez").run()
    assert "never produced on victims" in at.error[0].value
    at.text_input(key="package_search").input("jose ramirez").run()
    at.button(key="build").click().run()
    assert not at.exception and not at.error
    assert [getattr(b, "label", None) for b in at.get("download_button")] == [
        "Download PDF",
        "Download HTML",
        "Download JSON",
    ]


def plain_name(name: str) -> str:
    """A name as an investigator types it: no accents, lower case."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def test_demo_search_explore_rankings_and_console(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    analyze(graph, None, weighted=True, write=True)
    st.cache_data.clear()
    broker = key["brokers"][0]["person_id"]
    name = key["people"][broker]["name"]
    # search: the planted broker, typed without accents, is the first person found
    at = run("search.py")
    at.text_input(key="search_text").input(plain_name(name)).run()
    people = [
        b.label for b in at.button if b.key and b.key.startswith("open-") and b.label.startswith("Person")
    ]
    assert people and people[0].startswith(f"Person · {name}")
    # explore: two hops around the broker are drawn, offline, with the broker in them
    at = run("explore.py", seeds=explore.person_node_ids(graph, [broker]))
    at.radio(key="hops").set_value(2).run()
    assert not at.exception
    nodes = drawn(at.session_state["explore_html"])
    assert any(n["title"].splitlines()[0] == f"Person: {name}" for n in nodes) and len(nodes) > 10
    assert external_references(at.session_state["explore_html"]) == []
    # rankings: the 5 planted brokers are among the 50 shown by betweenness; no victim is
    at = run("brokers.py")
    at.selectbox(key="measure").set_value("betweenness").run()
    ranked = list(at.dataframe[0].value["person_id"])
    planted = {b["person_id"] for b in key["brokers"]}
    assert planted <= set(ranked), sorted(planted - set(ranked))
    assert not set(key["victims"]) & set(ranked)
    # console: the database refuses a write
    at = run("cypher.py")
    at.text_area(key="cypher").input("MATCH (p:Person) SET p.name = 'X' RETURN count(p)").run()
    at.button(key="run").click().run()
    assert "Neo.ClientError.Statement.AccessMode" in at.error[0].value
