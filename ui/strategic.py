"""The strategic report of a graph's records, as the CLI and the Strategic page ask for it."""

from __future__ import annotations

from datetime import date

from analytics.duplicates import canonical_ids
from analytics.strategic import DEFAULT_THRESHOLD, StrategicReport, movers, strategic_report
from graph import strategic
from graph.connection import Graph


def report_of(
    g: Graph,
    by: str = "operation",
    since: date | None = None,
    until: date | None = None,
    threshold: int = DEFAULT_THRESHOLD,
) -> StrategicReport:
    """The strategic report of the records in ``g`` (people an analyst merged count as one), with the
    countries of the calls and money of the people it counts as moved."""
    rows = strategic.involvements(g, since, until)
    canon = canonical_ids(g)
    people = movers(rows, canon)
    return strategic_report(
        rows,
        strategic.outcomes(g),
        by=by,
        since=since,
        until=until,
        threshold=threshold,
        canon=canon,
        call_rows=strategic.call_places(g, people),
        money_rows=strategic.money_places(g, people),
    )
