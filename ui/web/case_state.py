"""What a saved case keeps of the Explore page's state, and how reopening it puts that state back."""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import date
from typing import Any

import streamlit as st
from streamlit.runtime.state import SessionStateProxy

from graph import explore
from graph.connection import Graph
from graph.model import NODE_KEYS

# The Explore page's widget keys (ui/web/views/explore.py) a case keeps as they are: hops, layers,
# people shown, size measure, hidden busy numbers, most entities drawn, people view.
State = MutableMapping[str, Any] | SessionStateProxy  # st.session_state, or a plain dict in tests
KEPT = ("hops", "layers", "roles", "size", "max_contacts", "cap", "grouped")


def capture(g: Graph, state: State, notes: str = "") -> dict[str, Any]:
    """The exploration in ``state`` (st.session_state) as JSON-able data: each entity by label and key
    (element ids change when a database is reloaded), the filters, layers and period, the case's notes."""
    seeds = []
    for node_id in state.get("seeds", []):
        row = explore.entity(g, node_id)
        if row is not None:
            key = (row["props"] or {}).get(NODE_KEYS.get(row["label"] or "", ""))
            seeds.append({"label": row["label"], "key": None if key is None else str(key), "id": node_id})
    window = state.get("window") or []
    days = [d.isoformat() for d in window if isinstance(d, date)] if isinstance(window, list | tuple) else []
    kept = {k: state[k] for k in KEPT if k in state}
    return {"seeds": seeds, "window": days, "notes": notes, **kept}


def restore(g: Graph, saved: dict[str, Any], state: State) -> list[str]:
    """Put a case's exploration back into ``state``; the entities no longer in the database (by label)."""
    found, missing = [], []
    for seed in saved.get("seeds", []):
        node_id = explore.node_id(g, seed["label"], seed["key"]) if seed.get("key") else None
        if node_id is None and explore.entity(g, seed.get("id", "")) is not None:
            node_id = seed["id"]
        if node_id is None:
            missing.append(f"{seed.get('label')} {seed.get('key')}")
        else:
            found.append(node_id)
    state["seeds"] = found
    for key in KEPT:
        if key in saved:
            state[key] = saved[key]
    state["window"] = [date.fromisoformat(d) for d in saved.get("window", [])]
    return missing


def case_banner() -> None:
    """On the Explore page: the case being worked on, and the entities of a reopened case that are gone."""
    case = st.session_state.get("case")
    if case:
        st.caption(f"Case: **{case['name']}** (save changes on the Cases page)")
    missing = st.session_state.pop("case_missing", None)
    if missing:
        st.warning("No longer in the database: " + ", ".join(missing), icon=":material/person_off:")
