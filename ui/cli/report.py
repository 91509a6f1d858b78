"""`hilorojo report strategic`: people by sex and age group, crimes, corridors, trend, justice chain."""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime
from pathlib import Path

import click

from analytics.strategic import BY, DEFAULT_THRESHOLD, StrategicReport
from dossier.strategic import render_strategic_pdf
from graph.connection import get_graph
from graph.errors import InputError
from loaders.formula import neutralise
from ui.cli.output import console, print_json, print_table
from ui.strategic import report_of


@click.group("report")
def report_group() -> None:
    """Reports for the programme (aggregates only: no one is named)."""


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def build(by: str, since: date | None, until: date | None, threshold: int) -> StrategicReport:
    """The strategic report of the process's graph."""
    if since and until and until < since:
        raise InputError(f"--until {until} is before --since {since}", "give the window's start first")
    return report_of(get_graph(), by, since, until, threshold)


def write_csv(report: StrategicReport) -> None:
    """Each table as a block of CSV lines: its title, its header, its rows, a blank line; a text cell
    that would begin a spreadsheet formula gets a leading apostrophe."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    for table in report.tables():
        out.writerow([table.title])
        out.writerow(table.columns)
        # labels come from the files (an operation named "=HYPERLINK(…)"): written as text
        out.writerows(
            [neutralise(v) if isinstance(v, str) or v is None else v for v in row] for row in table.rows
        )
        out.writerow([])


@report_group.command("strategic")
@click.option("--by", type=click.Choice(BY), default="operation", show_default=True, help="Rows of people.")
@click.option(
    "--since", type=click.DateTime(["%Y-%m-%d"]), default=None, help="First arrest date (YYYY-MM-DD)."
)
@click.option(
    "--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last arrest date (YYYY-MM-DD)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "pdf"]),
    default="table",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--threshold",
    type=click.IntRange(min=DEFAULT_THRESHOLD),
    default=DEFAULT_THRESHOLD,
    show_default=True,
    help="Counts below it are shown as <N (never lower than the default).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="PDF file (default: strategic-report.pdf; '-' writes to standard output).",
)
def strategic_cmd(
    by: str, since: datetime | None, until: datetime | None, fmt: str, threshold: int, out: Path | None
) -> None:
    """Victims and suspects by sex and age group (women, men, girls, boys, unknown), smuggling and
    trafficking, forms of exploitation, corridors, month by month, and the justice chain per operation;
    small counts shown as <5."""
    report = build(by, _day(since), _day(until), threshold)
    if fmt == "json":
        print_json(report.as_dict())
    elif fmt == "csv":
        write_csv(report)
    elif fmt == "pdf":
        data = render_strategic_pdf(report)
        if out is not None and str(out) == "-":
            sys.stdout.buffer.write(data)
            return
        path = out or Path("strategic-report.pdf")
        path.write_bytes(data)
        console.print(f"wrote {path} (pdf, {len(data):,} bytes)")
    else:
        for note in report.notes:
            console.print(note, markup=False)
        for table in report.tables():
            if table.rows:
                print_table(table.records(), table.columns, title=table.title)
            else:
                console.print(f"{table.title}: none")
