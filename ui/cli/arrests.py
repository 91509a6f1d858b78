"""`hilorojo arrests …`: co-offending, repeat offenders, operations x countries, routes, breakdowns."""

from __future__ import annotations

import click

from analytics import coarrests
from graph.connection import get_graph
from ui.cli.output import console, print_json, print_table

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
SECTIONS = {
    "together": ("pairs", "People arrested together (victims excluded)"),
    "repeat": ("repeat_offenders", "Repeat offenders across arrests and operations"),
    "operations": ("operations_countries", "Operations x countries"),
    "routes": ("routes", "Nationality -> country of arrest"),
    "breakdown": ("breakdown", "People by role and gender"),
}


@click.group("arrests")
def arrests_group() -> None:
    """Co-offending from arrest records."""


def _show(section: str, as_json: bool, min_together: int = 1) -> None:
    result = coarrests.report(get_graph(), min_together=min_together).as_dict()
    keys = list(SECTIONS) if section == "report" else [section]
    if as_json:
        print_json(result if section == "report" else result[SECTIONS[section][0]])
        return
    for key in keys:
        field, title = SECTIONS[key]
        rows = result[field]
        if rows:
            print_table(rows, title=title)
        else:
            console.print(f"{title}: none")


@arrests_group.command("report")
@click.option(
    "--min-together",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Fewest shared arrests for a pair to be listed.",
)
@JSON_OPTION
def report_cmd(min_together: int, as_json: bool) -> None:
    """Every section: together, repeat, operations, routes, breakdown."""
    _show("report", as_json, min_together)


@arrests_group.command("together")
@click.option(
    "--min-together",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Fewest shared arrests for a pair to be listed.",
)
@JSON_OPTION
def together_cmd(min_together: int, as_json: bool) -> None:
    """Pairs of people arrested together, most shared arrests first."""
    _show("together", as_json, min_together)


@arrests_group.command("repeat")
@JSON_OPTION
def repeat_cmd(as_json: bool) -> None:
    """People arrested more than once, most operations first."""
    _show("repeat", as_json)


@arrests_group.command("operations")
@JSON_OPTION
def operations_cmd(as_json: bool) -> None:
    """Arrests and people per operation and country (suspects and victims apart)."""
    _show("operations", as_json)


@arrests_group.command("routes")
@JSON_OPTION
def routes_cmd(as_json: bool) -> None:
    """Nationality -> country of arrest flows (suspects and victims apart)."""
    _show("routes", as_json)


@arrests_group.command("breakdown")
@JSON_OPTION
def breakdown_cmd(as_json: bool) -> None:
    """People involved in arrests by role and gender."""
    _show("breakdown", as_json)


@arrests_group.command("person")
@click.argument("person")
@JSON_OPTION
def person_cmd(person: str, as_json: bool) -> None:
    """PERSON's arrests and who was arrested with them."""
    result = coarrests.person_arrests(get_graph(), person)
    if as_json:
        print_json(result.as_dict())
        return
    console.print(f"{result.name} ({result.person_id}): {len(result.arrests)} arrests")
    rows = [
        {
            "date": a["date"],
            "arrest": a["arrest_id"],
            "place": ", ".join(x for x in (a["city"], a["country"]) if x),
            "operations": a["operations"],
            "role": a["role"],
            "with": [w["name"] or w["person_id"] for w in a["with"]],
            "victims": a["victims"],
        }
        for a in result.arrests
    ]
    if rows:
        print_table(rows)
