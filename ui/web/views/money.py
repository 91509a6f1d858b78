"""Money page: trails, structuring below reporting thresholds, fan-in and fan-out hubs (analytics.money)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import streamlit as st

from analytics import money
from graph.connection import Graph
from ui.web.common import page, people, stamp
from ui.web.entity_panel import selected_entity
from ui.web.tables import by, show


@st.cache_data(ttl=120, show_spinner="Looking for amounts just below the threshold…")
def _structuring(
    _g: Graph, key: tuple[Any, ...], threshold: int, margin: float, count: int
) -> list[dict[str, Any]]:
    return [s.as_dict() for s in money.structuring(_g, Decimal(threshold), margin, count)]


@st.cache_data(ttl=120, show_spinner="Looking for accounts with many counterparties…")
def _fans(_g: Graph, key: tuple[Any, ...], hours: int, minimum: int) -> list[dict[str, Any]]:
    return [f.as_dict() for f in money.fans(_g, hours, minimum)]


def structuring_tab(g: Graph) -> None:
    c1, c2, c3 = st.columns(3)
    threshold = c1.number_input("Reporting threshold", 100, 1_000_000, 10_000, step=500, key="threshold")
    margin = c2.slider("Just below: within", 0.01, 0.5, 0.1, format="%.2f", key="margin")
    count = c3.number_input("At least this many transfers", 1, 100, 3, key="min_count")
    rows = _structuring(g, stamp(g), int(threshold), float(margin), int(count))
    if not rows:
        st.info("No account sends or receives repeatedly just below the threshold.")
        return
    table = [{**r, "holders": people(r["holders"])} for r in rows]
    show(
        table,
        key="structuring",
        columns=["account_id", "holders", "direction", "currency", "count", "total"],
        entity=by("account", "account_id"),
        notes=g,
    )


def fans_tab(g: Graph) -> None:
    c1, c2 = st.columns(2)
    hours = c1.number_input("Within hours", 1, 24 * 60, 72, key="fan_hours")
    minimum = c2.number_input("At least this many counterparties", 2, 500, 5, key="fan_min")
    rows = _fans(g, stamp(g), int(hours), int(minimum))
    if not rows:
        st.info("No account receives from (or sends to) that many counterparties in that time.")
        return
    table = [{**r, "holders": people(r["holders"]), "totals": r["totals"]} for r in rows]
    show(
        table,
        key="fans",
        columns=["account_id", "holders", "kind", "counterparties", "count", "start", "end", "totals"],
        entity=by("account", "account_id"),
        notes=g,
    )


def trail_tab(g: Graph) -> None:
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    start = c1.text_input("Account or person (person_id or full name)", key="trail_start")
    direction = c2.selectbox("Direction", ["forward", "backward"], key="trail_direction")
    hops = c3.number_input("Hops", 1, 10, 4, key="trail_hops")
    days = c4.number_input("Days between hops", 1, 365, 30, key="trail_days")
    if not start.strip():
        st.info("Name an account or a person to follow their money in time order.")
        return
    trail = money.trail(g, start.strip(), direction, int(hops), int(days)).as_dict()
    if not trail["steps"]:
        st.info(f"No transfers {direction} from {trail['start_label']}.")
        return
    st.caption(
        f"From {trail['start_label']} ({', '.join(trail['accounts'])}): {len(trail['steps'])} transfers, "
        f"{len(trail['accounts_reached'])} accounts reached" + (" (truncated)" if trail["truncated"] else "")
    )
    show([{"hop": h, **t} for h, t in trail["totals_per_hop"].items()], key="trail-totals")
    st.caption("Select a transfer to open the account that received it.")
    show(trail["steps"], key="trail-steps", entity=by("account", "target"), notes=g)


VIEWS = ("Trail", "Structuring", "Fan-in / fan-out")


def body(g: Graph) -> None:
    # one view at a time: tabs would run all three on every visit, the whole-database fan search
    # included, when the analyst only follows one trail (measured by `python -m bench.ui`)
    view = st.radio("View", VIEWS, horizontal=True, key="money_view", label_visibility="collapsed")
    if view == VIEWS[0]:
        trail_tab(g)
    elif view == VIEWS[1]:
        structuring_tab(g)
    else:
        fans_tab(g)
    selected_entity(g, "money-entity")


def main() -> None:
    page("Money", body, caption="Follow the money in time order; find structuring and collection hubs.")


main()
