"""`hilorojo money …`: money trails, round-trip cycles, fan-in/fan-out hubs and structuring."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import click

from analytics import money
from graph.connection import get_graph
from graph.errors import InputError
from ui.cli.output import console, print_json, print_table

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _holder_names(holders: list[dict[str, object]]) -> str:
    return ", ".join(str(h.get("name") or h.get("person_id")) for h in holders)


@click.group("money")
def money_group() -> None:
    """Follow money: trails, cycles, fan hubs, structuring."""


@money_group.command("trail")
@click.argument("start")
@click.option("--forward/--backward", default=True, help="Follow money out of (default) or into the start.")
@click.option("--hops", default=4, show_default=True, type=click.IntRange(min=1), help="Transfers to follow.")
@click.option(
    "--window",
    "window_days",
    default=30,
    show_default=True,
    type=click.IntRange(min=0),
    help="Days allowed between a transfer and the next one.",
)
@JSON_OPTION
def trail_cmd(start: str, forward: bool, hops: int, window_days: int, as_json: bool) -> None:
    """Time-respecting trail from ACCOUNT_OR_PERSON (an account id, or a person's accounts)."""
    result = money.trail(get_graph(), start, "forward" if forward else "backward", hops, window_days)
    if as_json:
        print_json(result.as_dict())
        return
    direction = "out of" if forward else "into"
    console.print(f"Money {direction} {', '.join(result.accounts)} ({hops} hops, window {window_days} days)")
    rows = [
        {
            "hop": s.hop,
            "when": s.transfer.timestamp.isoformat(sep=" "),
            "from": ("  " * (s.hop - 1)) + s.transfer.source,
            "to": s.transfer.target,
            "amount": f"{s.transfer.amount} {s.transfer.currency}",
            "moved on": "" if s.share_onward is None else f"{s.share_onward:.0%}",
            "transaction": s.transfer.transaction_id,
            "after": s.parents,
        }
        for s in result.steps
    ]
    if not rows:
        console.print("no transfers found")
        return
    print_table(rows)
    totals = [
        {"hop": h, **{c: str(a) for c, a in t.items()}} for h, t in sorted(result.totals_per_hop().items())
    ]
    print_table(totals, title="Totals per hop and currency")
    if result.truncated:
        console.print("the trail was cut at its step limit; narrow it with --hops or --window")


@money_group.command("cycles")
@click.option(
    "--window",
    "window_days",
    default=30,
    show_default=True,
    type=click.IntRange(min=0),
    help="Days from the first to the last transfer of a cycle.",
)
@click.option(
    "--max-length",
    default=6,
    show_default=True,
    type=click.IntRange(min=2),
    help="Most transfers in a cycle.",
)
@JSON_OPTION
def cycles_cmd(window_days: int, max_length: int, as_json: bool) -> None:
    """Money that comes back to the account it left (round-tripping)."""
    found = money.cycles(get_graph(), window_days=window_days, max_length=max_length)
    if as_json:
        print_json([c.as_dict() for c in found])
        return
    if not found:
        console.print("no cycles found")
        return
    rows = []
    for c in found:
        d = c.as_dict()
        share = d["share_returned"]
        rows.append(
            {
                "accounts": " → ".join(c.accounts),
                "start": d["start"],
                "end": d["end"],
                "sent": ", ".join(f"{a} {k}" for k, a in d["sent"].items()),
                "returned": ", ".join(f"{a} {k}" for k, a in d["returned"].items()),
                "share back": "" if share is None else f"{share:.0%}",
            }
        )
    print_table(rows)


@money_group.command("fans")
@click.option(
    "--window",
    "window_hours",
    default=72,
    show_default=True,
    type=click.IntRange(min=0),
    help="Hours in which the counterparties are counted.",
)
@click.option("--min-counterparties", default=5, show_default=True, type=click.IntRange(min=2))
@JSON_OPTION
def fans_cmd(window_hours: int, min_counterparties: int, as_json: bool) -> None:
    """Fan-in (many senders to one account) and fan-out (one to many) hubs."""
    found = money.fans(get_graph(), window_hours=window_hours, min_counterparties=min_counterparties)
    if as_json:
        print_json([f.as_dict() for f in found])
        return
    if not found:
        console.print("no fan hubs found")
        return
    rows = []
    for f in found:
        d = f.as_dict()
        rows.append(
            {
                "account": f.account_id,
                "holder": _holder_names(f.holders),
                "kind": f.kind,
                "counterparties": f.counterparties,
                "transfers": len(f.transfers),
                "from": d["start"],
                "to": d["end"],
                "total": ", ".join(f"{a} {c}" for c, a in d["totals"].items()),
            }
        )
    print_table(rows)


def _decimal(_ctx: click.Context, _param: click.Parameter, value: str) -> Decimal:
    try:
        return Decimal(value)
    except InvalidOperation as exc:
        raise InputError(f"--threshold {value!r} is not a number", "write it like 10000 or 9999.99") from exc


@money_group.command("structuring")
@click.option(
    "--threshold",
    default="10000",
    show_default=True,
    callback=_decimal,
    help="Reporting threshold (same number in every currency).",
)
@click.option(
    "--margin",
    default=0.1,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="How far below the threshold counts as 'just below' (0.1 = 10%).",
)
@click.option(
    "--min-count",
    default=3,
    show_default=True,
    type=click.IntRange(min=1),
    help="Transfers just below the threshold needed to report an account.",
)
@click.option("--account", "accounts", multiple=True, help="Only these accounts (repeatable).")
@JSON_OPTION
def structuring_cmd(
    threshold: Decimal, margin: float, min_count: int, accounts: tuple[str, ...], as_json: bool
) -> None:
    """Accounts that repeatedly move amounts just below a reporting threshold, per currency."""
    found = money.structuring(get_graph(), threshold, margin, min_count, list(accounts) or None)
    if as_json:
        print_json([s.as_dict() for s in found])
        return
    if not found:
        console.print("no structuring found")
        return
    rows = [
        {
            "account": s.account_id,
            "holder": _holder_names(s.holders),
            "direction": s.direction,
            "currency": s.currency,
            "count": len(s.transfers),
            "total": str(s.total),
            "transactions": [t.transaction_id for t in s.transfers],
        }
        for s in found
    ]
    print_table(rows)
