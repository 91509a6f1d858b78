"""The Strategic page in Streamlit's AppTest on the hand-made arrests and outcomes of test_strategic."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from access.roles import Role
from access.session import Principal
from graph.connection import Graph
from tests.test_strategic import files, loaded  # noqa: F401  (fixtures)
from tests.test_ui_pages import run


def open_page(principal: Principal, **state: object) -> AppTest:
    st.cache_data.clear()
    return run("strategic.py", principal=principal, **state)


def test_strategic_page_counts_without_names_for_a_viewer(loaded: Graph) -> None:  # noqa: F811
    at = open_page(Principal("vera", Role.VIEWER))
    assert at.title[0].value == "Strategic"
    tables = {s.value: i for i, s in enumerate(at.subheader)}
    assert list(tables) == [
        "People by operation, sex and age group",
        "People by crime, sex and age group",
        "Victims by form of exploitation, sex and age group",
        "Month by month",
        "Corridors",
        "Justice chain",
    ]
    people = at.dataframe[0].value
    # the viewer sees victims counted by sex and age (never their names): all under 5 but the total 7
    assert people.iloc[2].tolist() == ["Total", "victim", "<5", "<5", "<5", "<5", "<5", "7"]
    funnel = at.dataframe[5].value
    assert funnel.iloc[-1].tolist() == ["Total", "<5", "<5", "<5", "<5", "<5", "<5"]
    shown = " ".join(str(df.value.to_csv()) for df in at.dataframe)
    assert "Ana" not in shown and "V1" not in shown and "P1" not in shown

    at = open_page(Principal("vera", Role.VIEWER), strategic_by="month")
    assert at.dataframe[0].value.iloc[0].tolist()[:2] == ["2024-01", "victim"]


def test_strategic_page_on_an_empty_window(loaded: Graph) -> None:  # noqa: F811
    from datetime import date

    at = open_page(Principal("ana", Role.ANALYST), strategic_since=date(2030, 1, 1))
    assert "No arrests in this window" in at.info[0].value
