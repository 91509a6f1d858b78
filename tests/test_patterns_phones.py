"""Phone patterns on hand-built call records: swaps, burners and replacements, profiles, common contacts."""

from __future__ import annotations

import json

import pytest

from analytics import phones
from graph.connection import Graph
from graph.settings import Settings
from tests.conftest import run_cli, server_env

CREATE_CALL = """
MERGE (a:Phone {number: $caller}) ON CREATE SET a.digits = substring($caller, 1)
MERGE (b:Phone {number: $callee}) ON CREATE SET b.digits = substring($callee, 1)
CREATE (a)-[:CALLED {call_id: $call_id, start_time: datetime($ts), duration_s: $duration, call_type: 'voice',
                     caller_imei: $caller_imei, callee_imei: $callee_imei, source_id: 'test', row: 2}]->(b)
"""
CREATE_IN_DEVICE = """
MERGE (n:Phone {number: $number})
MERGE (d:Device {imei: $imei})
CREATE (n)-[:IN_DEVICE {first_seen: datetime($first), last_seen: datetime($last)}]->(d)
"""
CREATE_USER = """
MERGE (p:Person {person_id: $person_id}) ON CREATE SET p.name = $name, p.role = $role
MERGE (n:Phone {number: $number}) ON CREATE SET n.digits = substring($number, 1)
CREATE (p)-[:USES]->(n)
"""

_counter = iter(range(1, 1_000_000))


def call(
    graph: Graph,
    caller: str,
    callee: str,
    ts: str,
    duration: int = 60,
    caller_imei: str | None = None,
    callee_imei: str | None = None,
) -> None:
    params = {
        "call_id": f"c{next(_counter)}",
        "caller": caller,
        "callee": callee,
        "ts": ts,
        "duration": duration,
        "caller_imei": caller_imei,
        "callee_imei": callee_imei,
    }
    graph.write(CREATE_CALL, params)


IMEI_X = "356938035643809"
IMEI_ONE = "490154203237518"


@pytest.fixture
def swap_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    g.write(
        CREATE_USER, {"person_id": "P-ANA", "name": "Ana Swap", "role": "suspect", "number": "+573001111111"}
    )
    # handset X holds +573001111111 in January, then +573002222222 in February
    call(g, "+573001111111", "+573009999999", "2025-01-01T10:00:00Z", caller_imei=IMEI_X)
    call(g, "+573009999999", "+573001111111", "2025-01-10T10:00:00Z", callee_imei=IMEI_X)
    call(g, "+573002222222", "+573009999999", "2025-02-01T10:00:00Z", caller_imei=IMEI_X)
    call(g, "+573002222222", "+573009999999", "2025-02-05T10:00:00Z", caller_imei=IMEI_X)
    # +573003333333 moves from handset A to handset BURN (IN_DEVICE)
    g.write(
        CREATE_IN_DEVICE,
        {
            "number": "+573003333333",
            "imei": "111111111111111",
            "first": "2025-03-01T00:00:00Z",
            "last": "2025-03-10T00:00:00Z",
        },
    )
    g.write(
        CREATE_IN_DEVICE,
        {
            "number": "+573003333333",
            "imei": "222222222222222",
            "first": "2025-03-11T00:00:00Z",
            "last": "2025-03-20T00:00:00Z",
        },
    )
    # a handset that only ever held one number: no swap
    call(g, "+573004444444", "+573009999999", "2025-01-05T10:00:00Z", caller_imei=IMEI_ONE)
    call(g, "+573004444444", "+573009999999", "2025-01-06T10:00:00Z", caller_imei=IMEI_ONE)
    g.write(
        CREATE_IN_DEVICE,
        {
            "number": "+573004444444",
            "imei": IMEI_ONE,
            "first": "2025-01-01T00:00:00Z",
            "last": "2025-01-31T00:00:00Z",
        },
    )
    return g


