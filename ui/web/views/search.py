"""Search page: one box for names (accent- and typo-tolerant), aliases, phone numbers, IMEIs and accounts."""

from __future__ import annotations

import streamlit as st

from graph.connection import Graph
from ui.web.common import describe, open_in_explore, page, search_box
from ui.web.entity_panel import entity_panel


def body(g: Graph) -> None:
    hits = search_box(g, key="search_text")
    if not hits:
        if st.session_state.get("search_text", "").strip():
            st.info("Nothing found. Try fewer words, another spelling, or the number as written.")
        return
    st.caption(f"{len(hits)} results: exact identifiers first, then names and aliases by similarity.")
    left, right = st.columns([2, 3])
    with left:
        for i, hit in enumerate(hits):
            if st.button(describe(hit), key=f"open-{i}", width="stretch"):
                st.session_state["selected"] = hit["id"]
    selected = st.session_state.get("selected")
    if selected not in {h["id"] for h in hits}:
        selected = hits[0]["id"] if len(hits) == 1 else None
    with right:
        if selected is None:
            st.info("Pick a result to open it.")
            return
        if entity_panel(g, selected, key="search-entity") is None:
            return
        a, b = st.columns(2)
        if a.button("Explore its network", key="explore-selected", type="primary", icon=":material/hub:"):
            open_in_explore([selected])
            st.switch_page("views/explore.py")
        if b.button("Add to the exploration", key="add-selected", icon=":material/add:"):
            open_in_explore([selected], add=True)
            st.success("Added: open the Explore page to see it with the others.")


def main() -> None:
    page("Search", body, caption="Names without accents or with a typo, aliases, numbers in any format.")


main()
