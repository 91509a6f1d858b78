"""Explore page: the neighbourhood of chosen entities, filtered, drawn with pyvis, with details beside it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import streamlit as st

from exchange.network import Selection
from graph import explore
from graph.connection import Graph
from graph.model import ROLES
from ui.web import node_click
from ui.web.case_state import case_banner
from ui.web.common import describe, open_in_explore, page, search_box
from ui.web.entity_panel import entity_panel
from ui.web.export_button import export_panel
from ui.web.grouping import group_identifiers
from ui.web.network import network_html
from ui.web.notes import drawn_notes

HEIGHT = 640
LEGEND = (
    '<div class="hr-legend"><span>● person (colour = community, size = measure)</span>'
    "<span>■ phone</span><span>▲ handset</span><span>⬢ account</span><span>▼ arrest</span>"
    '<span style="color:#d62728">◆ VICTIM (protected)</span>'
    '<span style="color:#60a5fa">— calls</span><span style="color:#d97706">— money</span></div>'
)


# the Explore page's layers as the export's
EXPORT_LAYERS = {"phones": "calls", "money": "money", "arrests": "arrests", "identity": "identifiers"}


def _moment(day: date | None, end: bool = False) -> datetime | None:
    """The start of ``day`` in UTC (or of the next day, for the end of a window)."""
    if day is None:
        return None
    return datetime.combine(day, time.min, tzinfo=UTC) + timedelta(days=1 if end else 0)


def seeds_panel(g: Graph) -> list[str]:
    """The entities being explored: add them from a search, remove them from the list."""
    seeds: list[str] = list(st.session_state.get("seeds", []))
    with st.expander("Entities in the exploration", expanded=not seeds, icon=":material/person_search:"):
        hits = search_box(g, key="explore_search", label="Add an entity")
        for i, hit in enumerate(hits[:8]):
            if st.button("Add " + describe(hit), key=f"add-{i}"):
                open_in_explore([hit["id"]], add=True)
                st.rerun()
        if seeds:
            names = {}
            for sid in seeds:
                row = explore.entity(g, sid)
                if row is not None:
                    props = row["props"]
                    names[sid] = f"{row['label']} · " + str(
                        next((props[k] for k in explore.NAME_KEYS if props.get(k)), sid)
                    )
            kept = st.multiselect(
                "Exploring", list(names), default=list(names), format_func=names.__getitem__
            )
            if kept != seeds:
                st.session_state["seeds"] = kept
                seeds = kept
    return [s for s in seeds if s]


@dataclass(frozen=True)
class Filters:
    """What the analyst chose to draw: hops, layers, people, sizing, time window and limits."""

    hops: int
    layers: list[str]
    roles: list[str]
    size_by: str
    window: list[date]
    max_contacts: int
    cap: int
    grouped: bool

    @property
    def since(self) -> datetime | None:
        return _moment(self.window[0]) if self.window else None

    @property
    def until(self) -> datetime | None:
        return _moment(self.window[1], end=True) if len(self.window) == 2 else None


def filters() -> Filters:
    """The filter widgets above the drawing."""
    c1, c2, c3, c4 = st.columns([1, 2, 2, 2])
    hops = c1.radio("Hops", [1, 2, 3], index=1, horizontal=False, key="hops")
    layers = c2.multiselect(
        "Layers", list(explore.LAYERS), default=list(explore.DEFAULT_LAYERS), key="layers"
    )
    roles = c3.multiselect(
        "People shown",
        list(ROLES),
        default=list(ROLES),
        key="roles",
        help="Victims are always marked in red.",
    )
    size_by = c4.selectbox(
        "Size people by", ["pagerank", "betweenness", "degree", "eigenvector", "none"], key="size"
    )
    d1, d2, d3, d4 = st.columns([2, 2, 2, 1])
    window = d1.date_input("Time window (calls, transfers, arrests)", value=[], key="window")
    max_contacts = d2.number_input(
        "Hide numbers with more contacts than",
        min_value=0,
        value=50,
        step=5,
        key="max_contacts",
        help="Numbers everyone calls (taxis, shops) hide the real structure. 0 keeps them all.",
    )
    cap = d3.select_slider("Most entities drawn", [100, 200, 300, 500], value=300, key="cap")
    grouped = d4.toggle(
        "People view",
        value=True,
        key="grouped",
        help="Phones, handsets and accounts merge into their owners, so people link to people.",
    )
    days = [d for d in window if isinstance(d, date)] if isinstance(window, list | tuple) else []
    return Filters(
        int(hops), layers, roles, str(size_by), days[:2], int(max_contacts), int(cap), bool(grouped)
    )


def neighbourhood(g: Graph, seeds: list[str], chosen: Filters) -> explore.Subgraph:
    """The drawn part of the network, said in one caption (and a warning when it was capped)."""
    sub = explore.neighbourhood(
        g,
        seeds,
        hops=chosen.hops,
        layers=chosen.layers,
        since=chosen.since,
        until=chosen.until,
        roles=chosen.roles,
        max_contacts=chosen.max_contacts or None,
        cap=chosen.cap,
        owners=chosen.grouped,
    )
    if sub.capped:
        st.warning(
            f"Large neighbourhood: showing the {len(sub.nodes)} most strongly linked entities "
            f"(at most {chosen.cap}), with phones and accounts grouped into their owners. "
            "Narrow the layers, the time window or the hops to see all of it.",
            icon=":material/filter_alt:",
        )
    if chosen.grouped or sub.capped:
        sub = group_identifiers(sub)
    victims = sum(1 for n in sub.nodes.values() if n.is_victim)
    st.caption(
        f"{len(sub.nodes)} entities, {len(sub.edges)} links within {sub.hops_done} hop(s)"
        + (f" · {victims} victim(s), marked in red" if victims else "")
    )
    return sub


def export_shown(g: Graph, sub: explore.Subgraph, chosen: Filters) -> None:
    """The export button for the people drawn, in the chosen layers and window."""
    shown = tuple(
        str(n.props["person_id"])
        for n in sub.nodes.values()
        if n.label == "Person" and n.props.get("person_id")
    )
    export_panel(
        g,
        Selection(
            people=shown,
            layers=tuple(EXPORT_LAYERS[lay] for lay in chosen.layers if lay in EXPORT_LAYERS) or ("calls",),
            since=chosen.window[0] if chosen.window else None,
            until=chosen.window[1] if len(chosen.window) == 2 else None,
        ),
        key="explore-export",
    )


def details(g: Graph, sub: explore.Subgraph, seeds: list[str]) -> None:
    """The chosen (or clicked) entity's panel, with expanding from it or removing it."""
    order = sorted(sub.nodes, key=lambda n: (n not in sub.seeds, sub.nodes[n].label, sub.nodes[n].name))
    clicked = node_click.clicked_node("explore-click")  # a node clicked in the drawing
    if clicked in sub.nodes:
        st.session_state["detail"] = clicked
    chosen = st.selectbox(
        "Details of",
        order,
        format_func=lambda n: (
            f"{sub.nodes[n].label} · {sub.nodes[n].name}" + (" · VICTIM" if sub.nodes[n].is_victim else "")
        ),
        key="detail",
    )
    if chosen and entity_panel(g, chosen, key="explore-entity") is not None:
        if chosen not in seeds and st.button("Expand from here", key="expand", icon=":material/add_circle:"):
            open_in_explore([chosen], add=True)
            st.rerun()
        if chosen in seeds and len(seeds) > 1 and st.button("Remove from the exploration", key="remove"):
            st.session_state["seeds"] = [s for s in seeds if s != chosen]
            st.rerun()


def body(g: Graph) -> None:
    case_banner()
    seeds = seeds_panel(g)
    if not seeds:
        st.info("Search an entity above (or on the Search page) to draw its network.")
        return
    chosen = filters()
    sub = neighbourhood(g, seeds, chosen)
    html = network_html(
        sub, None if chosen.size_by == "none" else chosen.size_by, HEIGHT, drawn_notes(g, sub)
    )
    st.session_state["explore_html"] = html
    export_shown(g, sub, chosen)
    left, right = st.columns([3, 1])
    with left:
        st.iframe(html, height=HEIGHT + 12)
        st.markdown(LEGEND, unsafe_allow_html=True)
    with right:
        details(g, sub, seeds)


def main() -> None:
    page(
        "Explore", body, caption="The network around chosen entities: filter it, expand it, read the details."
    )


main()
