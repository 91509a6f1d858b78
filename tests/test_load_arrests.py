"""Arrests loader against a real Neo4j: counts, name variants, victims, reload, provenance, mapping files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from graph.connection import Graph
from loaders.pipeline import load_file

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"

NODE_COUNTS = "MATCH (n) WHERE NOT n:Migration RETURN labels(n)[0] AS label, count(*) AS n"
REL_COUNTS = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n"
ALL_NODES = "MATCH (n) WHERE NOT n:Migration RETURN labels(n) AS labels, properties(n) AS props"
ALL_RELS = """
MATCH (a)-[r]->(b)
RETURN type(r) AS type, properties(r) AS props, properties(a) AS a, properties(b) AS b
"""


def counts(graph: Graph) -> tuple[dict[str, int], dict[str, int]]:
    nodes = {r["label"]: r["n"] for r in graph.read(NODE_COUNTS)}
    rels = {r["type"]: r["n"] for r in graph.read(REL_COUNTS)}
    return nodes, rels


def snapshot(graph: Graph) -> list[str]:
    """Every node and relationship with all its properties, as sorted text (for reload comparisons)."""

    def text(value: Any) -> str:
        return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)

    items = [text(r) for r in graph.read(ALL_NODES)] + [text(r) for r in graph.read(ALL_RELS)]
    return sorted(items)


def person(graph: Graph, **where: Any) -> list[dict[str, Any]]:
    rows = graph.read("MATCH (p:Person) RETURN properties(p) AS p ORDER BY p.person_id")
    return [r["p"] for r in rows if all(r["p"].get(k) == v for k, v in where.items())]


def test_arrests_counts_match_hand_count(empty_graph: Graph) -> None:
    summary = load_file(empty_graph, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (6, 6, 0)
    nodes, rels = counts(empty_graph)
    # People: José Álvarez (rows 2 and 4 merged: same name key, birth date, nationality), María Pérez,
    # the victim Jose Alvarez (row 5, not merged into the suspect), Carlos Ruiz (PID-9), <script> witness = 5.
    # Arrests A1, A2, A3 = 3; operations Darién, Frontera Sur = 2; countries PA, MX, CO (arrests) + VE = 4;
    # phones +573001234567 (rows 2, 4) and +573007654321 (row 3) = 2; account CO-BANK001 = 1; 1 source.
    assert nodes == {
        "Person": 5,
        "Arrest": 3,
        "Operation": 2,
        "Country": 4,
        "Phone": 2,
        "Account": 1,
        "Source": 1,
    }
    # INVOLVED_IN: one per row (6 distinct person-arrest pairs); PART_OF A1, A2 = 2; IN_COUNTRY one per
    # arrest = 3; NATIONAL_OF: José, María, victim Jose (VE), Carlos (CO) = 4; USES José, María = 2; HOLDS 1.
    assert rels == {"INVOLVED_IN": 6, "PART_OF": 2, "IN_COUNTRY": 3, "NATIONAL_OF": 4, "USES": 2, "HOLDS": 1}


def test_name_variants_merge_and_victims_stay_apart(empty_graph: Graph) -> None:
    load_file(empty_graph, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    alvarez = person(empty_graph, name_key="alvarez jose")
    assert len(alvarez) == 2
    suspect = next(p for p in alvarez if p["role"] == "suspect")
    victim = next(p for p in alvarez if p["role"] == "victim")
    assert suspect["name"] == "José Álvarez" and "JOSE ALVAREZ" in suspect["aliases"]
    assert suspect["roles"] == ["suspect"] and victim["roles"] == ["victim"]
    arrests = empty_graph.read(
        "MATCH (p:Person {person_id: $id})-[:INVOLVED_IN]->(a:Arrest) RETURN a.arrest_id AS a ORDER BY a",
        {"id": suspect["person_id"]},
    )
    assert [r["a"] for r in arrests] == ["A1", "A2"]  # arrested before in another operation
    # "+57 300 123 4567" (row 2) and "300 123 4567" with --region CO (row 4): one phone, two source rows
    uses = empty_graph.read(
        "MATCH (:Person {person_id: $id})-[u:USES]->(ph:Phone) RETURN ph.number AS n, u.source_rows AS rows",
        {"id": suspect["person_id"]},
    )
    assert len(uses) == 1 and uses[0]["n"] == "+573001234567"
    assert [r.split(":")[-1] for r in uses[0]["rows"]] == ["2", "4"]


def test_exact_person_id_joins_whatever_the_role(empty_graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(
        "arrest_id,arrest_date,full_name,person_id,role\n"
        "B1,2025-01-01,Rosa Díaz,R-1,suspect\n"
        "B2,2025-02-01,Rosa Diaz,R-1,victim\n",
        encoding="utf-8",
    )
    load_file(empty_graph, "arrests", path, progress=False)
    rosa = person(empty_graph, person_id="R-1")
    assert len(rosa) == 1 and rosa[0]["roles"] == ["suspect", "victim"] and rosa[0]["role"] == "victim"


def test_reload_changes_nothing(empty_graph: Graph) -> None:
    first = load_file(empty_graph, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    before_counts, before = counts(empty_graph), snapshot(empty_graph)
    again = load_file(empty_graph, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    assert again.source_id == first.source_id
    assert (again.nodes_created, again.relationships_created) == (0, 0)
    assert counts(empty_graph) == before_counts
    assert snapshot(empty_graph) == before  # every property identical, including loaded_at


def test_provenance_leads_back_to_file_and_row(empty_graph: Graph) -> None:
    summary = load_file(empty_graph, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    row = empty_graph.read_one(
        """
        MATCH (p:Person {name: 'María Pérez'})-[r:INVOLVED_IN]->(:Arrest {arrest_id: 'A1'})
        MATCH (s:Source) WHERE s.source_id IN p.source_ids
        RETURN s.file_name AS file, s.sha256 AS sha, s.kind AS kind, s.rows_read AS read,
               r.source_rows AS rows
        """
    )
    assert row is not None
    assert (row["file"], row["kind"], row["read"], row["sha"]) == (
        "arrests.csv",
        "arrests",
        6,
        summary.sha256,
    )
    assert row["rows"] == [f"{summary.source_id}:3"]  # María is on line 3 (header = line 1)
    lines = (FIXTURES / "arrests.csv").read_text(encoding="utf-8").splitlines()
    assert "María Pérez" in lines[3 - 1]


def test_values_that_look_like_code_are_plain_text(empty_graph: Graph) -> None:
    load_file(empty_graph, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    assert person(empty_graph, name="<script>alert(1)</script>")
    extras = empty_graph.read(
        "MATCH ()-[r:INVOLVED_IN]->() WHERE r.x_notes IS NOT NULL RETURN r.x_notes AS v"
    )
    assert sorted(r["v"] for r in extras) == sorted(
        ['=HYPERLINK("http://x","y")', "MATCH (n) DETACH DELETE n", "caught at the river"]
    )
    assert counts(empty_graph)[0]["Person"] == 5  # the Cypher-looking value deleted nothing


def test_spanish_layout_with_mapping_file_and_latin1(empty_graph: Graph) -> None:
    summary = load_file(
        empty_graph,
        "arrests",
        FIXTURES / "arrests_es.csv",
        mapping_path=FIXTURES / "mapping_es.yaml",
        progress=False,
    )
    # 4 rows; line 5 has 31/02/2025, which is no date
    assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (4, 3, 1)
    nodes, rels = counts(empty_graph)
    # Ana Martínez = ANA MARTINEZ (15/02/1995, Venezuela = venezolana = VE); Luis Gómez; arrests C-1, C-2;
    # countries CO (constant) and VE; "+58 412 555 1234" = "0058 412 555 1234" one phone.
    assert nodes == {"Person": 2, "Arrest": 2, "Country": 2, "Phone": 1, "Source": 1}
    assert rels == {"INVOLVED_IN": 3, "NATIONAL_OF": 2, "IN_COUNTRY": 2, "USES": 1}
    ana = person(empty_graph, name="Ana Martínez")[0]
    assert (
        ana["nationality"] == "VE" and str(ana["date_of_birth"]) == "1995-02-15" and ana["role"] == "suspect"
    )
    assert person(empty_graph, name="Luis Gómez")[0]["role"] == "victim"  # "víctima" through the value map
    arrest = empty_graph.read_one(
        "MATCH (a:Arrest {arrest_id: 'C-1'}) RETURN a.arrest_date AS d, a.agency AS g"
    )
    assert (
        arrest is not None
        and str(arrest["d"]) == "2025-11-03"
        and arrest["g"] == "Policía Nacional de Colombia"
    )
    note = empty_graph.read_one(
        "MATCH ()-[r:INVOLVED_IN]->() WHERE r.x_observacion IS NOT NULL RETURN r.x_observacion AS v"
    )
    assert note is not None and note["v"] == "reincidente"
    rejects = summary.rejects_path
    assert rejects is not None and rejects.name == "arrests_es.csv.rejects.csv"
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith("5,unparseable date '31/02/2025'")
    rejects.unlink()
