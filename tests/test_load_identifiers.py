"""Identifiers loader against a real Neo4j: counts, who uses what, validity, rejects, joins with arrests."""

from __future__ import annotations

from pathlib import Path

from graph.connection import Graph
from loaders.pipeline import load_file
from tests.test_load_arrests import counts, snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def test_identifiers_counts_and_rejects(empty_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "identifiers.csv"
    path.write_bytes((FIXTURES / "identifiers.csv").read_bytes())
    summary = load_file(empty_graph, "identifiers", path, region="CO", progress=False)
    # lines 8-12 bad: unknown type, no identifier, bad e-mail, valid_to before valid_from, no person
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (11, 6, 5)
    # people: José Álvarez (lines 2-5; JOSE ALVAREZ without nationality joins), Carlos (PID-9), Pedro Gómez
    assert counts(empty_graph) == (
        {
            "Person": 3,
            "Country": 1,
            "Phone": 1,
            "Device": 1,
            "Account": 1,
            "Email": 1,
            "Document": 2,
            "Source": 1,
        },
        {"NATIONAL_OF": 1, "USES": 2, "HOLDS": 1, "HAS_EMAIL": 1, "HAS_DOCUMENT": 2},
    )
    uses = empty_graph.read_one(
        "MATCH (p:Person)-[u:USES]->(:Phone {number: '+573001234567'})"
        " RETURN p.name AS name, u.valid_from AS f, u.valid_to AS t, u.reported_by AS by"
    )
    assert uses is not None and uses["name"] == "José Álvarez"
    assert (str(uses["f"]), str(uses["t"]), uses["by"]) == (
        "2025-01-01",
        "2025-06-30",
        "Claro subscriber list",
    )
    docs = empty_graph.read("MATCH (d:Document) RETURN d.doc_id AS id ORDER BY id")
    assert [d["id"] for d in docs] == ["national_id:V-12.345.678", "passport:VE123456"]
    email = empty_graph.read_one("MATCH (e:Email) RETURN e.address AS a")
    assert email == {"a": "jose.alvarez@example.com"}


def test_subscriber_list_joins_people_from_arrests(empty_graph: Graph, tmp_path: Path) -> None:
    load_file(empty_graph, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    path = tmp_path / "identifiers.csv"
    path.write_bytes((FIXTURES / "identifiers.csv").read_bytes())
    load_file(empty_graph, "identifiers", path, region="CO", progress=False)
    # the suspect José Álvarez (arrests) now also has the e-mail, passport and handset; the victim
    # namesake gets none of them (identifiers rows carry no role, so they join the equal-nationality suspect)
    rows = empty_graph.read(
        "MATCH (p:Person {name_key: 'alvarez jose'})-[r]->(x) WHERE NOT x:Arrest AND NOT x:Country"
        " RETURN p.role AS role, type(r) AS type, count(*) AS n ORDER BY role, type"
    )
    assert rows == [
        {"role": "suspect", "type": "HAS_DOCUMENT", "n": 1},
        {"role": "suspect", "type": "HAS_EMAIL", "n": 1},
        {"role": "suspect", "type": "HOLDS", "n": 1},
        {"role": "suspect", "type": "USES", "n": 2},
    ]
    carlos = empty_graph.read(
        "MATCH (p:Person {person_id: 'PID-9'})-[:HAS_DOCUMENT]->(d) RETURN d.number AS n"
    )
    assert carlos == [{"n": "V-12.345.678"}]


def test_reload_of_identifiers_changes_nothing(empty_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "identifiers.csv"
    path.write_bytes((FIXTURES / "identifiers.csv").read_bytes())
    load_file(empty_graph, "identifiers", path, region="CO", progress=False)
    before = snapshot(empty_graph)
    load_file(empty_graph, "identifiers", path, region="CO", progress=False)
    assert snapshot(empty_graph) == before
