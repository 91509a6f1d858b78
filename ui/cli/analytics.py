"""The `hilorojo analyze` command (the commands that read its results are in ui/cli/results.py)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click
import numpy as np

from analytics.pipeline import ENGINES, analyze_in_database, choose_engine
from analytics.pipeline import analyze as run_analysis
from graph.connection import get_graph
from graph.errors import InputError
from ui.cli.output import err_console, print_json, print_table


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{option} {value!r} is not a date", "write it as YYYY-MM-DD") from exc


@click.command("analyze")
@click.option(
    "--layers", default="calls,money,arrests,identifiers", show_default=True, help="Layers to combine."
)
@click.option("--since", default=None, help="Only events on or after this day (YYYY-MM-DD).")
@click.option("--until", default=None, help="Only events on or before this day (YYYY-MM-DD).")
@click.option("--keep-unowned", is_flag=True, help="Keep phones and accounts without a known owner as nodes.")
@click.option("--weighted", is_flag=True, help="Use link weights (1/weight as distance for path measures).")
@click.option(
    "--resolution", default=1.0, show_default=True, type=float, help="Modularity resolution of organisations."
)
@click.option(
    "--cell-resolution",
    default=0.05,
    show_default=True,
    type=float,
    help="Density a group of people needs to be a cell (CPM resolution).",
)
@click.option("--seed", default=42, show_default=True, type=int, help="Random seed.")
@click.option("--k", "k", default=5, show_default=True, type=int, help="Size of the key-player set.")
@click.option(
    "--group-by",
    default="community",
    show_default=True,
    type=click.Choice(["community", "nationality", "country", "operation"]),
    help="Groups for Gould-Fernandez brokerage roles.",
)
@click.option(
    "--exact-up-to",
    type=click.IntRange(min=0),
    default=None,
    help="Exact betweenness and closeness up to this many people, estimated from pivots above "
    "(default: exact while people x links <= 150 million).",
)
@click.option(
    "--engine",
    default="auto",
    show_default=True,
    type=click.Choice(ENGINES),
    help="Where to compute: Graph Data Science in the server when it has it (auto), or always here "
    "(in-process); the output says which ran.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def analyze(
    layers: str,
    since: str | None,
    until: str | None,
    keep_unowned: bool,
    weighted: bool,
    resolution: float,
    cell_resolution: float,
    seed: int,
    k: int,
    group_by: str,
    exact_up_to: int | None,
    engine: str,
    as_json: bool,
) -> None:
    """Compute centrality, brokerage, communities, key players and hidden links; write them back."""
    graph = get_graph()
    chosen = choose_engine(graph, engine)
    summary: dict[str, Any]
    if chosen.name == "gds":
        done = analyze_in_database(
            graph,
            chosen,
            layers,
            _date(since, "--since"),
            _date(until, "--until"),
            weighted,
            resolution,
            seed,
            exact_up_to=exact_up_to,
        )
        summary = {
            "analysis_id": done.analysis_id,
            "engine": chosen.describe(),
            "nodes": done.nodes,
            "edges": done.edges,
            "modularity": done.modularity,
            "likely_links": done.links,
            "timings_s": done.timings,
        }
        _print_summary(summary, as_json)
        return
    result = run_analysis(
        graph,
        layers,
        _date(since, "--since"),
        _date(until, "--until"),
        keep_unowned,
        weighted,
        resolution,
        seed,
        k,
        group_by,
        exact_up_to=exact_up_to,
        cell_resolution=cell_resolution,
        engine=chosen.describe(),
    )
    summary = {
        "analysis_id": result.analysis_id,
        "engine": chosen.describe(),
        "layers": list(result.network.layers),
        "since": since,
        "until": until,
        "nodes": result.network.n,
        "edges": result.network.m,
        "cells": result.communities.count,
        "organisations": result.organisations.count,
        "modularity": result.organisations.modularity,
        "link_auc": None if np.isnan(result.links.auc) else result.links.auc,
        "key_players": [result.network.g.vs[v]["node_id"] for v in result.key_players.members],
        "fragmentation": result.key_players.fragmentation,
        "path_measures": result.method.describe(),
        "timings_s": result.timings,
        "warnings": result.warnings,
    }
    for warning in result.warnings:
        err_console.print(f"warning: {warning}", markup=False)
    _print_summary(summary, as_json)


def _print_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(summary)
        return
    rows = [
        {"item": key, "value": json.dumps(v) if isinstance(v, list | dict) else v}
        for key, v in summary.items()
    ]
    print_table(rows, ["item", "value"], title="Analysis written back")
