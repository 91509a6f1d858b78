"""Co-offending on hand-built arrests: pairs, repeat offenders (with a merged record), operations, routes."""

from __future__ import annotations

import json

import pytest

from analytics import coarrests
from graph.connection import Graph
from graph.settings import Settings
from tests.conftest import run_cli, server_env

CREATE_PERSON = """
CREATE (p:Person {person_id: $person_id, name: $name, role: $role, gender: $gender,
                  nationality: $nationality})
"""
CREATE_NATIONAL_OF = """
MATCH (p:Person {person_id: $person_id})
MERGE (c:Country {code: $code})
CREATE (p)-[:NATIONAL_OF]->(c)
"""
CREATE_ARREST = """
MERGE (o:Operation {name: $operation})
MERGE (c:Country {code: $country})
CREATE (a:Arrest {arrest_id: $arrest_id, arrest_date: date($date), country: $country})
CREATE (a)-[:PART_OF]->(o)
CREATE (a)-[:IN_COUNTRY]->(c)
"""
CREATE_INVOLVED = """
MATCH (p:Person {person_id: $person_id}), (a:Arrest {arrest_id: $arrest_id})
CREATE (p)-[:INVOLVED_IN {role: $role, charges: $charges}]->(a)
"""
CREATE_SAME_AS = """
MATCH (a:Person {person_id: $a}), (b:Person {person_id: $b})
CREATE (a)-[:SAME_AS {decision_id: 'D-test', analyst: 'tester', at: datetime(), reason: 'test'}]->(b)
"""

PEOPLE = [
    ("P-S1", "Carlos Uno", "suspect", "M", "CO"),
    ("P-S2", "Diego Dos", "suspect", "M", None),  # nationality only through NATIONAL_OF (VE)
    ("P-S3", "Elena Tres", "suspect", "F", "CO"),
    ("P-S4", "Carlos Uno Bis", "suspect", "M", "CO"),  # merged into P-S1 by an analyst in one test
    ("P-V1", "Rosa Victima", "victim", "F", "VE"),
    ("P-V2", "Jean Victime", "victim", "M", "HT"),
]
ARRESTS = [
    ("A1", "2025-01-10", "PA", "Op Darien", ["P-S1", "P-S2", "P-V1"]),
    ("A2", "2025-02-15", "PA", "Op Darien", ["P-S1", "P-S2", "P-V2"]),
    ("A3", "2025-05-01", "MX", "Op Tapachula", ["P-S4", "P-S3"]),
    ("A4", "2025-06-01", "MX", "Op Tapachula", ["P-S3", "P-V1"]),
]


@pytest.fixture
def arrest_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    for person_id, name, role, gender, nationality in PEOPLE:
        params = {
            "person_id": person_id,
            "name": name,
            "role": role,
            "gender": gender,
            "nationality": nationality,
        }
        g.write(CREATE_PERSON, params)
    g.write(CREATE_NATIONAL_OF, {"person_id": "P-S2", "code": "VE"})
    for arrest_id, date, country, operation, people in ARRESTS:
        g.write(
            CREATE_ARREST, {"arrest_id": arrest_id, "date": date, "country": country, "operation": operation}
        )
        for person_id in people:
            role = "victim" if person_id.startswith("P-V") else "suspect"
            charges = [] if role == "victim" else ["smuggling"]
            g.write(
                CREATE_INVOLVED,
                {"person_id": person_id, "arrest_id": arrest_id, "role": role, "charges": charges},
            )
    return g


def test_report_without_merges(arrest_graph: Graph) -> None:
    result = coarrests.report(arrest_graph)
    # non-victim pairs: S1-S2 in A1 and A2; S3-S4 in A3; victims are never paired
    assert [(p["a"], p["b"], p["arrest_ids"]) for p in result.pairs] == [
        ("P-S1", "P-S2", ["A1", "A2"]),
        ("P-S3", "P-S4", ["A3"]),
    ]
    # repeat offenders: S1 (A1, A2), S2 (A1, A2), S3 (A3, A4): one operation each; V1 (A1, A4) is a victim
    assert [(r["person_id"], r["arrests"], r["operations"]) for r in result.repeat_offenders] == [
        ("P-S1", 2, ["Op Darien"]),
        ("P-S2", 2, ["Op Darien"]),
        ("P-S3", 2, ["Op Tapachula"]),
    ]


