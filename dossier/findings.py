"""Analytical findings for a package from the analytics modules: money trails, structuring, phone flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from analytics import money as money_analytics
from analytics import phones as phone_analytics
from dossier.document import Flag
from dossier.redaction import Redactor
from graph.connection import Graph

TRAIL_HOPS = 3
TRAIL_WINDOW_DAYS = 30
STRUCTURING_THRESHOLD = Decimal("10000")
STRUCTURING_MARGIN = 0.1
STRUCTURING_MIN_COUNT = 3
MAX_LISTED = 8
Holders = Mapping[str, Sequence[Mapping[str, Any]]]


def _day(value: datetime | None) -> str:
    return value.date().isoformat() if value is not None else "?"


def _account(redactor: Redactor, account: str, holders: Holders) -> str:
    users = list(holders.get(account, []))
    shown = redactor.identifier("account", account, users)
    names = [redactor.label(u) for u in users]
    return f"{shown} ({', '.join(names)})" if names and shown == account else shown


def _phone(redactor: Redactor, number: str, users: Holders) -> str:
    people = list(users.get(number, []))
    shown = redactor.identifier("phone", number, people)
    names = [redactor.label(u) for u in people]
    return f"{shown} ({', '.join(names)})" if names and shown == number else shown


def _money_text(totals: Mapping[str, Decimal]) -> str:
    return ", ".join(f"{amount} {currency}" for currency, amount in sorted(totals.items()))


def money_findings(
    graph: Graph, person_id: str, accounts: list[str], redactor: Redactor
) -> tuple[list[str], list[Flag], str]:
    """Trails forward and backward from the person's accounts and structuring flags on them."""
    if not accounts:
        return [], [], "The subject holds no known account."
    trails: list[str] = []
    for direction, verb in (("forward", "sent on from"), ("backward", "paid into")):
        trail = money_analytics.trail(
            graph, person_id, direction=direction, hops=TRAIL_HOPS, window_days=TRAIL_WINDOW_DAYS
        )
        if not trail.steps:
            continue
        per_hop = "; ".join(
            f"hop {hop}: {sum(1 for s in trail.steps if s.hop == hop)} transfers, {_money_text(totals)}"
            for hop, totals in sorted(trail.totals_per_hop().items())
        )
        reached = [a for a in trail.accounts_reached() if a not in accounts]
        shown = ", ".join(_account(redactor, a, trail.holders) for a in reached[:MAX_LISTED]) or "none"
        more = f" and {len(reached) - MAX_LISTED} more" if len(reached) > MAX_LISTED else ""
        trails.append(
            f"Money {verb} the subject's accounts ({direction}, up to {TRAIL_HOPS} hops, each within "
            f"{TRAIL_WINDOW_DAYS} days of the previous): {per_hop}. Other accounts reached: {shown}{more}."
        )
    low = STRUCTURING_THRESHOLD * (1 - Decimal(str(STRUCTURING_MARGIN)))
    flags = [
        Flag(
            "structuring",
            f"Account {s.account_id} {s.direction} {len(s.transfers)} transfers between {low} and "
            f"{STRUCTURING_THRESHOLD} {s.currency} (just under the reporting threshold), total "
            f"{s.total} {s.currency}.",
        )
        for s in money_analytics.structuring(
            graph,
            threshold=STRUCTURING_THRESHOLD,
            margin=STRUCTURING_MARGIN,
            min_count=STRUCTURING_MIN_COUNT,
            account_ids=accounts,
        )
    ]
    note = (
        "Trails follow transfers in time order (analytics.money); structuring flags are analytical "
        "findings (inference), not charges."
    )
    return trails, flags, note


def activity_matrix(graph: Graph, person_id: str) -> list[list[int]]:
    """Calls of the person's numbers by weekday (Monday first) and hour, each in its recorded local time."""
    return [list(row) for row in phone_analytics.profile(graph, person_id).activity]


def phone_flags(
    graph: Graph, person_id: str, numbers: list[str], redactor: Redactor
) -> tuple[list[Flag], str]:
    """Handset/SIM swaps touching the person, and burner or replacement patterns on the person's numbers."""
    flags: list[Flag] = []
    for s in phone_analytics.swaps(graph, person_id=person_id):
        parts = [
            f"{_phone(redactor, u.number, s.users)} in handset {u.imei} ({_day(u.first)} to {_day(u.last)})"
            for u in s.usages
        ]
        what = "Handset " + s.key if s.kind == "device" else "Number " + _phone(redactor, s.key, s.users)
        flags.append(Flag("swap", f"{what} seen in {len(s.usages)} pairings: " + "; ".join(parts) + "."))
    own = set(numbers)
    report = phone_analytics.burners(graph)
    for a in report.short_lived:
        if a.number in own:
            flags.append(
                Flag(
                    "burner",
                    f"Number {a.number} was active only {a.lifetime_days:.1f} days ({_day(a.first)} to "
                    f"{_day(a.last)}) with {len(a.contacts)} contacts and {a.calls} calls.",
                )
            )
    for r in report.replacements:
        if r.old.number in own or r.new.number in own:
            flags.append(
                Flag(
                    "replacement",
                    f"Number {_phone(redactor, r.old.number, r.users)} went silent on {_day(r.old.last)}; "
                    f"{_phone(redactor, r.new.number, r.users)} started on {_day(r.new.first)} with "
                    f"{len(r.shared)} of the same contacts (Jaccard {r.jaccard:.2f}).",
                )
            )
    note = (
        "Swap, burner and replacement flags (analytics.phones) are analytical findings, not recorded facts."
    )
    return flags, note
