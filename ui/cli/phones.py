"""`hilorojo phones …`: handset swaps, burners and replacements, call profiles, common contacts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from analytics import phones
from graph.connection import get_graph
from ui.cli.output import console, print_json, print_table

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def _names(users: list[dict[str, Any]]) -> str:
    return ", ".join(str(u.get("name") or u.get("person_id")) for u in users)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _day(value: str | None) -> str:
    return (value or "")[:10]


@click.group("phones")
def phones_group() -> None:
    """Phone patterns: swaps, burners, profiles, common contacts."""


@phones_group.command("swaps")
@click.option(
    "--person", "person_id", default=None, help="Only swaps touching this person's numbers/handsets."
)
@JSON_OPTION
def swaps_cmd(person_id: str | None, as_json: bool) -> None:
    """Handsets used with several numbers and numbers moved across handsets, with dates."""
    found = phones.swaps(get_graph(), person_id)
    if as_json:
        print_json([s.as_dict() for s in found])
        return
    if not found:
        console.print("no handset swaps found")
        return
    rows = [
        {
            "kind": "handset with numbers" if s.kind == "device" else "number in handsets",
            "key": s.key,
            "number": u.number,
            "imei": u.imei,
            "first": _day(u.as_dict()["first"]),
            "last": _day(u.as_dict()["last"]),
            "user": _names(s.users.get(u.number, [])),
            "evidence": u.evidence,
        }
        for s in found
        for u in s.usages
    ]
    print_table(rows)


@phones_group.command("burners")
@click.option(
    "--max-lifetime",
    "max_lifetime_days",
    default=30.0,
    show_default=True,
    help="Most days from first to last call of a short-lived number.",
)
@click.option(
    "--max-contacts", default=5, show_default=True, help="Most distinct contacts of a short-lived number."
)
@click.option("--min-calls", default=3, show_default=True, help="Fewest calls of a short-lived number.")
@click.option(
    "--silence",
    "silence_days",
    default=7.0,
    show_default=True,
    help="Days without calls before the end of the data for a number to count as silent.",
)
@click.option(
    "--max-gap",
    "max_gap_days",
    default=30.0,
    show_default=True,
    help="Most days between the old number's last call and the new number's first.",
)
@click.option(
    "--overlap",
    "overlap_days",
    default=3.0,
    show_default=True,
    help="Days the new number may start before the old one stops.",
)
@click.option("--min-jaccard", default=0.5, show_default=True, help="Least contact overlap (Jaccard index).")
@click.option("--min-shared", default=2, show_default=True, help="Fewest shared contacts.")
@JSON_OPTION
def burners_cmd(as_json: bool, **limits: Any) -> None:
    """Short-lived numbers with few contacts, and numbers that replaced a silent one."""
    report = phones.burners(get_graph(), **limits)
    if as_json:
        print_json(report.as_dict())
        return
    data = report.as_dict()
    if data["short_lived"]:
        rows = [
            {
                "number": a["number"],
                "user": _names(a["users"]),
                "first": _day(a["first"]),
                "last": _day(a["last"]),
                "days": a["lifetime_days"],
                "calls": a["calls"],
                "contacts": len(a["contacts"]),
            }
            for a in data["short_lived"]
        ]
        print_table(rows, title="Short-lived numbers")
    else:
        console.print("no short-lived numbers")
    if data["replacements"]:
        rows = [
            {
                "silent number": r["old"]["number"],
                "last call": _day(r["old"]["last"]),
                "new number": r["new"]["number"],
                "first call": _day(r["new"]["first"]),
                "jaccard": r["jaccard"],
                "shared": len(r["shared_contacts"]),
                "users": _names([u for us in r["users"].values() for u in us]),
            }
            for r in data["replacements"]
        ]
        print_table(rows, title="Likely replacements")
    else:
        console.print("no likely replacements")


@phones_group.command("profile")
@click.argument("ref")
@click.option("--top", default=20, show_default=True, help="Contacts to show in the table.")
@JSON_OPTION
def profile_cmd(ref: str, top: int, as_json: bool) -> None:
    """Contacts, first/last contact and weekly activity of NUMBER_OR_PERSON."""
    result = phones.profile(get_graph(), ref)
    if as_json:
        print_json(result.as_dict())
        return
    data = result.as_dict()
    console.print(f"{', '.join(result.numbers)}: {result.calls} calls from {data['first']} to {data['last']}")
    rows = [
        {
            "number": c.number,
            "user": _names(c.users),
            "calls": c.calls,
            "out": c.outgoing,
            "in": c.incoming,
            "seconds": c.duration_s,
            "first": _day(_iso(c.first)),
            "last": _day(_iso(c.last)),
        }
        for c in result.contacts[:top]
    ]
    if rows:
        print_table(rows, title="Contacts")
    console.print("Calls by day and hour (local time of each call)")
    console.print("    " + "".join(f"{hour:>3}" for hour in range(24)), markup=False)
    for day, counts in zip(phones.DAYS, result.activity, strict=True):
        console.print(f"{day} " + "".join(f"{n:>3}" if n else "  ." for n in counts), markup=False)


@phones_group.command("common")
@click.argument("a")
@click.argument("b")
@JSON_OPTION
def common_cmd(a: str, b: str, as_json: bool) -> None:
    """Common contacts of A and B (each a number or a person)."""
    result = phones.common_contacts(get_graph(), a, b)
    if as_json:
        print_json(result.as_dict())
        return
    console.print(f"{len(result.common)} common contacts; {result.direct_calls} calls between them directly")
    if result.common:
        rows = [
            {
                "number": c.number,
                "user": _names(c.users),
                "calls with A": c.calls_a,
                "calls with B": c.calls_b,
            }
            for c in result.common
        ]
        print_table(rows)
