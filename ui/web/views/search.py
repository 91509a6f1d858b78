"""Search page: one box for names (accent- and typo-tolerant), aliases, phone numbers, IMEIs and accounts."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.connection import Graph
from graph.model import NODE_KEYS
from ui.casework import note_marks
from ui.web.common import describe, open_in_explore, page, search_box
from ui.web.entity_panel import entity_actions, entity_panel, selected_entity
from ui.web.tables import KIND_OF, Ref, select


def body(g: Graph) -> None:
    hits = search_box(g, key="search_text")
    if not hits:
        if st.session_state.get("search_text", "").strip():
            st.info("Nothing found. Try fewer words, another spelling, or the number as written.")
        else:
            selected_entity(g, "search-link")  # an entity named in a shared link
        return
    st.caption(f"{len(hits)} results: exact identifiers first, then names and aliases by similarity.")
    marks = note_marks(g, [(str(h["label"]), str(h["key"])) for h in hits if h.get("key")])
    left, right = st.columns([2, 3])
    with left:
        for i, hit in enumerate(hits):
            notes = marks.get((str(hit["label"]), str(hit["key"])))
            if st.button(describe(hit, notes), key=f"open-{i}", width="stretch"):
                st.session_state["selected"] = hit["id"]
    selected = st.session_state.get("selected")
    if selected not in {h["id"] for h in hits}:
        selected = hits[0]["id"] if len(hits) == 1 else None
    with right:
        if selected is None:
            st.info("Pick a result to open it.")
            return
        entity_panel(g, selected, key="search-entity", actions=lambda row: next_steps(g, selected, row))


def next_steps(g: Graph, node_id: str, row: dict[str, Any]) -> None:
    """Under the opened entity's name: its address for a shared link, and what to do with it."""
    key = str(row["props"].get(NODE_KEYS.get(row["label"], ""), "") or "")
    if row["label"] in KIND_OF and key:
        select(Ref(KIND_OF[row["label"]], key))  # the address names the entity: a link to share
    if st.button("Explore its network", key="explore-selected", type="primary", icon=":material/hub:"):
        open_in_explore([node_id])
        st.switch_page("views/explore.py")
    entity_actions(g, node_id, row, "search-actions", key)


def main() -> None:
    page("Search", body, caption="Names without accents or with a typo, aliases, numbers in any format.")


main()
