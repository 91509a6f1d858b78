"""Analysts' graded notes on an entity, shown wherever the entity panel is, and written from it."""

from __future__ import annotations

import streamlit as st

from access import session
from access.roles import Permission
from graph.connection import Graph
from ui import casework
from values.grading import GRADES, parse_grade


def notes_panel(g: Graph, label: str, key: str, widget: str) -> None:
    """The notes on ``label``/``key`` (read through ``g``: a viewer's shielded view hides victims' names in
    them), and for analysts a form to add one, graded, in the open case if there is one."""
    notes = casework.notes_on(g, [(label, key)])
    may_write = session.current().may(Permission.CASES)
    if not notes and not may_write:
        return
    with st.expander(f"Notes ({len(notes)})", expanded=bool(notes), icon=":material/sticky_note_2:"):
        me = session.current().user
        for n in notes:
            when = str(n["changed_at"] or "")[:16].replace("T", " ")
            st.markdown(f"**{n['grade']}** · {n['text']}")
            st.caption(
                f"{parse_grade(n['grade']).meaning} · {n['created_by']}, changed {when} by {n['changed_by']}"
            )
            if (
                may_write
                and n["created_by"] == me
                and st.button("Delete", key=f"{widget}-del-{n['note_id']}")
            ):
                casework.delete_note(g, str(n["note_id"]))
                st.rerun()
        if not may_write:
            return
        case = st.session_state.get("case") or {}
        with st.form(f"{widget}-note", clear_on_submit=True, border=False):
            text = st.text_area("New note", key=f"{widget}-note-text")
            code = st.selectbox(
                "Grade (source reliability A-F, information credibility 1-6)",
                GRADES,
                index=GRADES.index("F6"),
                format_func=lambda c: parse_grade(c).meaning,
                key=f"{widget}-note-grade",
            )
            if st.form_submit_button("Add note", icon=":material/add_comment:"):
                casework.add_note(g, label, key, text, code, case.get("case_id"))
                st.rerun()
