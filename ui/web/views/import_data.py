"""Import page: upload a file, pick its kind and mapping, load it, and read the summary and the rejects."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from access.roles import Permission
from graph.connection import Graph
from loaders.kinds import KINDS
from ui.web.analysis_run import analysis_action
from ui.web.common import page
from ui.web.importing import expected_rows, import_upload
from values.grading import GRADES, parse_grade

UNGRADED = ""


def body(g: Graph) -> None:
    load_part(g)
    st.divider()
    st.subheader("Analysis")
    st.caption(
        "After a load, run the analysis again so that rankings, cells and key players include the new data."
    )
    analysis_action(g, "import-analyze")


def load_part(g: Graph) -> None:
    """Upload a file, load it with a progress bar, and show its summary and rejected rows."""
    upload = st.file_uploader("File (CSV, gzip CSV, XLSX, JSON lines)", key="upload")
    c1, c2, c3 = st.columns(3)
    kind = c1.selectbox("Kind", list(KINDS), key="kind")
    region = c2.text_input("Default phone region (e.g. CO)", key="region", max_chars=2)
    timezone = c3.text_input("Time zone of times without one", value="UTC", key="timezone")
    mapping = st.file_uploader("Mapping (YAML, optional: column names and value rules)", key="mapping")
    grade = st.selectbox(
        "Grade of this source (Admiralty code)",
        [UNGRADED, *GRADES],
        format_func=lambda c: parse_grade(c).meaning if c else "ungraded (grade it later on the Cases page)",
        key="grade",
    )
    if upload is None:
        st.info(f"Needed columns for {kind}: " + ", ".join(KINDS[kind].required))
        return
    if not st.button("Load", type="primary", icon=":material/upload:", key="load"):
        return
    data = upload.getvalue()
    total = expected_rows(upload.name, data)
    bar = st.progress(0.0, text=f"Loading {upload.name}…")

    def advance(rows: int, rejected: int) -> None:
        done = f"{rows:,} of {total:,} rows" if total else f"{rows:,} rows"
        bar.progress(
            min(rows / total, 1.0) if total else 0.0,
            text=f"Loading {upload.name}: {done} read, {rejected:,} rejected",
        )

    summary, rejects = import_upload(
        g,
        upload.name,
        data,
        kind,
        mapping.getvalue() if mapping is not None else None,
        region.strip().upper() or None,
        timezone.strip() or "UTC",
        grade=grade or None,
        on_progress=advance,
    )
    bar.progress(1.0, text=f"Loaded {upload.name}: {summary.rows_read:,} rows in {summary.seconds:,.1f} s")
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
