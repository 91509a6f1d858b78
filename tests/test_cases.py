"""Saved cases, notes on entities and Admiralty grades: in Neo4j, role-checked, audited, in the package."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from access import audit
from access.roles import Role
from access.session import Principal, acting_as
from dossier.blocks import Table, when
from dossier.contents import build_package
from dossier.layout import sections
from graph import explore
from graph.connection import Graph
from graph.errors import InputError, NotFound, PermissionDenied
from loaders.pipeline import load_file
from tests.test_ui_network import build_ui_network
from ui import casework
from ui.cli.main import main
from ui.web.case_state import capture, restore
from values.errors import BadValue
from values.grading import GRADES, parse_grade

ANA = Principal("ana", Role.ANALYST)
BEA = Principal("bea", Role.ANALYST)
VERA = Principal("vera", Role.VIEWER)
# Two arrests of one broker and a victim arrested with him (hand-made, so every fact is known).
ARRESTS = """arrest_id,arrest_date,full_name,person_id,date_of_birth,nationality,role,operation,country,phones
A1,2025-03-01,Hugo Salas,PID-1,1980-01-01,CO,suspect,Operación Darién,PA,+57 300 123 4567
A1,2025-03-01,Rosa Quintero,PID-2,1995-02-02,VE,victim,Operación Darién,PA,+57 300 765 4321
A2,2025-04-10,Hugo Salas,PID-1,1980-01-01,CO,suspect,Operación Darién,PA,+57 300 123 4567
"""
SOURCE = "OPTIONAL MATCH (s:Source) RETURN s.grade AS grade, s.graded_by AS graded_by, count(s) AS n"


@pytest.fixture
def audit_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    log = tmp_path / "audit.jsonl"
    monkeypatch.setenv("HILOROJO_AUDIT_LOG", str(log))
    return log


@pytest.fixture
def arrests(tmp_path: Path) -> Path:
    path = tmp_path / "arrests.csv"
    path.write_text(ARRESTS, encoding="utf-8")
    return path


def test_grades_are_the_admiralty_code() -> None:
    assert len(GRADES) == 36 and GRADES[0] == "A1" and GRADES[-1] == "F6"  # 6 reliabilities x 6 credibilities
    grade = parse_grade(" b-2 ")
    assert (grade.reliability, grade.credibility, grade.code) == ("B", "2", "B2")
    assert grade.meaning == "B2: usually reliable source, probably true"
    for bad in ("G1", "B7", "B", "B22", "", "2B"):
        with pytest.raises(BadValue, match="reliability A-F and information credibility 1-6"):
            parse_grade(bad)


@pytest.mark.usefixtures("audit_log")
def test_cases_are_saved_listed_reopened_and_deleted_by_their_owner(empty_graph: Graph) -> None:
    build_ui_network(empty_graph)
    seeds = explore.person_node_ids(empty_graph, ["P1", "P3"])
    state = {"seeds": seeds, "hops": 2, "layers": ["phones", "money"], "window": [], "cap": 200}
    with acting_as(ANA):
        saved = capture(empty_graph, state, notes="brokers between the cells")
        assert saved["seeds"] == [
            {"label": "Person", "key": "P1", "id": seeds[0]},
            {"label": "Person", "key": "P3", "id": seeds[1]},
        ]
        first = casework.save_case(empty_graph, "Darién cell", saved)
        second = casework.save_case(empty_graph, "Tapachula", {"seeds": []})
        assert [r["name"] for r in casework.list_cases(empty_graph)] == ["Tapachula", "Darién cell"]
        # overwriting keeps the id and records who changed it
        casework.save_case(empty_graph, "Darién cell, May", saved, first)
    with acting_as(BEA):
        assert casework.list_cases(empty_graph) == []  # her own cases: none
        assert len(casework.list_cases(empty_graph, mine=False)) == 2
        with pytest.raises(PermissionDenied, match="bea may not change the case .* it is ana's"):
            casework.save_case(empty_graph, "mine now", {"seeds": []}, first)
        with pytest.raises(PermissionDenied, match="bea may not delete"):
            casework.delete_case(empty_graph, first)
    with acting_as(VERA):
        with pytest.raises(PermissionDenied, match=r"vera \(viewer\) may not save cases"):
            casework.save_case(empty_graph, "x", {"seeds": []})
        opened = casework.open_case(empty_graph, first)  # viewers read
    assert opened["name"] == "Darién cell, May" and opened["created_by"] == "ana"
    # reopening puts the exploration back, the entities found again by their keys
    restored: dict[str, object] = {}
    assert restore(empty_graph, opened["state"], restored) == []
    assert restored == {"seeds": seeds, "hops": 2, "layers": ["phones", "money"], "window": [], "cap": 200}
    assert opened["state"]["notes"] == "brokers between the cells"
    with acting_as(ANA):
        casework.delete_case(empty_graph, second)
        assert [r["case_id"] for r in casework.list_cases(empty_graph)] == [first]
        with pytest.raises(NotFound):
            casework.open_case(empty_graph, second)
    actions = [(e["user"], e["action"], e["details"]["did"]) for e in audit.read() if e["action"] == "case"]
    assert actions == [
        ("ana", "case", "saved"),
        ("ana", "case", "saved"),
        ("ana", "case", "saved"),
        ("vera", "case", "opened"),
        ("ana", "case", "deleted"),
    ]


@pytest.mark.usefixtures("audit_log")
def test_notes_carry_a_grade_and_who_wrote_and_changed_them(empty_graph: Graph) -> None:
    build_ui_network(empty_graph)
    with acting_as(ANA):
        case = casework.save_case(empty_graph, "Darién", {"seeds": []})
        note = casework.add_note(empty_graph, "Person", "P1", "  pays the boatmen  ", "b2", case)
        casework.add_note(empty_graph, "Phone", "+573001110002", "shared handset", "C3")
        with pytest.raises(InputError, match="unknown grade 'G9'"):
            casework.add_note(empty_graph, "Person", "P1", "x", "G9")
    with acting_as(BEA):
        casework.change_note(empty_graph, note, "pays the boatmen in cash", "A2")
        with pytest.raises(PermissionDenied, match="bea may not delete a note by ana"):
            casework.delete_note(empty_graph, note)
    with acting_as(VERA):
        with pytest.raises(PermissionDenied, match="may not save cases, write notes"):
            casework.add_note(empty_graph, "Person", "P1", "x", "B2")
        [row] = casework.notes_on(empty_graph, [("Person", "P1")])
    assert (row["text"], row["grade"], row["created_by"], row["changed_by"]) == (
        "pays the boatmen in cash",
        "A2",
        "ana",
        "bea",
    )
    assert row["changed_at"] >= row["created_at"]
    assert [n["key"] for n in casework.notes_in_case(empty_graph, case)] == ["P1"]
    with acting_as(ANA):
        casework.delete_note(empty_graph, note)
    assert casework.notes_on(empty_graph, [("Person", "P1")]) == []
    notes = [(e["user"], e["details"]["did"], e["subjects"]) for e in audit.read() if e["action"] == "note"]
    assert notes == [
        ("ana", "added", ["P1"]),
        ("ana", "added", ["+573001110002"]),
        ("bea", "changed", ["P1"]),
        ("ana", "deleted", ["P1"]),
    ]


def test_a_grade_given_at_load_is_on_the_source(empty_graph: Graph, arrests: Path) -> None:
    with acting_as(ANA):
        load_file(empty_graph, "arrests", arrests, progress=False, grade="b2")
    assert empty_graph.read_one(SOURCE) == {"grade": "B2", "graded_by": "ana", "n": 1}
    # loading it again without a grade keeps the grade; a later grading replaces it
    load_file(empty_graph, "arrests", arrests, progress=False)
    assert (empty_graph.read_one(SOURCE) or {})["grade"] == "B2"
    [source] = casework.sources(empty_graph)
    with acting_as(BEA):
        assert casework.grade_source(empty_graph, source["source_id"], "c3") == "C3"
    assert empty_graph.read_one(SOURCE) == {"grade": "C3", "graded_by": "bea", "n": 1}


def test_a_bad_grade_on_the_command_line_is_one_line_and_loads_nothing(
    empty_graph: Graph, arrests: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["load", "arrests", str(arrests), "--grade", "Z9"])
    assert stop.value.code == InputError.exit_code
    err = capsys.readouterr().err.strip()
    assert err.startswith("hilorojo: unknown grade 'Z9'") and len(err.splitlines()) == 1
    assert (empty_graph.read_one(SOURCE) or {})["n"] == 0
    main(["load", "arrests", str(arrests), "--grade", "A1", "--json"])
    assert (empty_graph.read_one(SOURCE) or {})["grade"] == "A1"


def test_the_package_shows_source_grades_and_the_notes_with_victims_shielded(
    empty_graph: Graph, arrests: Path
) -> None:
    load_file(empty_graph, "arrests", arrests, progress=False, grade="B2")
    with acting_as(ANA):
        casework.add_note(empty_graph, "Person", "PID-1", "travelled with Rosa Quintero", "C3")
        casework.add_note(empty_graph, "Person", "PID-2", "a note on someone else", "A1")
    package = build_package(empty_graph, "PID-1")
    assert package.evidence and {e.grade for e in package.evidence} == {"B2"}
    [note] = package.notes
    assert (note.grade, note.created_by) == ("C3", "ana")
    assert note.text == "travelled with Victim (protected)"
    annex = sections(package)[-1]  # the evidence annex
    provenance, notes = annex.blocks[0], annex.blocks[-1]
    assert isinstance(provenance, Table) and isinstance(notes, Table)
    assert provenance.headers[-1] == "Grade" and {row[-1] for row in provenance.rows} == {"B2"}
    assert notes.rows == [
        [note.text, "C3", f"ana ({when(note.created_at)})", f"ana ({when(note.changed_at)})"]
    ]
    revealed = build_package(empty_graph, "PID-1", include_victims=True)
    assert revealed.notes[0].text == "travelled with Rosa Quintero"


def test_the_cases_command_lists_cases_and_grades_sources(
    empty_graph: Graph, arrests: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load_file(empty_graph, "arrests", arrests, progress=False)
    [source] = casework.sources(empty_graph)
    main(["cases", "grade", source["source_id"], "e5"])
    assert capsys.readouterr().out.strip() == f"{source['source_id']}: graded E5"
    main(["cases", "sources", "--json"])
    [listed] = json.loads(capsys.readouterr().out)
    assert (listed["source_id"], listed["grade"]) == (source["source_id"], "E5")
    casework.save_case(empty_graph, "from the command line", {"seeds": []})  # as this machine's user
    main(["cases", "list", "--json"])
    assert [c["name"] for c in json.loads(capsys.readouterr().out)] == ["from the command line"]
