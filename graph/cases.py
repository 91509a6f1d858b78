"""Saved cases (an analyst's exploration by name), notes on entities, and the grading of sources."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from graph.connection import Graph, Row
from graph.errors import NotFound, PermissionDenied
from graph.migrations import migrate
from graph.protected import scrub, withholds

# -- saved cases -----------------------------------------------------------------------------------
CREATE_CASE = """
CREATE (c:SavedCase {saved_case_id: $case_id, name: $name, state: $state, created_by: $user,
                     created_at: datetime($now), changed_by: $user, changed_at: datetime($now)})
RETURN c.saved_case_id AS case_id
"""
UPDATE_CASE = """
MATCH (c:SavedCase {saved_case_id: $case_id})
SET c.name = $name, c.state = $state, c.changed_by = $user, c.changed_at = datetime($now)
RETURN c.saved_case_id AS case_id
"""
LIST_CASES = """
MATCH (c:SavedCase) WHERE $owner IS NULL OR c.created_by = $owner
OPTIONAL MATCH (n:Note {case_id: c.saved_case_id})
RETURN c.saved_case_id AS case_id, c.name AS name, c.created_by AS created_by, c.created_at AS created_at,
       c.changed_by AS changed_by, c.changed_at AS changed_at, count(n) AS notes
ORDER BY c.changed_at DESC, c.name
"""
GET_CASE = """
MATCH (c:SavedCase {saved_case_id: $case_id})
RETURN c.saved_case_id AS case_id, c.name AS name, c.state AS state, c.created_by AS created_by,
       c.created_at AS created_at, c.changed_by AS changed_by, c.changed_at AS changed_at
"""
DELETE_CASE = """
MATCH (c:SavedCase {saved_case_id: $case_id})
OPTIONAL MATCH (n:Note {case_id: $case_id})
SET n.case_id = null
WITH DISTINCT c DETACH DELETE c
RETURN count(*) AS deleted
"""

# -- notes -----------------------------------------------------------------------------------------
CREATE_NOTE = """
CREATE (n:Note {note_id: $note_id, entity_label: $label, entity_key: $key, text: $text, grade: $grade,
                case_id: $case_id, created_by: $user, created_at: datetime($now),
                changed_by: $user, changed_at: datetime($now)})
RETURN n.note_id AS note_id
"""
UPDATE_NOTE = """
MATCH (n:Note {note_id: $note_id})
SET n.text = coalesce($text, n.text), n.grade = $grade, n.changed_by = $user, n.changed_at = datetime($now)
RETURN n.note_id AS note_id
"""
GET_NOTE = """
MATCH (n:Note {note_id: $note_id})
RETURN n.note_id AS note_id, n.entity_label AS label, n.entity_key AS key, n.created_by AS created_by
"""
DELETE_NOTE = "MATCH (n:Note {note_id: $note_id}) DELETE n RETURN count(*) AS deleted"
NOTES_ON = """
UNWIND $refs AS ref
MATCH (n:Note {entity_label: ref[0], entity_key: ref[1]})
RETURN n.note_id AS note_id, n.entity_label AS label, n.entity_key AS key, n.text AS text, n.grade AS grade,
       n.case_id AS case_id, n.created_by AS created_by, n.created_at AS created_at,
       n.changed_by AS changed_by, n.changed_at AS changed_at
ORDER BY n.created_at, n.note_id
"""
# How many notes each entity has and the grade of the newest, for a table's Notes column (one query).
NOTE_COUNTS = """
UNWIND $refs AS ref
MATCH (n:Note {entity_label: ref[0], entity_key: ref[1]})
WITH ref, n ORDER BY n.created_at DESC, n.note_id DESC
RETURN ref[0] AS label, ref[1] AS key, count(n) AS notes, head(collect(n.grade)) AS grade
"""
NOTES_IN_CASE = """
MATCH (n:Note {case_id: $case_id})
RETURN n.note_id AS note_id, n.entity_label AS label, n.entity_key AS key, n.text AS text, n.grade AS grade,
       n.created_by AS created_by, n.changed_at AS changed_at
ORDER BY n.created_at, n.note_id
"""

# -- grading of sources ----------------------------------------------------------------------------
GRADE_SOURCE = """
MATCH (s:Source {source_id: $source_id})
SET s.grade = $grade, s.graded_by = $user, s.graded_at = datetime($now)
RETURN s.source_id AS source_id
"""
SOURCES = """
MATCH (s:Source)
RETURN s.source_id AS source_id, coalesce(s.name, s.file_name) AS name, s.kind AS kind,
       s.loaded_at AS loaded_at, s.grade AS grade, s.graded_by AS graded_by, s.graded_at AS graded_at
