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
from graph import dossier as queries
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


# the defaults of analytics.phones.burners: active at most 30 days, at most 5 contacts, at least 3 calls
BURNER_MAX_DAYS = 30.0
BURNER_MAX_CONTACTS = 5
BURNER_MIN_CALLS = 3


def phone_flags(
    graph: Graph,
    numbers: list[str],
    imeis: list[str],
    activity: Sequence[tuple[str, Any, Any, int, int]],
    redactor: Redactor,
) -> tuple[list[Flag], str]:
    """Swaps and short-lived (burner-like) numbers among the subject's own phones and handsets.

    The same definitions as ``analytics.phones.swaps`` and ``burners``, computed only on the subject's
    numbers and handsets: the global versions scan every call of the database, too slow for a package.
    ``activity`` is (number, first call, last call, calls, distinct contacts) per subject number.
    """
    rows = queries.pairings(graph, numbers, imeis)
    by_number: dict[str, dict[str, tuple[Any, Any]]] = {}
    by_imei: dict[str, dict[str, tuple[Any, Any]]] = {}
    for r in rows:
        number, imei = str(r["number"]), str(r["imei"])
        for table, key, other in ((by_number, number, imei), (by_imei, imei, number)):
            first, last = table.setdefault(key, {}).get(other, (None, None))
            firsts = [t for t in (first, r["first"]) if t is not None]
            lasts = [t for t in (last, r["last"]) if t is not None]
            table[key][other] = (min(firsts) if firsts else None, max(lasts) if lasts else None)
    users = queries.phone_users(graph, sorted({str(r["number"]) for r in rows}))
    flags: list[Flag] = []
    for number in numbers:
        seen = by_number.get(number, {})
        if len(seen) > 1:
            parts = [f"handset {imei} ({_day(f)} to {_day(la)})" for imei, (f, la) in sorted(seen.items())]
            flags.append(
                Flag("swap", f"Number {number} was used in {len(seen)} handsets: " + "; ".join(parts) + ".")
            )
    for imei in imeis:
        seen = by_imei.get(imei, {})
        if len(seen) > 1:
            parts = [
                f"{_phone(redactor, n, users)} ({_day(f)} to {_day(la)})"
                for n, (f, la) in sorted(seen.items())
            ]
            flags.append(Flag("swap", f"Handset {imei} held {len(seen)} numbers: " + "; ".join(parts) + "."))
    for number, first, last, calls, contacts in activity:
        if first is None or last is None:
            continue
        days = (last - first).total_seconds() / 86400
        if days <= BURNER_MAX_DAYS and contacts <= BURNER_MAX_CONTACTS and calls >= BURNER_MIN_CALLS:
            flags.append(
                Flag(
                    "burner",
                    f"Number {number} was active only {days:.1f} days ({_day(first)} to {_day(last)}) with "
                    f"{contacts} contacts and {calls} calls.",
                )
            )
    note = (
        "Swap and burner flags are analytical findings (inference), not recorded facts. For replacement "
        "numbers across the whole network, run `hilorojo phones burners`."
    )
    return flags, note
