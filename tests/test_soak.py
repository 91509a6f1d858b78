"""A bounded soak: loads, analyses, target packages and page renders looped against one real server,
with the process's memory, open files and threads read after every round."""

from __future__ import annotations

import gc
import os
import resource
import shutil
import threading
import time
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.pipeline import analyze
from dossier import build_package, render
from graph.connection import Graph
from loaders.pipeline import load_file
from tests.conftest import ROOT
from tests.test_concurrency import assert_same, state

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
VIEWS = ROOT / "ui" / "web" / "views"
FILES = (
    ("arrests", "arrests.csv"),
    ("identifiers", "identifiers.csv"),
    ("calls", "calls.csv"),
    ("transfers", "transfers.csv"),
)
PAGES = ("overview.py", "brokers.py", "communities.py", "search.py", "package.py")
ROUNDS = 20
BUDGET_S = 150.0  # the soak stops after this long even if fewer rounds ran (at least WARM_UP + 6)
WARM_UP = 3  # rounds that fill the caches, import lazily and grow the driver's connection pool
# Memory settles a few rounds after the warm-up (the allocator grows in steps of about 7 MiB) and then
# stays flat: the highest reading of the later half of the rounds may exceed the earlier half's by this
# much, which a leak of 1 MiB per round (one package, page or load kept) exceeds.
RSS_GROWTH_MB = 12.0
# The fixtures hold two records named José Álvarez (the identifiers file does not say they are one).
SUBJECT_QUERY = "MATCH (p:Person {name: $name}) RETURN min(p.person_id) AS person_id"


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 2**20


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def one_round(graph: Graph, folder: Path) -> None:
    for kind, name in FILES:
        load_file(graph, kind, folder / name, region="CO", progress=False)
    result = analyze(graph)
    assert result.network.n > 0
    subject = graph.read_one(SUBJECT_QUERY, {"name": "José Álvarez"}) or {}
    pkg = build_package(graph, str(subject["person_id"]))
    assert render(pkg, "pdf").startswith(b"%PDF") and b"</html>" in render(pkg, "html")
    for page in PAGES:
        st.cache_data.clear()
        at = AppTest.from_file(str(VIEWS / page), default_timeout=60).run()
        assert not at.exception, (page, [e.message for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])


def test_soak(empty_graph: Graph, tmp_path: Path) -> None:
    for _, name in FILES:
        shutil.copy(FIXTURES / name, tmp_path / name)
    samples: list[tuple[float, int, int]] = []
    first_state = None
    started = time.monotonic()
    rounds = 0
    while rounds < ROUNDS and (rounds < WARM_UP + 6 or time.monotonic() - started < BUDGET_S):
        one_round(empty_graph, tmp_path)
        rounds += 1
        now = state(empty_graph)
        first_state = first_state or now
        assert_same(now, first_state)  # a repeated load or analysis changes nothing
        gc.collect()
        samples.append((rss_mb(), open_files(), threading.active_count()))
    settled, end = samples[WARM_UP - 1], samples[-1]
    half = WARM_UP + (len(samples) - WARM_UP) // 2
    earlier, later = samples[WARM_UP:half], samples[half:]
    growth = max(s[0] for s in later) - max(s[0] for s in earlier)
    print(
        f"soak: {rounds} rounds in {time.monotonic() - started:.0f} s; highest memory "
        f"{max(s[0] for s in earlier):.0f} then {max(s[0] for s in later):.0f} MiB, "
        f"open files {settled[1]} -> {end[1]}, threads {settled[2]} -> {end[2]}"
    )
    assert growth <= RSS_GROWTH_MB, samples
    assert end[1] <= settled[1], samples  # no file or socket left open by a round
    assert end[2] <= settled[2], samples  # no thread left running by a round
