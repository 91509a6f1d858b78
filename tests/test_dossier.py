"""Target packages on a small hand-made network written with parameterised Cypher; values computed by hand."""

from __future__ import annotations

import base64
import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest
from pypdf import PdfReader

from dossier import SECTION_TITLES, TargetPackage, build_package, render
from graph.connection import Graph
from graph.errors import InputError, NotFound
from graph.settings import Settings
from tests.conftest import run_cli, server_env

CLEAR = "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"
SOURCES = """
UNWIND $rows AS r
CREATE (:Source {source_id: r.id, file_name: r.file, kind: r.kind, loaded_at: r.loaded_at, sha256: r.id})
"""
PEOPLE = """
UNWIND $rows AS r
CREATE (p:Person {person_id: r.id, name: r.name, aliases: r.aliases, date_of_birth: r.dob, gender: r.gender,
                  nationality: r.nat, role: r.role, roles: [r.role], source_ids: r.sources})
SET p += r.measures
"""
NATIONAL = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.id})
MERGE (c:Country {code: r.code})
CREATE (p)-[:NATIONAL_OF {source_ids: r.sources}]->(c)
"""
PHONES = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.person})
MERGE (x:Phone {number: r.key}) ON CREATE SET x.quality = 'e164', x.region = r.region
CREATE (p)-[:USES {source_ids: [split(r.row, ':')[0]], source_rows: [r.row]}]->(x)
"""
DEVICES = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.person})
MERGE (x:Device {imei: r.key}) ON CREATE SET x.luhn_ok = true
CREATE (p)-[:USES {source_ids: [split(r.row, ':')[0]], source_rows: [r.row]}]->(x)
"""
ACCOUNTS = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.person})
MERGE (x:Account {account_id: r.key}) ON CREATE SET x.holder_name = r.holder, x.country = r.country
CREATE (p)-[:HOLDS {source_ids: [split(r.row, ':')[0]], source_rows: [r.row]}]->(x)
"""
DOCUMENTS = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.person})
MERGE (x:Document {doc_id: r.key}) ON CREATE SET x.doc_type = r.doc_type, x.number = r.number
CREATE (p)-[:HAS_DOCUMENT {source_ids: [split(r.row, ':')[0]], source_rows: [r.row]}]->(x)
"""
EMAILS = """
UNWIND $rows AS r
MATCH (p:Person {person_id: r.person})
MERGE (x:Email {address: r.key})
CREATE (p)-[:HAS_EMAIL {source_ids: [split(r.row, ':')[0]], source_rows: [r.row]}]->(x)
"""
IN_DEVICE = """
MATCH (ph:Phone {number: $number}), (d:Device {imei: $imei})
CREATE (ph)-[:IN_DEVICE {first_seen: $first, last_seen: $last, source_ids: ['S-CDR'],
                         source_rows: [$row]}]->(d)
"""
CALLS = """
UNWIND $rows AS r
MATCH (a:Phone {number: r.a}), (b:Phone {number: r.b})
CREATE (a)-[:CALLED {call_id: r.id, start_time: r.at, duration_s: r.dur, call_type: 'voice',
                     source_id: 'S-CDR', row: r.row}]->(b)
"""
TRANSFERS = """
UNWIND $rows AS r
MATCH (a:Account {account_id: r.a}), (b:Account {account_id: r.b})
CREATE (a)-[:TRANSFERRED {transaction_id: r.id, timestamp: r.at, amount: r.amount, amount_micro: r.micro,
                          currency: r.cur, source_id: 'S-FIN', row: r.row}]->(b)
"""
ARRESTS = """
UNWIND $rows AS r
MERGE (o:Operation {name: r.op})
CREATE (a:Arrest {arrest_id: r.id, arrest_date: r.date, city: r.city, country: 'CO', agency: r.agency,
                  source_ids: ['S-ARR']})
