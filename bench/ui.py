"""Web UI benchmark: every page (AppTest, cold and warm) and a 500-node drawing on the medium demo."""

from __future__ import annotations

import argparse
import queue
import re
import shutil
import subprocess
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.pipeline import analyze
from bench.ingest import local_neo4j, machine
from graph import explore
from graph.connection import Graph
from graph.dossier import plan_package_queries
from loaders.demo import DEFAULT_SEED, SCALES, generate, load_demo
from ui.web.common import UNEXPECTED
from ui.web.grouping import group_identifiers
from ui.web.network import network_html

PAGES = Path(__file__).resolve().parent.parent / "ui" / "web" / "views"
TARGET_S = 2.0
DRAW_NODES = 500
TIMEOUT = 300
TRIVIAL_QUERY = "RETURN 1 AS one"
SETTLED = 'network.once("stabilizationIterationsDone", settled);'
PROBE = (
    SETTLED + '\n  network.once("stabilizationIterationsDone", function () '
    '{ console.log("HR_LAYOUT_MS " + (performance.now() - window.hrT0).toFixed(0)); });'
)
TRIVIAL_PAGE = "import streamlit as st\nst.title('trivial')\nst.write(1)\n"


@dataclass
class Scenario:
    """One page as an analyst uses it: widget values set before the run, then buttons clicked."""

    name: str
    file: str
    state: dict[str, Any] = field(default_factory=dict)
    clicks: list[str] = field(default_factory=list)


def plain_name(name: str) -> str:
    """A name as an investigator types it: no accents, lower case."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).lower()


def scenarios(graph: Graph, key: dict[str, Any]) -> list[Scenario]:
    broker = key["brokers"][0]["person_id"]
    other = key["brokers"][1]["person_id"]
    name = plain_name(key["people"][broker]["name"])
    other_name = plain_name(key["people"][other]["name"])
    seeds = explore.person_node_ids(graph, [broker])
    return [
        Scenario("overview", "overview.py"),
        Scenario("search (a name typed)", "search.py", {"search_text": name}),
        Scenario("explore (2 hops, cap 300)", "explore.py", {"seeds": seeds, "hops": 2}),
        Scenario("explore (3 hops, cap 500)", "explore.py", {"seeds": seeds, "hops": 3, "cap": 500}),
        Scenario("paths (two brokers)", "paths.py", {"path_from": name, "path_to": other_name}),
        Scenario("timeline (one broker)", "timeline.py", {"seeds": seeds}),
        Scenario("map", "map.py"),
        Scenario("strategic (by operation)", "strategic.py"),
        Scenario("cases", "cases.py"),
        Scenario("brokers (betweenness)", "brokers.py", {"measure": "betweenness"}),
        Scenario("communities", "communities.py"),
        Scenario("money (+ trail of a broker)", "money.py", {"trail_start": broker}),
        Scenario("phones (profile of a broker)", "phones.py", {"profile_ref": broker}),
        Scenario("phones (handset swaps view)", "phones.py", {"phones_view": "Handset swaps"}),
        Scenario("phones (burners view)", "phones.py", {"phones_view": "Burners & replacements"}),
        Scenario("import", "import_data.py"),
        Scenario("cypher (example query run)", "cypher.py", clicks=["run"]),
        Scenario("package (built for a broker)", "package.py", {"package_search": name}, ["build"]),
    ]


def run_scenario(sc: Scenario) -> float:
    """Seconds of the slowest rerun the analyst waits for (the first run, then one per click)."""
    at = AppTest.from_file(str(PAGES / sc.file), default_timeout=TIMEOUT)
    for k, v in sc.state.items():
        at.session_state[k] = v
    slowest = _timed(at.run)
    check(sc.name, at)
    for button in sc.clicks:
        slowest = max(slowest, _timed(at.button(key=button).click().run))
        check(sc.name, at)
    return slowest


def _timed(step: Callable[[], Any]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def check(name: str, at: AppTest) -> None:
    """A page that failed is not a measurement: stop and say which."""
    if at.exception:
        raise SystemExit(f"bench: page {name} raised {at.exception[0].message}")
    broken = [e.value for e in at.error if UNEXPECTED in e.value]
    if broken:
        raise SystemExit(f"bench: page {name} failed: {broken[0]}")


def median_of(step: Callable[[], Any], times: int) -> float:
    runs = sorted(_timed(step) for _ in range(times))
    return runs[len(runs) // 2]


def trivial_page(folder: Path) -> tuple[float, float]:
    path = folder / "trivial_page.py"
    path.write_text(TRIVIAL_PAGE, encoding="utf-8")
    first = _timed(AppTest.from_file(str(path), default_timeout=TIMEOUT).run)
    second = median_of(AppTest.from_file(str(path), default_timeout=TIMEOUT).run, 5)
    return first, second


def draw_seeds(graph: Graph, key: dict[str, Any]) -> tuple[str, list[str]]:
    """The first planted broker whose 3-hop neighbourhood fills the 500-node cap (else the largest)."""
    best: tuple[int, str, list[str]] = (-1, "", [])
    for broker in key["brokers"]:
        seeds = explore.person_node_ids(graph, [broker["person_id"]])
        size = len(explore.neighbourhood(graph, seeds, hops=3, cap=DRAW_NODES, owners=True).nodes)
        if size >= DRAW_NODES * 0.9:
            return broker["person_id"], seeds
        best = max(best, (size, broker["person_id"], seeds))
    return best[1], best[2]


def draw(graph: Graph, seeds: list[str]) -> tuple[float, float, float, int, int, str]:
    """Seconds of the query, of the people view and of the pyvis HTML (as the Explore page does when the
    cap is reached); the entities and links drawn; the HTML."""
    started = time.perf_counter()
    sub = explore.neighbourhood(graph, seeds, hops=3, cap=DRAW_NODES, owners=True)
    query = time.perf_counter() - started
    started = time.perf_counter()
    grouped = group_identifiers(sub)
    grouping = time.perf_counter() - started
    started = time.perf_counter()
    drawing = network_html(grouped, "pagerank", 640)
    html = time.perf_counter() - started
    return query, grouping, html, len(grouped.nodes), len(grouped.edges), drawing


def _pump(proc: subprocess.Popen[str], lines: queue.Queue[str]) -> None:
    for line in proc.stderr or []:
        lines.put(line)


def browser_layout(html: str, folder: Path, timeout: float = 90.0) -> float | None:
    """Seconds headless Chromium takes from opening the drawing to its settled layout (None: no Chromium)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None or SETTLED not in html:
        return None
    probe = html.replace("<head>", "<head><script>window.hrT0 = performance.now();</script>", 1)
    path = folder / "drawing.html"
    path.write_text(probe.replace(SETTLED, PROBE, 1), encoding="utf-8")
    args = [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
            f"--user-data-dir={folder / 'chromium'}", "--window-size=1200,800", path.as_uri()]  # fmt: skip
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(proc, lines), daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            try:
                found = re.search(r"HR_LAYOUT_MS (\d+)", lines.get(timeout=1.0))
            except queue.Empty:
                continue
            if found:
                return int(found.group(1)) / 1000
        return None
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def verdict(seconds: float) -> str:
    return "ok" if seconds <= TARGET_S else "SLOW"


