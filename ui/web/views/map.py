"""Map & routes page: countries, arrest places and flows between countries, drawn without any tile server."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from graph import explore
from graph.connection import Graph
from ui.web.centroids import CENTROIDS
from ui.web.common import page, stamp


@st.cache_data(ttl=60, show_spinner=False)
def _data(_g: Graph, key: tuple[Any, ...]) -> dict[str, list[dict[str, Any]]]:
    return {
        "countries": explore.countries(_g),
        "places": explore.arrest_places(_g),
        "people": explore.nationality_flows(_g),
        "money": explore.money_flows(_g),
    }


def flows_frame(rows: list[dict[str, Any]], weight: str) -> tuple[pd.DataFrame, list[str]]:
    """Flows with both ends at country centroids; codes without a centroid are returned apart."""
    out: list[dict[str, Any]] = []
    missing: set[str] = set()
    for r in rows:
        a, b = CENTROIDS.get(r["origin"]), CENTROIDS.get(r["destination"])
        if a is None or b is None:
            missing.update(c for c, p in ((r["origin"], a), (r["destination"], b)) if p is None)
            continue
        out.append({**r, "lat": a[0], "lon": a[1], "lat2": b[0], "lon2": b[1], "weight": r[weight]})
    return pd.DataFrame(out), sorted(missing)


def chart(
    countries: pd.DataFrame, flows: pd.DataFrame, places: pd.DataFrame, tooltip: list[str]
) -> alt.LayerChart:
    """Longitude/latitude chart: flows as lines, countries as labelled circles, arrest places as crosses."""
    x = alt.X("lon:Q", title="longitude", scale=alt.Scale(zero=False))
    y = alt.Y("lat:Q", title="latitude", scale=alt.Scale(zero=False))
    layers: list[alt.Chart] = []
    if not flows.empty:
        layers.append(
            alt.Chart(flows)
            .mark_rule(color="#b91c1c", opacity=0.55)
            .encode(
                x=x,
                y=y,
                x2="lon2:Q",
                y2="lat2:Q",
                strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[1, 9])),
                tooltip=tooltip,
            )
        )
    if not countries.empty:
        base = alt.Chart(countries)
        layers.append(
            base.mark_circle(color="#4e79a7", opacity=0.75).encode(
                x=x,
                y=y,
                size=alt.Size("total:Q", title="people + arrests"),
                tooltip=["code", "name", "nationals", "arrests"],
            )
        )
        layers.append(base.mark_text(dy=-12, fontSize=11, color="#111827").encode(x=x, y=y, text="code"))
    if not places.empty:
        layers.append(
            alt.Chart(places)
            .mark_point(shape="cross", color="#111827", filled=True)
            .encode(
                x=alt.X("longitude:Q"),
                y=alt.Y("latitude:Q"),
                size=alt.Size("arrests:Q", legend=None),
                tooltip=["city", "country", "arrests"],
            )
        )
    return alt.LayerChart(layer=layers, height=560)


def body(g: Graph) -> None:
    d = _data(g, stamp(g))
    countries = pd.DataFrame(
        [
            {
                **c,
                "lat": CENTROIDS[c["code"]][0],
                "lon": CENTROIDS[c["code"]][1],
                "total": c["nationals"] + c["arrests"],
            }
            for c in d["countries"]
            if c["code"] in CENTROIDS
        ]
    )
    places = pd.DataFrame(d["places"])
    view = st.radio(
        "Flows", ["Nationality → country of arrest", "Money between countries"], horizontal=True, key="flows"
    )
    if view.startswith("Nationality"):
        flows, missing = flows_frame(d["people"], "people")
        tooltip = ["origin", "destination", "people", "victims"]
    else:
        money = [{**m, "amount": (m["amount_micro"] or 0) / 1_000_000} for m in d["money"]]
        flows, missing = flows_frame(money, "amount")
        tooltip = ["origin", "destination", "currency", "transfers", "amount"]
    if countries.empty and flows.empty and places.empty:
        st.info("No countries, arrest places or cross-border flows in the data yet.")
        return
    st.altair_chart(chart(countries, flows, places, tooltip), width="stretch")
    st.caption(
        "Countries at their approximate centre; crosses are arrest places. No map tiles: works offline."
    )
    if missing:
        st.caption("Not placed (no bundled centroid): " + ", ".join(missing))
    if not flows.empty:
        st.dataframe(flows[tooltip], hide_index=True, width="stretch")


def main() -> None:
    page("Map & routes", body, caption="Where people come from, where they were arrested, where money went.")


main()
