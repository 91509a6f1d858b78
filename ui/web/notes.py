"""Analysts' graded notes on an entity, shown wherever the entity panel is, and written from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from access import session
from access.roles import Permission
from graph.connection import Graph
from graph.explore import Subgraph
from graph.model import NODE_KEYS
from ui import casework
from values.grading import GRADES, parse_grade


def notes_panel(g: Graph, label: str, key: str, widget: str) -> None:
    """The notes on ``label``/``key`` (read through ``g``: a viewer's shielded view withholds those on
    victims and children, and victims' names in the others), and for analysts a form to add one, graded,
    in the open case if there is one, and to change a note's text and grade."""
    notes = casework.notes_on(g, [(label, key)])
    may_write = session.current().may(Permission.CASES)
    if not notes and not may_write:
        return
    with st.expander(f"Notes ({len(notes)})", expanded=bool(notes), icon=":material/sticky_note_2:"):
        me = session.current().user
        for n in notes:
            note_id = str(n["note_id"])
            if may_write and st.session_state.get(f"{widget}-editing") == note_id:
                edit_form(g, n, widget)
                continue
            when = str(n["changed_at"] or "")[:16].replace("T", " ")
            st.markdown(f"**{n['grade']}** · {n['text']}")
            st.caption(
                f"{parse_grade(n['grade']).meaning} · {n['created_by']}, changed {when} by {n['changed_by']}"
            )
            if not may_write:
                continue
            edit, delete = st.columns(2)
            if edit.button("Edit", key=f"{widget}-edit-{note_id}", icon=":material/edit:"):
                st.session_state[f"{widget}-editing"] = note_id
                st.rerun()
            if n["created_by"] == me and delete.button(
                "Delete", key=f"{widget}-del-{note_id}", icon=":material/delete:"
            ):
                casework.delete_note(g, note_id)
                st.rerun()
        if not may_write:
            return
        case = st.session_state.get("case") or {}
        with st.form(f"{widget}-note", clear_on_submit=True, border=False):
            text = st.text_area("New note", key=f"{widget}-note-text")
            code = grade_box(
                "Grade (source reliability A-F, information credibility 1-6)", "F6", widget + "-note-grade"
            )
            if st.form_submit_button("Add note", icon=":material/add_comment:"):
                casework.add_note(g, label, key, text, code, case.get("case_id"))
                st.rerun()


def grade_box(label: str, code: str, key: str) -> str:
    """A choice of Admiralty grade, each said in words, starting at ``code``."""
    return str(
        st.selectbox(
            label, GRADES, index=GRADES.index(code), format_func=lambda c: parse_grade(c).meaning, key=key
        )
    )


def edit_form(g: Graph, note: Mapping[str, Any], widget: str) -> None:
    """A note's text and grade, to change (by its author or another analyst; recorded as changed by the
    user). Text shown with a protected person's name replaced is not the note's own: only its grade may
    change then, until the analyst reveals victims."""
    note_id = str(note["note_id"])
    scrubbed = bool(note.get("text_scrubbed"))
    with st.form(f"{widget}-change-{note_id}", border=True):
        text = st.text_area(
            "Note",
            value=str(note["text"] or ""),
            key=f"{widget}-change-text-{note_id}",
            disabled=scrubbed,
            help="It names a protected person: reveal victims to change its text." if scrubbed else None,
        )
        code = grade_box("Grade", str(note["grade"]), f"{widget}-change-grade-{note_id}")
        save, cancel = st.columns(2)
        saved = save.form_submit_button("Save changes", icon=":material/save:", type="primary")
        cancelled = cancel.form_submit_button("Cancel")
    if saved:
        casework.change_note(g, note_id, None if scrubbed else text, code)
    if saved or cancelled:
        del st.session_state[f"{widget}-editing"]
        st.rerun()


def drawn_notes(g: Graph, sub: Subgraph) -> dict[str, str]:
    """What a drawing's tooltips say of the notes on each drawn entity that has some (``2 · B2``), by node
    id, read in one query (nothing on protected people through a viewer's shielded view)."""
    refs = {
        nid: (n.label, str(n.props[NODE_KEYS[n.label]]))
        for nid, n in sub.nodes.items()
        if n.props.get(NODE_KEYS.get(n.label, "")) not in (None, "")
    }
    marks = casework.note_marks(g, list(refs.values()))
    return {nid: marks[ref] for nid, ref in refs.items() if ref in marks}