def test_swaps(swap_graph: Graph) -> None:
    found = phones.swaps(swap_graph)
    assert [(s.kind, s.key) for s in found] == [("device", IMEI_X), ("number", "+573003333333")]
    device = found[0]
    assert [(u.number, str(u.first)[:10], str(u.last)[:10], u.calls) for u in device.usages] == [
        ("+573001111111", "2025-01-01", "2025-01-10", 2),
        ("+573002222222", "2025-02-01", "2025-02-05", 2),
    ]
    assert device.users == {"+573001111111": [{"person_id": "P-ANA", "name": "Ana Swap", "role": "suspect"}]}
    number = found[1]
    assert [(u.imei, str(u.first)[:10]) for u in number.usages] == [
        ("111111111111111", "2025-03-01"),
        ("222222222222222", "2025-03-11"),
    ]
    assert number.usages[0].evidence == ["IN_DEVICE"]
    # IMEI_ONE (one number, seen by calls and by IN_DEVICE) is never reported
    assert all(s.key != IMEI_ONE and s.key != "+573004444444" for s in found)
    # only the swaps touching Ana's number
    assert [(s.kind, s.key) for s in phones.swaps(swap_graph, "P-ANA")] == [("device", IMEI_X)]


OLD, NEW, KEEP, BURN = "+573005000000", "+573006000000", "+573007000000", "+573008000000"
C1, C2, C3, C4, C5, C9 = (f"+57310000000{i}" for i in (1, 2, 3, 4, 5, 9))


@pytest.fixture
def burner_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    g.write(CREATE_USER, {"person_id": "P-OLD", "name": "Old User", "role": "suspect", "number": OLD})
    for contact in (C1, C2, C3, C4):  # OLD: Jan 1 to Feb 1, then silent
        call(g, OLD, contact, "2025-01-01T10:00:00Z")
        call(g, OLD, contact, "2025-02-01T10:00:00Z")
    for contact in (C1, C2, C3, C5):  # NEW: starts Feb 2, one day after OLD's last call
        call(g, NEW, contact, "2025-02-02T10:00:00Z")
        call(g, NEW, contact, "2025-03-31T10:00:00Z")
    for contact in (C1, C2, C3):  # KEEP: long-lived, active all along
        call(g, KEEP, contact, "2025-01-01T12:00:00Z")
        call(g, KEEP, contact, "2025-03-31T12:00:00Z")
    # BURN: three calls over two days with two contacts
    call(g, BURN, C1, "2025-02-10T10:00:00Z")
    call(g, BURN, C1, "2025-02-11T10:00:00Z")
    call(g, BURN, C9, "2025-02-12T10:00:00Z")
    return g


def test_burners_and_replacement(burner_graph: Graph) -> None:
    report = phones.burners(burner_graph)
    # short-lived (<= 30 days, <= 5 contacts, >= 3 calls): BURN (2 days, 2 contacts, 3 calls);
    # OLD lives 31 days, NEW and KEEP 58+ days, the C numbers have fewer than 3 calls or live long
    assert [a.number for a in report.short_lived] == [BURN]
    assert report.short_lived[0].lifetime_days == pytest.approx(2.0)
    # OLD silent since Feb 1 (58 days before Mar 31); NEW starts Feb 2 (gap 1 day);
    # Jaccard {C1,C2,C3,C4} vs {C1,C2,C3,C5} = 3 / 5 = 0.6
    assert [(r.old.number, r.new.number) for r in report.replacements] == [(OLD, NEW)]
    r = report.replacements[0]
    assert r.jaccard == pytest.approx(0.6)
    assert r.shared == [C1, C2, C3]
    assert r.gap_days == pytest.approx(1.0)
    assert r.users == {OLD: [{"person_id": "P-OLD", "name": "Old User", "role": "suspect"}]}
    # asking for more overlap than 0.6: no replacement
    assert phones.burners(burner_graph, min_jaccard=0.7).replacements == []
    # KEEP shares C1..C3 with OLD too but started before OLD: never a replacement
    assert all(r.new.number != KEEP for r in report.replacements)


