"""Communities page: organisations and their cells, each summarised; open one to see its people and links."""

from __future__ import annotations

from collections import Counter
from typing import Any

import streamlit as st

from exchange.network import Selection
from graph import analysis_store, explore
from graph.connection import Graph
from ui.web.common import open_in_explore, page, stamp
from ui.web.entity_panel import selected_entity
from ui.web.export_button import export_panel
from ui.web.grouping import group_identifiers
from ui.web.network import network_html
from ui.web.tables import person, show

LEVEL_NAMES = {"organisation": "Organisations (groups of cells)", "cell": "Cells"}


@st.cache_data(ttl=60, show_spinner=False)
def _communities(
    _g: Graph, key: tuple[Any, ...], level: str, organisation: int | None
) -> list[dict[str, Any]]:
    return explore.communities(_g, level, organisation)


@st.cache_data(ttl=60, show_spinner=False)
def _methods(_g: Graph, key: tuple[Any, ...]) -> dict[str, Any]:
    return analysis_store.measure_methods(analysis_store.latest_analysis(_g))


def by_brokerage(people: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Members (never victims), strongest brokers between cells first."""
    return sorted(people, key=lambda p: (-(p.get("cell_brokerage") or 0.0), -(p["pagerank"] or 0.0)))


def summary(c: dict[str, Any], level: str = "cell") -> dict[str, Any]:
    """One table row: size, cells, suspects, victims, nationalities, strongest brokers (never victims)."""
    people = by_brokerage(c["people"])
    nations = Counter(c["nationalities"]).most_common(3)
    row: dict[str, Any] = {level: c["community"]}
    if level == "cell":
        row["organisation"] = c.get("organisation")
    else:
        row["cells"] = c.get("cells")
    row.update(
        {
            "people": c["size"],
            "suspects": c["suspects"],
            "victims": c["victims"],
            "nationalities": ", ".join(f"{n} ({k})" for n, k in nations),
            "strongest brokers": ", ".join(p["name"] or p["person_id"] for p in people[:4]),
        }
    )
    return row


def body(g: Graph) -> None:
    key = stamp(g)
    if explore.last_analysis(g) is None:
        st.error("No communities yet: run `hilorojo analyze` to find them.")
        return
    methods = _methods(g, key)
    left, right = st.columns(2)
    level = left.radio(
        "Level", list(LEVEL_NAMES), format_func=LEVEL_NAMES.__getitem__, key="level", horizontal=True
    )
    organisation = None
    if level == "cell":
        orgs = [c["community"] for c in _communities(g, key, "organisation", None)]
        organisation = right.selectbox(
            "Within organisation",
            [None, *orgs],
            format_func=lambda v: "all" if v is None else str(v),
            key="org",
        )
    how = methods.get(analysis_store.LEVEL_PROPERTY[level], {}).get("how")
    st.caption(
        f"{LEVEL_NAMES[level]}: {how}." if how else "How these were found is not recorded: analyze again."
    )
    rows = _communities(g, key, level, organisation)
    if not rows:
        st.info("No community at this level.")
        return
    show([summary(c, level) for c in rows], key=f"{level}-table")
    ids = [c["community"] for c in rows]
    chosen = st.selectbox(
        f"Open {level}", ids, key=f"open-{level}", format_func=lambda c: f"{level.title()} {c}"
    )
    members = explore.community_node_ids(g, int(chosen), limit=150, level=level)
    sub = group_identifiers(
        explore.neighbourhood(
            g, members, hops=2, layers=("phones", "money", "arrests"), max_contacts=50, cap=400, owners=True
        )
    )
    st.caption(
        f"{level.title()} {chosen}: {len(members)} people (strongest brokers first) drawn with their calls, "
        f"money and arrests; {len(sub.nodes)} entities in all. Victims in red."
    )
    html = network_html(sub, "pagerank", 600)
    st.session_state["community_html"] = html
    st.iframe(html, height=612)
    st.markdown(f"**People in {level} {chosen}** (victims left out) · select a row to open the person")
    community = next(c for c in rows if c["community"] == chosen)
    show(
        by_brokerage(community["people"]),
        key=f"{level}-people",
        columns=["person_id", "name", "cell_bridging", "cell_brokerage", "pagerank"],
        entity=person(),
        notes=g,
    )
    selected_entity(g, "community-entity")
    export_panel(g, Selection(community=int(chosen), level=level), key="community-export")
    if st.button(f"Explore this {level}", icon=":material/hub:", key="explore-community"):
        open_in_explore(members)
        st.switch_page("views/explore.py")


def main() -> None:
    page(
        "Communities",
        body,
        caption="Cells (a few to a few dozen people in close contact) within organisations of cells.",
    )


main()
