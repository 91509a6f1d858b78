"""Cases page: save the exploration as a named case, list the cases, reopen or delete one; grade sources."""

from __future__ import annotations

import streamlit as st

from access import session
from access.roles import Permission
from graph.connection import Graph
from ui import casework
from ui.web.case_state import capture, restore
from ui.web.common import frame, page, plain
from values.grading import CREDIBILITY, GRADES, RELIABILITY, parse_grade


def moment(value: object) -> str:
    """A stored time as ``2026-12-07 15:20`` (UTC)."""
    return str(plain(value) or "").replace("T", " ")[:16]


def grade_label(code: str) -> str:
    """``B2`` as ``B2: usually reliable source, probably true`` (for grade pickers)."""
    return parse_grade(code).meaning


def save_form(g: Graph) -> None:
    """Save the current exploration: as a new case, or over the open case when it is the user's."""
    seeds = list(st.session_state.get("seeds", []))
    st.subheader("Save the current work")
    if not session.current().may(Permission.CASES):
        st.caption("Viewers read cases; analysts save them.")
        return
    st.caption(
        f"{len(seeds)} entities in the exploration, with the Explore page's layers, filters and period."
        if seeds
        else "The exploration is empty: add entities on the Search or Explore page first."
    )
    # the reopened (or last saved) case: case_id, name, created_by, notes
    open_case: dict[str, str] = st.session_state.get("case") or {}
    with st.form("save-case", border=True):
        name = st.text_input("Case name", value=open_case.get("name", ""), key="case_name")
        notes = st.text_area("Notes on the case", value=open_case.get("notes", ""), key="case_notes")
        own = bool(open_case) and open_case.get("created_by") == session.current().user
        over = st.checkbox(
            f"Save over the open case {open_case['name']!r}" if open_case else "Save over the open case",
            value=own,
            disabled=not own,
            key="case_over",
        )
        if st.form_submit_button("Save case", type="primary", icon=":material/save:"):
            state = capture(g, st.session_state, notes)
            case_id = casework.save_case(g, name, state, open_case["case_id"] if over and own else None)
            st.session_state["case"] = {
                "case_id": case_id,
                "name": name.strip(),
                "created_by": session.current().user,
                "notes": notes,
            }
            st.success(f"Saved the case {name.strip()!r} ({len(state['seeds'])} entities).")


def reopen(g: Graph, case_id: str) -> None:
    """Put a case's exploration back and open the Explore page."""
    found = casework.open_case(g, case_id)
    missing = restore(g, found["state"], st.session_state)
    st.session_state["case"] = {
        "case_id": found["case_id"],
        "name": found["name"],
        "created_by": found["created_by"],
        "notes": found["state"].get("notes", ""),
    }
    if missing:
        st.session_state["case_missing"] = missing
    st.switch_page("views/explore.py")


def case_list(g: Graph) -> None:
    """The user's cases (or everyone's): reopen one, delete one of one's own."""
    st.subheader("Cases")
    everyone = st.toggle("Everyone's cases", key="cases_everyone")
    rows = casework.list_cases(g, mine=not everyone)
    if not rows:
        st.info("No saved cases yet." if everyone else "You have no saved cases yet.")
        return
    st.dataframe(
        frame(
            [
                {
                    "Case": r["name"],
                    "Created by": r["created_by"],
                    "Last changed": moment(r["changed_at"]),
                    "Changed by": r["changed_by"],
                    "Notes": r["notes"],
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        key="cases-table",
    )
    names = {str(r["case_id"]): f"{r['name']} ({r['created_by']})" for r in rows}
    chosen = st.selectbox("Case", list(names), format_func=names.__getitem__, key="case_pick")
    if chosen is None:
        return
    found = next(r for r in rows if r["case_id"] == chosen)
    c1, c2 = st.columns([1, 4])
    if c1.button("Reopen", type="primary", icon=":material/folder_open:", key="case_reopen"):
        reopen(g, chosen)
    if found["created_by"] == session.current().user and c2.button(
        "Delete", icon=":material/delete:", key="case_delete"
    ):
        casework.delete_case(g, chosen)
        if (st.session_state.get("case") or {}).get("case_id") == chosen:
            del st.session_state["case"]
        st.rerun()
    notes = casework.notes_in_case(g, chosen)
    if notes:
        st.caption("Notes written while this case was open")
        st.dataframe(
            frame(
                [
                    {"Entity": f"{n['label']} {n['key']}", "Note": n["text"], "Grade": n["grade"]}
                    for n in notes
                ]
            ),
            hide_index=True,
            width="stretch",
            key="case-notes",
        )


def source_grades(g: Graph) -> None:
    """Each load's Admiralty grade; analysts set it."""
    st.subheader("Sources and their grades")
    st.caption(
        "Admiralty code: source reliability "
        + ", ".join(f"{k} {v}" for k, v in RELIABILITY.items())
        + "; information credibility "
        + ", ".join(f"{k} {v}" for k, v in CREDIBILITY.items())
        + "."
    )
    rows = casework.sources(g)
    if not rows:
        st.info("No loads yet.")
        return
    st.dataframe(
        frame(
            [
                {
                    "Source": r["name"],
                    "Kind": r["kind"],
                    "Grade": r["grade"] or "ungraded",
                    "Graded by": r["graded_by"] or "",
                    "Load": r["source_id"],
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        key="sources-table",
    )
    if not session.current().may(Permission.CASES):
        return
    names = {str(r["source_id"]): f"{r['name']} ({r['source_id']})" for r in rows}
    c1, c2, c3 = st.columns([3, 3, 1])
    source = c1.selectbox("Source", list(names), format_func=names.__getitem__, key="grade_source")
    code = c2.selectbox("Grade", GRADES, index=GRADES.index("F6"), format_func=grade_label, key="grade_code")
    if c3.button("Grade", key="grade_set", icon=":material/verified:") and source:
        casework.grade_source(g, source, code)
        st.rerun()


def body(g: Graph) -> None:
    save_form(g)
    case_list(g)
    source_grades(g)


def main() -> None:
    page("Cases", body, caption="Save your work as a named case and reopen it later; grade your sources.")


main()
