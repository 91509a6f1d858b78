"""The details of one entity beside a drawing or a search: properties, links, and what to do next."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph import explore
from graph.connection import Graph
from ui.web.common import VICTIM_LABEL, frame, plain

HIDDEN = ("aliases_text", "name_key", "source_ids", "analysis_id")


def entity_panel(g: Graph, node_id: str, key: str) -> dict[str, Any] | None:
    """Show one entity; returns its row (or None when it no longer exists)."""
    row = explore.entity(g, node_id)
    if row is None:
        st.info("This entity is no longer in the database.")
        return None
    props = row["props"]
    name = props.get("name") or next((props[k] for k in explore.NAME_KEYS if props.get(k)), row["label"])
    st.markdown(f"#### {row['label']}: {name}")
    if props.get("role") == "victim":
        st.markdown(
            f'<span class="hr-victim">{VICTIM_LABEL}</span> Protected person: never ranked, never a target.',
            unsafe_allow_html=True,
        )
    shown = {k: plain(v) for k, v in sorted(props.items()) if k not in HIDDEN and v not in (None, "", [])}
    st.dataframe(
        frame([{"property": k, "value": str(v)} for k, v in shown.items()]),
        hide_index=True,
        width="stretch",
        key=f"{key}-props",
    )
    links = [link for link in row["links"] if link]
    if links:
        st.caption("Links: " + ", ".join(f"{x['type']} → {x['other']} × {x['count']}" for x in links))
    return dict(row)