def row(label: str, cold: float, warm: float) -> str:
    # the target is the analyst's first visit of a page (the cold run), the warm run is for context
    return f"| {label} | {cold:.2f} | {warm:.2f} | {verdict(cold)} |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ui", description=__doc__)
    parser.add_argument("--scale", default="medium", choices=list(SCALES))
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--heap", default="1g", help="Neo4j heap of the benchmark server")
    parser.add_argument("--pagecache", default="512m", help="Neo4j page cache of the benchmark server")
    parser.add_argument("--keep", action="store_true", help="keep the temporary home (database, drawing)")
    args = parser.parse_args(argv)

    home = Path(tempfile.mkdtemp(prefix="hilorojo-bench-ui-"))
    try:
        return measure(args, home)
    finally:
        if args.keep:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


def measure(args: argparse.Namespace, home: Path) -> int:
    print(f"machine at start: {machine()}")
    started = time.perf_counter()
    key = generate(home / "demo", SCALES[args.scale], args.seed)
    print(f"{args.scale} demo written in {time.perf_counter() - started:.1f} s")
    with local_neo4j(home, args.heap, args.pagecache) as graph:
        started = time.perf_counter()
        load_demo(graph, home / "demo", progress=False)
        print(f"loaded in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        analyze(graph, None, weighted=True, write=True)
        print(f"analysed in {time.perf_counter() - started:.1f} s")
        counts = graph.read_one("MATCH (n) WITH count(n) AS n MATCH ()-[r]->() RETURN n, count(r) AS r")
        print(f"graph: {counts}")
        # as `hilorojo ui` does before it opens the app
        started = time.perf_counter()
        plan_package_queries(graph)
        print(f"package query plans prepared in {time.perf_counter() - started:.1f} s (hilorojo ui's start)")

        trip = median_of(lambda: graph.read_one(TRIVIAL_QUERY), 21)
        page_first, page_warm = trivial_page(home)
        lines = [
            "| page | cold s | warm s | verdict (first visit ≤ 2 s) |",
            "|---|---:|---:|---|",
        ]
        for sc in scenarios(graph, key):
            st.cache_data.clear()
            cold = run_scenario(sc)
            warm = run_scenario(sc)
            lines.append(row(sc.name, cold, warm))
            print(lines[-1], flush=True)

        broker, seeds = draw_seeds(graph, key)
        q1, g1, h1, nodes, links, html = draw(graph, seeds)
        q2, g2, h2, _, _, _ = draw(graph, seeds)
        layout = browser_layout(html, home)
        print()
        print(f"baseline: RETURN 1 round trip {trip * 1000:.1f} ms (median of 21)")
        print(
            f"baseline: trivial page by AppTest {page_first:.2f} s first, "
            f"{page_warm:.2f} s after (median of 5)"
        )
        print()
        print("\n".join(lines))
        print()
        print(f"{DRAW_NODES}-node neighbourhood of broker {broker}, 3 hops, drawn in the people view as "
              f"{nodes} entities and {links} links")  # fmt: skip
        print("| step | first s | second s |")
        print("|---|---:|---:|")
        print(f"| query (graph/explore.py neighbourhood) | {q1:.2f} | {q2:.2f} |")
        print(f"| people view (ui/web/grouping.py) | {g1:.2f} | {g2:.2f} |")
        print(f"| pyvis HTML (ui/web/network.py) | {h1:.2f} | {h2:.2f} |")
        total1, total2 = q1 + g1 + h1, q2 + g2 + h2
        print(f"| total in Python | {total1:.2f} | {total2:.2f} | {verdict(total1)} |")
        if layout is None:
            print("browser layout: not measured (no Chromium, or no settled layout within 90 s)")
        else:
            print(f"browser layout (headless Chromium, page open to settled layout): {layout:.2f} s")
        print()
        print(f"machine at end: {machine()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
