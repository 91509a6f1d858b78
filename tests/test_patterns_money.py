"""Money patterns on hand-built transfers: trails, cycles, fan hubs and structuring."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from analytics import money
from graph.connection import Graph
from graph.errors import InputError, NotFound
from graph.settings import Settings
from tests.conftest import run_cli, server_env

CREATE_TRANSFER = """
MERGE (s:Account {account_id: $source})
MERGE (d:Account {account_id: $target})
CREATE (s)-[:TRANSFERRED {transaction_id: $tid, timestamp: datetime($ts), amount: $amount,
                          amount_micro: $micro, currency: $currency, source_id: 'test', row: 2}]->(d)
"""
CREATE_HOLDER = """
MERGE (a:Account {account_id: $account})
CREATE (p:Person {person_id: $person_id, name: $name, role: $role})-[:HOLDS]->(a)
"""


def transfer(
    graph: Graph, tid: str, source: str, target: str, ts: str, amount: str, currency: str = "USD"
) -> None:
    micro = int(Decimal(amount) * 1_000_000)
    params = {
        "tid": tid,
        "source": source,
        "target": target,
        "ts": ts,
        "amount": amount,
        "micro": micro,
        "currency": currency,
    }
    graph.write(CREATE_TRANSFER, params)


@pytest.fixture
def trail_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    g.write(CREATE_HOLDER, {"account": "V1", "person_id": "P-ROSA", "name": "Rosa Victim", "role": "victim"})
    transfer(g, "T1", "V1", "R", "2025-01-01T10:00:00Z", "1000.00")
    transfer(g, "T2", "R", "C", "2025-01-03T10:00:00Z", "900.00")
    transfer(g, "T3", "C", "X", "2025-01-10T10:00:00Z", "850.00")
    transfer(g, "T4", "R", "Y", "2024-12-20T10:00:00Z", "500.00")  # before T1: back in time
    transfer(g, "T5", "C", "Y", "2025-03-01T10:00:00Z", "100.00")  # 57 days after T2: outside window
    transfer(g, "T6", "R", "C", "2025-01-05T10:00:00Z", "50.00", "EUR")
    return g


def test_forward_trail_is_time_respecting_with_shares(trail_graph: Graph) -> None:
    result = money.trail(trail_graph, "V1", "forward", hops=4, window_days=30)
    by_tx = {s.transfer.transaction_id: s for s in result.steps}
    # hop 1: T1 (V1->R). hop 2: R's transfers in (Jan 1, Jan 31]: T2, T6; T4 (Dec 20) goes back in time.
    # hop 3: C's transfers after T2 (until Feb 2) and after T6 (until Feb 4): T3 only; T5 (Mar 1) too late.
    assert {tid: s.hop for tid, s in by_tx.items()} == {"T1": 1, "T2": 2, "T6": 2, "T3": 3}
    assert by_tx["T3"].parents == ["T2", "T6"]
    assert by_tx["T2"].parents == ["T1"]
    # shares: T1 1000 USD, R sends on 900 USD within the window -> 900/1000 = 0.9 (and 50 EUR)
    assert by_tx["T1"].share_onward == pytest.approx(0.9)
    assert by_tx["T1"].onward == {"USD": Decimal("900.00"), "EUR": Decimal("50.00")}
    # T2 900 USD into C, C sends on 850 USD by Feb 2 -> 850/900 = 0.9444...
    assert by_tx["T2"].share_onward == pytest.approx(850 / 900)
    # T6 50 EUR into C, C sends no EUR on -> 0
    assert by_tx["T6"].share_onward == 0.0
    assert by_tx["T3"].share_onward == 0.0  # X sends nothing
    totals = result.totals_per_hop()
    assert totals == {
        1: {"USD": Decimal("1000.00")},
        2: {"USD": Decimal("900.00"), "EUR": Decimal("50.00")},
        3: {"USD": Decimal("850.00")},
    }
    assert result.accounts_reached() == ["R", "C", "X"]


def test_trail_from_person_uses_their_accounts(trail_graph: Graph) -> None:
    result = money.trail(trail_graph, "P-ROSA", "forward", hops=4, window_days=30)
    assert result.start_label == "Person"
    assert result.accounts == ["V1"]
    assert [s.transfer.transaction_id for s in result.steps] == ["T1", "T2", "T6", "T3"]


def test_backward_trail(trail_graph: Graph) -> None:
    result = money.trail(trail_graph, "X", "backward", hops=4, window_days=30)
    by_tx = {s.transfer.transaction_id: s for s in result.steps}
    # hop 1: T3 into X (Jan 10). hop 2: into C in [Dec 11, Jan 10): T2, T6. hop 3: into R before
    # Jan 3 / Jan 5 within 30 days: T1. T4 and T5 are never reached.
    assert {tid: s.hop for tid, s in by_tx.items()} == {"T3": 1, "T2": 2, "T6": 2, "T1": 3}
    assert by_tx["T1"].parents == ["T2", "T6"]
    assert result.accounts_reached() == ["C", "R", "V1"]


def test_short_window_stops_trail(trail_graph: Graph) -> None:
    # window 1 day: R's next transfer T2 comes 2 days after T1 -> only T1
    result = money.trail(trail_graph, "V1", "forward", hops=4, window_days=1)
    assert [s.transfer.transaction_id for s in result.steps] == ["T1"]
    # one hop only
    result = money.trail(trail_graph, "V1", "forward", hops=1, window_days=30)
    assert [s.transfer.transaction_id for s in result.steps] == ["T1"]


def test_trail_errors(trail_graph: Graph) -> None:
    with pytest.raises(NotFound):
        money.trail(trail_graph, "NO-SUCH-ACCOUNT")
    with pytest.raises(InputError):
        money.trail(trail_graph, "V1", direction="sideways")


@pytest.fixture
def cycle_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    transfer(g, "A1", "A", "B", "2025-02-01T00:00:00Z", "1000.00")
    transfer(g, "A2", "B", "C", "2025-02-02T00:00:00Z", "950.00")
    transfer(g, "A3", "C", "A", "2025-02-03T00:00:00Z", "900.00")
    # a cycle in structure only: D->E Feb 5, E->F Feb 4, F->D Feb 6 is never in time order
    transfer(g, "D1", "D", "E", "2025-02-05T00:00:00Z", "10.00")
    transfer(g, "D2", "E", "F", "2025-02-04T00:00:00Z", "10.00")
    transfer(g, "D3", "F", "D", "2025-02-06T00:00:00Z", "10.00")
    # G->H Feb 1 and back Apr 1: 59 days
    transfer(g, "G1", "G", "H", "2025-02-01T00:00:00Z", "500.00")
    transfer(g, "G2", "H", "G", "2025-04-01T00:00:00Z", "500.00")
    return g


def test_cycles(cycle_graph: Graph) -> None:
    found = money.cycles(cycle_graph, window_days=30, max_length=6)
    assert [c.accounts for c in found] == [["A", "B", "C", "A"]]
    assert [t.transaction_id for t in found[0].transfers] == ["A1", "A2", "A3"]
    assert found[0].share_returned() == pytest.approx(0.9)  # 900 / 1000
    # 59 days fit in a 60-day window; the D-E-F triangle never does
    found = money.cycles(cycle_graph, window_days=60, max_length=6)
    assert sorted(c.accounts for c in found) == [["A", "B", "C", "A"], ["G", "H", "G"]]
    # two transfers at most: only G-H-G
    found = money.cycles(cycle_graph, window_days=60, max_length=2)
    assert [c.accounts for c in found] == [["G", "H", "G"]]


@pytest.fixture
def fan_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    # S1..S5 pay K at hours 0, 10, 20, 30, 40 of Mar 1; S1 again at hour 5; S6 on Mar 20
    for i, hour in enumerate((0, 10, 20, 30, 40), start=1):
        transfer(g, f"K{i}", f"S{i}", "K", f"2025-03-0{1 + hour // 24}T{hour % 24:02d}:00:00Z", "100.00")
    transfer(g, "K7", "S1", "K", "2025-03-01T05:00:00Z", "100.00")
    transfer(g, "K6", "S6", "K", "2025-03-20T00:00:00Z", "100.00")
    # L pays five receivers two days apart (0, 48, 96, 144, 192 hours)
    for i in range(5):
        transfer(g, f"L{i}", "L", f"Q{i}", f"2025-03-{1 + 2 * i:02d}T00:00:00Z", "20.00", "EUR")
    return g


def test_fans(fan_graph: Graph) -> None:
    found = money.fans(fan_graph, window_hours=72, min_counterparties=5)
    # K: S1..S5 within 40 hours -> 5 senders, 6 transfers (S1 twice), 600 USD; L: at most 2 in 72 h
    assert [(f.account_id, f.kind, f.counterparties, len(f.transfers)) for f in found] == [
        ("K", "fan-in", 5, 6)
    ]
    assert found[0].totals() == {"USD": Decimal("600.00")}
    assert sorted(t.transaction_id for t in found[0].transfers) == ["K1", "K2", "K3", "K4", "K5", "K7"]
    # 200 hours hold all five of L's transfers (192 h)
    found = money.fans(fan_graph, window_hours=200, min_counterparties=5)
    assert {(f.account_id, f.kind, f.counterparties) for f in found} == {
        ("K", "fan-in", 5),
        ("L", "fan-out", 5),
    }


@pytest.fixture
def structuring_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    g.write(CREATE_HOLDER, {"account": "M", "person_id": "P-M", "name": "Mario Mule", "role": "suspect"})
    for tid, amount in (("M1", "9500.00"), ("M2", "9800.00"), ("M3", "9999.99")):
        transfer(g, tid, "M", "N", "2025-04-01T00:00:00Z", amount)
    transfer(g, "M4", "M", "N", "2025-04-02T00:00:00Z", "9400.00", "EUR")
    # O: above the threshold, exactly at it, or just under the band -> nothing
    for tid, amount in (("O1", "10500.00"), ("O2", "12000.00"), ("O3", "10000.00"), ("O4", "8999.99")):
        transfer(g, tid, "O", "Z", "2025-04-01T00:00:00Z", amount)
    for tid, amount in (("P1", "9100.00"), ("P2", "9200.00"), ("P3", "9300.00")):
        transfer(g, tid, "P", "Q", "2025-04-03T00:00:00Z", amount, "EUR")
    return g


def test_structuring(structuring_graph: Graph) -> None:
    found = money.structuring(structuring_graph, Decimal("10000"), 0.1, 3)
    # band [9000, 10000): M sent 9500 + 9800 + 9999.99 = 29299.99 USD (N received them);
    # P sent 9100 + 9200 + 9300 = 27600 EUR (Q received them); M's single EUR transfer is not enough
    summary = [(s.account_id, s.direction, s.currency, len(s.transfers), s.total) for s in found]
    assert summary == [
        ("M", "sent", "USD", 3, Decimal("29299.99")),
        ("N", "received", "USD", 3, Decimal("29299.99")),
        ("P", "sent", "EUR", 3, Decimal("27600.00")),
        ("Q", "received", "EUR", 3, Decimal("27600.00")),
    ]
    assert found[0].holders == [{"person_id": "P-M", "name": "Mario Mule", "role": "suspect"}]
    assert [t.transaction_id for t in found[0].transfers] == ["M1", "M2", "M3"]
    # only account O: nothing (its amounts are above, at or below the band)
    assert money.structuring(structuring_graph, Decimal("10000"), 0.1, 1, ["O"]) == []
    # margin 0.2 -> band [8000, 10000): O4 8999.99 enters, but alone
    assert [
        len(s.transfers) for s in money.structuring(structuring_graph, Decimal("10000"), 0.2, 1, ["O"])
    ] == [1]


def test_money_cli(structuring_graph: Graph, neo4j_settings: Settings) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    proc = run_cli(["money", "structuring", "--threshold", "10000", "--margin", "0.1", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [(d["account_id"], d["direction"], d["total"]) for d in data][:2] == [
        ("M", "sent", "29299.99"),
        ("N", "received", "29299.99"),
    ]
    proc = run_cli(["money", "trail", "M", "--hops", "2"], env)
    assert proc.returncode == 0, proc.stderr
    assert "M1" in proc.stdout and "Totals per hop" in proc.stdout
    proc = run_cli(["money", "trail", "NOPE"], env)
    assert proc.returncode == 7 and "no person 'NOPE'" in proc.stderr and "Traceback" not in proc.stderr
