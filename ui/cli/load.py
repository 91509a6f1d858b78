"""`hilorojo load arrests|calls|identifiers|transfers|outcomes|ftm FILE`, `load bulk calls FILE...`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from graph.connection import get_graph
from loaders.ftm import load_ftm
from loaders.pipeline import LoadSummary, load_file
from ui.cli.output import console, print_json, print_table

# Exit codes: 0 every row loaded; EXIT_REJECTED the good rows loaded and some rejected (see the rejects
# file); 6 nothing loaded (an unusable file, or --strict with a bad row).
EXIT_REJECTED = 12
KIND_HELP = {
    "arrests": "Load arrests and identified people (one row per person per event).",
    "calls": "Load call detail records (one row per call or SMS).",
    "identifiers": "Load who uses which phone, device, account, e-mail or document.",
    "transfers": "Load financial transfers (one row per transaction).",
    "outcomes": "Load the justice chain: the stage each person reached in each case.",
}


def _print_summary(summary: LoadSummary) -> None:
    rows = [
        {"": "source", "value": summary.source_id},
        {"": "file", "value": summary.file_name},
        {"": "kind", "value": summary.kind},
        {"": "rows read", "value": f"{summary.rows_read:,}"},
        {"": "rows loaded", "value": f"{summary.rows_loaded:,}"},
        {"": "rows rejected", "value": f"{summary.rows_rejected:,}"},
        {"": "repeated records", "value": f"{summary.duplicates:,}"},
        {"": "nodes created", "value": f"{summary.nodes_created:,}"},
        {"": "relationships created", "value": f"{summary.relationships_created:,}"},
        {"": "rows/s", "value": f"{summary.rows_per_second:,.0f}"},
    ]
    print_table(rows, ["", "value"], title="Load summary")
    if summary.rejects_path:
        console.print(f"{summary.rows_rejected:,} rejected rows (line and reason): {summary.rejects_path}")


def _report(summary: LoadSummary, as_json: bool) -> None:
    """Print the summary (a table, or JSON); exit with EXIT_REJECTED when rows were rejected."""
    if as_json:
        print_json(summary.as_dict())
    else:
        _print_summary(summary)
    if summary.rows_rejected:
        sys.exit(EXIT_REJECTED)


# The reading options of every kind's load, named as ``load_file`` and ``bulk_load`` take them.
_READING_OPTIONS = (
    click.option(
        "--map", "mapping_path", type=click.Path(path_type=Path, dir_okay=False), help="Mapping (YAML)."
    ),
    click.option("--region", help="Default phone region for national numbers (ISO alpha-2, e.g. CO)."),
    click.option("--source", "source_name", help="A name for this source (e.g. 'Claro, order 2025-118')."),
    click.option("--strict", is_flag=True, help="Load nothing if any row is bad (exit code 6)."),
    click.option("--encoding", help="File encoding (default: detected; UTF-8 or Latin-1)."),
    click.option("--timezone", default="UTC", show_default=True, help="Zone of times given without one."),
    click.option(
        "--grade", help="Admiralty grade of this source: reliability A-F and credibility 1-6 (e.g. B2)."
    ),
    click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON for scripts."),
)


def _reading_options(command: Callable[..., None]) -> Callable[..., None]:
    for option in reversed(_READING_OPTIONS):
        command = option(command)
    return command


def _command(kind: str) -> click.Command:
    @click.command(kind, help=KIND_HELP[kind])
    @click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
    @_reading_options
    def command(file: Path, as_json: bool, **options: Any) -> None:
        summary = load_file(get_graph(), kind, file, progress=not as_json, **options)
        _report(summary, as_json)

    return command


@click.group("load")
def load() -> None:
    """Load arrests, call records, identifiers, transfers or case outcomes (CSV, gzip, xlsx, JSON lines).

    Exit code 0 when every row loaded, 12 when the good rows loaded and some were rejected (the
    rejects file gives each one's line and reason), 6 when nothing was loaded."""


for _kind in KIND_HELP:
    load.add_command(_command(_kind))


@load.command("ftm")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--region", help="Default phone region for national numbers (ISO alpha-2, e.g. CO).")
@click.option("--source", "source_name", help="A name for this source (e.g. 'Aleph, collection 42').")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON for scripts.")
def ftm(file: Path, region: str | None, source_name: str | None, as_json: bool) -> None:
    """Load FollowTheMoney entities (JSON lines from Aleph, OpenSanctions or `hilorojo export --format
    ftm`): people, phones, accounts, documents, calls, payments and arrests. Entities of schemata the
    model cannot place go to the rejects file with their reason (docs/exchange.md)."""
    summary = load_ftm(get_graph(), file, region=region, source_name=source_name)
    _report(summary, as_json)


@load.command("bulk")
@click.argument("kind", type=click.Choice(["calls"]))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@_reading_options
@click.option("--heap", default="2g", show_default=True, help="Java heap of Neo4j's importer.")
def bulk(kind: str, files: tuple[Path, ...], as_json: bool, heap: str, **options: Any) -> None:
    """First load of an empty local database with Neo4j's offline importer: the same rows, rejects and
    graph as `hilorojo load KIND FILE` for each file in turn, at about four times its rate. Stops the
    local server while the importer writes, then starts and migrates it (docs/scaling.md)."""
    from graph.settings import load_settings
    from loaders.bulk_load import bulk_load

    summary = bulk_load(load_settings(), kind, list(files), heap=heap, progress=not as_json, **options)
    if as_json:
        print_json(summary.as_dict())
    else:
        rows = [
            {"": "files", "value": ", ".join(s.file_name for s in summary.loads)},
            {"": "rows read", "value": f"{summary.rows_read:,}"},
            {"": "rows rejected", "value": f"{summary.rows_rejected:,}"},
            {"": "repeated records", "value": f"{sum(s.duplicates for s in summary.loads):,}"},
            {"": "nodes", "value": f"{summary.nodes:,}"},
            {"": "relationships", "value": f"{summary.relationships:,}"},
            {"": "seconds (files / importer / all)",
             "value": f"{summary.write_seconds:.1f} / {summary.import_seconds:.1f} / {summary.seconds:.1f}"},
            {"": "rows/s", "value": f"{summary.rows_per_second:,.0f}"},
        ]  # fmt: skip
        print_table(rows, ["", "value"], title="Bulk load summary")
        for s in summary.loads:
            if s.rejects_path:
                console.print(f"{s.rows_rejected:,} rejected rows of {s.file_name}: {s.rejects_path}")
    if summary.rows_rejected:
        sys.exit(EXIT_REJECTED)
