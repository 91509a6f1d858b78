"""The details of one entity beside a drawing or a search: properties, links, and what to do next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from access import session
from access.roles import Permission
from graph import explore
from graph.connection import Graph
from graph.model import NODE_KEYS
from ui.columns import cell, describe
from ui.web.common import VICTIM_LABEL, frame, open_in_explore, plain
from ui.web.notes import notes_panel
from ui.web.tables import selected

HIDDEN = ("aliases_text", "name_key", "source_ids", "analysis_id")
PATH_LABELS = ("Person", "Phone", "Account", "Device")  # what the Paths page connects


def entity_panel(
    g: Graph, node_id: str, key: str, actions: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any] | None:
    """Show one entity (``actions`` under its name, before its properties); returns its row (or None when
    it no longer exists)."""
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
    if actions is not None:
        actions(dict(row))
    shown = {
        k: cell(k, plain(v)) for k, v in sorted(props.items()) if k not in HIDDEN and v not in (None, "", [])
    }
    st.dataframe(
        frame([{"property": describe(k).label, "value": str(v)} for k, v in shown.items()]),
        column_config={"property": "Property", "value": "Value"},
        hide_index=True,
        width="stretch",
        height=min(400, 36 * (len(shown) + 1) + 3),
        key=f"{key}-props",
    )
    links = [link for link in row["links"] if link]
    if links:
        st.caption("Links: " + ", ".join(f"{x['type']} → {x['other']} × {x['count']}" for x in links))
    entity_key = props.get(NODE_KEYS.get(row["label"] or "", ""))
    if entity_key is not None:
        notes_panel(g, str(row["label"]), str(entity_key), widget=key)
    return dict(row)


def _prefill(widget: str, value: str) -> None:
    """A button's callback (run before the page, so it may set another widget's value): the search box of
    the page the button opens starts with ``value``."""
    st.session_state[widget] = value


def entity_actions(g: Graph, node_id: str, row: dict[str, Any], key: str, ref_key: str) -> None:
    """What the analyst does next with an entity, one click each: add it to the exploration, start a path
    from or to it, build its target package (people who are not victims, for roles that may)."""
    label, props = row["label"], row["props"]
    cols = st.columns(4)
    if cols[0].button("Add to exploration", key=f"{key}-add", icon=":material/add:"):
        open_in_explore([node_id], add=True)
        st.success("Added: open the Explore page to see it with the others.")
    if label in PATH_LABELS:
        for col, (text, end, icon) in zip(
            cols[1:3],
            (("Path from here", "path_from", "route"), ("Path to here", "path_to", "flag")),
            strict=True,
        ):
            if col.button(
                text, key=f"{key}-{end}", icon=f":material/{icon}:", on_click=_prefill, args=(end, ref_key)
            ):
                st.switch_page("views/paths.py")
    if label == "Person" and props.get("role") != "victim" and session.current().may(Permission.PACKAGE):
        if cols[3].button(
            "Target package",
            key=f"{key}-package",
            icon=":material/description:",
            on_click=_prefill,
            args=("package_search", ref_key),
        ):
            st.switch_page("views/package.py")


def selected_entity(g: Graph, key: str) -> dict[str, Any] | None:
    """The entity named in the page's address (a selected table row or a shared link), with its actions."""
    ref = selected()
    if ref is None:
        return None
    node_id = explore.node_id(g, ref.label, ref.key)
    if node_id is None:
        st.info(f"No {ref.label.lower()} {ref.key!r} in the database.")
        return None
    with st.container(border=True, key=f"{key}-panel"):
        return entity_panel(
            g, node_id, key=key, actions=lambda row: entity_actions(g, node_id, row, key, ref.key)
        )
