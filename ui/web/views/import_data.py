"""Import page: upload a file, pick its kind and mapping, load it, and read the summary and the rejects."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from access.roles import Permission
from graph.connection import Graph
from loaders.kinds import KINDS
from ui.web.common import page
from ui.web.importing import import_upload


def body(g: Graph) -> None:
    upload = st.file_uploader("File (CSV, gzip CSV, XLSX, JSON lines)", key="upload")
    c1, c2, c3 = st.columns(3)
    kind = c1.selectbox("Kind", list(KINDS), key="kind")
    region = c2.text_input("Default phone region (e.g. CO)", key="region", max_chars=2)
    timezone = c3.text_input("Time zone of times without one", value="UTC", key="timezone")
    mapping = st.file_uploader("Mapping (YAML, optional: column names and value rules)", key="mapping")
    if upload is None:
        st.info(f"Needed columns for {kind}: " + ", ".join(KINDS[kind].required))
        return
    if not st.button("Load", type="primary", icon=":material/upload:", key="load"):
        return
    with st.spinner(f"Loading {upload.name}…"):
        summary, rejects = import_upload(
            g,
            upload.name,
            upload.getvalue(),
            kind,
            mapping.getvalue() if mapping is not None else None,
            region.strip().upper() or None,
            timezone.strip() or "UTC",
        )
    st.cache_data.clear()
    st.success(f"{summary.file_name}: {summary.rows_loaded} of {summary.rows_read} rows loaded.")
    m = st.columns(4)
    m[0].metric("Rows read", summary.rows_read)
    m[1].metric("Loaded", summary.rows_loaded)
    m[2].metric("Rejected", summary.rows_rejected)
    m[3].metric("Duplicates", summary.duplicates)
    if rejects is not None and not rejects.empty:
        st.subheader("Rejected rows")
        st.dataframe(rejects, hide_index=True, width="stretch")
        st.download_button(
            "Download the rejects",
            rejects.to_csv(index=False),
            f"{Path(upload.name).stem}.rejects.csv",
            "text/csv",
            key="dl-rejects",
        )


def main() -> None:
    page(
        "Import",
        body,
        needs_data=False,
        needs=Permission.IMPORT,
        caption="Reloading the same file changes nothing; fix the rejects and reload.",
    )


main()
