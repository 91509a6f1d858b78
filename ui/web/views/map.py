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
from ui.web.tables import show
from ui.web.world import outlines

OUTLINE_COLOUR = "#8c8c8c"  # borders and coastlines (the browser test looks for this colour)
SEA_COLOUR = "#eef3f7"


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


def view_box(points: pd.DataFrame) -> tuple[list[float], list[float]]:
    """Longitude and latitude ranges around the data, widened to a map's proportions (about 2:1)."""
    if points.empty:
        lon, lat = [-120.0, -30.0], [-40.0, 40.0]  # the Americas
    else:
        lon = [float(points["lon"].min()) - 8, float(points["lon"].max()) + 8]
        lat = [float(points["lat"].min()) - 6, float(points["lat"].max()) + 6]
    wide, tall = lon[1] - lon[0], lat[1] - lat[0]
    if wide < 2 * tall:
        grow = (2 * tall - wide) / 2
        lon = [lon[0] - grow, lon[1] + grow]
    else:
        grow = (wide / 2 - tall) / 2
        lat = [lat[0] - grow, lat[1] + grow]
    return [max(lon[0], -180.0), min(lon[1], 180.0)], [max(lat[0], -90.0), min(lat[1], 90.0)]


def chart(
    countries: pd.DataFrame, flows: pd.DataFrame, places: pd.DataFrame, tooltip: list[str]
) -> alt.LayerChart:
    """A plate carrée map: country borders and coastlines (Natural Earth 1:110m, bundled), flows as lines,
    countries in the data as circles, arrest places as crosses; the wheel zooms and dragging pans."""
    points = pd.concat([f[["lon", "lat"]] for f in (countries, places) if not f.empty] or [pd.DataFrame()])
    if not flows.empty:
        ends = flows[["lon2", "lat2"]].rename(columns={"lon2": "lon", "lat2": "lat"})
        points = pd.concat([points, flows[["lon", "lat"]], ends])
    lon, lat = view_box(points)
    x = alt.X("lon:Q", title=None, scale=alt.Scale(domain=lon, zero=False, nice=False), axis=None)
    y = alt.Y("lat:Q", title=None, scale=alt.Scale(domain=lat, zero=False, nice=False), axis=None)
    layers: list[alt.Chart] = [
        alt.Chart(outlines())
        .mark_line(color=OUTLINE_COLOUR, strokeWidth=0.8, clip=True)
        .encode(
            x=x, y=y, detail="ring:N", order="order:Q", tooltip=[alt.Tooltip("country:N", title="Country")]
        )
    ]
    if not flows.empty:
        layers.append(
            alt.Chart(flows)
            .mark_rule(color="#b91c1c", opacity=0.55, clip=True)
            .encode(
                x=x,
                y=y,
                x2="lon2:Q",
                y2="lat2:Q",
                strokeWidth=alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[1, 9]), legend=None),
                tooltip=tooltip,
            )
        )
    if not countries.empty:
        base = alt.Chart(countries)
        layers.append(
            base.mark_circle(color="#4e79a7", opacity=0.75, clip=True).encode(
                x=x,
                y=y,
                size=alt.Size("total:Q", title="people + arrests"),
                tooltip=["code", "name", "nationals", "arrests"],
            )
        )
        layers.append(
            base.mark_text(dy=-12, fontSize=11, color="#111827", clip=True).encode(x=x, y=y, text="code")
        )
    if not places.empty:
        layers.append(
            alt.Chart(places)
            .mark_point(shape="cross", color="#111827", filled=True, clip=True)
            .encode(x=x, y=y, size=alt.Size("arrests:Q", legend=None), tooltip=["city", "country", "arrests"])
        )
    return alt.LayerChart(layer=layers, height=560).configure_view(fill=SEA_COLOUR, stroke=None).interactive()


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
    places = pd.DataFrame(d["places"]).rename(columns={"longitude": "lon", "latitude": "lat"})
    if not places.empty:
        places = places.dropna(subset=["lon", "lat"])
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
        "Scroll to zoom, drag to pan, double-click to reset. Countries in the data at their approximate "
        "centre; crosses are arrest places. Borders: Natural Earth 1:110m, bundled: works offline."
    )
    if missing:
        st.caption("Not placed (no bundled centroid): " + ", ".join(missing))
    if not flows.empty:
        show(flows, key="flows-table", columns=tooltip)


def main() -> None:
    page("Map & routes", body, caption="Where people come from, where they were arrested, where money went.")


main()
