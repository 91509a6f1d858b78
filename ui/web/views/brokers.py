"""Brokers & key players page: rankings by the measures the analysis wrote, brokerage roles, disruption."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from analytics.pipeline import latest_disruption
from analytics.ranking import betweenness_estimated, betweenness_rank_bands
from graph import analysis_store, explore
from graph.connection import Graph
from ui.columns import cell, describe
from ui.web.analysis_run import analysis_action
from ui.web.common import page, stamp
from ui.web.entity_panel import selected_entity
from ui.web.tables import person, readable, show

COLUMNS = [
    "rank",
    "person_id",
    "name",
    "nationality",
    "organisation",
    "community",
    "score",
    "cell_bridging",
    "cell_brokerage",
    "k_betweenness",
    "betweenness",
    "pagerank",
    "degree",
    "constraint",
    "effective_size",
    "key_player",
    "kpp_rank",
]
# What each measure is called on the page: the shared column vocabulary (docs/analytics.md says more).
MEASURE_LABELS = {m: describe(m).label for m in explore.MEASURES}
ROLES = ["coordinator", "itinerant", "gatekeeper", "representative", "liaison"]


@st.cache_data(ttl=60, show_spinner=False)
def _filters(_g: Graph, key: tuple[Any, ...]) -> dict[str, list[Any]]:
    return explore.ranking_filters(_g)


@st.cache_data(ttl=60, show_spinner=False)
def _methods(_g: Graph, key: tuple[Any, ...]) -> dict[str, Any]:
    analysis = analysis_store.latest_analysis(_g)
    estimated = betweenness_estimated(analysis)
    return {
        "methods": analysis_store.measure_methods(analysis),
        "estimated": estimated,
        "bands": betweenness_rank_bands(_g, analysis) if estimated else {},
    }


def ranking_table(
    rows: list[dict[str, Any]], measure: str, estimated: bool, bands: dict[str, tuple[int, int]]
) -> list[dict[str, Any]]:
    """Rows for the ranking table: values to 3 significant digits; where betweenness was estimated,
    its value as the band estimate ± 2 standard errors and, when ranking by it, the ranks it allows."""
    out = []
    for r, row in enumerate(rows, start=1):
        item = {k: cell(k, v) for k, v in row.items()}
        item["rank"] = r
        if estimated:
            se = float(row.get("betweenness_se") or 0.0)
            value = float(row.get("betweenness") or 0.0)
            item["betweenness"] = f"{max(0.0, value - 2 * se):.2g} – {value + 2 * se:.2g}"
            if measure == "betweenness":
                best, worst = bands.get(row["person_id"], (r, r))
                item["rank"] = f"{best}–{worst}" if best != worst else str(best)
                item["score"] = item["betweenness"]
        out.append(item)
    return out


def method_caption(methods: dict[str, Any], measure: str) -> str:
    """One line saying how the ranked measure was computed (exact, or estimated and shown as bands)."""
    method = methods.get(measure, {})
    if not method:
        return "How this measure was computed is not recorded: run `hilorojo analyze` again."
    name = MEASURE_LABELS.get(measure, measure)
    if method.get("exact", True):
        return f"Ranked by {name}: exact; {method.get('how', '')}."
    return (
        f"Ranked by {name}: estimated, {method.get('how', '')}; each value is shown as a band of ± 2 "
        "standard errors and each rank as the range of ranks that band allows."
    )


@st.cache_data(ttl=60, show_spinner=False)
def _ranking(
    _g: Graph, key: tuple[Any, ...], measure: str, organisation: Any, country: Any, operation: Any, limit: int
) -> list[dict[str, Any]]:
    return explore.ranking(_g, measure, None, country, operation, limit, organisation=organisation)


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
    if explore.last_analysis(g) is None:
        st.error("No analysis yet: run it here, or with `hilorojo analyze`, to compute rankings and roles.")
        if analysis_action(g, "brokers-analyze") is None:
            return
    key = stamp(g)
    f = _filters(g, key)
    c1, c2, c3, c4 = st.columns(4)
    measure = c1.selectbox(
        "Rank by", explore.MEASURES, key="measure", format_func=lambda m: MEASURE_LABELS.get(m, m)
    )
    organisation = c2.selectbox(
        "Organisation", [None, *f["organisations"]], format_func=lambda v: "all" if v is None else str(v)
    )
    country = c3.selectbox(
        "Nationality", [None, *f["countries"]], format_func=lambda v: "all" if v is None else str(v)
    )
    operation = c4.selectbox(
        "Operation", [None, *f["operations"]], format_func=lambda v: "all" if v is None else str(v)
    )
    rows = _ranking(g, key, measure, organisation, country, operation, 50)
    info = _methods(g, key)
    st.caption(method_caption(info["methods"], measure))
    st.caption(
        "Victims are never ranked. Measures come from the latest analysis (`hilorojo analyze`); "
        "`community` is the person's cell, `organisation` the group of cells it belongs to."
    )
    if not rows:
        st.info("Nobody matches these filters.")
        return
    st.subheader("Ranking")
    st.caption("Select a row to open the person.")
    columns = [c for c in COLUMNS if c != measure]
    table = ranking_table(rows, measure, info["estimated"], info["bands"])
    show(
        readable(table, columns),
        key="ranking",
        entity=person(),
        labels={"score": MEASURE_LABELS.get(measure, measure)},
        notes=g,
    )
    selected_entity(g, "broker-entity")
    st.subheader("Brokerage roles (Gould & Fernandez)")
    show(rows, key="roles", columns=["person_id", "name", "community", *ROLES])
    st.subheader("Key players and disruption")
    k = st.slider("People to remove", 1, 15, 5, key="k")
    if st.button("Compute the disruption curves", key="disrupt") or st.session_state.get("disrupted") == (
        key,
        k,
    ):
        st.session_state["disrupted"] = (key, k)
        result = disruption_curves(g, key, k)
        before, after = result["fragmentation"]
        show(result["players"], key="players")
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
