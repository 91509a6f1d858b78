"""Cases, notes and grades as pages and commands use them: the role checked, the change audited."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from access import session
from access.roles import Permission
from graph import cases
from graph.connection import Graph, Row
from graph.errors import InputError
from values.errors import BadValue
from values.grading import Grade, parse_grade


def grade(text: str) -> Grade:
    """A grade typed by a user (``B2``), or InputError in one line."""
    try:
        return parse_grade(text)
    except BadValue as exc:
        raise InputError(
            str(exc), "A-F: how reliable the source is; 1-6: how credible the information"
        ) from None


def save_case(graph: Graph, name: str, state: Mapping[str, Any], case_id: str | None = None) -> str:
    """Save the exploration as a named case of the current user (analysts); the case id."""
    if not name.strip():
        raise InputError("a case needs a name", "type a name such as 'Darién cell, May'")
    who = session.require(Permission.CASES)
    saved = cases.save_case(graph.unshielded(), name, state, who.user, case_id)
    session.record("case", [saved], did="saved", name=name.strip(), people=list(state.get("seeds") or []))
    return saved


def list_cases(graph: Graph, mine: bool = True) -> list[Row]:
    """The current user's cases (or everyone's, with ``mine=False``), most recently changed first."""
    who = session.require(Permission.EXPLORE)
    return cases.list_cases(graph, who.user if mine else None)


def open_case(graph: Graph, case_id: str) -> dict[str, Any]:
    """A saved case with its state (viewers may read), recorded in the audit trail."""
    session.require(Permission.EXPLORE)
    found = cases.get_case(graph, case_id)
    session.record("case", [case_id], did="opened", name=found["name"])
    return found


def delete_case(graph: Graph, case_id: str) -> None:
    """Delete one of the current user's cases."""
    who = session.require(Permission.CASES)
    cases.delete_case(graph.unshielded(), case_id, who.user)
    session.record("case", [case_id], did="deleted")


def add_note(
    graph: Graph, label: str, key: str, text: str, grade_text: str, case_id: str | None = None
) -> str:
    """A graded note by the current user on an entity (analysts); the note id."""
    if not text.strip():
        raise InputError("an empty note", "type what you know about this entity")
    who = session.require(Permission.CASES)
    code = grade(grade_text).code
    note_id = cases.add_note(graph.unshielded(), label, key, text, code, who.user, case_id)
    session.record("note", [key], did="added", note=note_id, label=label, grade=code)
    return note_id


def change_note(graph: Graph, note_id: str, text: str | None, grade_text: str) -> None:
    """Change a note's text (kept when ``text`` is None) or grade: its author or any other analyst or
    administrator, recorded as changed by the current user, and in the audit trail."""
    if text is not None and not text.strip():
        raise InputError("an empty note", "type what you know about this entity, or delete the note")
    who = session.require(Permission.CASES)
    code = grade(grade_text).code
    row = cases.change_note(graph.unshielded(), note_id, text, code, who.user)
    session.record("note", [str(row["key"])], did="changed", note=note_id, grade=code)


def delete_note(graph: Graph, note_id: str) -> None:
    """Delete a note the current user wrote."""
    who = session.require(Permission.CASES)
    row = cases.delete_note(graph.unshielded(), note_id, who.user)
    session.record("note", [str(row["key"])], did="deleted", note=note_id)


def notes_on(graph: Graph, refs: Sequence[tuple[str, str]]) -> list[Row]:
    """The notes on these entities (viewers may read; victims' names in them are shielded by the view)."""
    session.require(Permission.EXPLORE)
    return cases.notes_on(graph, refs)


def note_marks(graph: Graph, refs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """What a table's Notes column says of each of these entities that has notes: how many, and the grade
    of the newest (``2 · B2``); nothing on protected people for a shielded view (viewers may read)."""
    session.require(Permission.EXPLORE)
    return {ref: f"{count} · {code}" for ref, (count, code) in cases.note_counts(graph, refs).items()}


def notes_in_case(graph: Graph, case_id: str) -> list[Row]:
    """The notes written while a case was open (viewers may read)."""
    session.require(Permission.EXPLORE)
    return cases.notes_in_case(graph, case_id)


def sources(graph: Graph) -> list[Row]:
    """Every load's Source with its grade (viewers may read)."""
    session.require(Permission.EXPLORE)
    return cases.sources(graph)


def grade_source(graph: Graph, source_id: str, grade_text: str) -> str:
    """Grade a load's Source (analysts); the grade's code."""
    who = session.require(Permission.CASES)
    code = grade(grade_text).code
    cases.grade_source(graph.unshielded(), source_id, code, who.user)
    session.record("source_grade", [source_id], grade=code)
    return code
