"""Audit trail page (admins): who did what and when, filtered, and whether the log is intact."""

from __future__ import annotations

import json
from datetime import date

import streamlit as st

from access import audit, session
from access.roles import Permission
from graph.connection import Graph
from ui.web.common import frame, page


def body(g: Graph) -> None:
    session.require(Permission.AUDIT)
    report = audit.verify()
    if report.ok:
        st.success(f"The audit trail is intact: {report.lines:,} lines, each chained to the one before.")
    else:
        st.error(f"The audit trail is broken at line {report.bad_line}: {report.reason}.")
    c1, c2, c3, c4 = st.columns(4)
    user = c1.text_input("User", key="audit_user").strip() or None
    subject = c2.text_input("Person or record", key="audit_subject").strip() or None
    action = c3.selectbox(
        "Action", [None, *audit.ACTIONS], format_func=lambda a: a or "all", key="audit_action"
    )
    since: date | None = c4.date_input("Since", value=None, key="audit_since")
    entries = audit.read(user=user, subject=subject, action=action, since=since)
    st.caption(f"{len(entries):,} entries; the newest 500 are shown, newest first.")
    rows = [
        {
            "seq": e["seq"],
            "at": e["at"].replace("T", " ")[:19],
            "user": e["user"],
            "role": e["role"],
            "action": e["action"],
            "subjects": ", ".join(e["subjects"]),
            "details": json.dumps(e["details"], ensure_ascii=False)[:300],
        }
        for e in reversed(entries[-500:])
    ]
    st.dataframe(frame(rows), hide_index=True, width="stretch")


def main() -> None:
    page(
        "Audit trail",
        body,
        needs_data=False,
        needs=Permission.AUDIT,
        caption="Every login, search, view, import, analysis, package and console query: append-only and "
        "hash-chained (`hilorojo audit verify`).",
    )


main()
