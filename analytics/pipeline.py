"""The whole analysis: project, measure, partition, find key players and hidden links, write back."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, Final

import numpy as np

from access import session
from access.roles import Permission
from analytics import brokerage, centrality, communities, forked, hidden_links, keyplayers
from analytics.cell_bridging import cell_bridging
from analytics.cell_brokerage import cell_brokerage
from analytics.communities import Communities
from analytics.engine import (
    ENGINES,
    GDS_STEPS,
    NO_GDS,
    DatabaseAnalysis,
    Engine,
    OnStep,
    analyze_in_database,
    choose_engine,
)
from analytics.kbetweenness import choose_k, k_betweenness
from analytics.network import PersonNetwork, project
from graph import analysis_store
from graph.connection import Graph
from graph.errors import InputError
from graph.projection import parse_layers
from graph.status import half_loaded

# The steps of an analysis in process, in the order they end (named as in ``AnalysisResult.timings``);
# the last is left out when the results are not written back.
STEPS: Final = (
    "projection",
    "centrality",
    "communities",
    "brokerage",
    "keyplayers",
    "hidden_links",
    "summaries",
    "path_measures",
    "write_back",
)


@dataclass
class AnalysisResult:
    """Everything one analysis computed, vertex-indexed like ``network.g``."""

    analysis_id: str
    network: PersonNetwork
    measures: dict[str, np.ndarray]
    method: centrality.PathMeasureMethod
    communities: Communities
    organisations: Communities
    key_players: keyplayers.KeyPlayers
    links: hidden_links.LinkPrediction
    parameters: dict[str, Any]
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # e.g. files still half-loaded when it ran
    engine: str = "in-process"

    def likely_links(self, top: int) -> list[dict[str, Any]]:
        ids = self.network.ids()
        return [
            {"a": ids[int(u)], "b": ids[int(v)], "score": float(s)}
            for (u, v), s in zip(self.links.pairs[:top], self.links.scores[:top], strict=True)
        ]

    def person_rows(self) -> list[dict[str, Any]]:
        """One ``{"person_id", "props"}`` per Person record with the properties of docs/architecture.md;
        every record of a SAME_AS group gets its group's (merged vertex's) values."""
        net = self.network
        kpp_rank = {v: r for r, v in enumerate(self.key_players.members, start=1)}
        names = [m for m in analysis_store.PERSON_MEASURES if m in self.measures]
        rows: list[dict[str, Any]] = []
        for v in np.flatnonzero(net.is_person()).tolist():
            props: dict[str, Any] = {}
            for name in names:
                x = self.measures[name][v]
                x = x.item() if isinstance(x, np.generic) else x
                props[name] = None if isinstance(x, float) and np.isnan(x) else x
            props["community"] = int(self.communities.membership[v])
            props["organisation"] = int(self.organisations.membership[v])
            props["key_player"] = v in kpp_rank
            props["kpp_rank"] = kpp_rank.get(v)
            rows.extend({"person_id": rec, "props": props} for rec in net.records(v))
        return rows


def _groups(net: PersonNetwork, comms: communities.Communities, group_by: str) -> list[object]:
    if group_by == "community":
        return comms.membership.tolist()
    if group_by not in brokerage.GROUP_ATTRIBUTES:
        raise InputError(
            f"cannot group by {group_by!r}", f"choose among {', '.join(brokerage.GROUP_ATTRIBUTES)}"
        )
    return list(net.g.vs[group_by])


# Forking pays when the path measures take seconds: above n·m = FORK_WORK (1,000 people, 20,000 links).
FORK_WORK = 20_000_000


def _timed_path_measures(
    net: PersonNetwork, method: centrality.PathMeasureMethod, seed: int, k_paths: int
) -> tuple[dict[str, np.ndarray], float]:
    start = time.perf_counter()
    values = centrality.path_measures(net, method, seed)
    values["k_betweenness"] = k_betweenness(net, k_paths, method.weighted)
    return values, round(time.perf_counter() - start, 3)


def measure_methods(
    method: centrality.PathMeasureMethod,
    cells: communities.Communities,
    orgs: communities.Communities,
    k_paths: int,
) -> dict[str, dict[str, Any]]:
    """How each written-back measure was computed: exact or estimated, and the bound that applies."""
    path = {"exact": method.exact, "how": method.describe()}
    if not method.exact:
        path["stderr"] = (
            f"per person (betweenness_se), from {centrality.SE_BATCHES} groups of pivots; "
            "shown as estimate ± 2 standard errors and the range of ranks that allows"
        )
        path["worst_case_bound"] = method.epsilon
    exact = {"exact": True}
    return {
        "cell_bridging": {
            **exact,
            "how": "working ties on both sides of each pair of cells the person links "
            "(ties sharing a contact in the cell; victims not counted); ties by brokerage between cells",
        },
        "cell_brokerage": {
            **exact,
            "how": "pairs of contacts in different cells linked only through the person "
            "(k-betweenness, k = 2, between cells; victims not counted)",
        },
        "k_betweenness": {
            **exact,
            "how": f"shortest paths of at most {k_paths} links (Borgatti & Everett)",
            "k": k_paths,
        },
        "betweenness": path,
        "closeness": {"exact": method.exact, "how": method.describe()},
        "harmonic": {"exact": method.exact, "how": method.describe()},
        "pagerank": {**exact, "how": "power iteration to convergence (damping 0.85)"},
        "degree": {**exact, "how": "distinct contacts"},
        "community": {**exact, "how": cells.method, "level": "cell"},
        "organisation": {**exact, "how": orgs.method, "level": "organisation"},
    }


def compute(
    net: PersonNetwork,
    weighted: bool = False,
    resolution: float = 1.0,
    seed: int = 42,
    k: int = 5,
    group_by: str = "community",
    link_cap: int = 100_000,
    cell_resolution: float = communities.CELL_RESOLUTION,
    exact_work: float = centrality.EXACT_WORK,
    parameters: dict[str, Any] | None = None,
    exact_up_to: int | None = None,
    step_done: Callable[[str], None] | None = None,
) -> AnalysisResult:
    """Every measure on an already projected network (no database access); ``step_done`` is told the
    name of each step (``STEPS``) as it ends."""
    timings: dict[str, float] = {}

    def timed(name: str, start: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - start, 3)
        if step_done is not None:
            step_done(name)
        return now

    t = time.perf_counter()
    method = centrality.choose_method(net.n, net.m, weighted, exact_work, exact_up_to=exact_up_to)
    k_paths = choose_k(net)
    # The shortest-path measures, the longest steps, run in a forked child on a second CPU meanwhile.
    paths = forked.Pending(
        partial(_timed_path_measures, net, method, seed, k_paths),
        use_fork=False if net.n * net.m < FORK_WORK else None,
    )
    try:
        measures = centrality.local_measures(net, weighted)
        t = timed("centrality", t)
        comms = communities.cells(net, resolution=cell_resolution, seed=seed, weighted=weighted)
        orgs = communities.organisations(net, comms, resolution=resolution, seed=seed, weighted=weighted)
        t = timed("communities", t)
        suspects = ~net.is_victim()
        measures["cell_bridging"] = cell_bridging(net, comms.membership, suspects)
        measures["cell_brokerage"] = cell_brokerage(net, comms.membership, suspects)
        roles = brokerage.gould_fernandez(net, _groups(net, comms, group_by))
        for role, counts in roles.items():
            measures[f"brokerage_{role}"] = counts
        constraint, esize = brokerage.burt(net, weighted=weighted)
        measures["constraint"] = constraint
        measures["effective_size"] = esize
        t = timed("brokerage", t)
        kp = keyplayers.kpp_neg(net, k)
        t = timed("keyplayers", t)
        links = hidden_links.predict_links(net, orgs.membership, seed=seed, cap=link_cap)
        t = timed("hidden_links", t)
        communities.summarize(net, comms, measures["cell_bridging"])
        communities.summarize(net, orgs, measures["cell_bridging"])
        t = timed("summaries", t)
    except BaseException:
        paths.cancel()
        raise
    path_values, timings["path_measures"] = paths.result()
    measures.update(path_values)
    timings["path_measures_wait"] = round(time.perf_counter() - t, 3)
    if step_done is not None:
        step_done("path_measures")
    params = dict(parameters or {})
    params.update(
        weighted=weighted,
        resolution=resolution,
        cell_resolution=cell_resolution,
        seed=seed,
        k=k,
        group_by=group_by,
        exact_up_to=exact_up_to,
        path_measures=method.describe(),
        betweenness_pivots=None if method.exact else method.pivots,
        betweenness_error=method.epsilon,
    )
    params["methods"] = measure_methods(method, comms, orgs, k_paths)
    return AnalysisResult(uuid.uuid4().hex, net, measures, method, comms, orgs, kp, links, params, timings)


def analyze(
    graph: Graph,
    layers: str | list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    keep_unowned: bool = False,
    weighted: bool = False,
    resolution: float = 1.0,
    seed: int = 42,
    k: int = 5,
    group_by: str = "community",
    link_top: int = 500,
    write: bool = True,
    exact_up_to: int | None = None,
    cell_resolution: float = communities.CELL_RESOLUTION,
    engine: str = "in-process",
    on_step: OnStep | None = None,
) -> AnalysisResult:
    """Project the chosen layers, compute every measure and write the results back to Neo4j.

    ``engine`` is what ``choose_engine`` said (kept with the results); this always runs in-process.
    ``on_step`` is told after each of the ``STEPS`` (the write-back only when ``write``).
    """
    session.require(Permission.ANALYZE)
    names = parse_layers(layers)
    if resolution <= 0:
        raise InputError(f"--resolution {resolution} is not positive", "give a resolution > 0, e.g. 1.0")
    if not 0 < cell_resolution < 1:
        raise InputError(
            f"--cell-resolution {cell_resolution} is not a density between 0 and 1", "give e.g. 0.05"
        )
    total, done = len(STEPS) if write else len(STEPS) - 1, 0

    def step_done(name: str) -> None:
        nonlocal done
        done += 1
        if on_step is not None:
            on_step(done, total, name)

    start = time.perf_counter()
    warnings = half_loaded(graph)
    net = project(graph, names, since, until, keep_unowned)
    t_proj = time.perf_counter() - start
    step_done("projection")
    result = compute(
        net,
        weighted=weighted,
        resolution=resolution,
        seed=seed,
        k=k,
        group_by=group_by,
        parameters={"keep_unowned": keep_unowned, "link_top": link_top, "engine": engine},
        exact_up_to=exact_up_to,
        cell_resolution=cell_resolution,
        step_done=step_done,
    )
    result.timings = {"projection": round(t_proj, 3), **result.timings}
    result.warnings = warnings
    result.engine = engine
    if write:
        t = time.perf_counter()
        analysis_store.save_analysis(
            graph,
            {
                "analysis_id": result.analysis_id,
                "layers": list(names),
                "since": since,
                "until": until,
                "parameters": json.dumps(result.parameters, sort_keys=True),
                "run_at": datetime.now(UTC).isoformat(),
                "nodes": net.n,
                "edges": net.m,
                "modularity": result.organisations.modularity,
                "link_auc": None if np.isnan(result.links.auc) else result.links.auc,
                "engine": "in-process",
            },
            result.person_rows(),
            result.likely_links(link_top),
        )
        result.timings["write_back"] = round(time.perf_counter() - t, 3)
        session.record("analyze", [result.analysis_id], layers=list(names), since=since, until=until)
        step_done("write_back")
    result.timings["total"] = round(time.perf_counter() - start, 3)
    return result


@dataclass
class LatestDisruption:
    """Key players and disruption curves on the network of the latest analysis, as it was projected."""

    network: PersonNetwork
    betweenness: np.ndarray
    key_players: keyplayers.KeyPlayers
    simulation: dict[str, Any]


def latest_disruption(graph: Graph, k: int, random_runs: int = 5) -> LatestDisruption:
    """KPP-Neg and the disruption simulation on the latest analysis' network (same layers, window,
    unowned nodes and path-measure method); betweenness recomputed the same way (it is not stored for
    unowned phones and accounts)."""
    analysis = analysis_store.latest_analysis(graph)
    params = json.loads(analysis["parameters"] or "{}")
    since = analysis["since"].to_native() if analysis["since"] is not None else None
    until = analysis["until"].to_native() if analysis["until"] is not None else None
    net = project(graph, analysis["layers"], since, until, bool(params.get("keep_unowned")))
    weighted = bool(params.get("weighted"))
    method = centrality.choose_method(net.n, net.m, weighted, exact_up_to=params.get("exact_up_to"))
    bt = centrality.betweenness(net, method, int(params.get("seed", 42)))
    players = keyplayers.kpp_neg(net, k)
    sim = keyplayers.disruption(
        net, k, bt, players.members, random_runs=random_runs, efficiency_pivots=None if net.n <= 3000 else 32
    )
    return LatestDisruption(net, bt, players, sim)


__all__ = [
    "AnalysisResult",
    "DatabaseAnalysis",
    "ENGINES",
    "Engine",
    "FORK_WORK",
    "GDS_STEPS",
    "LatestDisruption",
    "NO_GDS",
    "STEPS",
    "OnStep",
    "analyze",
    "analyze_in_database",
    "choose_engine",
    "compute",
    "latest_disruption",
    "measure_methods",
]
