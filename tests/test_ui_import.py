"""The Import page's loading step: an uploaded file goes through the loaders' pipeline; rejects come back."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph.connection import Graph
from ui.web.importing import import_upload

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "loaders"
PEOPLE = "MATCH (p:Person) RETURN count(p) AS n"


def data_rows(data: bytes) -> int:
    """Rows under the header, counted by the csv module (independently of the loaders)."""
    return sum(1 for _ in csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_upload_loads_once_and_returns_rejects(empty_graph: Graph) -> None:
    data = (FIXTURES / "calls.csv").read_bytes()
    summary, rejects = import_upload(empty_graph, "calls.csv", data, "calls", region="CO")
    assert summary.rows_read == data_rows(data)
    assert summary.rows_loaded + summary.rows_rejected == summary.rows_read
    assert summary.rows_rejected > 0 and rejects is not None and len(rejects) == summary.rows_rejected
    calls = "MATCH ()-[c:CALLED]->() RETURN count(c) AS n"
    loaded = (empty_graph.read_one(calls) or {})["n"]
    assert loaded == summary.rows_loaded - summary.duplicates
    # the same upload again changes nothing
    again, _ = import_upload(empty_graph, "calls.csv", data, "calls", region="CO")
    assert (empty_graph.read_one(calls) or {})["n"] == loaded
    assert again.source_id == summary.source_id


def test_upload_of_arrests_creates_people(empty_graph: Graph) -> None:
    data = (FIXTURES / "arrests.csv").read_bytes()
    summary, _ = import_upload(empty_graph, "arrests.csv", data, "arrests")
    assert summary.rows_read == data_rows(data) == 6
    assert (empty_graph.read_one(PEOPLE) or {})["n"] > 0
    # the Source node records the upload under its own file name (not the temporary path)
    row = empty_graph.read_one("MATCH (s:Source) RETURN s.file_name AS f, s.rows_read AS r")
    assert row == {"f": "arrests.csv", "r": 6}
