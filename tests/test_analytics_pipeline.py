"""Projection layers, time window, write-back contract and the analytics CLI on a real Neo4j."""

from __future__ import annotations

import json
from datetime import date

import networkx as nx

from analytics.network import project
from analytics.pipeline import analyze
from graph.connection import Graph
from graph.settings import Settings
from tests.conftest import run_cli, server_env
from tests.test_analytics_helpers import (
    ADD_ACCOUNTS,
    ADD_CALLS,
    ADD_PHONES,
    ADD_TRANSFERS,
    ADD_UNOWNED_PHONES,
    add_people,
    load_coarrests,
)

PERSON_PROPS = """
MATCH (p:Person {person_id: $id})
RETURN p.betweenness AS betweenness, p.community AS community, p.analysis_id AS analysis_id,
       p.key_player AS key_player, p.kpp_rank AS kpp_rank, p.brokerage_liaison AS liaison, p.degree AS degree
"""
ANALYSES = (
    "MATCH (a:Analysis) RETURN a.analysis_id AS id, a.layers AS layers, a.nodes AS nodes, a.edges AS edges"
)
LINKS = "MATCH ()-[r:LIKELY_LINKED]->() RETURN DISTINCT r.analysis_id AS id"


def load_layers(graph: Graph) -> None:
    """A calls B 3 times (2 in January 2024, 1 in June), B pays C twice (USD 100 + EUR 50),
    C and D share a phone, A calls an unowned phone."""
    add_people(graph, [{"id": p} for p in "ABCD"])
    graph.write(
        ADD_PHONES,
        {
            "rows": [
                {"person": "A", "number": "+1"},
                {"person": "B", "number": "+2"},
                {"person": "C", "number": "+3"},
                {"person": "D", "number": "+3"},
            ]
        },
    )
    graph.write(ADD_UNOWNED_PHONES, {"numbers": ["+9"]})
    calls = [
        ("+1", "+2", "2024-01-05T10:00:00Z", 30),
        ("+1", "+2", "2024-01-31T23:59:00Z", 70),
        ("+2", "+1", "2024-06-01T09:00:00Z", 100),
        ("+1", "+9", "2024-01-10T09:00:00Z", 5),
    ]
    graph.write(
        ADD_CALLS,
        {
            "rows": [
                {"src": s, "dst": d, "t": t, "d": dur, "id": f"c{i}"}
                for i, (s, d, t, dur) in enumerate(calls)
            ]
        },
    )
    graph.write(
        ADD_ACCOUNTS, {"rows": [{"person": "B", "account": "ACC-B"}, {"person": "C", "account": "ACC-C"}]}
    )
    graph.write(
        ADD_TRANSFERS,
        {
            "rows": [
                {
                    "src": "ACC-B",
                    "dst": "ACC-C",
                    "id": "t1",
                    "t": "2024-02-01T00:00:00Z",
                    "amount": "100.00",
                    "micro": 100_000_000,
                    "currency": "USD",
                },
                {
                    "src": "ACC-B",
                    "dst": "ACC-C",
                    "id": "t2",
                    "t": "2024-02-02T00:00:00Z",
                    "amount": "50.00",
                    "micro": 50_000_000,
                    "currency": "EUR",
                },
            ]
        },
    )


def edge(net: object, a: str, b: str) -> dict[str, float]:
    g = net.g  # type: ignore[attr-defined]
    idx = net.index  # type: ignore[attr-defined]
    return g.es[g.get_eid(idx[a], idx[b])].attributes()


def test_layers_weights_window_and_unowned(empty_graph: Graph) -> None:
    load_layers(empty_graph)
    calls = project(empty_graph, "calls")
    assert sorted(calls.ids()) == ["A", "B"]  # the unowned +9 is dropped; C and D never call
    e = edge(calls, "A", "B")
    assert (e["calls_n"], e["calls_total"]) == (3, 30 + 70 + 100)
    assert sorted(map(tuple, calls.directed.tolist())) == [(0, 1), (1, 0)]  # both directions called
    jan = project(empty_graph, "calls", since=date(2024, 1, 1), until=date(2024, 1, 31))
    assert edge(jan, "A", "B")["calls_n"] == 2  # 23:59 on the 31st is inside; June is not
    unowned = project(empty_graph, "calls", keep_unowned=True)
    assert "Phone:+9" in unowned.ids() and edge(unowned, "A", "Phone:+9")["calls_n"] == 1
    money = project(empty_graph, "money")
    m = edge(money, "B", "C")
    assert (m["money_n"], m["money_total"]) == (2, 100.0)  # count of both; total in USD only
    ident = project(empty_graph, "identifiers")
    assert edge(ident, "C", "D")["identifiers_n"] == 1
    allnet = project(empty_graph, None)
    assert sorted(allnet.ids()) == ["A", "B", "C", "D"]
    assert edge(allnet, "B", "C")["weight"] == 2  # two transfers


