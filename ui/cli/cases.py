"""`hilorojo cases list|sources|grade`: the analysts' saved cases, and the Admiralty grades of the loads."""

from __future__ import annotations

import click

from graph.connection import get_graph
from ui import casework
from ui.cli.output import console, print_json, print_table


@click.group("cases")
def cases_group() -> None:
    """Saved cases (made on the web UI's Cases page) and source grades."""


@cases_group.command("list")
@click.option("--all", "everyone", is_flag=True, help="Everyone's cases, not only yours.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_cases(everyone: bool, as_json: bool) -> None:
    """The saved cases, most recently changed first."""
    rows = [dict(r) for r in casework.list_cases(get_graph(), mine=not everyone)]
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("No saved cases.")
        return
    print_table(rows, ["case_id", "name", "created_by", "changed_at", "notes"], title="Saved cases")


@cases_group.command("sources")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_sources(as_json: bool) -> None:
    """Every load's source with its Admiralty grade, most recent first."""
    rows = [dict(r) for r in casework.sources(get_graph())]
    if as_json:
        print_json(rows)
        return
    print_table(rows, ["source_id", "name", "kind", "loaded_at", "grade", "graded_by"], title="Sources")


@cases_group.command("grade")
@click.argument("source_id")
@click.argument("grade")
def grade(source_id: str, grade: str) -> None:
    """Grade a load's SOURCE_ID (see `hilorojo cases sources`) with an Admiralty GRADE such as B2."""
    code = casework.grade_source(get_graph(), source_id, grade)
    console.print(f"{source_id}: graded {code}")