CREATE (a)-[:PART_OF {source_ids: ['S-ARR']}]->(o)
WITH a, r
UNWIND r.people AS who
MATCH (p:Person {person_id: who.id})
CREATE (p)-[:INVOLVED_IN {role: who.role, charges: who.charges, source_ids: ['S-ARR'],
                          source_rows: [who.row]}]->(a)
"""
ANALYSIS = """
CREATE (:Analysis {analysis_id: 'A1', layers: ['calls', 'money', 'arrests'], run_at: $run_at, nodes: 5,
                   edges: 6, parameters: '{}'})
WITH 1 AS one
UNWIND $links AS l
MATCH (a:Person {person_id: l.a}), (b:Person {person_id: l.b})
CREATE (a)-[:LIKELY_LINKED {score: l.score, analysis_id: 'A1'}]->(b)
"""

SUBJECT = "P1"
SUBJECT_NAME = "José Núñez Peña"
VICTIM_SECRETS = (  # what must never appear in a default package
    "María Fernanda López",
    "Ana Beatriz Torres",
    "Mafe",
    "V-001",
    "V-002",
    "+50499990000",
    "+50488887777",
    "ACC-V1",
    "HN-PASS-777",
    "mafe@correo.hn",
)


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _measures(
    degree: int,
    pagerank: float,
    betweenness: float,
    constraint: float,
    community: int,
    key_player: bool,
    kpp_rank: int | None,
    liaison: int,
) -> dict[str, object]:
    return {
        "analysis_id": "A1",
        "degree": degree,
        "pagerank": pagerank,
        "betweenness": betweenness,
        "constraint": constraint,
        "community": community,
        "key_player": key_player,
        "kpp_rank": kpp_rank,
        "brokerage_liaison": liaison,
    }


def load(graph: Graph) -> None:
    """Clear the database and write the fixture network."""
    graph.run_in_batches(CLEAR)
    graph.write(
        SOURCES,
        {
            "rows": [
                {
                    "id": "S-ID",
                    "file": "subscribers.csv",
                    "kind": "identifiers",
                    "loaded_at": _utc("2024-04-30T08:00"),
                },
                {
                    "id": "S-ARR",
                    "file": "arrests_2024.csv",
                    "kind": "arrests",
                    "loaded_at": _utc("2024-05-01T10:00"),
                },
                {
                    "id": "S-CDR",
                    "file": "cdr_claro.csv",
                    "kind": "calls",
                    "loaded_at": _utc("2024-05-02T09:00"),
                },
                {
                    "id": "S-FIN",
                    "file": "transfers.csv",
                    "kind": "transfers",
                    "loaded_at": _utc("2024-05-03T12:30"),
                },
            ]
        },
    )
    people = [
        (
            "P1",
            SUBJECT_NAME,
            ["El Flaco"],
            date(1985, 6, 15),
            "M",
            "CO",
            "suspect",
            _measures(5, 0.30, 0.5, 0.2, 1, True, 1, 3),
        ),
        (
            "P2",
            "Carlos Ruiz",
            [],
            date(1990, 1, 2),
            "M",
            "VE",
            "suspect",
            _measures(3, 0.20, 0.6, 0.5, 1, False, None, 1),
        ),
        (
            "P3",
            "Pedro Gómez",
            [],
            None,
            "M",
            "CO",
            "suspect",
            _measures(2, 0.10, 0.1, 0.1, 2, False, None, 0),
        ),
        (
            "V-001",
            "María Fernanda López",
            ["Mafe"],
            date(2001, 3, 3),
            "F",
            "VE",
            "victim",
            _measures(9, 0.90, 0.9, 0.05, 1, False, None, 9),
        ),
        (
            "V-002",
            "Ana Beatriz Torres",
            [],
            None,
            "F",
            "HN",
            "victim",
            _measures(1, 0.05, 0.0, 1.0, 1, False, None, 0),
        ),
    ]
    graph.write(
        PEOPLE,
        {
            "rows": [
                {
                    "id": pid,
                    "name": name,
                    "aliases": aliases,
                    "dob": dob,
                    "gender": g,
                    "nat": nat,
                    "role": role,
                    "sources": ["S-ARR", "S-ID"],
                    "measures": m,
                }
                for pid, name, aliases, dob, g, nat, role, m in people
            ]
        },
    )
    graph.write(NATIONAL, {"rows": [{"id": "P1", "code": "CO", "sources": ["S-ARR"]}]})
    graph.write(
        PHONES,
        {
            "rows": [
                {"person": "P1", "key": "+573001112233", "region": "CO", "row": "S-ID:2"},
                {"person": "P1", "key": "+573004445566", "region": "CO", "row": "S-ID:3"},
                {"person": "P2", "key": "+525511112222", "region": "MX", "row": "S-ID:5"},
                {"person": "V-001", "key": "+50499990000", "region": "HN", "row": "S-ID:6"},
                {"person": "V-002", "key": "+50488887777", "region": "HN", "row": "S-ID:7"},
                {"person": "P3", "key": "+573009998877", "region": "CO", "row": "S-ID:8"},
            ]
        },
    )
    graph.write(
        DEVICES,
        {
            "rows": [
                {"person": "P1", "key": "356938035643809", "row": "S-ID:4"},
                {"person": "P3", "key": "356938035643809", "row": "S-ID:13"},
            ]
        },
    )
    graph.write(
        ACCOUNTS,
        {
            "rows": [
                {"person": "P1", "key": "ACC-P1", "holder": SUBJECT_NAME, "country": "CO", "row": "S-ID:9"},
                {"person": "P2", "key": "ACC-P2", "holder": "Carlos Ruiz", "country": "MX", "row": "S-ID:10"},
                {
                    "person": "V-001",
                    "key": "ACC-V1",
                    "holder": "María Fernanda López",
                    "country": "HN",
                    "row": "S-ID:11",
                },
            ]
        },
    )
    graph.write(
        DOCUMENTS,
        {
            "rows": [
                {
                    "person": "P1",
                    "key": "passport:AB123456",
                    "doc_type": "passport",
                    "number": "AB123456",
                    "row": "S-ID:12",
                },
                {
                    "person": "V-001",
                    "key": "HN-PASS-777",
                    "doc_type": "passport",
                    "number": "777",
                    "row": "S-ID:14",
                },
            ]
        },
    )
    graph.write(
        EMAILS,
        {
            "rows": [
                {"person": "P1", "key": "flaco@correo.co", "row": "S-ID:15"},
                {"person": "V-001", "key": "mafe@correo.hn", "row": "S-ID:16"},
            ]
        },
    )
    graph.write(
        IN_DEVICE,
        {
            "number": "+573001112233",
            "imei": "356938035643809",
            "first": _utc("2024-03-01T00:00"),
            "last": _utc("2024-03-31T00:00"),
            "row": "S-CDR:2",
        },
    )
    # 2024-03-01 was a Friday, so 03-04 Mon, 03-05 Tue, 03-06 Wed, 03-07 Thu, 03-08 Fri, 03-09 Sat,
    # 03-10 Sun, 03-11 Mon.
    calls = [
        ("c1", "+573001112233", "+525511112222", "2024-03-04T10:15", 120, 10),  # Mon 10h, ph1 -> P2
        ("c2", "+573001112233", "+525511112222", "2024-03-04T10:45", 60, 11),  # Mon 10h, ph1 -> P2
        ("c3", "+573001112233", "+525511112222", "2024-03-06T22:05", 300, 12),  # Wed 22h, ph1 -> P2
        ("c4", "+525511112222", "+573004445566", "2024-03-09T08:30", 30, 13),  # Sat 8h, P2 -> ph2
        ("c5", "+573001112233", "+50499990000", "2024-03-05T23:10", 45, 14),  # Tue 23h, ph1 -> V-001
        ("c6", "+50488887777", "+573004445566", "2024-03-10T02:00", 15, 15),  # Sun 2h, V-002 -> ph2
        ("c7", "+573004445566", "+15550001111", "2024-03-07T10:20", 200, 16),  # Thu 10h, ph2 -> unknown
        ("c8", "+573001112233", "+573004445566", "2024-03-08T12:00", 10, 17),  # Fri 12h, own phones
        ("c9", "+525511112222", "+573009998877", "2024-03-11T09:00", 50, 18),  # P2 -> P3, not the subject
    ]
    graph.run_in_batches("MERGE (:Phone {number: '+15550001111'})")
    graph.write(
        CALLS,
        {
            "rows": [
                {"id": i, "a": a, "b": b, "at": _utc(at), "dur": d, "row": row}
                for i, a, b, at, d, row in calls
            ]
        },
    )
    transfers = [
        ("t1", "ACC-P1", "ACC-P2", "2024-03-12T15:00", "9500.00", "USD", 2),
        ("t2", "ACC-P1", "ACC-P2", "2024-03-13T15:00", "9800.50", "USD", 3),
        ("t3", "ACC-P1", "ACC-P2", "2024-03-14T15:00", "9900.25", "USD", 4),
        ("t4", "ACC-P2", "ACC-P1", "2024-03-15T15:00", "1500000.00", "COP", 5),
        ("t5", "ACC-V1", "ACC-P1", "2024-03-01T09:00", "350.10", "USD", 6),
        ("t6", "ACC-V1", "ACC-P1", "2024-03-02T09:00", "349.90", "USD", 7),
    ]
    graph.write(
        TRANSFERS,
        {
            "rows": [
                {
                    "id": i,
                    "a": a,
                    "b": b,
                    "at": _utc(at),
                    "amount": amt,
                    "micro": int(Decimal(amt) * 1_000_000),
                    "cur": cur,
                    "row": row,
                }
                for i, a, b, at, amt, cur, row in transfers
            ]
        },
    )
    op = "Operación Frontera"
    graph.write(
        ARRESTS,
        {
            "rows": [
                {
                    "id": "AR1",
                    "date": date(2024, 2, 10),
                    "city": "Bogotá",
                    "agency": "DIJIN",
                    "op": op,
                    "people": [
                        {
                            "id": "P1",
                            "role": "detained",
                            "charges": ["tráfico de migrantes"],
                            "row": "S-ARR:2",
                        },
                        {
                            "id": "P2",
                            "role": "detained",
                            "charges": ["tráfico de migrantes"],
                            "row": "S-ARR:3",
                        },
                        {"id": "V-001", "role": "victim", "charges": [], "row": "S-ARR:4"},
                    ],
                },
                {
                    "id": "AR2",
                    "date": date(2024, 4, 20),
                    "city": "Cúcuta",
                    "agency": "DIJIN",
                    "op": op,
                    "people": [
                        {
                            "id": "P1",
                            "role": "detained",
                            "charges": ["concierto para delinquir"],
                            "row": "S-ARR:5",
                        },
                        {"id": "P3", "role": "detained", "charges": [], "row": "S-ARR:6"},
                    ],
                },
            ]
        },
    )
    graph.write(
        ANALYSIS,
        {
            "run_at": _utc("2024-05-04T08:00"),
            "links": [
                {"a": "P1", "b": "P3", "score": 0.87},
                {"a": "V-002", "b": "P1", "score": 0.41},
            ],
        },
    )


# --------------------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def network(graph: Graph) -> Iterator[Graph]:
    load(graph)
    yield graph


@pytest.fixture(scope="module")
def pkg(network: Graph) -> TargetPackage:
    return build_package(network, SUBJECT)


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def test_cover(network: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HILOROJO_MARKING", "SECRETO — SOLO USO POLICIAL")
    p = build_package(network, SUBJECT_NAME)  # by full name, with accents
    c = p.cover
    assert (c.subject, c.person_id) == (SUBJECT_NAME, "P1")
    assert c.marking == "SECRETO — SOLO USO POLICIAL"
    assert c.data_as_of == _utc("2024-05-03T12:30")  # the latest of the four Source.loaded_at
    # latest event: call c9 2024-03-11, transfer t4 2024-03-15, arrest AR2 2024-04-20 -> the arrest
    assert c.latest_event == date(2024, 4, 20)
    assert (c.analysis_id, c.analysis_run_at) == ("A1", _utc("2024-05-04T08:00"))
    assert not c.victims_included and "Victim 1" in c.victims_notice
    assert build_package(network, SUBJECT).cover.marking == "SECRETO — SOLO USO POLICIAL"
    monkeypatch.delenv("HILOROJO_MARKING")
    assert build_package(network, SUBJECT).cover.marking == "RESTRICTED — LAW ENFORCEMENT USE ONLY"


def test_identity(pkg: TargetPackage) -> None:
    i = pkg.identity
    assert (i.name, i.aliases, i.date_of_birth, i.nationality, i.gender) == (
        SUBJECT_NAME,
        ["El Flaco"],
        date(1985, 6, 15),
        ["CO"],
        "M",
    )
    got = {(x.kind, x.value): x for x in i.identifiers}
    assert set(got) == {
        ("phone", "+573001112233"),
        ("phone", "+573004445566"),
        ("device", "356938035643809"),
        ("account", "ACC-P1"),
        ("passport", "AB123456"),
        ("email", "flaco@correo.co"),
    }
    assert got[("device", "356938035643809")].shared_with == ["Pedro Gómez"]  # P3 uses the same handset
    by_ref = {(e.ref, e.file_name): e.rows for e in pkg.evidence}
    (ref,) = got[("phone", "+573004445566")].evidence
    assert by_ref[(ref, "subscribers.csv")] == [3]  # USES written from S-ID row 3
    (ref,) = got[("account", "ACC-P1")].evidence
    assert by_ref[(ref, "subscribers.csv")] == [9]


def test_position_ranks_among_non_victims(pkg: TargetPackage) -> None:
    p = pkg.position
    assert p.analysed and p.analysis_id == "A1" and p.key_player is True and p.kpp_rank == 1
    m = {x.name: x for x in p.measures}
    # non-victims P1, P2, P3 (victim V-001 has degree 9 and pagerank 0.9 but is not ranked)
    assert (m["degree"].rank, m["degree"].of, m["degree"].percentile) == (1, 3, 100.0)  # 5 > 3, 2
    assert (m["pagerank"].rank, m["pagerank"].percentile) == (1, 100.0)  # 0.30 > 0.20, 0.10
    # betweenness 0.5: P2 has 0.6 -> rank 2; percentile (3 - 1) / 3 = 66.7
    assert (m["betweenness"].rank, m["betweenness"].percentile) == (2, 66.7)
    # constraint 0.2, lower is better: P3 has 0.1 -> rank 2
    assert (m["constraint"].rank, m["constraint"].percentile) == (2, 66.7)
    assert (m["brokerage_liaison"].value, m["brokerage_liaison"].rank) == (3, 1)
    cs = p.community
    assert cs is not None
    # community 1 = P1, P2, V-001, V-002: 4 people, 2 victims, 1 key player; VE: P2 + V-001, CO: P1, HN: V-002
    assert (cs.community, cs.size, cs.victims, cs.key_players) == (1, 4, 2, 1)
    assert cs.nationalities == {"VE": 2, "CO": 1, "HN": 1}
    assert cs.top_members == [SUBJECT_NAME, "Carlos Ruiz"]  # by pagerank, victims left out
    # ego network without the subject: P2-P3 (call c9), P2-V-001 (arrest AR1) and V-002 alone -> 2 groups of 4
    assert "4 people" in p.removal_effect and "2 separate groups" in p.removal_effect


def test_associates(pkg: TargetPackage) -> None:
    assert [a.person.label for a in pkg.associates] == ["Carlos Ruiz", "Pedro Gómez"]
    p2, p3 = pkg.associates
    # P2: c1 120 + c2 60 + c3 300 (ph1) + c4 30 (ph2) = 4 calls, 510 s; first c1, last c4
    assert (p2.calls, p2.call_duration_s) == (4, 510)
    assert (p2.first_call, p2.last_call) == (_utc("2024-03-04T10:15"), _utc("2024-03-09T08:30"))
    # money: paid 9500.00 + 9800.50 + 9900.25 = 29200.75 USD in 3; received 1500000.00 COP in 1
    money = {(m.direction, m.currency): (m.total, m.transfers) for m in p2.money}
    assert money == {("out", "USD"): (Decimal("29200.75"), 3), ("in", "COP"): (Decimal("1500000.00"), 1)}
    assert p2.co_arrests == 1 and p2.shared_identifiers == []
    assert (p3.calls, p3.money, p3.co_arrests, p3.shared_identifiers) == (
        0,
        [],
        1,
        ["device 356938035643809"],
    )
    # victims: listed apart, not ranked; V-002 appears first (contact +5048... sorts before +5049...)
    victims = {a.person.label: a for a in pkg.linked_victims}
    assert set(victims) == {"Victim 1", "Victim 2"}
    assert (victims["Victim 1"].calls, victims["Victim 1"].call_duration_s) == (1, 15)  # c6
    v1 = victims["Victim 2"]  # V-001: c5 45 s, 350.10 + 349.90 = 700.00 USD received in 2, arrest AR1
    assert (v1.calls, v1.call_duration_s, v1.co_arrests) == (1, 45, 1)
    assert [(m.direction, m.currency, m.total, m.transfers) for m in v1.money] == [
        ("in", "USD", Decimal("700.00"), 2)
    ]
    by_ref = {e.ref: e for e in pkg.evidence}
    call_ref = next(r for r in p2.evidence if by_ref[r].fact.startswith("Calls"))
    assert (by_ref[call_ref].file_name, by_ref[call_ref].rows) == ("cdr_claro.csv", [10, 11, 12, 13])
    money_ref = next(r for r in p2.evidence if by_ref[r].fact.startswith("Transfers"))
    assert (by_ref[money_ref].file_name, by_ref[money_ref].rows) == ("transfers.csv", [2, 3, 4, 5])


def test_phone_activity(pkg: TargetPackage) -> None:
    ph = pkg.phones
    lines = {x.number: x for x in ph.phones}
    a, b = lines["+573001112233"], lines["+573004445566"]
    # ph1: c1 c2 c3 c5 c8, all outgoing, 120 + 60 + 300 + 45 + 10 = 535 s
    assert (a.calls, a.outgoing, a.incoming, a.duration_s) == (5, 5, 0, 535)
    assert (a.first, a.last, a.devices) == (
        _utc("2024-03-04T10:15"),
        _utc("2024-03-08T12:00"),
        ["356938035643809"],
    )
    # ph2: c4 in, c6 in, c7 out, c8 in; 30 + 15 + 200 + 10 = 255 s; first c7 (03-07), last c6 (03-10)
    assert (b.calls, b.outgoing, b.incoming, b.duration_s) == (4, 1, 3, 255)
    assert (b.first, b.last) == (_utc("2024-03-07T10:20"), _utc("2024-03-10T02:00"))
    contacts = {(c.via, c.number): (c.calls, c.outgoing, c.duration_s, c.users) for c in ph.contacts}
    assert contacts == {
        ("+573001112233", "+525511112222"): (3, 3, 480, ["Carlos Ruiz"]),
        ("+573004445566", "+525511112222"): (1, 0, 30, ["Carlos Ruiz"]),
        ("+573001112233", "[phone of Victim 2 #1]"): (1, 1, 45, ["Victim 2"]),
        ("+573004445566", "[phone of Victim 1 #1]"): (1, 0, 15, ["Victim 1"]),
        ("+573004445566", "+15550001111"): (1, 1, 200, []),
    }
    # 8 distinct calls of the subject's phones (c1-c8; c8 between them counts once)
    expected = [[0] * 24 for _ in range(7)]
    for weekday, hour in [(0, 10), (0, 10), (2, 22), (5, 8), (1, 23), (6, 2), (3, 10), (4, 12)]:
        expected[weekday][hour] += 1
    assert ph.heatmap == expected
    assert sum(map(sum, ph.heatmap)) == 8
    # burner-like (<= 30 days, <= 5 contacts, >= 3 calls): ph1 03-04 10:15 to 03-08 12:00 = 4.07 days,
    # contacts P2, V-001, ph2 = 3, 5 calls; ph2 03-07 10:20 to 03-10 02:00 = 2.65 days, 4 contacts, 4 calls
    burners = sorted(f.text for f in ph.flags if f.kind == "burner")
    assert burners == [
        "Number +573001112233 was active only 4.1 days (2024-03-04 to 2024-03-08) with 3 contacts and "
        "5 calls.",
        "Number +573004445566 was active only 2.7 days (2024-03-07 to 2024-03-10) with 4 contacts and "
        "4 calls.",
    ]
    assert [f for f in ph.flags if f.kind == "swap"] == []  # one handset, one number in it


def test_money(pkg: TargetPackage) -> None:
    mo = pkg.money
    assert mo.accounts == ["ACC-P1"]
    totals = {(t.direction, t.currency): (t.total, t.transfers) for t in mo.totals}
    # out USD 29200.75 (t1-t3); in COP 1500000.00 (t4); in USD 350.10 + 349.90 = 700.00 (t5, t6)
    assert totals == {
        ("out", "USD"): (Decimal("29200.75"), 3),
        ("in", "COP"): (Decimal("1500000.00"), 1),
        ("in", "USD"): (Decimal("700.00"), 2),
    }
    flows = {(f.counterparty, f.direction, f.currency): (f.total, f.counterparty_holder) for f in mo.flows}
    assert flows[("[account of Victim 2 #1]", "in", "USD")] == (Decimal("700.00"), "Victim 2")
    assert flows[("ACC-P2", "out", "USD")] == (Decimal("29200.75"), "Carlos Ruiz")
    # structuring: t1-t3 are 3 transfers in [9000, 10000) USD sent by ACC-P1
    structuring = [f for f in mo.flags if f.kind == "structuring"]
    assert len(structuring) == 1 and "ACC-P1 sent 3 transfers" in structuring[0].text
    assert "29200.75" in structuring[0].text
    assert any("ACC-P2" in t for t in mo.trails)
    assert all("ACC-V1" not in t for t in mo.trails)


def test_arrests_timeline(pkg: TargetPackage) -> None:
    assert [(a.arrest_id, a.date, a.operation, a.operation_arrests) for a in pkg.arrests] == [
        ("AR1", date(2024, 2, 10), "Operación Frontera", 2),
        ("AR2", date(2024, 4, 20), "Operación Frontera", 2),
    ]
    ar1, ar2 = pkg.arrests
    assert ar1.place == "Bogotá, CO" and ar1.charges == ["tráfico de migrantes"]
    assert sorted(ar1.with_people) == ["Carlos Ruiz (detained)", "Victim 2 (victim)"]
    assert ar2.with_people == ["Pedro Gómez (detained)"]
    by_ref = {(e.ref, e.file_name): e.rows for e in pkg.evidence}
    assert by_ref[(ar1.evidence[0], "arrests_2024.csv")] == [2]


def test_network_picture_matches_networkx(pkg: TargetPackage) -> None:
    net = pkg.network
    labels = [n.label for n in net.nodes]
    assert labels[0] == SUBJECT_NAME and net.nodes[0].subject
    assert sorted(labels) == sorted([SUBJECT_NAME, "Carlos Ruiz", "Pedro Gómez", "Victim 1", "Victim 2"])
    ours = nx.Graph([(labels[e.a], labels[e.b]) for e in net.edges])
    # by hand: P1-P2 (calls, money, arrest), P1-V001 (call, money, arrest), P1-V002 (call),
    # P1-P3 (arrest, shared handset), P2-P3 (call c9), P2-V001 (arrest AR1)
    expected = nx.Graph(
        [
            (SUBJECT_NAME, "Carlos Ruiz"),
            (SUBJECT_NAME, "Victim 2"),
            (SUBJECT_NAME, "Victim 1"),
            (SUBJECT_NAME, "Pedro Gómez"),
            ("Carlos Ruiz", "Pedro Gómez"),
            ("Carlos Ruiz", "Victim 2"),
        ]
    )
    assert nx.utils.graphs_equal(ours, expected)
    assert [n.victim for n in net.nodes if n.label.startswith("Victim")] == [True, True]
    assert pkg.picture_png.startswith(b"\x89PNG")


def test_likely_links_are_inference(pkg: TargetPackage) -> None:
    assert [(x.person.label, x.score) for x in pkg.likely_links] == [
        ("Pedro Gómez", 0.87),
        ("Victim 1", 0.41),
    ]
    html = render(pkg, "html").decode()
    section = html.split("Suggested hidden links (inference, not evidence)")[1]
    assert "INFERENCE, NOT EVIDENCE" in section.split("<h2>")[0]


def test_victims_redacted_everywhere_by_default(pkg: TargetPackage) -> None:
    outputs = {fmt: render(pkg, fmt) for fmt in ("html", "json", "pdf")}
    texts = {"html": outputs["html"].decode(), "json": outputs["json"].decode(), "pdf": _text(outputs["pdf"])}
    for fmt, text in texts.items():
        for secret in VICTIM_SECRETS:
            assert secret not in text, (fmt, secret)
        assert "Victim 1" in text and "Victim 2" in text, fmt
    assert base64.b64decode(json.loads(texts["json"])["picture_png_base64"]) == pkg.picture_png


def test_include_victims(network: Graph) -> None:
    p = build_package(network, SUBJECT, include_victims=True)
    assert p.cover.victims_included and "VICTIM DATA INCLUDED" in p.cover.victims_notice
    text = _text(render(p, "pdf"))
    for secret in ("María Fernanda López", "Ana Beatriz Torres", "+50499990000", "ACC-V1"):
        assert secret in text
    assert "VICTIM DATA INCLUDED" in text


def test_pdf_has_every_section_and_the_subject(pkg: TargetPackage) -> None:
    pdf = render(pkg, "pdf")
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    flat = " ".join(text.split())
    for title in SECTION_TITLES:
        assert title in flat, title
    assert SUBJECT_NAME in flat  # accents survive: DejaVu Sans is embedded
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf  # the TrueType font is embedded


def test_html_is_self_contained(pkg: TargetPackage) -> None:
    html = render(pkg, "html").decode()
    assert not re.search(r"https?://", html)
    assert "<link" not in html and "<script" not in html
    assert "data:image/png;base64," in html
    for title in SECTION_TITLES:
        assert f"<h2>{title}</h2>" in html


def test_victim_subject_and_bad_hops_refused(network: Graph) -> None:
    with pytest.raises(InputError, match="victim"):
        build_package(network, "V-001")
    with pytest.raises(InputError):
        build_package(network, SUBJECT, hops=9)
    with pytest.raises(NotFound):
        build_package(network, "Nobody At All")


def test_cli_writes_pdf_and_refuses_unknown(network: Graph, neo4j_settings: Settings, tmp_path: Path) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    out = tmp_path / "p1.pdf"
    proc = run_cli(["package", SUBJECT, "--format", "pdf", "--out", str(out), "--json"], env)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["file"] == str(out) and summary["associates"] == 2 and not summary["victims_included"]
    assert SUBJECT_NAME in " ".join(_text(out.read_bytes()).split())
    proc = run_cli(["package", "no-such-person"], env)
    assert proc.returncode == NotFound.exit_code
    assert len(proc.stderr.strip().splitlines()) == 1 and "no person 'no-such-person'" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_json_with_victims(network: Graph, neo4j_settings: Settings, tmp_path: Path) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    out = tmp_path / "p1.json"
    proc = run_cli(["package", SUBJECT, "--format", "json", "--out", str(out), "--include-victims"], env)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["cover"]["victims_included"] is True
    assert "María Fernanda López" in out.read_text(encoding="utf-8")
    assert data["sections"] == list(SECTION_TITLES)
