"""Which engine an analysis runs on (Graph Data Science in the server, or in-process), and the GDS run."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from access import session
from access.roles import Permission
from analytics import centrality
from graph import analysis_store, gds
from graph.connection import Graph
from graph.errors import InputError
from graph.projection import parse_layers

ENGINES = ("auto", "gds", "in-process")
NO_GDS = "the server has no Graph Data Science (gds.version() is missing)"
# The steps of an analysis in Graph Data Science: the computation in the server, then the write-back.
GDS_STEPS: Final = ("gds", "write_back")
# Told after each step of an analysis: steps done, steps in all, the step that just ended (a page's
# progress bar; the analytics know nothing of the page).
OnStep = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Engine:
    """Which engine an analysis runs on, and why: 'gds' (Graph Data Science in the server) or
    'in-process' (this package, on the network held in this process)."""

    name: str
    reason: str
    gds_version: str | None = None

    def describe(self) -> str:
        return f"{self.name} ({self.reason})"


def choose_engine(graph: Graph, requested: str = "auto") -> Engine:
    """GDS when the server has it (``auto``) or when asked for (``gds``, refused without it); else the
    in-process engine."""
    if requested not in ENGINES:
        raise InputError(f"--engine {requested!r} is not an engine", f"choose among {', '.join(ENGINES)}")
    if requested == "in-process":
        return Engine("in-process", "asked for with --engine in-process")
    version = gds.gds_version(graph)
    if version is None:
        if requested == "gds":
            raise InputError(
                f"--engine gds: {NO_GDS} at {graph.settings.uri}",
                "install the Graph Data Science plugin on the server, or use --engine auto",
            )
        return Engine("in-process", NO_GDS)
    return Engine("gds", f"Graph Data Science {version} on the server", version)


@dataclass
class DatabaseAnalysis:
    """An analysis that Graph Data Science computed in the server (``analyze_in_database``)."""

    analysis_id: str
    engine: Engine
    nodes: int
    edges: int
    modularity: float | None
    links: int
    parameters: dict[str, Any]
    timings: dict[str, float]


def analyze_in_database(
    graph: Graph,
    engine: Engine,
    layers: str | list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    weighted: bool = False,
    resolution: float = 1.0,
    seed: int = 42,
    link_top: int = 500,
    exact_up_to: int | None = None,
    on_step: OnStep | None = None,
) -> DatabaseAnalysis:
    """The analysis in Graph Data Science (graph.gds): degree, PageRank, betweenness (exact, or sampled
    by the same rule as in-process), Leiden cells and organisations, and hidden links, written back as
    the in-process engine writes them; the measures GDS does not compute are left empty. ``on_step`` is
    told after each of the ``GDS_STEPS``."""
    session.require(Permission.ANALYZE)
    names = parse_layers(layers)
    if resolution <= 0:
        raise InputError(f"--resolution {resolution} is not positive", "give a resolution > 0, e.g. 1.0")
    start = time.perf_counter()

    def sampling(n: int, m: int) -> int | None:
        method = centrality.choose_method(n, m, False, exact_up_to=exact_up_to)
        return None if method.exact else method.pivots

    run = gds.run_in_gds(graph, names, since, until, weighted, resolution, seed, sampling, link_top)
    t_gds = time.perf_counter() - start
    if on_step is not None:
        on_step(1, len(GDS_STEPS), GDS_STEPS[0])
    params = {
        "engine": engine.describe(),
        "gds_version": run.version,
        "weighted": weighted,
        "resolution": resolution,
        "seed": seed,
        "link_top": link_top,
        "exact_up_to": exact_up_to,
        **run.parameters,
        "methods": {
            "degree": {"exact": True, "how": "distinct contacts (GDS degree)"},
            "pagerank": {"exact": True, "how": "GDS PageRank, damping 0.85"},
            "betweenness": {
                "exact": run.parameters["betweenness_sampling_size"] is None,
                "how": "GDS betweenness (Brandes; sampled sources when above the exact limit)",
            },
            "community": {"exact": True, "how": "GDS Leiden, first level", "level": "cell"},
            "organisation": {"exact": True, "how": "GDS Leiden, last level", "level": "organisation"},
        },
    }
    aid = uuid.uuid4().hex
    analysis_store.save_analysis(
        graph,
        {
            "analysis_id": aid,
            "layers": list(names),
            "since": since,
            "until": until,
            "parameters": json.dumps(params, sort_keys=True),
            "run_at": datetime.now(UTC).isoformat(),
            "nodes": run.nodes,
            "edges": run.edges,
            "modularity": run.modularity,
            "link_auc": None,
            "engine": "gds",
        },
        run.person_rows,
        run.links,
    )
    session.record("analyze", [aid], layers=list(names), since=since, until=until)
    if on_step is not None:
        on_step(2, len(GDS_STEPS), GDS_STEPS[1])
    timings = {"gds": round(t_gds, 3), "total": round(time.perf_counter() - start, 3)}
    return DatabaseAnalysis(
        aid, engine, run.nodes, run.edges, run.modularity, len(run.links), params, timings
    )
