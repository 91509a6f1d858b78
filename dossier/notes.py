"""The analysts' graded notes on a package's subject, for its annex (victims shielded unless included)."""

from __future__ import annotations

from dossier.document import NoteEntry
from graph import cases
from graph.connection import Graph
from graph.dossier import native


def subject_notes(graph: Graph, person_id: str, include_victims: bool) -> list[NoteEntry]:
    """The notes on the person, oldest first; read through the shielded view unless victims are included."""
    view = graph if include_victims else graph.shielded_view()
    return [
        NoteEntry(
            text=str(r["text"] or ""),
            grade=str(r["grade"] or ""),
            created_by=str(r["created_by"] or ""),
            created_at=native(r["created_at"]),
            changed_by=str(r["changed_by"] or ""),
            changed_at=native(r["changed_at"]),
        )
        for r in cases.notes_on(view, [("Person", person_id)])
    ]