def test_report_with_merged_record(arrest_graph: Graph) -> None:
    arrest_graph.write(CREATE_SAME_AS, {"a": "P-S4", "b": "P-S1"})
    result = coarrests.report(arrest_graph)
    # P-S4 counts as P-S1: S1 now in A1, A2 and A3 across two operations, first in the ranking
    assert [(p["a"], p["b"], len(p["arrest_ids"])) for p in result.pairs] == [
        ("P-S1", "P-S2", 2),
        ("P-S1", "P-S3", 1),
    ]
    top = result.repeat_offenders[0]
    assert (top["person_id"], top["arrests"], top["operations"]) == ("P-S1", 3, ["Op Darien", "Op Tapachula"])
    assert top["records"] == ["P-S1", "P-S4"]
    assert top["countries"] == ["MX", "PA"]
    assert (top["first"], top["last"]) == ("2025-01-10", "2025-05-01")
    # Op Darien in PA: A1, A2 with S1, S2 (suspects) and V1, V2 (victims);
    # Op Tapachula in MX: A3, A4 with S1 (as S4), S3 and V1
    assert result.operations_countries == [
        {"operation": "Op Darien", "country": "PA", "arrests": 2, "suspects": 2, "victims": 2, "others": 0},
        {
            "operation": "Op Tapachula",
            "country": "MX",
            "arrests": 2,
            "suspects": 2,
            "victims": 1,
            "others": 0,
        },
    ]
    # routes, distinct people: PA <- S1 (CO), S2 (VE), V1 (VE), V2 (HT); MX <- S4/S1 (CO), S3 (CO), V1 (VE)
    routes = {(r["nationality"], r["country"]): (r["suspects"], r["victims"]) for r in result.routes}
    assert routes == {
        ("CO", "MX"): (2, 0),
        ("CO", "PA"): (1, 0),
        ("HT", "PA"): (0, 1),
        ("VE", "MX"): (0, 1),
        ("VE", "PA"): (1, 1),
    }
    # five distinct people: suspects S1, S2 (M), S3 (F); victims V1 (F), V2 (M)
    assert result.breakdown == [
        {"role": "suspect", "gender": "F", "people": 1},
        {"role": "suspect", "gender": "M", "people": 2},
        {"role": "victim", "gender": "F", "people": 1},
        {"role": "victim", "gender": "M", "people": 1},
    ]


def test_person_arrests(arrest_graph: Graph) -> None:
    arrest_graph.write(CREATE_SAME_AS, {"a": "P-S4", "b": "P-S1"})
    result = coarrests.person_arrests(arrest_graph, "P-S1")
    assert [(a["arrest_id"], a["as"]) for a in result.arrests] == [
        ("A1", "P-S1"),
        ("A2", "P-S1"),
        ("A3", "P-S4"),
    ]
    first = result.arrests[0]
    # A1: with Diego, and one victim who is counted, not named
    assert [w["person_id"] for w in first["with"]] == ["P-S2"]
    assert first["victims"] == 1
    assert "Rosa" not in json.dumps(result.as_dict())


def test_arrests_cli(arrest_graph: Graph, neo4j_settings: Settings) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    proc = run_cli(["arrests", "repeat", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    assert [r["person_id"] for r in json.loads(proc.stdout)] == ["P-S1", "P-S2", "P-S3"]
    proc = run_cli(["arrests", "report"], env)
    assert proc.returncode == 0, proc.stderr
    assert "Op Tapachula" in proc.stdout and "Rosa" not in proc.stdout
