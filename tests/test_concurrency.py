"""Work at the same time on one real server: two loads at once, analyze during a load, pages browsed
during a load; nothing reaches the user, and the graph equals the same work done one after another."""

from __future__ import annotations

import csv
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.pipeline import AnalysisResult, analyze
from graph.connection import Graph
from graph.settings import Settings
from loaders.pipeline import load_file
from tests.conftest import ROOT, server_env
from tests.test_reliability import CALLS, CLEAR, COUNT_CALLS, calls_file, graph_state

NUMBERS = 3000
VIEWS = ROOT / "ui" / "web" / "views"
PAGES = ("overview.py", "phones.py", "search.py", "timeline.py")
# When a thing was loaded or analysed, and under which run id, says when, not what.
WHEN_KEYS = ("loaded_at", "status", "analysis_id", "run_at")
# Provenance lists hold the files and rows a fact came from in the order they arrived: two loads at once
# interleave them, so they are compared as sets (docs/reliability.md).
ARRIVAL_ORDER_KEYS = ("source_ids", "source_rows")


def subscribers_file(path: Path, numbers: int = NUMBERS) -> Path:
    """One person per number of ``calls_file``: person P0000… uses +57300… (a subscriber list)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["identifier_type", "identifier", "person_id", "full_name", "nationality"])
        for a in range(numbers):
            out.writerow(["phone", f"+57300{a:07d}", f"P{a:04d}", f"Persona {a}", "CO"])
    return path


def comparable(key: str, value: Any) -> Any:
    """A property as it must be equal after the same work done at once or one after the other."""
    if key in ARRIVAL_ORDER_KEYS:
        return sorted(value)
    if isinstance(value, float):
        # the last bits of a float sum, or of an iterative solver's answer, depend on the order of terms
        return float(f"{round(value, 12) + 0.0:.9g}")  # and -0.0 is 0.0
    return value


def state(graph: Graph) -> tuple[dict[str, int], list[str]]:
    """The graph's content (tests.test_reliability.graph_state) without Analysis nodes and WHEN_KEYS,
    compared by ``comparable``."""
    return graph_state(graph, ignore=WHEN_KEYS, skip_labels=("Analysis",), value=comparable)


def assert_same(got: tuple[dict[str, int], list[str]], expected: tuple[dict[str, int], list[str]]) -> None:
    """Equal states, or an assertion that shows the few items only one of them has."""
    assert got[0] == expected[0]
    extra, missing = sorted(set(got[1]) - set(expected[1])), sorted(set(expected[1]) - set(got[1]))
    assert not extra and not missing, {"only here": extra[:2], "only expected": missing[:2]}


def start_load(kind: str, path: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return start(["load", kind, str(path)], env)


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    """A `hilorojo` command started in a subprocess."""
    return subprocess.Popen(
        [sys.executable, "-m", "ui.cli.main", *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(proc: subprocess.Popen[str]) -> str:
    """Wait for a command; its standard output, once it is known to have ended well without an error."""
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "error" not in err.lower(), err
    return out


def wait_for_calls(graph: Graph, proc: subprocess.Popen[str], calls: int) -> None:
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        if int((graph.read_one(COUNT_CALLS) or {"n": 0})["n"]) >= calls:
            return
        time.sleep(0.01)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two calls files over the same numbers (so their loads write the same Phone and Device nodes)
    and the subscriber list of those numbers."""
    folder = tmp_path_factory.mktemp("concurrency")
    return {
        "a": calls_file(folder / "calls_a.csv", rows=CALLS // 2, numbers=NUMBERS, seed=11),
        "b": calls_file(folder / "calls_b.csv", rows=CALLS // 2, numbers=NUMBERS, seed=12),
        "calls": calls_file(folder / "calls.csv", numbers=NUMBERS, seed=13),
        "subscribers": subscribers_file(folder / "subscribers.csv"),
    }


def test_two_loads_at_once_equal_one_after_the_other(
    empty_graph: Graph, neo4j_settings: Settings, files: dict[str, Path]
) -> None:
    load_file(empty_graph, "calls", files["a"], progress=False)
    load_file(empty_graph, "calls", files["b"], progress=False)
    one_after_the_other = state(empty_graph)
    assert one_after_the_other[0]["CALLED"] == CALLS and one_after_the_other[0]["Source"] == 2
    empty_graph.run_in_batches(CLEAR)
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    # both write the same 3,000 phones and handsets at the same time: lock waits and deadlocks on
    # those nodes are the server's to detect and the loader's to retry, never the user's to see
    loads = [start_load("calls", files["a"], env), start_load("calls", files["b"], env)]
    for proc in loads:
        finished(proc)
    assert_same(state(empty_graph), one_after_the_other)


def _analyze_calls(graph: Graph) -> AnalysisResult | BaseException:
    try:
        return analyze(graph, layers="calls")
    except BaseException as exc:  # handed to the test's thread, which fails with it
        return exc


@pytest.fixture(scope="module")
def analysed(graph: Graph, files: dict[str, Path]) -> tuple[dict[str, int], list[str]]:
    """The graph of the subscriber list and the 40,000 calls loaded, then analysed, one after the other."""
    graph.run_in_batches(CLEAR)
    load_file(graph, "identifiers", files["subscribers"], progress=False)
    load_file(graph, "calls", files["calls"], progress=False)
    analyze(graph, layers="calls")
    reference = state(graph)
    graph.run_in_batches(CLEAR)
    return reference


def test_analyze_and_pages_during_a_load(
    empty_graph: Graph,
    neo4j_settings: Settings,
    files: dict[str, Path],
    analysed: tuple[dict[str, int], list[str]],
) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    load_file(empty_graph, "identifiers", files["subscribers"], progress=False)
    load = start_load("calls", files["calls"], env)
    wait_for_calls(empty_graph, load, 5_000)
    assert load.poll() is None, "the load ended before the analysis could start"
    # in this process, so that it starts reading at once (a new process takes seconds to import)
    during: list[AnalysisResult | BaseException] = []
    analysis = threading.Thread(target=lambda: during.append(_analyze_calls(empty_graph)))
    analysis.start()
    # pages are browsed while both run: each render reads the database as it is at that moment
    renders = 0
    while load.poll() is None or analysis.is_alive() or renders < len(PAGES):
        st.cache_data.clear()
        at = AppTest.from_file(str(VIEWS / PAGES[renders % len(PAGES)]), default_timeout=60).run()
        assert not at.exception, [e.message for e in at.exception]
        assert not at.error, [e.value for e in at.error]
        renders += 1
    finished(load)
    analysis.join()
    # the analysis of the half-loaded graph ran to the end, and said what it saw
    result = during[0]
    assert isinstance(result, AnalysisResult), result
    assert result.warnings == ["calls.csv (calls) is half-loaded: run the same load again"]
    assert 0 < result.network.m <= analysed[0]["CALLED"]
    # the load it ran beside is whole, and analysing it again gives what the work one after the other
    # gave: the same people, phones, calls, measures, communities and likely links
    analyze(empty_graph, layers="calls")
    assert_same(state(empty_graph), analysed)
