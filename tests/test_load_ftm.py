"""`hilorojo load ftm`: FollowTheMoney entities into the model; the round trip through an export gives
the same records; entities of other schemata are rejected with their reason."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from followthemoney import model

from exchange.export import build_export
from exchange.network import Selection
from graph.connection import Graph
from loaders.ftm import load_ftm
from loaders.pipeline import load_file
from tests.conftest import CLEAR_QUERY
from tests.exchange_data import load_network

# What the round trip must keep, read with the test's own queries.
PEOPLE = """
MATCH (p:Person)
RETURN p.person_id AS id, p.name AS name, toString(p.date_of_birth) AS dob, p.nationality AS nationality,
       p.role AS role, coalesce(p.aliases, []) AS aliases ORDER BY id
"""
PHONES = "MATCH (x:Phone) RETURN x.number AS number, x.quality AS quality ORDER BY number"
ACCOUNTS = "MATCH (a:Account) RETURN a.account_id AS account ORDER BY account"
USES = """
MATCH (p:Person)-[r:USES|HOLDS|HAS_DOCUMENT]->(x)
RETURN p.person_id AS person, type(r) AS rel, coalesce(x.doc_id, x.account_id, x.number, x.imei) AS key,
       toString(r.valid_from) AS since
ORDER BY person, rel, key
"""
CALLS = """
MATCH (a:Phone)-[c:CALLED]->(b:Phone)
RETURN c.call_id AS id, a.number AS caller, b.number AS callee, toString(c.start_time) AS at,
       c.duration_s AS duration, c.call_type AS type ORDER BY id
"""
TRANSFERS = """
MATCH (a:Account)-[t:TRANSFERRED]->(b:Account)
RETURN t.transaction_id AS id, a.account_id AS sender, b.account_id AS receiver, t.amount AS amount,
       t.currency AS currency, toString(t.timestamp) AS at, t.reference AS reference ORDER BY id
