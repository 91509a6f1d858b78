"""Identity resolution on hand-built people: name variants found, different birth dates never, merge/split."""

from __future__ import annotations

import json

import pytest

from analytics import duplicates
from graph.connection import Graph
from graph.errors import InputError, NotFound
from graph.settings import Settings
from tests.conftest import run_cli, server_env
from values.name import name_key

CREATE_PERSON = """
CREATE (:Person {person_id: $person_id, name: $name, name_key: $name_key, role: $role,
                 date_of_birth: date($dob), nationality: $nationality})
"""
CREATE_USES = """
MATCH (p:Person {person_id: $person_id})
MERGE (n:Phone {number: $number})
CREATE (p)-[:USES]->(n)
"""
SAME_AS = """
MATCH (:Person {person_id: $a})-[r:SAME_AS]-(:Person {person_id: $b})
RETURN r.decision_id AS decision_id, r.analyst AS analyst, r.reason AS reason, r.at IS NOT NULL AS dated
"""
NOT_SAME_AS = """
MATCH (:Person {person_id: $a})-[r:NOT_SAME_AS]-(:Person {person_id: $b})
RETURN r.analyst AS analyst, r.merged_by AS merged_by, r.merge_decision_id AS merge_decision_id
"""

PEOPLE = [
    ("P-01", "José Pérez García", "suspect", "1985-03-12", "CO"),
    ("P-02", "GARCIA, Perez Jose", "suspect", "1985-03-12", "CO"),
    ("P-03", "Mohammed Al Rashid", "suspect", "1990-04-05", "SY"),
    ("P-04", "Muhammad Al Rasheed", "suspect", "1990-05-04", "SY"),
    ("P-05", "María González", "suspect", "1985-03-12", "CO"),
    ("P-06", "Maria Gonzalez", "suspect", "1990-07-25", "CO"),
    ("P-07", "Juan Carlos Rodríguez", "suspect", None, "CO"),
    ("P-08", "Juan Rodriguez", "suspect", "1979-01-01", "CO"),
    ("P-09", "Rosa Martínez", "victim", "1999-09-09", "VE"),
    ("P-10", "Rosa Martinez", "suspect", "1999-09-09", "VE"),
]


@pytest.fixture
def people_graph(empty_graph: Graph) -> Graph:
    g = empty_graph
    for person_id, name, role, dob, nationality in PEOPLE:
        params = {
            "person_id": person_id,
            "name": name,
            "name_key": name_key(name),
            "role": role,
            "dob": dob,
            "nationality": nationality,
        }
        g.write(CREATE_PERSON, params)
    # P-07 and P-08 share a phone; so do the two Marías (which must not help them)
    for person_id, number in (
        ("P-07", "+573001112233"),
        ("P-08", "+573001112233"),
        ("P-05", "+573004445566"),
        ("P-06", "+573004445566"),
    ):
        g.write(CREATE_USES, {"person_id": person_id, "number": number})
    return g


def pairs(found: list[duplicates.Candidate]) -> dict[tuple[str, str], float]:
    return {(c.a, c.b): c.score for c in found}


def test_candidates(people_graph: Graph) -> None:
    found = pairs(duplicates.candidates(people_graph, min_score=0.8))
    # P-01/P-02: same name key, same DOB, same nationality: 0.6 + 0.25 + 0.15 = 1.0
    assert found[("P-01", "P-02")] == pytest.approx(1.0)
    # P-03/P-04: skeletons l, md, rsd on both sides -> N = 0.9 (the folded token-sort ratio is
    # 1 - 4/30 = 0.867, lower); day and month swapped -> 0.8; same nationality:
    # 0.6 x 0.9 + 0.25 x 0.8 + 0.15 = 0.54 + 0.20 + 0.15 = 0.89
    assert found[("P-03", "P-04")] == pytest.approx(0.89)
    # P-07/P-08: token sort 1 - 7/35 = 0.80, token set 1.0 x 0.85 = 0.85 -> N = 0.85; one DOB unknown 0.5;
    # shared phone: 0.51 + 0.125 + 0.15 + 0.1 = 0.885
    assert found[("P-07", "P-08")] == pytest.approx(0.885)
    # P-09/P-10: same name, DOB, nationality -> 1.0, listed but flagged (a victim is involved)
    assert found[("P-09", "P-10")] == pytest.approx(1.0)
    # the two Marías have the same name and a shared phone but different dates of birth: never
    assert ("P-05", "P-06") not in found
    assert set(found) == {("P-01", "P-02"), ("P-03", "P-04"), ("P-07", "P-08"), ("P-09", "P-10")}
    victim = next(c for c in duplicates.candidates(people_graph) if c.a == "P-09")
    assert victim.involves_victim and victim.roles == ("victim", "suspect")
    reasons = next(c for c in duplicates.candidates(people_graph) if c.a == "P-07").reasons
    assert "shared phone +573001112233" in reasons


