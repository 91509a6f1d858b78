"""The analysis run from a page (analysts): a progress bar advancing per step, then what it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from access import session
from access.roles import Permission
from analytics.pipeline import OnStep, analyze, analyze_in_database, choose_engine
from graph.analysis_store import PERSON_MEASURES
from graph.connection import Graph
from graph.errors import HiloRojoError
from ui.columns import describe

# What each step of an analysis (analytics.pipeline.STEPS, GDS_STEPS) has done once it ends.
STEP_DONE = {
    "projection": "the network of people projected from the graph",
    "centrality": "degree, PageRank and eigenvector computed",
    "communities": "cells and organisations found",
    "brokerage": "brokerage between cells, Burt's constraint and Gould-Fernandez roles computed",
    "keyplayers": "key players found",
    "hidden_links": "hidden links predicted",
    "summaries": "cells and organisations summarised",
    "path_measures": "betweenness, closeness and harmonic centrality computed",
    "write_back": "results written back to the database",
    "gds": "computed in Graph Data Science",
}
# Written on each person besides the measures an engine computed: the cell, the organisation, key players.
PARTITIONS = ("community", "organisation", "key_player", "kpp_rank")


@dataclass(frozen=True)
class RunSummary:
    """What an analysis run from a page wrote: its engine, network, measures and time."""

    analysis_id: str
    engine: str
    people: int
    links: int
    seconds: float
    measures: list[str] = field(default_factory=list)


def run_analysis(g: Graph, on_step: OnStep) -> RunSummary:
    """The analysis `hilorojo analyze` runs by default (every layer, the engine chosen the same way),
    ``on_step`` told after each step; its summary."""
    engine = choose_engine(g, "auto")
    if engine.name == "gds":
        done = analyze_in_database(g, engine, on_step=on_step)
        return RunSummary(
            done.analysis_id,
            engine.describe(),
            done.nodes,
            done.edges,
            done.timings["total"],
            list(done.parameters.get("methods", {})),
        )
    result = analyze(g, engine=engine.describe(), on_step=on_step)
    written = [m for m in PERSON_MEASURES if m in result.measures or m in PARTITIONS]
    return RunSummary(
        result.analysis_id,
        engine.describe(),
        result.network.n,
        result.network.m,
        result.timings["total"],
        written,
    )


def analysis_action(g: Graph, key: str, label: str = "Run analysis") -> RunSummary | None:
    """A button running the analysis, for those who may (not viewers): the progress per step while it
    runs, then its summary. Returns the summary when it ran in this page run."""
    if not session.current().may(Permission.ANALYZE):
        return None
    if not st.button(label, key=key, icon=":material/hub:", help="The same analysis as `hilorojo analyze`"):
        return None
    with st.status("Running the analysis…", expanded=True) as status:
        bar = st.progress(0.0, text="Choosing the engine…")

        def advance(done: int, total: int, step: str) -> None:
            bar.progress(done / total, text=f"Step {done} of {total}: {STEP_DONE.get(step, step)}")

        try:
            # an analysis reads every name to merge records and never shows them: the unshielded graph
            summary = run_analysis(g.unshielded(), advance)
        except HiloRojoError:
            status.update(label="The analysis stopped", state="error")
            raise
        status.update(label=f"Analysis written back in {summary.seconds:,.1f} s", state="complete")
    st.cache_data.clear()  # the pages' cached rankings and communities are now out of date
    st.success(f"Analysis {summary.analysis_id[:8]} written back: {summary.engine}.")
    m = st.columns(4)
    m[0].metric("People", f"{summary.people:,}")
    m[1].metric("Links", f"{summary.links:,}")
    m[2].metric("Measures written", len(summary.measures))
    m[3].metric("Seconds", f"{summary.seconds:,.1f}")
    st.caption("Written on each person: " + ", ".join(describe(x).label for x in summary.measures) + ".")
    return summary