def test_write_back_and_stale_results(empty_graph: Graph) -> None:
    g = nx.florentine_families_graph()
    load_coarrests(empty_graph, g, roles={"Strozzi": "victim"})
    first = analyze(empty_graph, "arrests", k=2)
    row = empty_graph.read_one(PERSON_PROPS, {"id": "Medici"})
    assert row is not None and row["analysis_id"] == first.analysis_id
    assert abs(row["betweenness"] - nx.betweenness_centrality(g)["Medici"]) < 1e-12
    assert row["degree"] == 6 and isinstance(row["community"], int) and row["liaison"] is not None
    assert row["key_player"] is True and row["kpp_rank"] in (1, 2)
    victim = empty_graph.read_one(PERSON_PROPS, {"id": "Strozzi"})
    assert victim is not None and victim["key_player"] is False and victim["kpp_rank"] is None
    # a second analysis on another layer replaces every earlier result
    add_people(empty_graph, [{"id": "X"}, {"id": "Y"}])
    empty_graph.write(
        ADD_PHONES, {"rows": [{"person": "X", "number": "+7"}, {"person": "Y", "number": "+8"}]}
    )
    empty_graph.write(
        ADD_CALLS, {"rows": [{"src": "+7", "dst": "+8", "t": "2024-01-01T00:00:00Z", "d": 1, "id": "cx"}]}
    )
    second = analyze(empty_graph, "calls")
    analyses = empty_graph.read(ANALYSES)
    assert [a["id"] for a in analyses] == [second.analysis_id]
    assert analyses[0]["layers"] == ["calls"] and analyses[0]["nodes"] == 2 and analyses[0]["edges"] == 1
    stale = empty_graph.read_one(PERSON_PROPS, {"id": "Medici"})
    assert stale is not None and stale["analysis_id"] is None and stale["betweenness"] is None
    assert all(r["id"] == second.analysis_id for r in empty_graph.read(LINKS))


def test_cli_commands(empty_graph: Graph, neo4j_settings: Settings) -> None:
    g = nx.florentine_families_graph()
    load_coarrests(empty_graph, g, roles={"Medici": "victim"})
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    out = run_cli(["analyze", "--layers", "arrests", "--json"], env)
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["nodes"] == 15 and summary["edges"] == 20
    out = run_cli(["brokers", "--top", "3", "--by", "betweenness", "--json"], env)
    assert out.returncode == 0, out.stderr
    listing = json.loads(out.stdout)
    assert listing["by"] == "betweenness" and listing["method"]["exact"] is True
    rows = listing["people"]
    assert [r["rank"] for r in rows] == [1, 2, 3]
    assert "Medici" not in [r["person_id"] for r in rows]  # a victim is never ranked
    assert {"person_id", "name", "betweenness", "degree", "pagerank", "constraint"} <= set(rows[0])
    assert "rank_band" not in rows[0] and "betweenness_band" not in rows[0]  # exact: no bands
    ref = nx.betweenness_centrality(g)
    assert rows[0]["person_id"] == max((k for k in ref if k != "Medici"), key=ref.__getitem__)
    out = run_cli(["brokers", "--top", "15", "--json"], env)
    listing = json.loads(out.stdout)
    assert listing["by"] == "cell_bridging" and "cells" in listing["method"]["how"]
    ranked = [(r["cell_bridging"], r["cell_brokerage"]) for r in listing["people"]]
    assert ranked == sorted(ranked, reverse=True) and len(ranked) == 14
    for level in ("cell", "organisation"):
        out = run_cli(["communities", "--level", level, "--json"], env)
        assert out.returncode == 0, out.stderr
        comms = json.loads(out.stdout)
        assert sum(c["size"] for c in comms) == 15
        assert all("community_id" in c and all("person_id" in m for m in c["members"]) for c in comms)
    out = run_cli(["communities", "--level", "organisation"], env)
    assert out.returncode == 0 and "organisations" in out.stdout and "modularity" in out.stdout
    out = run_cli(["keyplayers", "--k", "2", "--json"], env)
    assert out.returncode == 0, out.stderr
    kp = json.loads(out.stdout)
    assert len(kp["key_players"]) == 2 and "Medici" not in [p["person_id"] for p in kp["key_players"]]
    assert set(kp["disruption"]["strategies"]) == {"degree", "betweenness", "kpp", "random"}
    out = run_cli(["links", "--top", "5", "--json"], env)
    assert out.returncode == 0, out.stderr and len(json.loads(out.stdout)["links"]) <= 5
    out = run_cli(["path", "Pazzi", "Albizzi", "--json"], env)
    assert out.returncode == 0, out.stderr
    paths = json.loads(out.stdout)["paths"]
    # Pazzi–Salviati–Medici–Albizzi: 3 marriages = 6 INVOLVED_IN relationships through 3 arrests
    assert len(paths[0]["relationships"]) == 6
    assert {r["type"] for r in paths[0]["relationships"]} == {"INVOLVED_IN"}
    out = run_cli(["path", "Nobody", "Albizzi"], env)
    assert out.returncode != 0 and "Traceback" not in out.stderr and "no person" in out.stderr
    out = run_cli(["brokers"], env)
    assert out.returncode == 0 and "Brokers" in out.stdout
