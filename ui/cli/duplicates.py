"""`hilorojo duplicates …`: candidate duplicate people, and the analyst's merge and split decisions."""

from __future__ import annotations

import click

from analytics import duplicates
from graph.connection import get_graph
from ui.cli.output import console, print_json, print_table

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
ANALYST = click.option("--analyst", required=True, help="Who decides (recorded).")
REASON = click.option("--reason", required=True, help="Why (recorded).")


@click.group("duplicates", invoke_without_command=True)
@click.option(
    "--min-score",
    default=0.8,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Lowest score of a pair to list.",
)
@click.option(
    "--limit", default=200, show_default=True, type=click.IntRange(min=1), help="Most pairs to list."
)
@JSON_OPTION
@click.pass_context
def duplicates_group(ctx: click.Context, min_score: float, limit: int, as_json: bool) -> None:
    """Person records that are probably the same person (nothing is merged without an analyst)."""
    if ctx.invoked_subcommand is not None:
        return
    found = duplicates.candidates(get_graph(), min_score=min_score, limit=limit)
    if as_json:
        print_json([c.as_dict() for c in found])
        return
    if not found:
        console.print("no candidate duplicates")
        return
    rows = [
        {
            "score": round(c.score, 3),
            "a": c.a,
            "name a": c.name_a,
            "b": c.b,
            "name b": c.name_b,
            "reasons": c.reasons,
            "note": "victim involved: decide with care" if c.involves_victim else "",
        }
        for c in found
    ]
    print_table(rows)


@duplicates_group.command("merge")
@click.argument("a")
@click.argument("b")
@ANALYST
@REASON
@click.option(
    "--force", is_flag=True, help="Merge a victim with a suspect, or records whose birth dates differ."
)
@JSON_OPTION
def merge_cmd(a: str, b: str, analyst: str, reason: str, force: bool, as_json: bool) -> None:
    """Record that person records A and B are the same person (reversible with `split`)."""
    decision = duplicates.merge(get_graph(), a, b, analyst, reason, force=force)
    if as_json:
        print_json(decision.as_dict())
        return
    console.print(
        f"merged {decision.a} and {decision.b}: decision {decision.decision_id} by {decision.analyst}"
    )


@duplicates_group.command("split")
@click.argument("decision_id")
@ANALYST
@REASON
@JSON_OPTION
def split_cmd(decision_id: str, analyst: str, reason: str, as_json: bool) -> None:
    """Undo merge DECISION_ID (the merge and the split both stay on record)."""
    decision = duplicates.split(get_graph(), decision_id, analyst, reason)
    if as_json:
        print_json(decision.as_dict())
        return
    console.print(
        f"split {decision.a} and {decision.b}: decision {decision.decision_id} by {decision.analyst}"
    )


@duplicates_group.command("merges")
@JSON_OPTION
def merges_cmd(as_json: bool) -> None:
    """The merge decisions in force."""
    found = duplicates.merges(get_graph())
    if as_json:
        print_json([d.as_dict() for d in found])
        return
    if not found:
        console.print("no merges")
        return
    print_table([d.as_dict() for d in found], ["decision_id", "a", "b", "analyst", "at", "reason", "forced"])
