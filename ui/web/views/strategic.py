"""Strategic page: people by sex and age group, crimes, corridors, the trend and the justice chain."""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from access.roles import Permission
from analytics.strategic import BY, GROUPS, OTHER_CORRIDORS, TOTAL, StrategicReport, Table
from graph.connection import Graph
from ui.strategic import report_of
from ui.web.centroids import CENTROIDS
from ui.web.common import page, stamp

GROUP_COLOURS = alt.Scale(domain=list(GROUPS), range=["#b91c1c", "#1d4ed8", "#f87171", "#60a5fa", "#9ca3af"])


@st.cache_data(ttl=60, show_spinner=False)
def _report(
    _g: Graph, key: tuple[Any, ...], by: str, since: date | None, until: date | None
) -> StrategicReport:
    return report_of(_g, by, since, until)


def _charted(value: Any) -> bool:
    """Whether a cell is drawn: a shown count above zero (hidden counts are never drawn)."""
    return isinstance(value, int) and value > 0


def shown_frame(table: Table) -> pd.DataFrame:
    """A table as text cells (counts and "<5" side by side), blanks for what is not shown."""
    return pd.DataFrame(
        [["" if v is None else str(v) for v in row] for row in table.rows], columns=table.columns
    )


def groups_frame(report: StrategicReport) -> pd.DataFrame:
    """Each role's people over all rows by sex and age group; hidden counts and zeros are left out."""
    out = []
    for row in report.people.records():
        if row[report.by] != TOTAL:
            continue
        out += [{"role": row["role"], "group": g, "people": row[g]} for g in GROUPS if _charted(row[g])]
    return pd.DataFrame(out, columns=["role", "group", "people"])


def trend_frame(report: StrategicReport) -> pd.DataFrame:
    """Victims and suspects per month (not the window's total); hidden counts and zeros are left out."""
    out = [
        {"month": row["month"], "role": role, "people": row[role]}
        for row in report.trend.records()
        for role in ("victims", "suspects")
        if row["month"] != TOTAL and _charted(row[role])
    ]
    return pd.DataFrame(out, columns=["month", "role", "people"])


def _stops(row: dict[str, Any]) -> list[str]:
    return [row["origin"], *[c for c in row["transit"].split(" → ") if c], row["destination"]]


def corridor_rows(report: StrategicReport) -> list[dict[str, Any]]:
    """The corridors themselves: not the row of the other corridors, nor the total."""
    return [r for r in report.corridors.records() if r["origin"] not in (TOTAL, OTHER_CORRIDORS)]


def legs_frame(report: StrategicReport) -> pd.DataFrame:
    """Each corridor's legs between country centres (origin → transit … → destination)."""
    out = []
    for row in corridor_rows(report):
        stops = _stops(row)
        name = " → ".join(stops)
        for a, b in zip(stops, stops[1:], strict=False):
            if a in CENTROIDS and b in CENTROIDS:
                (lat, lon), (lat2, lon2) = CENTROIDS[a], CENTROIDS[b]
                people = row["people"]
                out.append(
                    {
                        "corridor": name,
                        "evidence": row["evidence"],
                        "people": str(people),
                        "weight": people if isinstance(people, int) else 1,
                        "lat": lat,
                        "lon": lon,
                        "lat2": lat2,
                        "lon2": lon2,
                    }
                )
    return pd.DataFrame(out)


def charts(report: StrategicReport) -> None:
    left, right = st.columns(2)
    groups = groups_frame(report)
    if not groups.empty:
        left.altair_chart(
            alt.Chart(groups, title="Sex and age group")
            .mark_bar()
            .encode(
                x=alt.X("people:Q"),
                y=alt.Y("role:N", title=None),
                color=alt.Color("group:N", scale=GROUP_COLOURS, title=None),
                tooltip=["role", "group", "people"],
            )
            .properties(height=160),
            width="stretch",
        )
    trend = trend_frame(report)
    if not trend.empty:
        right.altair_chart(
            alt.Chart(trend, title="Month by month")
            .mark_line(point=True)
            .encode(
                x=alt.X("month:O", title=None),
                y=alt.Y("people:Q"),
                color=alt.Color("role:N", title=None),
                tooltip=["month", "role", "people"],
            )
            .properties(height=160),
            width="stretch",
        )
    if groups.empty or trend.empty:
        st.caption(f"Counts under {report.threshold} are not charted.")
    legs = legs_frame(report)
    if not legs.empty:
        x = alt.X("lon:Q", title="longitude", scale=alt.Scale(zero=False))
        y = alt.Y("lat:Q", title="latitude", scale=alt.Scale(zero=False))
        width = alt.StrokeWidth("weight:Q", scale=alt.Scale(range=[1, 8]), legend=None)
        legs_at = {"x": x, "y": y, "x2": "lon2:Q", "y2": "lat2:Q"}
        lines = (
            alt.Chart(legs)
            .mark_rule(color="#b91c1c", opacity=0.6)
            .encode(**legs_at, strokeWidth=width, tooltip=["corridor", "evidence", "people"])
        )
        codes = sorted({c for row in corridor_rows(report) for c in _stops(row)})
        places = pd.DataFrame(
            [{"code": c, "lat": CENTROIDS[c][0], "lon": CENTROIDS[c][1]} for c in codes if c in CENTROIDS]
        )
        dots = alt.Chart(places).mark_circle(color="#4e79a7", size=60).encode(x=x, y=y, tooltip=["code"])
        labels = alt.Chart(places).mark_text(dy=-10, fontSize=11).encode(x=x, y=y, text="code")
        st.altair_chart(
            alt.layer(lines, dots, labels).properties(height=380, title="Corridors"), width="stretch"
        )
        st.caption("Countries at their approximate centre; no map tiles: works offline.")


def body(g: Graph) -> None:
    c1, c2, c3 = st.columns([2, 1, 1])
    by = c1.radio("People by", list(BY), horizontal=True, key="strategic_by")
    since = c2.date_input("From", value=None, key="strategic_since")
    until = c3.date_input("To", value=None, key="strategic_until")
    report = _report(
        g,
        stamp(g),
        by,
        since if isinstance(since, date) else None,
        until if isinstance(until, date) else None,
    )
    if not report.people.rows:
        st.info("No arrests in this window: the report counts the people of arrest records.")
        return
    for note in report.notes:
        st.caption(note)
    charts(report)
    for table in report.tables():
        st.subheader(table.title)
        if table.note:
            st.caption(table.note)
        if table.rows:
            st.dataframe(shown_frame(table), hide_index=True, width="stretch")
        else:
            st.caption("None.")


def main() -> None:
    page(
        "Strategic",
        body,
        caption="Victims and suspects by sex and age, routes, trends and the justice chain; no one named.",
        needs=Permission.ANALYSES,
    )


main()
