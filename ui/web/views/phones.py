"""Phones page: handset swaps, burners and replacements, one number's activity heat map (analytics.phones)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from analytics import phones
from graph.connection import Graph
from ui.web.common import page, people, stamp
from ui.web.entity_panel import selected_entity
from ui.web.tables import Ref, by, show


# keyed on the database's fingerprint (stamp), so the hour only bounds memory: new data is a new key
@st.cache_data(ttl=3600, show_spinner="Looking for handsets with several numbers…")
def _swaps(_g: Graph, key: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [s.as_dict() for s in phones.swaps(_g)]


@st.cache_data(ttl=3600, show_spinner="Looking for short-lived numbers and replacements…")
def _burners(_g: Graph, key: tuple[Any, ...]) -> dict[str, Any]:
    return phones.burners(_g).as_dict()


def heatmap(activity: list[list[int]]) -> alt.Chart:
    """Calls by day of week and hour of day."""
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    df = pd.DataFrame(
        [{"day": days[d], "hour": h, "calls": activity[d][h]} for d in range(7) for h in range(24)]
    )
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("hour:O", title="hour"),
            y=alt.Y("day:O", sort=days, title=None),
            color=alt.Color("calls:Q", scale=alt.Scale(scheme="reds")),
            tooltip=["day", "hour", "calls"],
        )
        .properties(height=220)
    )


def swap_ref(row: Any) -> Ref | None:
    """A swap row names a handset (``device``) or a number (``number``)."""
    return (
        Ref("device" if row.get("kind") == "device" else "phone", str(row["key"])) if row.get("key") else None
    )


VIEWS = ("Activity profile", "Handset swaps", "Burners & replacements")


def body(g: Graph) -> None:
    # one view at a time: tabs would run the two whole-database analyses on every visit even when the
    # analyst only wants one number's profile (measured by `python -m bench.ui`)
    view = st.radio("View", VIEWS, horizontal=True, key="phones_view", label_visibility="collapsed")
    if view == VIEWS[0]:
        ref = st.text_input("Number or person (person_id or full name)", key="profile_ref")
        if ref.strip():
            prof = phones.profile(g, ref.strip()).as_dict()
            st.caption(
                f"{ref.strip()} ({prof['label'].lower()}): {prof['calls']} calls "
                f"from {prof['first']} to {prof['last']} on {', '.join(prof['numbers'])}"
            )
            st.altair_chart(heatmap(prof["activity"]["counts"]), width="stretch")
            show(prof["contacts"], key="contacts", entity=by("phone", "number"), notes=g)
        else:
            st.info("Name a number or a person to see whom they call and when.")
    elif view == VIEWS[1]:
        swaps = _swaps(g, stamp(g))
        if swaps:
            rows = [
                {
                    "kind": s["kind"],
                    "key": s["key"],
                    "pairings": len(s["usages"]),
                    "users": people(s["users"]),
                }
                for s in swaps
            ]
            show(rows, key="swaps", entity=swap_ref, notes=g)
        else:
            st.info("No handset held several numbers, and no number moved between handsets.")
    else:
        report = _burners(g, stamp(g))
        st.markdown("**Short-lived numbers with few contacts**")
        short = [
            {**{k: v for k, v in r.items() if k != "users"}, "users": people(r["users"])}
            for r in report["short_lived"]
        ]
        if short:
            show(short, key="short-lived", entity=by("phone", "number"), notes=g)
        else:
            st.info("None found.")
        st.markdown("**Numbers that went silent and the new number that took over their contacts**")
        repl = [
            {
                "old": r["old"]["number"],
                "new": r["new"]["number"],
                "shared contacts": len(r["shared_contacts"]),
                "jaccard": r["jaccard"],
                "gap (days)": r["gap_days"],
                "users": people(r["users"]),
            }
            for r in report["replacements"]
        ]
        if repl:
            show(repl, key="replacements", entity=by("phone", "new"), notes=g)
        else:
            st.info("None found.")
    selected_entity(g, "phones-entity")


def main() -> None:
    page(
        "Phones",
        body,
        caption="Who calls whom and when; handsets that change SIMs; numbers that replace others.",
    )


main()
