"""Exports (FtM, GraphML, GEXF, CSV, i2) of a small loaded network, read back by independent readers
(followthemoney, networkx, csv); expected values counted by hand from tests/exchange_data.py."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from followthemoney import model

from access.audit import read as read_audit
from access.roles import Role
from access.session import Principal, acting_as
from exchange.export import FORMATS, Export, build_export
from exchange.network import Selection
from graph.connection import Graph
from graph.errors import NotFound, PermissionDenied
from graph.settings import Settings
from loaders.pipeline import load_file
from tests.conftest import CLEAR_QUERY, run_cli, server_env
from tests.exchange_data import VICTIM_SECRETS, load_network

ANALYST = Principal("ana", Role.ANALYST)
VIEWER = Principal("vera", Role.VIEWER)


@pytest.fixture(scope="module")
def net(graph: Graph, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    graph.run_in_batches(CLEAR_QUERY)
    load_network(graph, tmp_path_factory.mktemp("exchange"))
    return graph


@pytest.fixture(autouse=True)
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("HILOROJO_AUDIT_LOG", str(log))
    yield log


def export(g: Graph, fmt: str, selection: Selection | None = None, include_victims: bool = False) -> Export:
    with acting_as(ANALYST):
        return build_export(g, fmt, selection or Selection(), include_victims=include_victims)


def text_of(result: Export) -> str:
    return "\n".join(data.decode("utf-8") for data in result.files.values())


def only(result: Export) -> bytes:
    assert len(result.files) == 1
    return next(iter(result.files.values()))


def ftm_entities(result: Export) -> list[dict[str, Any]]:
    return [json.loads(line) for line in only(result).decode("utf-8").splitlines()]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_default_export_names_or_identifies_a_victim(net: Graph, fmt: str) -> None:
    result = export(net, fmt)
    written = text_of(result)
    for secret in VICTIM_SECRETS:
        assert secret not in written, (fmt, secret)
    assert "Victim 1" in written
    assert result.victims_hidden == 1 and not result.victims_included
    # the analyst who asks sees the victim, and the trail says so
    revealed = text_of(export(net, fmt, include_victims=True))
    assert "María Fernanda López" in revealed


def test_viewers_may_not_export_and_victims_need_the_analyst_role(net: Graph, audit_log: Path) -> None:
    with acting_as(VIEWER), pytest.raises(PermissionDenied, match="may not export data"):
        build_export(net, "csv", Selection())
    export(net, "gexf", Selection(community=1), include_victims=True)
    entry = [e for e in read_audit(audit_log) if e["action"] == "export"][-1]
    assert entry["user"] == "ana" and entry["role"] == "analyst"
    assert entry["details"]["format"] == "gexf" and entry["details"]["include_victims"] is True
    assert entry["details"]["selection"].startswith("cell 1;")
    assert sorted(entry["subjects"]) == ["P1", "P2", "V1"]


def test_every_ftm_entity_validates_and_keeps_its_values_under_the_library(net: Graph) -> None:
    found = ftm_entities(export(net, "ftm", include_victims=True))
    ids = {e["id"] for e in found}
    assert len(ids) == len(found)
    for data in found:
        schema = model.get(data["schema"])
        assert schema is not None
        assert schema.validate(data) is None  # type: ignore[arg-type]
        assert all(data["properties"].get(p) for p in schema.required), data
        # the library's own cleaning keeps every value (nothing written that it would drop)
        assert model.get_proxy(data, cleaned=False).to_dict()["properties"] == data["properties"]
        for name, values in data["properties"].items():
            if schema.properties[name].type.name == "entity":
                assert set(values) <= ids, (data["id"], name)
    by_schema: dict[str, list[dict[str, Any]]] = {}
    for e in found:
        by_schema.setdefault(e["schema"], []).append(e)
    counts = {k: len(v) for k, v in by_schema.items()}
    # 4 people, 4 accounts, 3 holdings (P1, P2, V1), 2 passports, 5 calls, 3 payments, the stand-in
    # holder of ACC-X, 2 arrests, 3 pairs in arrest A1, the 2 predicted links, and the 4 files cited
    assert counts == {
        "Person": 4,
        "BankAccount": 4,
        "Ownership": 3,
        "Passport": 2,
        "Call": 5,
        "Payment": 3,
        "LegalEntity": 1,
        "Event": 2,
        "Associate": 3,
        "UnknownLink": 2,
        "Document": 4,
    }
    c1 = next(e for e in by_schema["Call"] if e["id"] == "hr-call-C1")["properties"]
    assert c1["callerNumber"] == ["+573001110001"] and c1["receiverNumber"] == ["+573001110002"]
    assert c1["caller"] == ["hr-person-P1"] and c1["receiver"] == ["hr-person-P2"]
    assert c1["startDate"] == ["2024-01-05T10:00:00"] and c1["duration"] == ["60"]
    assert c1["recordId"] == ["calls.csv:2"]
    assert c1["proof"][0] in {d["id"] for d in by_schema["Document"]}
    t2 = next(e for e in by_schema["Payment"] if e["id"] == "hr-payment-T2")["properties"]
    assert t2["amount"] == ["9500.00"] and t2["currency"] == ["USD"] and t2["recordId"] == ["transfers.csv:3"]
    assert t2["payer"] == ["hr-person-P1"] and t2["beneficiaryAccount"] == ["hr-account-ACC-X"]
    p1 = next(e for e in by_schema["Person"] if e["id"] == "hr-person-P1")["properties"]
    assert p1["name"] == ["José Núñez Peña"] and p1["birthDate"] == ["1980-02-03"]
    assert p1["phone"] == ["+573001110001"] and "role:suspect" in p1["keywords"]
    likely = next(e for e in by_schema["UnknownLink"] if e["id"] == "hr-likely-P2.P3")["properties"]
    assert likely["subject"] == ["hr-person-P2"] and likely["role"] == ["predicted hidden link"]
    # by default the victim's predicted link is left out (victims are never presented as targets)
    hidden = [e for e in ftm_entities(export(net, "ftm")) if e["schema"] == "UnknownLink"]
    assert [e["id"] for e in hidden] == ["hr-likely-P2.P3"]
    # ids are stable: a second export gives the same entities
    assert ftm_entities(export(net, "ftm", include_victims=True)) == found


def test_graphml_reads_back_in_networkx_with_counts_and_attributes(net: Graph) -> None:
    g = nx.read_graphml(io.BytesIO(only(export(net, "graphml"))))
    # 4 people + the unowned phone and account; 5 calls, 3 transfers, 3 pairs arrested together in A1
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 11
    p1 = g.nodes["person:P1"]
    assert p1["label"] == "José Núñez Peña" and p1["pagerank"] == 0.5 and p1["community"] == 1
    assert p1["key_player"] is True and p1["kpp_rank"] == 1 and p1["phones"] == "+573001110001"
    victim = g.nodes["person:victim-1"]
    assert victim["label"] == "Victim 1" and victim["community"] == 1 and "pagerank" not in victim
    kinds = sorted(d["kind"] for _, _, d in g.edges(data=True))
    assert kinds == ["call"] * 5 + ["co-arrest"] * 3 + ["transfer"] * 3
    c4 = next(d for _, _, d in g.edges(data=True) if d.get("call_id") == "C4")
    assert c4["duration_s"] == 20 and c4["start"] == "2024-02-01T09:00:00" and c4["call_type"] == "sms"
    assert g.has_edge("person:P2", "phone:+573009999999")
    t2 = next(d for _, _, d in g.edges(data=True) if d.get("transaction_id") == "T2")
    assert t2["amount"] == 9500.0 and t2["currency"] == "USD"


def test_gexf_reads_back_in_networkx_with_times_for_the_timeline(net: Graph) -> None:
    g = nx.read_gexf(io.BytesIO(only(export(net, "gexf"))))
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 11
    assert g.graph["mode"] == "dynamic"
    c1 = next(d for _, _, d in g.edges(data=True) if d.get("call_id") == "C1")
    assert (c1["start"], c1["end"]) == ("2024-01-05T10:00:00", "2024-01-05T10:01:00")
    t1 = next(d for _, _, d in g.edges(data=True) if d.get("transaction_id") == "T1")
    assert (t1["start"], t1["amount"]) == ("2024-01-08T10:00:00", 500.0)
    assert g.nodes["person:P1"]["pagerank"] == 0.5 and g.nodes["person:P1"]["label"] == "José Núñez Peña"


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_is_utf8_with_bom_and_formula_cells_are_neutralised(net: Graph) -> None:
    files = export(net, "csv").files
    nodes, edges = read_csv(files["nodes.csv"]), read_csv(files["edges.csv"])
    assert len(nodes) == 6 and len(edges) == 11
    t2 = next(r for r in edges if r["transaction_id"] == "T2")
    assert t2["reference"] == "'=cmd|' /C calc'!A0"
    p1 = next(r for r in nodes if r["id"] == "person:P1")
    assert p1["label"] == "José Núñez Peña" and p1["phones"] == "'+573001110001"
    for row in nodes + edges:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell


def test_i2_entities_and_links(net: Graph) -> None:
    files = export(net, "i2").files
    assert sorted(files) == ["entities.csv", "i2-import.txt", "links.csv"]
    entities, links = read_csv(files["entities.csv"]), read_csv(files["links.csv"])
    assert sorted(e["Entity Type"] for e in entities) == ["Account"] + ["Person"] * 4 + ["Telephone"]
    assert len(links) == 11
    c5 = next(r for r in links if r.get("call_id") == "C5")
    assert (c5["End 1 Identity"], c5["End 2 Identity"]) == ("person:P3", "person:P1")
    assert (c5["Date"], c5["Time"], c5["Direction"]) == ("2024-03-05", "08:00:00", "Arrow on End 2")


def counts(result: Export) -> tuple[int, int, int, int]:
    return result.people, result.calls, result.transfers, result.arrests


def test_selections(net: Graph) -> None:
    assert counts(export(net, "csv")) == (4, 5, 3, 2)
    # cell 1: P1, P2, V1; their calls (C4 goes to a phone nobody uses), their transfers, arrest A1
    assert counts(export(net, "csv", Selection(community=1))) == (3, 4, 3, 1)
    # one hop around P3 by calls: P1 (call C5); only C5, and T2 to the account nobody holds
    around = Selection(around="P3", hops=1, layers=("calls", "money"))
    assert counts(export(net, "csv", around)) == (2, 1, 1, 0)
    assert counts(export(net, "csv", Selection(around="Carla Ruiz", hops=2, layers=("calls",)))) == (
        4,
        5,
        0,
        0,
    )
    # from 1 February: calls C4 and C5, transfer T2, arrest A2
    assert counts(export(net, "csv", Selection(since=date(2024, 2, 1)))) == (4, 2, 1, 1)
    assert counts(export(net, "csv", Selection(until=date(2024, 1, 6), layers=("calls",)))) == (4, 2, 0, 0)
    with pytest.raises(NotFound, match="no cell 9"):
        export(net, "csv", Selection(community=9))


def test_cli_writes_the_export_and_refuses_in_one_line(
    net: Graph, tmp_path: Path, neo4j_settings: Settings
) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    env["HILOROJO_AUDIT_LOG"] = str(tmp_path / "audit.jsonl")
    out = tmp_path / "cell.gexf"
    done = run_cli(["export", "--format", "gexf", "--out", str(out), "--community", "1", "--json"], env)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["people"] == 3 and summary["victims_pseudonymised"] == 1
    assert nx.read_gexf(out).number_of_nodes() == 5  # 3 people + the phone and account nobody uses
    folder = tmp_path / "sheets"
    assert run_cli(["export", "--format", "csv", "--out", str(folder)], env).returncode == 0
    assert sorted(p.name for p in folder.iterdir()) == ["edges.csv", "nodes.csv"]
    bad = run_cli(["export", "--format", "ftm", "--out", str(tmp_path / "x"), "--around", "Nobody"], env)
    assert bad.returncode == 7 and len(bad.stderr.strip().splitlines()) == 1
    assert "Traceback" not in bad.stderr


def test_rejects_files_neutralise_formula_cells(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "caller,callee,start_time,note\n+573001110001,+573001110002,=NOW(),@SUM(A1)\n"
        "+573001110001,+573001110002,-1,fine\n",
        encoding="utf-8",
    )
    load_file(graph, "calls", path, progress=False)
    with (tmp_path / "calls.csv.rejects.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["caller"], r["start_time"], r["note"]) for r in rows] == [
        ("'+573001110001", "'=NOW()", "'@SUM(A1)"),
        ("'+573001110001", "'-1", "fine"),
    ]
