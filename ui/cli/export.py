"""`hilorojo export`: the network, or part of it, for FollowTheMoney/Aleph, Gephi, i2 or spreadsheets."""

from __future__ import annotations

from pathlib import Path

import click

from exchange.export import FORMATS, SINGLE_FILE, build_export, write_export
from exchange.network import Selection
from graph.connection import get_graph
from graph.projection import parse_layers
from ui.cli.analytics import _date
from ui.cli.output import console, print_json


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    required=True,
    help="Output file (ftm, graphml, gexf) or folder (csv, i2).",
)
@click.option("--community", type=int, default=None, help="Only this cell (or organisation with --level).")
@click.option(
    "--level",
    type=click.Choice(["cell", "organisation"]),
    default="cell",
    show_default=True,
    help="What --community numbers.",
)
@click.option("--around", default=None, help="Only the people around this person (person_id or full name).")
@click.option("--hops", type=click.IntRange(0, 4), default=1, show_default=True, help="Radius of --around.")
@click.option(
    "--layers", default="calls,money,arrests,identifiers", show_default=True, help="Links to export."
)
@click.option("--since", default=None, help="Only events on or after this day (YYYY-MM-DD).")
@click.option("--until", default=None, help="Only events on or before this day (YYYY-MM-DD).")
@click.option(
    "--include-victims", is_flag=True, help="Victims' names and identifiers (analyst role; recorded)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary of what was written.")
def export(
    fmt: str,
    out: Path,
    community: int | None,
    level: str,
    around: str | None,
    hops: int,
    layers: str,
    since: str | None,
    until: str | None,
    include_victims: bool,
    as_json: bool,
) -> None:
    """Export the network (everyone, a community, or the people around one person) with provenance.
    Victims appear as "Victim 1", ... without identifiers unless --include-victims."""
    if community is not None and around is not None:
        raise click.UsageError("give --community or --around, not both")
    selection = Selection(
        community=community,
        level=level,
        around=around,
        hops=hops,
        layers=parse_layers(layers),
        since=_date(since, "--since"),
        until=_date(until, "--until"),
    )
    result = build_export(get_graph(), fmt, selection, include_victims=include_victims)
    paths = write_export(result, out)
    summary = {
        "format": fmt,
        "files": [str(p) for p in paths],
        "selection": result.selection.describe(),
        "people": result.people,
        "calls": result.calls,
        "transfers": result.transfers,
        "arrests": result.arrests,
        "victims_included": result.victims_included,
        "victims_pseudonymised": result.victims_hidden,
        "bytes": result.bytes,
        "notes": result.notes,
    }
    if as_json:
        print_json(summary)
        return
    where = out if fmt in SINGLE_FILE else f"{out}/ ({', '.join(p.name for p in paths)})"
    console.print(
        f"wrote {where}: {result.people:,} people, {result.calls:,} calls, {result.transfers:,} transfers, "
        f"{result.arrests:,} arrests ({result.selection.describe()})",
        markup=False,
    )
    console.print(
        "VICTIM DATA INCLUDED (--include-victims)"
        if result.victims_included
        else f"victims pseudonymised: {result.victims_hidden}",
        markup=False,
    )
    for note in result.notes:
        console.print(f"note: {note}", markup=False)
