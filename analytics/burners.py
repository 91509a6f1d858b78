"""Burner numbers (short-lived, few contacts) and the numbers that take over their contacts."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from analytics.phone_numbers import iso
from graph import phones as phone_queries
from graph.connection import Graph
from graph.errors import InputError


@dataclass
class NumberActivity:
    """When a number was active in the call records and with whom."""

    number: str
    first: datetime
    last: datetime
    calls: int = 0
    contacts: set[str] = field(default_factory=set)

    @property
    def lifetime_days(self) -> float:
        return (self.last - self.first).total_seconds() / 86400

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "first": iso(self.first),
            "last": iso(self.last),
            "lifetime_days": round(self.lifetime_days, 3),
            "calls": self.calls,
            "contacts": sorted(self.contacts),
        }


@dataclass
class Replacement:
    """A number that went silent and a new number, started when it stopped, sharing its contacts."""

    old: NumberActivity
    new: NumberActivity
    shared: list[str]
    jaccard: float
    gap_days: float
    users: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "old": self.old.as_dict(),
            "new": self.new.as_dict(),
            "shared_contacts": self.shared,
            "jaccard": self.jaccard,
            "gap_days": round(self.gap_days, 3),
            "users": self.users,
        }


@dataclass
class BurnerReport:
    """Short-lived numbers with few contacts, and likely replacements of numbers that went silent."""

    short_lived: list[NumberActivity]
    replacements: list[Replacement]
    data_start: datetime | None
    data_end: datetime | None
    users: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "data_start": iso(self.data_start),
            "data_end": iso(self.data_end),
            "short_lived": [{**a.as_dict(), "users": self.users.get(a.number, [])} for a in self.short_lived],
            "replacements": [r.as_dict() for r in self.replacements],
        }


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def _micros(value: datetime | timedelta) -> int:
    """An instant (aware datetime) or a duration in whole microseconds."""
    return (value - EPOCH if isinstance(value, datetime) else value) // MICROSECOND


def _activity(graph: Graph) -> dict[str, NumberActivity]:
    activity: dict[str, NumberActivity] = {}
    for n in phone_queries.number_calls(graph):
        if n.first is None or n.last is None:  # no call of this number carries a time
            continue
        activity[n.number] = NumberActivity(n.number, n.first, n.last, n.calls, set(n.contacts) - {n.number})
    return activity


def burners(
    graph: Graph,
    max_lifetime_days: float = 30,
    max_contacts: int = 5,
    min_calls: int = 3,
    silence_days: float = 7,
    max_gap_days: float = 30,
    overlap_days: float = 3,
    min_jaccard: float = 0.5,
    min_shared: int = 2,
) -> BurnerReport:
    """Burner numbers and their replacements, from the call records.

    Short-lived: active (first to last call) at most ``max_lifetime_days``, with at most
    ``max_contacts`` distinct contacts and at least ``min_calls`` calls. Replacement: an old number
    silent for at least ``silence_days`` before the end of the data, and a new number whose first
    call falls between ``overlap_days`` before and ``max_gap_days`` after the old one's last call,
    whose contact sets (each without the other number) have a Jaccard index of at least
    ``min_jaccard`` (Jaccard, "Étude comparative de la distribution florale", 1901) and share at
    least ``min_shared`` contacts.
    """
    if min_shared < 1 or not 0 < min_jaccard <= 1:
        raise InputError("bad burner limits", "use min_shared >= 1 and 0 < min_jaccard <= 1")
    activity = _activity(graph)
    if not activity:
        return BurnerReport([], [], None, None)
    data_start = min(a.first for a in activity.values())
    data_end = max(a.last for a in activity.values())
    short = [
        a
        for a in activity.values()
        if a.lifetime_days <= max_lifetime_days and len(a.contacts) <= max_contacts and a.calls >= min_calls
    ]
    short.sort(key=lambda a: (a.lifetime_days, a.first, a.number))

    # instants as whole microseconds since the epoch (exact): comparing aware datetimes costs a utcoffset()
    # call per operand. Candidates are the numbers whose first call falls in the old number's window (found
    # by bisection over the numbers sorted by first call); any that shares no contact fails min_shared >= 1.
    first_at = {n: _micros(a.first) for n, a in activity.items()}
    by_first = sorted(activity, key=lambda n: (first_at[n], n))
    firsts = [first_at[n] for n in by_first]
    end_at = _micros(data_end)
    silence, overlap, max_gap = (
        _micros(timedelta(days=d)) for d in (silence_days, overlap_days, max_gap_days)
    )
    replacements: list[Replacement] = []
    for old in activity.values():
        old_last = _micros(old.last)
        if end_at - old_last < silence or len(old.contacts) < min_shared:
            continue
        old_first = first_at[old.number]
        lo = bisect_left(firsts, old_last - overlap)
        hi = bisect_right(firsts, old_last + max_gap)
        for number in by_first[lo:hi]:
            if first_at[number] <= old_first:
                continue
            new = activity[number]
            if old.contacts.isdisjoint(new.contacts):
                continue
            a_set, b_set = old.contacts - {new.number}, new.contacts - {old.number}
            shared = a_set & b_set
            union = a_set | b_set
            jaccard = len(shared) / len(union) if union else 0.0
            if len(shared) >= min_shared and jaccard >= min_jaccard:
                gap = (new.first - old.last).total_seconds() / 86400
                replacements.append(Replacement(old, new, sorted(shared), jaccard, gap))
    replacements.sort(key=lambda r: (-r.jaccard, r.old.number, r.new.number))
    numbers = {a.number for a in short} | {n for r in replacements for n in (r.old.number, r.new.number)}
    users = phone_queries.phone_users(graph, numbers)
    for r in replacements:
        r.users = {n: users[n] for n in (r.old.number, r.new.number) if n in users}
    return BurnerReport(short, replacements, data_start, data_end, users)
