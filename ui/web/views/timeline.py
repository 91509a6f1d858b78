"""Timeline page: arrests, calls and transfers of the selected entities over time."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from graph import explore
from graph.connection import Graph
from ui.web.common import describe, frame, open_in_explore, page, search_box
from ui.web.entity_panel import selected_entity
from ui.web.tables import Ref, show

EVENT_KINDS = {"call": "phone", "transfer": "account", "arrest": "arrest"}  # what an event's ``what`` names
COLOURS = alt.Scale(domain=["arrest", "call", "transfer"], range=["#b91c1c", "#60a5fa", "#d97706"])


def events_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Events with their time as a pandas timestamp (arrest dates at midnight UTC)."""
    df = frame(rows)
    df["at"] = pd.to_datetime(df["at"].astype(str), utc=True, format="mixed")
    return df


def event_ref(row: Any) -> Ref | None:
    """The phone, account or arrest an event row belongs to."""
    kind = EVENT_KINDS.get(str(row.get("kind")))
    return Ref(kind, str(row["what"])) if kind and row.get("what") else None


def body(g: Graph) -> None:
    hits = search_box(g, key="timeline_search", label="Add an entity")
    for i, hit in enumerate(hits[:6]):
        if st.button("Add " + describe(hit), key=f"tl-add-{i}"):
            open_in_explore([hit["id"]], add=True)
    seeds = list(st.session_state.get("seeds", []))
    if not seeds:
        st.info("Add an entity (or explore one) to see its arrests, calls and transfers over time.")
        return
    rows = explore.timeline(g, seeds)
    if not rows:
        st.info("No dated arrests, calls or transfers for these entities.")
        return
    df = events_frame(rows)
    st.caption(f"{len(df)} events: " + ", ".join(f"{n} {k}s" for k, n in df["kind"].value_counts().items()))
    chart = (
        alt.Chart(df)
        .mark_tick(thickness=2, size=22)
        .encode(
            x=alt.X("at:T", title=None),
            y=alt.Y("entity:N", title=None),
            color=alt.Color("kind:N", scale=COLOURS, title="event"),
            tooltip=["kind", "at", "entity", "what", "detail", "amount", "unit"],
        )
        .properties(height=max(120, 60 * df["entity"].nunique()))
    )
    st.altair_chart(chart, width="stretch")
    st.caption("Select an event to open its phone, account or arrest.")
    show(
        rows,
        key="events",
        columns=["at", "kind", "entity", "what", "detail", "amount", "unit"],
        entity=event_ref,
        notes=g,
    )
    selected_entity(g, "timeline-entity")


def main() -> None:
    page(
        "Timeline", body, caption="When things happened: arrests, calls and money of the entities you follow."
    )


main()
