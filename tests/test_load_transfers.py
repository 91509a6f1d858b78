"""Transfers loader against a real Neo4j: counts, exact amounts, rejects, account holders, reload."""

from __future__ import annotations

import csv
from pathlib import Path

from graph.connection import Graph
from loaders.pipeline import load_file
from tests.test_load_arrests import counts, snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def _copy(tmp_path: Path) -> Path:
    path = tmp_path / "transfers.csv"
    path.write_bytes((FIXTURES / "transfers.csv").read_bytes())
    return path


def test_transfers_counts_amounts_and_rejects(empty_graph: Graph, tmp_path: Path) -> None:
    summary = load_file(empty_graph, "transfers", _copy(tmp_path), progress=False)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (9, 3, 6)
    # accounts CO-BANK001 ("co-bank 001" = "CO-BANK001"), MX-777, US-555; countries CO, MX, US;
    # holders José Álvarez (= JOSE ALVAREZ on the same account) and Pedro Gómez (lines 2, 3, 4) = 2 people
    assert counts(empty_graph) == (
        {"Account": 3, "Country": 3, "Person": 2, "Source": 1},
        {"TRANSFERRED": 3, "IN_COUNTRY": 3, "HOLDS": 2},
    )
    rows = empty_graph.read(
        "MATCH (a)-[t:TRANSFERRED]->(b) RETURN t.row AS row, t.amount AS amount, t.amount_micro AS micro,"
        " t.currency AS cur, t.reference AS ref ORDER BY row"
    )
    # "9.500,00" -> 9500.00; "9,800.00" -> 9800.00; "1500" -> 1500 (micro = amount x 1,000,000)
    assert [(r["row"], r["amount"], r["micro"], r["cur"]) for r in rows] == [
        (2, "9500.00", 9_500_000_000, "USD"),
        (3, "9800.00", 9_800_000_000, "USD"),
        (4, "1500", 1_500_000_000, "USD"),
    ]
    assert rows[2]["ref"] == "=cmd|' /C calc'!A0"  # a spreadsheet formula stays plain text
    total = empty_graph.read_one("MATCH ()-[t:TRANSFERRED]->() RETURN sum(t.amount_micro) AS s")
    assert total == {"s": 20_800_000_000}  # 9500 + 9800 + 1500 = 20800
    assert summary.rejects_path is not None
    with summary.rejects_path.open(encoding="utf-8") as handle:
        reasons = {int(r["line"]): r["reason"] for r in csv.DictReader(handle)}
    assert sorted(reasons) == [5, 6, 7, 8, 9, 10]
    assert "not positive" in reasons[5] and "not positive" in reasons[6]
    assert reasons[7].startswith("unparseable amount") and reasons[8].startswith("self-transfer")
    assert reasons[9].startswith("unknown currency") and reasons[10].startswith("unparseable time")


def test_holder_name_joins_the_person_already_holding_the_account(empty_graph: Graph, tmp_path: Path) -> None:
    load_file(empty_graph, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    load_file(empty_graph, "transfers", _copy(tmp_path), progress=False)
    holders = empty_graph.read(
        "MATCH (p:Person)-[h:HOLDS]->(:Account {account_id: 'CO-BANK001'})"
        " RETURN p.name AS name, p.role AS role, p.roles AS roles, size(h.source_ids) AS sources"
    )
    # the suspect from the arrests file, not a new person; a transfer records no role
    assert holders == [{"name": "José Álvarez", "role": "suspect", "roles": ["suspect"], "sources": 2}]
    pedro = empty_graph.read("MATCH (p:Person {name_key: 'gomez pedro'}) RETURN p.role AS role")
    assert pedro == [{"role": "unknown"}]


def test_reload_of_transfers_changes_nothing(empty_graph: Graph, tmp_path: Path) -> None:
    path = _copy(tmp_path)
    load_file(empty_graph, "transfers", path, progress=False)
    before = snapshot(empty_graph)
    again = load_file(empty_graph, "transfers", path, progress=False)
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert snapshot(empty_graph) == before
