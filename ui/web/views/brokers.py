"""Brokers & key players page: rankings by the measures the analysis wrote, brokerage roles, disruption."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analytics.pipeline import latest_disruption
from graph import explore
from graph.connection import Graph
from ui.web.common import frame, open_in_explore, page, stamp

COLUMNS = [
    "person_id",
    "name",
    "nationality",
    "community",
    "score",
    "degree",
    "betweenness",
    "pagerank",
    "constraint",
    "effective_size",
    "key_player",
    "kpp_rank",
]
ROLES = ["coordinator", "itinerant", "gatekeeper", "representative", "liaison"]


@st.cache_data(ttl=60, show_spinner=False)
def _filters(_g: Graph, key: tuple[Any, ...]) -> dict[str, list[Any]]:
    return explore.ranking_filters(_g)


@st.cache_data(ttl=60, show_spinner=False)
def _ranking(
    _g: Graph, key: tuple[Any, ...], measure: str, community: Any, country: Any, operation: Any, limit: int
) -> list[dict[str, Any]]:
    return explore.ranking(_g, measure, community, country, operation, limit)


@st.cache_data(ttl=600, show_spinner="Removing people one by one…")
def disruption_curves(_g: Graph, key: tuple[Any, ...], k: int) -> dict[str, Any]:
    """KPP-Neg key players (Borgatti 2006) and disruption curves (Duijn et al. 2014) of the latest network."""
    latest = latest_disruption(_g, k)
    net, kpp, sim = latest.network, latest.key_players, latest.simulation
    ids = net.ids()
    players = [
        {"rank": r, "person_id": ids[v], "name": net.g.vs[v]["name"]} for r, v in enumerate(kpp.members, 1)
    ]
    return {"players": players, "sim": sim, "fragmentation": (kpp.initial_fragmentation, kpp.fragmentation)}


def curves_frame(sim: dict[str, Any], measure: str) -> pd.DataFrame:
    """People removed (0 = intact network) against the measure, one column per strategy."""
    data = {
        name: [sim["initial"][measure], *s[measure]] for name, s in sim["strategies"].items() if s[measure]
    }
    steps = max((len(v) for v in data.values()), default=1)
    df = pd.DataFrame({k: v + [None] * (steps - len(v)) for k, v in data.items()})
    df.index.name = "people removed"
    return df


def body(g: Graph) -> None:
    key = stamp(g)
    if explore.last_analysis(g) is None:
        st.error("No analysis yet: run `hilorojo analyze` to compute rankings, roles and key players.")
        return
    f = _filters(g, key)
    c1, c2, c3, c4 = st.columns(4)
    measure = c1.selectbox("Rank by", explore.MEASURES, key="measure")
    community = c2.selectbox(
        "Community", [None, *f["communities"]], format_func=lambda v: "all" if v is None else str(v)
    )
    country = c3.selectbox(
        "Nationality", [None, *f["countries"]], format_func=lambda v: "all" if v is None else str(v)
    )
    operation = c4.selectbox(
        "Operation", [None, *f["operations"]], format_func=lambda v: "all" if v is None else str(v)
    )
    rows = _ranking(g, key, measure, community, country, operation, 50)
    st.caption("Victims are never ranked. Measures come from the latest analysis (`hilorojo analyze`).")
    if not rows:
        st.info("Nobody matches these filters.")
        return
    st.subheader("Ranking")
    columns = [c for c in COLUMNS if c != measure]
    st.dataframe(frame(rows, columns).rename(columns={"score": measure}), hide_index=True, width="stretch")
    st.subheader("Brokerage roles (Gould & Fernandez)")
    st.dataframe(frame(rows, ["person_id", "name", "community", *ROLES]), hide_index=True, width="stretch")
    names = {r["person_id"]: f"{r['name']} ({r['person_id']})" for r in rows}
    a, b = st.columns([3, 1])
    chosen = a.selectbox("Person", list(names), format_func=names.__getitem__, key="broker")
    if b.button("Explore network", icon=":material/hub:", key="explore-broker"):
        open_in_explore(explore.person_node_ids(g, [chosen]))
        st.switch_page("views/explore.py")
    st.subheader("Key players and disruption")
    k = st.slider("People to remove", 1, 15, 5, key="k")
    if st.button("Compute the disruption curves", key="disrupt") or st.session_state.get("disrupted") == (
        key,
        k,
    ):
        st.session_state["disrupted"] = (key, k)
        result = disruption_curves(g, key, k)
        before, after = result["fragmentation"]
        st.dataframe(frame(result["players"]), hide_index=True)
        st.caption(f"KPP-Neg key players: fragmentation {before:.3f} → {after:.3f} after removing them.")
        left, right = st.columns(2)
        left.markdown("**Largest connected component**")
        left.line_chart(curves_frame(result["sim"], "lcc"))
        right.markdown("**Global efficiency**")
        right.line_chart(curves_frame(result["sim"], "efficiency"))


def main() -> None:
    page(
        "Brokers & key players", body, caption="Who holds the network together, and what removing them does."
    )


main()