"""
ARRESTS = """
MATCH (p:Person)-[r:INVOLVED_IN]->(a:Arrest)
RETURN a.arrest_id AS arrest, toString(a.arrest_date) AS day, p.person_id AS person, r.role AS role
ORDER BY arrest, person
"""
QUERIES = {
    "people": PEOPLE,
    "phones": PHONES,
    "accounts": ACCOUNTS,
    "uses": USES,
    "calls": CALLS,
    "transfers": TRANSFERS,
    "arrests": ARRESTS,
}


def snapshot(g: Graph) -> dict[str, list[dict[str, Any]]]:
    return {name: g.read(query) for name, query in QUERIES.items()}


def test_export_then_load_into_an_empty_database_gives_the_same_records(
    empty_graph: Graph, tmp_path: Path
) -> None:
    load_network(empty_graph, tmp_path)
    before = snapshot(empty_graph)
    # counted by hand from tests/exchange_data.py
    assert [len(before[k]) for k in ("people", "phones", "accounts", "calls", "transfers")] == [4, 5, 4, 5, 3]
    result = build_export(empty_graph, "ftm", Selection(), include_victims=True)
    path = tmp_path / "network.ftm.json"
    path.write_bytes(next(iter(result.files.values())))
    empty_graph.run_in_batches(CLEAR_QUERY)
    summary = load_ftm(empty_graph, path)
    assert summary.rows_rejected == 0 and summary.rows_read == summary.rows_loaded == len(
        path.read_text().splitlines()
    )
    after = snapshot(empty_graph)
    for name in QUERIES:
        assert after[name] == before[name], name
    # provenance: the load's rows, and the original file and row kept on each event
    row = empty_graph.read_one(
        "MATCH ()-[c:CALLED {call_id: 'C3'}]->() MATCH (s:Source {source_id: c.source_id}) "
        "RETURN s.file_name AS file, s.kind AS kind, c.row AS row, c.x_origin AS origin"
    )
    assert row is not None and row["file"] == "network.ftm.json" and row["kind"] == "ftm"
    assert row["origin"] == "calls.csv:4"
    assert path.read_text().splitlines()[row["row"] - 1].startswith('{"id": "hr-call-C3"')
    # loading the same file again changes nothing
    load_ftm(empty_graph, path)
    assert snapshot(empty_graph) == after


# Handsets beside the export network: P1 and P2 share one, P3 has one, the victim V1 one of her own.
HANDSETS = """person_id,full_name,identifier_type,identifier,valid_from
P1,José Núñez Peña,imei,356938035643809,2024-01-01
P2,Luis Gómez,imei,356938035643809,
P3,Carla Ruiz,imei,490154203237518,
V1,María Fernanda López,imei,353918050736651,
"""


def test_handsets_travel_as_assets_used_through_unknown_links(empty_graph: Graph, tmp_path: Path) -> None:
    load_network(empty_graph, tmp_path)
    (tmp_path / "handsets.csv").write_text(HANDSETS, encoding="utf-8")
    load_file(empty_graph, "identifiers", tmp_path / "handsets.csv", progress=False)
    before = snapshot(empty_graph)
    devices = [(r["person"], r["key"], r["since"]) for r in before["uses"] if r["key"].isdigit()]
    assert devices == [
        ("P1", "356938035643809", "2024-01-01"),
        ("P2", "356938035643809", None),
        ("P3", "490154203237518", None),
        ("V1", "353918050736651", None),
    ]
    full = build_export(empty_graph, "ftm", Selection(), include_victims=True)
    lines = [json.loads(line) for line in next(iter(full.files.values())).decode().splitlines()]
    handsets = {e["id"]: e for e in lines if e["schema"] == "Asset"}
    uses = [e for e in lines if e["schema"] == "UnknownLink" and e["properties"]["role"] == ["uses handset"]]
    assert sorted(handsets) == [
        "hr-device-353918050736651",
        "hr-device-356938035643809",
        "hr-device-490154203237518",
    ]
    assert sorted((u["properties"]["subject"][0], u["properties"]["object"][0]) for u in uses) == [
        ("hr-person-P1", "hr-device-356938035643809"),
        ("hr-person-P2", "hr-device-356938035643809"),
        ("hr-person-P3", "hr-device-490154203237518"),
        ("hr-person-V1", "hr-device-353918050736651"),
    ]
    for data in [*handsets.values(), *uses]:
        schema = model.get(data["schema"])
        assert schema is not None and schema.validate(data) is None
        assert model.get_proxy(data, cleaned=False).to_dict()["properties"] == data["properties"]
    # the victim's own handset is in no default export; the shared one is, with the suspects' uses
    default = next(iter(build_export(empty_graph, "ftm", Selection()).files.values())).decode()
    assert "353918050736651" not in default and "hr-device-356938035643809" in default
    # loaded into an empty database, the handsets and who used them (and since when) come back
    path = tmp_path / "network.ftm.json"
    path.write_bytes(next(iter(full.files.values())))
    empty_graph.run_in_batches(CLEAR_QUERY)
    summary = load_ftm(empty_graph, path)
    assert summary.rows_rejected == 0
    assert snapshot(empty_graph) == before


def entity(ident: str, schema: str, **props: Any) -> str:
    values = {k: v if isinstance(v, list) else [v] for k, v in props.items()}
    return json.dumps({"id": ident, "schema": schema, "properties": values})


def test_entities_from_other_tools_are_placed_or_rejected_with_their_reason(
    empty_graph: Graph, tmp_path: Path
) -> None:
    lines = [
        entity(
            "a1", "Person", name="Ana Ruiz", phone="+573005550001", birthDate="1990-04-05", nationality="co"
        ),
        entity("a2", "Person", name="Beto Paz", birthDate="1985"),
        entity("pp", "Passport", holder="a1", number="PA123", passportNumber="PA123"),
        entity("acc", "BankAccount", iban="CO12 3456", accountNumber="CO123456"),
        entity("own", "Ownership", owner="a2", asset="acc", startDate="2023-01-01"),
        entity(
            "call",
            "Call",
            callerNumber="+573005550001",
            receiverNumber="+573005550002",
            startDate="2024-05-01T08:30:00",
            duration="42",
        ),
        entity("co", "Company", name='=HYPERLINK("http://x")'),
        entity("ev", "Event", name="Meeting", involved=["a1", "a2"]),
        entity("ves", "Vessel", name="Sea Star"),
        entity(
            "pay", "Payment", payer="a1", beneficiary="a2", amount="10", currency="USD", date="2024-05-02"
        ),
        '{"id": "x", "schema": "Spaceship", "properties": {}}',
        "not json",
    ]
    path = tmp_path / "aleph.ftm.json"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = load_ftm(empty_graph, path)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (12, 6, 6)
    with (tmp_path / "aleph.ftm.json.rejects.csv").open(encoding="utf-8") as handle:
        rejects = {int(r["line"]): r for r in csv.DictReader(handle)}
    assert sorted(rejects) == [7, 8, 9, 10, 11, 12]
    assert "Company" in rejects[7]["reason"] and rejects[7]["caption"] == '\'=HYPERLINK("http://x")'
    assert "not an arrest" in rejects[8]["reason"]
    assert "Vessel has no place" in rejects[9]["reason"]
    assert "payerAccount" in rejects[10]["reason"]
    assert "Spaceship" in rejects[11]["reason"] and "JSON" in rejects[12]["reason"]
    people = {r["id"]: r for r in empty_graph.read(PEOPLE)}
    assert people["a1"]["name"] == "Ana Ruiz" and people["a1"]["dob"] == "1990-04-05"
    assert people["a1"]["nationality"] == "CO" and people["a2"]["dob"] is None
    uses = {(r["person"], r["rel"], r["key"]) for r in empty_graph.read(USES)}
    assert uses == {
        ("a1", "USES", "+573005550001"),
        ("a1", "HAS_DOCUMENT", "passport:PA123"),
        ("a2", "HOLDS", "CO123456"),
    }
    calls = empty_graph.read(CALLS)
    assert [(c["caller"], c["callee"], c["at"], c["duration"]) for c in calls] == [
        ("+573005550001", "+573005550002", "2024-05-01T08:30:00Z", 42)
    ]
