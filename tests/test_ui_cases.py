"""The Cases page (save, list, reopen), notes in the entity panel, the Import page's progress (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access.accounts import AccountStore
from graph import explore
from graph.connection import Graph
from loaders import pipeline
from tests.test_cases import ARRESTS
from tests.test_ui_login import PASSWORD, app, log_in, site  # noqa: F401  (the fixture the tests use)
from ui.web.importing import expected_rows


def analyst() -> AppTest:
    AccountStore().add("ana", "analyst", PASSWORD)
    return log_in(app(), "ana", PASSWORD)


def visit(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.usefixtures("site")
def test_a_case_is_saved_listed_and_reopened(empty_graph: Graph) -> None:
    at = analyst()
    seeds = explore.person_node_ids(empty_graph, ["P1", "P3"])
    at.session_state["seeds"] = seeds
    visit(at, "cases.py")
    assert "2 entities in the exploration" in " ".join(c.value for c in at.caption)
    at.text_input(key="case_name").input("Darién cell")
    at.text_area(key="case_notes").input("the two brokers")
    next(b for b in at.button if b.label == "Save case").click().run()
    assert [s.value for s in at.success] == ["Saved the case 'Darién cell' (2 entities)."]
    at.run()
    listed = next(d.value for d in at.dataframe if "Case" in d.value.columns)
    assert list(listed["Case"]) == ["Darién cell"] and list(listed["Created by"]) == ["ana"]
    # another exploration in between, then the case reopens the saved one on the Explore page
    at.session_state["seeds"] = []
    at.button(key="case_reopen").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert [t.value for t in at.title] == ["Explore"]
    assert at.session_state["seeds"] == seeds
    assert at.session_state["case"]["notes"] == "the two brokers"
    assert any("entities" in c.value and "links" in c.value for c in at.caption)
    assert "Case: **Darién cell** (save changes on the Cases page)" in [c.value for c in at.caption]


@pytest.mark.usefixtures("site")
def test_a_note_written_in_the_entity_panel_is_shown_with_its_grade(empty_graph: Graph) -> None:
    at = analyst()
    visit(at, "search.py")
    at.text_input(key="search_text").input("jose ramires").run()
    at.button(key="open-0").click().run()
    at.text_area(key="search-entity-note-text").input("pays the boatmen")
    at.selectbox(key="search-entity-note-grade").set_value("B2")
    next(b for b in at.button if b.label == "Add note").click().run()
    assert not at.exception, [e.message for e in at.exception]
    markdown = [m.value for m in at.markdown]
    assert "**B2** · pays the boatmen" in markdown
    row = empty_graph.read_one(
        "MATCH (n:Note) RETURN n.entity_label AS l, n.entity_key AS k, n.created_by AS by"
    )
    assert row == {"l": "Person", "k": "P1", "by": "ana"}


@pytest.mark.usefixtures("site")
def test_the_import_page_shows_progress_and_the_summary(empty_graph: Graph) -> None:
    at = analyst()
    visit(at, "import_data.py")
    at.selectbox(key="kind").set_value("arrests")
    at.selectbox(key="grade").set_value("B2")
    at.file_uploader(key="upload").upload("arrests.csv", ARRESTS.encode(), "text/csv")
    at.run()
    at.button(key="load").click().run()
    assert not at.exception, [e.message for e in at.exception]
    [bar] = at.progress
    assert bar.value == 100 and bar.text.startswith("Loaded arrests.csv: 3 rows in ")
    assert {m.label: m.value for m in at.metric} == {
        "Rows read": "3",
        "Loaded": "3",
        "Rejected": "0",
        "Duplicates": "0",
    }
    graded = "MATCH (s:Source {file_name: 'arrests.csv'}) RETURN s.grade AS grade"
    assert empty_graph.read_one(graded) == {"grade": "B2"}


def test_loads_report_progress_after_each_batch(
    empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "arrests.csv"
    path.write_text(ARRESTS + "A3,2025-05-01,,,,,suspect,,PA,\n", encoding="utf-8")  # no name: rejected
    assert expected_rows("arrests.csv", path.read_bytes()) == 4
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 2)
    told: list[tuple[int, int]] = []
    pipeline.load_file(
        empty_graph, "arrests", path, progress=False, on_progress=lambda r, x: told.append((r, x))
    )
    assert told == [(2, 0), (4, 1)]