def test_common_contacts(burner_graph: Graph) -> None:
    result = phones.common_contacts(burner_graph, OLD, NEW)
    # OLD and NEW both called C1, C2, C3 twice each; they never called each other
    assert [(c.number, c.calls_a, c.calls_b) for c in result.common] == [(C1, 2, 2), (C2, 2, 2), (C3, 2, 2)]
    assert result.direct_calls == 0
    # BURN's contacts {C1, C9} and C4's contact {OLD}: nothing in common
    assert phones.common_contacts(burner_graph, BURN, C4).common == []


P1, P2, X1, X2 = "+573001234567", "+573001234568", "+573111111111", "+573122222222"


@pytest.fixture
def profile_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    for number in (P1, P2):
        g.write(
            CREATE_USER, {"person_id": "P-LUIS", "name": "Luis Perfil", "role": "suspect", "number": number}
        )
    call(g, P1, X1, "2025-01-06T10:15:00-05:00", 120)  # Monday 10h local
    call(g, P1, X1, "2025-01-06T10:45:00-05:00", 60)  # Monday 10h
    call(g, X2, P1, "2025-01-11T23:30:00-05:00", 30)  # Saturday 23h local (Sunday 04:30 UTC)
    call(g, P1, X2, "2025-01-12T00:10:00-05:00", 300)  # Sunday 0h
    call(g, X1, P1, "2025-01-07T08:00:00-05:00", 10)  # Tuesday 8h
    call(g, P2, X2, "2025-01-13T09:00:00-05:00", 5)  # Monday 9h (second number)
    call(g, P1, P2, "2025-01-14T12:00:00-05:00", 20)  # Tuesday 12h, between Luis's own numbers
    return g


def test_profile_of_number(profile_graph: Graph) -> None:
    result = phones.profile(profile_graph, "+57 300 123 4567")
    assert result.numbers == [P1]
    # X1: 3 calls (2 out, 1 in), 120 + 60 + 10 = 190 s; X2: 2 calls, 30 + 300 = 330 s; P2: 1 call, 20 s
    assert [(c.number, c.calls, c.outgoing, c.incoming, c.duration_s) for c in result.contacts] == [
        (X1, 3, 2, 1, 190),
        (X2, 2, 1, 1, 330),
        (P2, 1, 1, 0, 20),
    ]
    assert str(result.contacts[0].first) == "2025-01-06 10:15:00-05:00"
    assert str(result.contacts[0].last) == "2025-01-07 08:00:00-05:00"
    cells = {(d, h): n for d, row in enumerate(result.activity) for h, n in enumerate(row) if n}
    # Monday 10h: 2; Tuesday 8h: 1; Tuesday 12h: 1; Saturday 23h: 1; Sunday 0h: 1 -> 6 calls
    assert cells == {(0, 10): 2, (1, 8): 1, (1, 12): 1, (5, 23): 1, (6, 0): 1}
    assert result.calls == 6


def test_profile_of_person(profile_graph: Graph) -> None:
    result = phones.profile(profile_graph, "P-LUIS")
    assert result.numbers == [P1, P2]
    # X1 and X2 have 3 calls each; X2 has 335 s against X1's 190 s; P1 <-> P2 is not a contact
    assert [(c.number, c.calls, c.duration_s) for c in result.contacts] == [(X2, 3, 335), (X1, 3, 190)]
    assert sum(map(sum, result.activity)) == 7  # every call, the internal one included
    assert result.activity[0][9] == 1


def test_phones_cli(burner_graph: Graph, neo4j_settings: Settings) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    proc = run_cli(["phones", "burners", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert [(r["old"]["number"], r["new"]["number"]) for r in data["replacements"]] == [(OLD, NEW)]
    proc = run_cli(["phones", "common", OLD, NEW], env)
    assert proc.returncode == 0, proc.stderr
    assert "3 common contacts" in proc.stdout
    proc = run_cli(["phones", "profile", "P-OLD"], env)
    assert proc.returncode == 0, proc.stderr
    assert C4 in proc.stdout