def test_shared_phone_lifts_the_score(people_graph: Graph) -> None:
    # without the phone P-07/P-08 would score 0.785 (< 0.8); the Marías stay out at any threshold
    people_graph.write("MATCH (:Person {person_id: 'P-07'})-[u:USES]->() DELETE u")
    found = pairs(duplicates.candidates(people_graph, min_score=0.5))
    assert found[("P-07", "P-08")] == pytest.approx(0.785)
    assert ("P-07", "P-08") not in pairs(duplicates.candidates(people_graph, min_score=0.8))
    assert ("P-05", "P-06") not in pairs(duplicates.candidates(people_graph, min_score=0.0))


def test_merge_and_split(people_graph: Graph) -> None:
    decision = duplicates.merge(people_graph, "P-01", "P-02", "ana", "same passport photo")
    row = people_graph.read_one(SAME_AS, {"a": "P-01", "b": "P-02"})
    assert row == {
        "decision_id": decision.decision_id,
        "analyst": "ana",
        "reason": "same passport photo",
        "dated": True,
    }
    assert duplicates.canonical_ids(people_graph) == {"P-01": "P-01", "P-02": "P-01"}
    assert ("P-01", "P-02") not in pairs(duplicates.candidates(people_graph))  # decided
    with pytest.raises(InputError):
        duplicates.merge(people_graph, "P-02", "P-01", "ana", "again")
    undo = duplicates.split(people_graph, decision.decision_id, "luis", "different fingerprints")
    assert (undo.a, undo.b, undo.kind) == ("P-01", "P-02", "split")
    assert people_graph.read_one(SAME_AS, {"a": "P-01", "b": "P-02"}) is None
    assert people_graph.read_one(NOT_SAME_AS, {"a": "P-01", "b": "P-02"}) == {
        "analyst": "luis",
        "merged_by": "ana",
        "merge_decision_id": decision.decision_id,
    }
    assert duplicates.canonical_ids(people_graph) == {}
    assert ("P-01", "P-02") not in pairs(duplicates.candidates(people_graph))  # decided: not proposed again
    with pytest.raises(NotFound):
        duplicates.split(people_graph, decision.decision_id, "luis", "twice")


def test_merge_guards(people_graph: Graph) -> None:
    with pytest.raises(InputError, match="victim"):
        duplicates.merge(people_graph, "P-09", "P-10", "ana", "looks alike")
    with pytest.raises(InputError, match="dates of birth"):
        duplicates.merge(people_graph, "P-05", "P-06", "ana", "same name")
    with pytest.raises(InputError, match="analyst"):
        duplicates.merge(people_graph, "P-01", "P-02", " ", "x")
    forced = duplicates.merge(people_graph, "P-09", "P-10", "ana", "confirmed by fingerprints", force=True)
    assert forced.forced


def test_duplicates_cli(people_graph: Graph, neo4j_settings: Settings) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    proc = run_cli(["duplicates", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    assert ("P-03", "P-04") in {(c["a"], c["b"]) for c in json.loads(proc.stdout)}
    proc = run_cli(["duplicates", "merge", "P-09", "P-10", "--analyst", "ana", "--reason", "x"], env)
    assert proc.returncode == 6 and "victim" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli(
        ["duplicates", "merge", "P-03", "P-04", "--analyst", "ana", "--reason", "photo", "--json"], env
    )
    assert proc.returncode == 0, proc.stderr
    decision_id = json.loads(proc.stdout)["decision_id"]
    proc = run_cli(["duplicates", "split", decision_id, "--analyst", "luis", "--reason", "no"], env)
    assert proc.returncode == 0, proc.stderr
    assert decision_id not in run_cli(["duplicates", "merges"], env).stdout
