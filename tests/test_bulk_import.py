"""Neo4j's offline importer run from the local server's Maven jars (graph/bulk_import.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from graph.bulk_import import import_full
from graph.connection import Graph
from graph.errors import InputError, LocalServerError
from graph.settings import Settings
from tests.conftest import free_port


def offline(settings: Settings, home: Path) -> Settings:
    """A local server's settings in ``home``, with nothing started there."""
    return replace(settings, home=home, uri=f"bolt://127.0.0.1:{free_port()}")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_refused_while_the_server_runs(graph: Graph, tmp_path: Path) -> None:
    phones = write(tmp_path / "phones.csv", "number:ID(Phone)\n+573001234567\n")
    with pytest.raises(LocalServerError) as err:
        import_full(graph.settings, [("Phone", phones)], [])
    assert "hilorojo db stop" in str(err.value)


def test_import_and_its_refusals(graph: Graph, tmp_path: Path) -> None:
    settings = offline(graph.settings, tmp_path / "home")
    phones = write(tmp_path / "phones.csv", "number:ID(Phone),country\n+573001234567,CO\n+573009876543,CO\n")
    calls = write(
        tmp_path / "calls.csv",
        ":START_ID(Phone),:END_ID(Phone),call_id,duration_s:int\n+573001234567,+573009876543,K-1,60\n",
    )
    with pytest.raises(InputError):
        import_full(settings, [("Suspect", phones)], [])  # not a label of graph/model.py
    report = import_full(settings, [("Phone", phones)], [("CALLED", calls)])
    # by hand: 2 phones, 1 call; properties: 2 numbers + 2 countries + call_id + duration_s
    assert (report.nodes, report.relationships, report.properties) == (2, 1, 6)
    assert (settings.home / "data" / "databases" / settings.database).is_dir()
    dangling = write(tmp_path / "bad.csv", ":START_ID(Phone),:END_ID(Phone)\n+573001234567,+999\n")
    with pytest.raises(LocalServerError) as err:
        import_full(settings, [("Phone", phones)], [("CALLED", dangling)])
    assert "\n" not in str(err.value) and "importer failed" in str(err.value)