ORDER BY s.loaded_at DESC, s.source_id
"""


def _now() -> str:
    return datetime.now(UTC).isoformat()


def save_case(
    graph: Graph, name: str, state: Mapping[str, Any], user: str, case_id: str | None = None
) -> str:
    """Save ``state`` (JSON-able) as the case ``name`` of ``user``; with ``case_id``, overwrite that case,
    which only its creator may do. Returns the case id."""
    migrate(graph)
    params = {"name": name.strip(), "state": json.dumps(state, sort_keys=True), "user": user, "now": _now()}
    if case_id is None:
        return str(
            graph.write(CREATE_CASE, {**params, "case_id": "C-" + uuid.uuid4().hex[:12]})[0]["case_id"]
        )
    _own_case(graph, case_id, user, "change")
    return str(graph.write(UPDATE_CASE, {**params, "case_id": case_id})[0]["case_id"])


def list_cases(graph: Graph, owner: str | None = None) -> list[Row]:
    """The saved cases, most recently changed first (only ``owner``'s when given)."""
    return graph.read(LIST_CASES, {"owner": owner})


def get_case(graph: Graph, case_id: str) -> dict[str, Any]:
    """One saved case with its ``state`` decoded; NotFound when there is none."""
    row = graph.read_one(GET_CASE, {"case_id": case_id})
    if row is None:
        raise NotFound(f"no saved case {case_id!r}", "list the cases with `hilorojo cases list`")
    return {**row, "state": json.loads(row["state"] or "{}")}


def delete_case(graph: Graph, case_id: str, user: str) -> None:
    """Delete a case of ``user`` (its notes stay on their entities)."""
    _own_case(graph, case_id, user, "delete")
    graph.write(DELETE_CASE, {"case_id": case_id})


def _own_case(graph: Graph, case_id: str, user: str, doing: str) -> None:
    owner = get_case(graph, case_id)["created_by"]
    if owner != user:
        raise PermissionDenied(
            f"{user} may not {doing} the case {case_id!r}: it is {owner}'s",
            "save your own copy under a new name",
        )


def add_note(
    graph: Graph,
    label: str,
    key: str,
    text: str,
    grade: str,
    user: str,
    case_id: str | None = None,
) -> str:
    """A note by ``user`` on the entity ``label``/``key`` (e.g. Person/P1), graded (values.grading)."""
    migrate(graph)
    note_id = "N-" + uuid.uuid4().hex[:12]
    params = {"label": label, "key": key, "text": text.strip(), "grade": grade, "case_id": case_id}
    graph.write(CREATE_NOTE, {**params, "note_id": note_id, "user": user, "now": _now()})
    return note_id


def change_note(graph: Graph, note_id: str, text: str | None, grade: str, user: str) -> dict[str, Any]:
    """Change a note's text (kept when ``text`` is None) or grade, recorded as changed by ``user`` and
    when; the note's label, key and author."""
    row = graph.read_one(GET_NOTE, {"note_id": note_id})
    if row is None:
        raise NotFound(f"no note {note_id!r}", "it may have been deleted; reload the page")
    new_text = None if text is None else text.strip()
    graph.write(
        UPDATE_NOTE, {"note_id": note_id, "text": new_text, "grade": grade, "user": user, "now": _now()}
    )
    return dict(row)


def delete_note(graph: Graph, note_id: str, user: str) -> dict[str, Any]:
    """Delete a note written by ``user``; the note's label, key and author."""
    row = graph.read_one(GET_NOTE, {"note_id": note_id})
    if row is None:
        raise NotFound(f"no note {note_id!r}", "it may have been deleted; reload the page")
    if row["created_by"] != user:
        raise PermissionDenied(f"{user} may not delete a note by {row['created_by']}", "ask its author")
    graph.write(DELETE_NOTE, {"note_id": note_id})
    return dict(row)


def notes_on(graph: Graph, refs: Sequence[tuple[str, str]]) -> list[Row]:
    """The notes on these entities (``(label, key)`` pairs), oldest first; through a shielded view, none
    on a protected person or identifier (``_unprotected``), and the victims' names and identifiers
    written in the others replaced (graph.protected.scrub)."""
    wanted = _unprotected(graph, refs)
    if not wanted:
        return []
    return _scrubbed(graph, graph.read(NOTES_ON, {"refs": wanted}))


def note_counts(graph: Graph, refs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[int, str]]:
    """For each of these entities that has notes: how many, and the grade of the newest, in one query;
    through a shielded view, nothing for a protected person or identifier (as ``notes_on``)."""
    wanted = _unprotected(graph, refs)
    if not wanted:
        return {}
    rows = graph.unshielded().read(NOTE_COUNTS, {"refs": wanted})  # keys and grades only: nothing to shield
    return {(str(r["label"]), str(r["key"])): (int(r["notes"]), str(r["grade"] or "")) for r in rows}


def _unprotected(graph: Graph, refs: Sequence[tuple[str, str]]) -> list[list[str]]:
    """The distinct ``[label, key]`` pairs whose notes this view may read: what is written about a victim
    or a child (or an identifier only they use) is withheld from a shielded view like their identity."""
    withheld = graph.withheld()
    return [
        [label, key]
        for label, key in dict.fromkeys(refs)
        if not (withheld and withholds(withheld, label, key))
    ]


def _scrubbed(graph: Graph, rows: list[Row]) -> list[Row]:
    """The rows with protected strings replaced in their text; ``text_scrubbed`` says where that happened
    (the text shown is then not the note's own, and must not be saved over it)."""
    withheld = graph.withheld()
    if not withheld:
        return rows
    out = []
    for r in rows:
        text = str(r["text"] or "")
        shown = scrub(text, withheld)
        out.append({**r, "text": shown, "text_scrubbed": shown != text})
    return out


def notes_in_case(graph: Graph, case_id: str) -> list[Row]:
    """The notes written while the case was open, oldest first (shielded like ``notes_on``)."""
    withheld = graph.withheld()
    rows = graph.unshielded().read(NOTES_IN_CASE, {"case_id": case_id})  # the keys as stored, to check
    if withheld:
        rows = [r for r in rows if not withholds(withheld, str(r["label"]), str(r["key"]))]
    return _scrubbed(graph, rows)


def grade_source(graph: Graph, source_id: str, grade: str, user: str) -> None:
    """Grade a load's Source (values.grading), recording who graded it and when."""
    if not graph.write(GRADE_SOURCE, {"source_id": source_id, "grade": grade, "user": user, "now": _now()}):
        raise NotFound(f"no source {source_id!r}", "list the loads with `hilorojo cases sources`")


def sources(graph: Graph) -> list[Row]:
    """Every load's Source with its grade, most recent first."""
    return graph.read(SOURCES)
