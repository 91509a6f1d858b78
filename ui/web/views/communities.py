"""Communities page: every community with a summary; open one to see its people and how they link."""

from __future__ import annotations

from collections import Counter
from typing import Any

import streamlit as st

from graph import explore
from graph.connection import Graph
from ui.web.common import frame, open_in_explore, page, stamp
from ui.web.grouping import group_identifiers
from ui.web.network import network_html


@st.cache_data(ttl=60, show_spinner=False)
def _communities(_g: Graph, key: tuple[Any, ...]) -> list[dict[str, Any]]:
    return explore.communities(_g)


def summary(c: dict[str, Any]) -> dict[str, Any]:
    """One table row: size, suspects, victims, main nationalities, most central people (never victims)."""
    people = sorted(c["people"], key=lambda p: -(p["pagerank"] or 0.0))
    nations = Counter(c["nationalities"]).most_common(3)
    return {
        "community": c["community"],
        "people": c["size"],
        "suspects": c["suspects"],
        "victims": c["victims"],
        "nationalities": ", ".join(f"{n} ({k})" for n, k in nations),
        "most central": ", ".join(p["name"] or p["person_id"] for p in people[:4]),
    }


def body(g: Graph) -> None:
    rows = _communities(g, stamp(g))
    if not rows:
        st.error("No communities yet: run `hilorojo analyze` to find them.")
        return
    st.dataframe(frame([summary(c) for c in rows]), hide_index=True, width="stretch")
    ids = [c["community"] for c in rows]
    chosen = st.selectbox("Open community", ids, key="community", format_func=lambda c: f"Community {c}")
    members = explore.community_node_ids(g, int(chosen), limit=150)
    sub = group_identifiers(
        explore.neighbourhood(
            g, members, hops=2, layers=("phones", "money", "arrests"), max_contacts=50, cap=400, owners=True
        )
    )
    # keep the community's people and whatever still links them after grouping
    st.caption(
        f"Community {chosen}: {len(members)} people drawn with their calls, money and arrests; "
        f"{len(sub.nodes)} entities in all. Victims in red."
    )
    html = network_html(sub, "pagerank", 600)
    st.session_state["community_html"] = html
    st.iframe(html, height=612)
    if st.button("Explore this community", icon=":material/hub:", key="explore-community"):
        open_in_explore(members)
        st.switch_page("views/explore.py")


def main() -> None:
    page("Communities", body, caption="Groups of people more linked to each other than to the rest (Leiden).")


main()
