"""Results tables in the web app: selecting a row opens the entity (and names it in the address); the map."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from graph import explore
from graph.connection import Graph
from tests.test_ui_pages import PAGES, run, texts, ui_graph  # noqa: F401  (the fixture the tests use)
from ui.web.tables import Ref

ACTIONS = ["Add to exploration", "Path from here", "Path to here", "Target package"]


def pick(at: AppTest, table: str, row: int) -> AppTest:
    """Select one row of a table, as a click on its row does in the browser."""
    at.session_state[table] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def actions(at: AppTest) -> list[str]:
    return [str(b.label) for b in at.button if str(b.label) in ACTIONS]


@pytest.mark.usefixtures("ui_graph")
def test_brokers_row_opens_the_person_and_the_address_names_him(empty_graph: Graph) -> None:
    at = run("brokers.py")
    assert "Person:" not in texts(at)  # nothing selected yet
    pick(at, "ranking", 0)  # P1, first by bridging between cells
    assert at.query_params["person"] == "P1"
    assert "#### Person: José Ramírez" in texts(at)
    assert actions(at) == ACTIONS
    at.button(key="broker-entity-add").click().run()
    assert at.session_state["seeds"] == explore.person_node_ids(empty_graph, ["P1"])
    at.session_state["ranking"] = {"selection": {"rows": [], "columns": [], "cells": []}}
    at.run()  # the row unselected: the panel closes and the address names nobody
    assert "person" not in at.query_params and "#### Person:" not in texts(at)


@pytest.mark.usefixtures("ui_graph")
def test_a_shared_link_opens_the_person_and_a_victim_gets_no_package() -> None:
    at = AppTest.from_file(str(PAGES / "brokers.py"), default_timeout=60)
    at.query_params["person"] = "P3"
    at.run()
    assert "#### Person: Luis Pérez" in texts(at) and "Target package" in actions(at)
    at = AppTest.from_file(str(PAGES / "brokers.py"), default_timeout=60)
    at.query_params["person"] = "V1"
    at.run()
    # the victim is opened from a link (never ranked), marked, and offered no target package
    assert "#### Person: María López" in texts(at) and "never a target" in texts(at)
    assert "Target package" not in actions(at)


@pytest.mark.usefixtures("ui_graph")
def test_communities_members_open_from_their_table() -> None:
    at = run("communities.py")
    at.radio(key="level").set_value("cell").run()
    people = at.dataframe[1].value
    # cell 1 without its victim: P1 (brokerage 2.0) then P2 (0.0)
    assert list(people["person_id"]) == ["P1", "P2"]
    pick(at, "cell-people", 1)
    assert at.query_params["person"] == "P2" and "#### Person: Ana María Gómez" in texts(at)


@pytest.mark.usefixtures("ui_graph")
def test_money_rows_open_their_account() -> None:
    at = run("money.py")
    at.radio(key="money_view").set_value("Structuring").run()
    at.number_input(key="min_count").set_value(1).run()
    account = at.dataframe[0].value["account_id"].iloc[2]
    pick(at, "structuring", 2)
    assert at.query_params["account"] == account and f"#### Account: {account}" in texts(at)
    # an account is no person: no target package, but paths start from it
    assert actions(at) == ACTIONS[:3]


@pytest.mark.usefixtures("ui_graph")
def test_phones_contact_opens_the_number() -> None:
    at = run("phones.py")
    at.text_input(key="profile_ref").input("+584121110001").run()
    contacts = at.dataframe[0].value
    number = contacts["number"].iloc[0]
    pick(at, "contacts", 0)
    assert at.query_params["phone"] == number and f"#### Phone: {number}" in texts(at)


@pytest.mark.usefixtures("ui_graph")
def test_timeline_event_opens_its_phone_account_or_arrest(empty_graph: Graph) -> None:
    at = run("timeline.py", seeds=explore.person_node_ids(empty_graph, ["P1"]))
    events = at.dataframe[0].value
    # José's first event: the call of 2025-01-10 08:00 from his phone to the hub; the last: arrest A2
    assert events["at"].iloc[0] == "2025-01-10 08:00" and events["what"].iloc[0] == "+584121110001"
    last = len(events) - 1
    assert (events["kind"].iloc[last], events["at"].iloc[last]) == ("arrest", "2025-05-02")
    pick(at, "events", last)
    assert at.query_params["arrest"] == "A2" and "#### Arrest: A2" in texts(at)
    assert actions(at) == ACTIONS[:1]  # an arrest is added to the exploration, not a path's end


@pytest.mark.usefixtures("ui_graph")
def test_path_entities_open_from_their_table() -> None:
    at = run("paths.py")
    at.text_input(key="path_from").input("jose ramirez").run()
    at.text_input(key="path_to").input("carlos mejia").run()
    steps = at.dataframe[0].value
    # José -HOLDS-> ACC1 -TRANSFERRED-> ACC2 <-HOLDS- Carlos
    assert list(steps["key"]) == ["P1", "ACC1", "ACC2", "P4"]
    pick(at, "path-entities", 3)
    assert at.query_params["person"] == "P4" and "#### Person: Carlos Mejía" in texts(at)


@pytest.mark.usefixtures("ui_graph")
def test_search_puts_the_opened_person_in_the_address() -> None:
    at = run("search.py")
    at.text_input(key="search_text").input("jose ramires").run()
    at.button(key="open-0").click().run()
    assert at.query_params["person"] == "P1" and actions(at) == ACTIONS


@pytest.mark.usefixtures("ui_graph")
def test_tables_read_like_a_report() -> None:
    at = run("brokers.py")
    ranking = at.dataframe[0]
    config = json.loads(ranking.proto.columns) if ranking.proto.columns else {}
    labels = {k: v.get("label") for k, v in config.items()}
    helps = {k: v.get("help") for k, v in config.items()}
    assert labels["kpp_rank"] == "Key-player rank" and labels["constraint"] == "Constraint (Burt)"
    assert labels["score"] == "Bridging between cells" and "Burt 1992" in str(helps["constraint"])
    assert ranking.proto.placeholder == ""  # missing values are blank, not "None"


@pytest.mark.usefixtures("ui_graph")
def test_map_draws_country_outlines_around_the_data() -> None:
    at = run("map.py")
    chart = at.get("vega_lite_chart")[0]
    spec = json.loads(chart.proto.spec)
    outline = spec["layer"][0]
    assert outline["mark"]["type"] == "line" and outline["encoding"]["detail"]["field"] == "ring"
    # zoom and pan: the scales are bound to the mouse
    params = spec.get("params", []) + [p for layer in spec["layer"] for p in layer.get("params", [])]
    assert any(p.get("bind") == "scales" for p in params)
    # the view covers the data: VE, CO, MX, PA and the arrests in Tapachula and Panamá
    lon = outline["encoding"]["x"]["scale"]["domain"]
    lat = outline["encoding"]["y"]["scale"]["domain"]
    assert lon[0] < -102 and lon[1] > -66 and lat[0] < 4 and lat[1] > 23


def test_outlines_are_natural_earth_countries() -> None:
    from ui.web.world import outlines

    df = outlines()
    panama = df[df["code"] == "PA"]
    # Natural Earth places Panama between 77.2 and 83.0 W, 7.2 and 9.6 N
    assert -83.1 < panama["lon"].min() < -82.5 and -77.5 < panama["lon"].max() < -77.0
    assert 7.0 < panama["lat"].min() < 7.5 and 9.4 < panama["lat"].max() < 9.8
    assert {"CO", "VE", "MX", "US", "BR", "ES"} <= set(df["code"]) and df["country"].nunique() == 177
    assert Ref("person", "P1").label == "Person"


def test_a_row_whose_entity_a_shielded_view_replaced_opens_nothing() -> None:
    from graph.protected import HIDDEN, MINOR, VICTIM
    from ui.web.tables import by, person

    account = by("account", "account_id")
    assert account({"account_id": "ACC-7"}) == Ref("account", "ACC-7")
    # a victim's account, phone or name shown as a placeholder must not open "No account '(protected)'"
    assert [account({"account_id": v}) for v in (HIDDEN, VICTIM, MINOR, "", None, float("nan"))] == [None] * 6
    assert person()({"person_id": VICTIM}) is None
