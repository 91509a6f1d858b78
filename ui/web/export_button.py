"""A download of what a page shows, in a partner tool's format (hilorojo export; docs/exchange.md)."""

from __future__ import annotations

import streamlit as st

from access import session
from access.roles import Permission
from exchange.export import FORMATS, MEDIA_TYPES, SINGLE_FILE, build_export, zip_bytes
from exchange.network import Selection
from graph.connection import Graph

FORMAT_NAMES = {
    "ftm": "FollowTheMoney / Aleph (JSON lines)",
    "graphml": "GraphML (Gephi, yEd, Cytoscape)",
    "gexf": "GEXF with timeline (Gephi)",
    "csv": "CSV nodes and edges (spreadsheets, zip)",
    "i2": "i2 Analyst's Notebook entities and links (zip)",
}


def export_panel(g: Graph, selection: Selection, key: str) -> None:
    """Format choice, a button that builds the export (role checked and audited in build_export) and
    the download. Victims stay pseudonymised unless this session revealed them."""
    if not session.current().may(Permission.EXPORT):
        return
    with st.expander("Export what is shown", icon=":material/download:"):
        fmt = st.selectbox("Format", FORMATS, format_func=FORMAT_NAMES.__getitem__, key=f"{key}-format")
        reveal = session.current().sees_victims and st.checkbox(
            "Include victims' names and identifiers (recorded)", value=False, key=f"{key}-victims"
        )
        st.caption(selection.describe() + ("" if reveal else "; victims as Victim 1, Victim 2, ..."))
        if st.button("Prepare the export", key=f"{key}-build", icon=":material/build:"):
            result = build_export(g, fmt, selection, include_victims=bool(reveal))
            data = next(iter(result.files.values())) if fmt in SINGLE_FILE else zip_bytes(result)
            name = SINGLE_FILE.get(fmt, f"network-{fmt}.zip")
            st.session_state[f"{key}-file"] = (name, data, MEDIA_TYPES[fmt])
            st.caption(
                f"{result.people} people, {result.calls} calls, {result.transfers} transfers, "
                f"{result.arrests} arrests"
            )
        ready = st.session_state.get(f"{key}-file")
        if ready:
            name, data, media = ready
            st.download_button(f"Download {name}", data, file_name=name, mime=media, key=f"{key}-download")
