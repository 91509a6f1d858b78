"""Every page driven as each role (AppTest, real Neo4j): what each may do, and victims withheld."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import streamlit as st
from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from access import audit
from access.roles import Role
from access.session import Principal, acting_as
from analytics import duplicates
from analytics.pipeline import analyze
from dossier.contents import build_package
from dossier.formats import render
from graph import explore
from graph.connection import Graph
from graph.errors import InputError, PermissionDenied, QueryFailed
from loaders.pipeline import load_file
from tests.test_ui_network import build_ui_network
from ui.web.common import UNEXPECTED

PAGES = Path(__file__).resolve().parent.parent / "ui" / "web" / "views"
TIMEOUT = 60
# V1 of the test network (tests/test_ui_network.py): her name, her phone (as written and as digits) and
# her account. Nothing a viewer receives may contain them.
VICTIM_SECRETS = ("María López", "Maria Lopez", "+584121110005", "584121110005", "ACC3")
ONE_ARREST = "arrest_id,arrest_date,full_name,role\nX1,2025-01-01,{name},suspect\n"
VIEWER = Principal("vera", Role.VIEWER)
ANALYST = Principal("ana", Role.ANALYST)
ADMIN = Principal("root", Role.ADMIN)


@pytest.fixture
def ui_graph(empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Graph:
    monkeypatch.setenv("HILOROJO_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    build_ui_network(empty_graph)
    st.cache_data.clear()
    return empty_graph


def received(at: AppTest) -> str:
    """Everything the page sent to the browser, as text: every element's message (tables decoded),
    except what the user typed into text inputs."""
    parts: list[str] = []

    def walk(node: object) -> None:
        for child in getattr(node, "children", {}).values():
            kind = type(child).__name__
            if kind == "Dataframe":
                parts.append(child.value.to_csv())
            elif kind not in ("TextInput", "TextArea") and getattr(child, "proto", None) is not None:
                parts.append(text_format.MessageToString(child.proto, as_utf8=True))
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def open_page(page: str, principal: Principal, **state: object) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=TIMEOUT)
    at.session_state["principal"] = principal
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    return at


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    assert not [e.value for e in at.error if UNEXPECTED in e.value or "may not" in e.value]
    return at


def search(at: AppTest) -> str:
    out = []
    for text in ("maria lopez", "+58 412 111 0005", "ACC3"):
        at.text_input(key="search_text").input(text).run()
        if any(b.key == "open-0" for b in at.button):
            at.button(key="open-0").click().run()
        out.append(received(ok(at)))
    return "\n".join(out)


def paths(at: AppTest) -> str:
    at.text_input(key="path_from").input("jose ramirez").run()
    at.text_input(key="path_to").input("ACC3").run()
    return received(ok(at))


def communities(at: AppTest) -> str:
    first = received(ok(at))
    at.radio(key="level").set_value("cell").run()
    return first + received(ok(at))


def money(at: AppTest) -> str:
    first = received(ok(at))
    at.radio(key="money_view").set_value("Structuring").run()
    at.number_input(key="min_count").set_value(1).run()
    return first + received(ok(at))


def phones(at: AppTest) -> str:
    at.text_input(key="profile_ref").input("+584121110001").run()
    return received(ok(at))


def map_page(at: AppTest) -> str:
    first = received(ok(at))
    at.radio(key="flows").set_value("Money between countries").run()
    return first + received(ok(at))


def shown(at: AppTest) -> str:
    return received(ok(at))


# The pages every role may use, and what an analyst does on each.
READING: dict[str, tuple[Callable[[AppTest], str], bool]] = {  # page -> (actions, needs seeds)
    "overview.py": (shown, False),
    "search.py": (search, False),
    "explore.py": (shown, True),
    "paths.py": (paths, False),
    "timeline.py": (shown, True),
    "map.py": (map_page, False),
    "brokers.py": (shown, False),
    "communities.py": (communities, False),
    "money.py": (money, False),
    "phones.py": (phones, False),
    "cases.py": (shown, False),
}
# The pages that need more than the viewer role, and the lowest role that may use each.
GUARDED = {
    "import_data.py": Role.ANALYST,
    "package.py": Role.ANALYST,
    "cypher.py": Role.ADMIN,
    "audit.py": Role.ADMIN,
}
RANK = {Role.VIEWER: 0, Role.ANALYST: 1, Role.ADMIN: 2}


@pytest.mark.parametrize("principal", [VIEWER, ANALYST, ADMIN], ids=lambda p: p.role)
def test_every_page_as_each_role(ui_graph: Graph, principal: Principal) -> None:
    seeds = explore.person_node_ids(ui_graph, ["P1"])
    for page, (act, needs_seeds) in READING.items():
        at = open_page(page, principal, **({"seeds": seeds} if needs_seeds else {}))
        text = act(at)
        # nobody who has not revealed victims receives their identity, whatever the role
        leaked = [s for s in VICTIM_SECRETS if s in text]
        assert not leaked, (page, principal.role, leaked)
    for page, least in GUARDED.items():
        at = open_page(page, principal)
        assert not at.exception, (page, [e.message for e in at.exception])
        refusals = [e.value for e in at.error if "may not" in e.value]
        if RANK[principal.role] >= RANK[least]:
            assert not refusals, (page, principal.role, refusals)
        else:
            assert len(refusals) == 1 and f"ask an administrator for the {least} role" in refusals[0], (
                page,
                refusals,
            )
            assert "\n" not in refusals[0]


def test_an_analyst_who_reveals_sees_the_victim(ui_graph: Graph) -> None:
    at = open_page("search.py", Principal("ana", Role.ANALYST, reveal=True))
    at.text_input(key="search_text").input("maria lopez").run()
    labels = [b.label for b in at.button if b.key and b.key.startswith("open-")]
    assert labels and "María López" in labels[0] and "VICTIM" in labels[0]
    at = open_page("search.py", ANALYST)
    at.text_input(key="search_text").input("maria lopez").run()
    labels = [b.label for b in at.button if b.key and b.key.startswith("open-")]
    assert labels and "María López" not in labels[0] and "Victim (protected)" in labels[0]


def test_actions_refused_below_their_role_whatever_calls_them(ui_graph: Graph, tmp_path: Path) -> None:
    arrests = tmp_path / "a.csv"
    arrests.write_text(ONE_ARREST.format(name="Nadie"), encoding="utf-8")
    with acting_as(VIEWER):
        for action in (
            lambda: load_file(ui_graph, "arrests", arrests, progress=False),
            lambda: analyze(ui_graph, "calls"),
            lambda: build_package(ui_graph, "P1"),
            lambda: duplicates.merge(ui_graph, "P1", "P2", "vera", "test"),
            lambda: explore.console_query(ui_graph, "RETURN 1"),
        ):
            with pytest.raises(PermissionDenied):
                action()
    with acting_as(ANALYST):
        # an analyst may name victims in a package: an explicit choice, recorded with the package
        build_package(ui_graph, "P1", include_victims=True)
        with pytest.raises(PermissionDenied, match="Cypher console"):
            explore.console_query(ui_graph, "RETURN 1")
    assert ui_graph.read_one("MATCH (a:Arrest {arrest_id: 'X1'}) RETURN count(a) AS n") == {"n": 0}
    packages = audit.read(action="package")
    assert [(e["user"], e["subjects"], e["details"]["include_victims"]) for e in packages] == [
        ("ana", ["P1"], True)
    ]


def test_console_refuses_administration_and_stops_long_queries(ui_graph: Graph) -> None:
    with acting_as(ADMIN):
        keys, rows = explore.console_query(ui_graph, "MATCH (p:Person) RETURN count(p) AS n")
        assert (keys, rows) == (["n"], [[6]])
        for query, what in (
            ("SHOW USERS", "AdministrationCommand"),
            ("CALL dbms.listConfig()", "dbms.listConfig"),
            ("RETURN 1 AS x UNION CALL dbms.listConfig() YIELD name RETURN name AS x", "dbms.listConfig"),
            ("SHOW TRANSACTIONS", "ShowTransactions"),
            ("SHOW SETTINGS", "ShowSettings"),
            ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "LoadCSV"),
        ):
            with pytest.raises(InputError, match=what):
                explore.console_query(ui_graph, query)
        assert (
            explore.console_query(ui_graph, "CALL db.labels() YIELD label RETURN count(label) AS n")[1][0][0]
            > 0
        )
        # 80 million rows counted (seconds unbounded): stopped by the time limit, in one line
        slow = (
            "UNWIND range(1, 20000) AS a UNWIND range(1, 4000) AS b WITH a, b WHERE a * b % 7 = 3 "
            "RETURN count(*) AS n"
        )
        started = time.perf_counter()
        with pytest.raises(QueryFailed, match=r"ran longer than 0.5 s and was stopped") as exc:
            explore.console_query(ui_graph, slow, timeout=0.5)
        assert time.perf_counter() - started < 10 and "\n" not in str(exc.value)
        with pytest.raises(InputError, match="row limit"):
            explore.console_query(ui_graph, "RETURN 1", limit=explore.CONSOLE_MAX_ROWS + 1)
    texts = [e["details"]["text"] for e in audit.read(action="console_query")]
    assert "SHOW USERS" in texts and slow in texts


def test_every_action_leaves_an_audit_line(ui_graph: Graph, tmp_path: Path) -> None:
    arrests = tmp_path / "raid.csv"
    arrests.write_text(ONE_ARREST.format(name="Nadie Nunca"), encoding="utf-8")
    p1 = explore.person_node_ids(ui_graph, ["P1"])[0]
    with acting_as(ANALYST):
        explore.search(ui_graph, "jose ramirez")
        explore.entity(ui_graph, p1)
        summary = load_file(ui_graph, "arrests", arrests, progress=False)
        result = analyze(ui_graph, "calls")
        merged = duplicates.merge(ui_graph, "P2", "P3", "ana", "same handset")
        duplicates.split(ui_graph, merged.decision_id, "ana", "different people")
        render(build_package(ui_graph, "P1"), "json")
    with acting_as(ADMIN):
        explore.console_query(ui_graph, "RETURN 1 AS one")
    got = [(e["user"], e["action"], e["subjects"]) for e in audit.read()]
    assert got == [
        ("ana", "search", []),
        ("ana", "view_entity", ["P1"]),
        ("ana", "import", [summary.source_id]),
        ("ana", "analyze", [result.analysis_id]),
        ("ana", "identity_decision", ["P2", "P3"]),
        ("ana", "identity_decision", ["P2", "P3"]),
        ("ana", "package", ["P1"]),
        ("ana", "export", ["P1"]),
        ("root", "console_query", []),
    ]
    details = [e["details"] for e in audit.read()]
    assert details[0]["text"] == "jose ramirez" and details[2]["file"] == "raid.csv"
    assert [d["decision"] for d in details[4:6]] == ["merge", "split"]
    assert details[6]["include_victims"] is False and details[7]["format"] == "json"
    assert details[8]["text"] == "RETURN 1 AS one"
    assert audit.verify().ok


def test_a_victim_loaded_after_the_strings_were_read_is_withheld_at_once(
    empty_graph: Graph, tmp_path: Path
) -> None:
    view = empty_graph.shielded_view()
    assert view.withheld() == {}  # read now: no victim yet
    arrests = tmp_path / "victim.csv"
    victim = "arrest_id,arrest_date,person_id,full_name,role\nX2,2025-01-01,VQ1,Rosa Quispe,victim\n"
    arrests.write_text(victim, encoding="utf-8")
    with acting_as(ANALYST):
        load_file(empty_graph, "arrests", arrests, progress=False)
    # the very next shielded read withholds her, without waiting for any refresh period
    assert view.read("MATCH (p:Person {person_id: 'VQ1'}) RETURN p.name AS name") == [
        {"name": "Victim (protected)"}
    ]
    assert view.withheld()["Rosa Quispe"] == "Victim (protected)"
