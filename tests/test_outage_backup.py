"""The real local server stopped and started under the app: backups round-trip, a damaged backup is
refused, and an outage is one line on a page and in a load, after which everything recovers."""

from __future__ import annotations

import dataclasses
import io
import stat
import subprocess
import sys
import tarfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, LiteralString

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.pipeline import analyze
from graph import analysis_store, backup, local_server
from graph.connection import Graph
from graph.errors import DatabaseUnavailable, InputError
from graph.status import half_loaded
from loaders.pipeline import load_file
from tests.conftest import ROOT, SpareServer, run_cli
from tests.test_concurrency import NUMBERS, state, subscribers_file
from tests.test_load_arrests import snapshot
from tests.test_reliability import COUNT_CALLS, calls_file, graph_state

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
OVERVIEW = ROOT / "ui" / "web" / "views" / "overview.py"
# The commands' retry time while the server is down (HILOROJO_RETRY_S): seconds, not the default 30.
RETRY_S = 3.0


def spoiled_copy(archive: Path, out: Path) -> Path:
    """The archive with the first byte of its first stored file inverted."""
    spoiled = False
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for info in src.getmembers():
            handle = src.extractfile(info) if info.isfile() else None
            content = handle.read() if handle else b""
            if not spoiled and info.name != backup.MANIFEST and content:
                content = bytes([content[0] ^ 0xFF]) + content[1:]
                spoiled = True
            dst.addfile(info, io.BytesIO(content) if info.isfile() else None)
    return out


def test_backup_round_trip_and_a_damaged_backup(
    spare_graph: Graph, spare_server: SpareServer, tmp_path: Path
) -> None:
    db, env = spare_graph, spare_server.env
    load_file(db, "arrests", FIXTURES / "arrests.csv", region="CO", progress=False)
    before = snapshot(db)
    archive = tmp_path / "backup.tar.gz"
    out = run_cli(["db", "backup", str(archive)], env)
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    # the server runs again after the copy, and the data is what it was
    assert snapshot(db) == before
    db.write("MATCH (p:Person) DETACH DELETE p")
    assert snapshot(db) != before
    out = run_cli(["db", "restore", str(archive), "--yes"], env)
    assert out.returncode == 0, out.stderr
    assert snapshot(db) == before
    # one byte changed in one stored file: refused before anything is touched, in one line
    damaged = spoiled_copy(archive, tmp_path / "damaged.tar.gz")
    with pytest.raises(InputError, match="does not match its checksum"):
        backup.verify(damaged)
    out = run_cli(["db", "restore", str(damaged), "--yes"], env)
    assert out.returncode == 6 and "does not match its checksum" in out.stderr
    assert "Traceback" not in out.stderr
    assert snapshot(db) == before
    # a second backup to the same path is refused rather than overwriting
    out = run_cli(["db", "backup", str(archive)], env)
    assert out.returncode == 6 and "already exists" in out.stderr


def test_an_outage_is_one_line_and_everything_recovers(
    spare_graph: Graph, spare_server: SpareServer, tmp_path: Path
) -> None:
    db, settings = spare_graph, spare_server.settings
    path = calls_file(tmp_path / "calls.csv")
    env = {**spare_server.env, "HILOROJO_RETRY_S": str(RETRY_S)}
    load_file(db, "calls", path, progress=False)
    clean = graph_state(db)
    db.run_in_batches("MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS")
    # the server stops in the middle of a load: the load ends with one line and exit code 3
    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli.main", "load", "calls", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and int((db.read_one(COUNT_CALLS) or {"n": 0})["n"]) < 10_000:
        time.sleep(0.02)
    local_server.stop(settings)
    _, err = proc.communicate(timeout=180)
    try:
        assert proc.returncode == 3, err
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines[-1].startswith("hilorojo: cannot reach Neo4j at") and "Traceback" not in err
        # a page open meanwhile says so in one line, and the same process recovers once it is back
        st.cache_data.clear()
        at = AppTest.from_file(str(OVERVIEW), default_timeout=60).run()
        assert not at.exception and [e.value for e in at.error][0].startswith("cannot reach Neo4j at")
    finally:
        local_server.start(settings)
    st.cache_data.clear()
    at = AppTest.from_file(str(OVERVIEW), default_timeout=60).run()
    assert not at.exception and not at.error and at.metric
    # committed batches were kept, the file is marked half-loaded, and the rerun completes it
    out = run_cli(["db", "status"], env)
    assert "calls.csv (calls) is half-loaded" in out.stdout
    load_file(db, "calls", path, progress=False)
    assert graph_state(db) == clean


class OutageAfterPeopleWritten(Graph):
    """The real graph, whose server is stopped right after an analysis has written its people's
    measures (the moment an outage does the most harm: its Analysis node is not complete yet)."""

    def write(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        rows = super().write(query, params)
        if query == analysis_store.SET_PERSON_RESULTS:
            local_server.stop(self.settings)
        return rows


def test_an_outage_while_analyze_writes_is_one_line_and_the_rerun_repairs_it(
    spare_graph: Graph, spare_server: SpareServer, tmp_path: Path
) -> None:
    db, settings = spare_graph, spare_server.settings
    load_file(db, "identifiers", subscribers_file(tmp_path / "subscribers.csv"), progress=False)
    load_file(db, "calls", calls_file(tmp_path / "calls.csv"), progress=False)
    first = analyze(db, layers="calls")
    analysed = state(db)
    people = len(analysis_store.ranking(db, first.analysis_id, "degree", 10_000))
    assert people == NUMBERS

    cut = OutageAfterPeopleWritten(dataclasses.replace(settings, retry_s=RETRY_S))
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            analyze(cut, layers="calls")
        assert str(info.value).startswith("cannot reach Neo4j at") and "\n" not in str(info.value)
    finally:
        cut.close()
        local_server.start(settings)
    # the cut analysis is never the one read, and everyone says the results are partial
    assert analysis_store.latest_analysis(db)["analysis_id"] == first.analysis_id
    warning = half_loaded(db)
    assert len(warning) == 1 and "has not written all its results" in warning[0]
    out = run_cli(["db", "status"], spare_server.env)
    assert out.returncode == 0 and "has not written all its results" in out.stdout
    st.cache_data.clear()
    at = AppTest.from_file(str(OVERVIEW), default_timeout=60).run()
    assert not at.exception and any("has not written all its results" in w.value for w in at.warning)
    # the next analysis completes, removes the cut one, and leaves what an analysis without outage left
    analyze(db, layers="calls")
    assert half_loaded(db) == []
    assert db.read_one("MATCH (a:Analysis) RETURN count(a) AS n") == {"n": 1}
    assert state(db) == analysed
