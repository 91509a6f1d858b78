"""One number's or person's call profile, and the contacts two numbers or people have in common."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from analytics.phone_numbers import iso, numbers_of
from graph import phones as phone_queries
from graph.connection import Graph
from graph.errors import InputError

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class Contact:
    """One counterpart of the profiled numbers: calls each way, total duration, first and last call."""

    number: str
    calls: int = 0
    outgoing: int = 0
    incoming: int = 0
    duration_s: int = 0
    first: datetime | None = None
    last: datetime | None = None
    users: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "calls": self.calls,
            "outgoing": self.outgoing,
            "incoming": self.incoming,
            "duration_s": self.duration_s,
            "first": iso(self.first),
            "last": iso(self.last),
            "users": self.users,
        }


@dataclass
class Profile:
    """Who a number (or a person's numbers) calls, how much and when (weekday x hour activity)."""

    ref: str
    label: str
    numbers: list[str]
    calls: int
    first: datetime | None
    last: datetime | None
    contacts: list[Contact]
    activity: list[list[int]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "label": self.label,
            "numbers": self.numbers,
            "calls": self.calls,
            "first": iso(self.first),
            "last": iso(self.last),
            "contacts": [c.as_dict() for c in self.contacts],
            "activity": {"days": list(DAYS), "hours": list(range(24)), "counts": self.activity},
        }


def profile(graph: Graph, ref: str) -> Profile:
    """Contacts ranked by calls then duration, first/last contact, and a 7 x 24 matrix of calls by
    day of week (Monday first) and hour of day, in the local time recorded with each call."""
    entity, numbers = numbers_of(graph, ref)
    own = set(numbers)
    contacts: dict[str, Contact] = {}
    matrix = [[0] * 24 for _ in DAYS]
    calls = phone_queries.calls_of(graph, own)
    for call in calls:
        matrix[call.start_time.weekday()][call.start_time.hour] += 1
        outgoing = call.caller in own
        other = call.callee if outgoing else call.caller
        if other in own:
            continue
        c = contacts.setdefault(other, Contact(other))
        c.calls += 1
        c.outgoing += int(outgoing)
        c.incoming += int(not outgoing)
        c.duration_s += call.duration_s
        c.first = call.start_time if c.first is None else min(c.first, call.start_time)
        c.last = call.start_time if c.last is None else max(c.last, call.start_time)
    users = phone_queries.phone_users(graph, contacts)
    for number, c in contacts.items():
        c.users = users.get(number, [])
    ranked = sorted(contacts.values(), key=lambda c: (-c.calls, -c.duration_s, c.number))
    return Profile(
        ref=ref,
        label=entity.label,
        numbers=numbers,
        calls=len(calls),
        first=calls[0].start_time if calls else None,
        last=calls[-1].start_time if calls else None,
        contacts=ranked,
        activity=matrix,
    )


@dataclass
class CommonContact:
    """A number both sides called or were called by, with the calls on each side."""

    number: str
    calls_a: int
    calls_b: int
    users: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"number": self.number, "calls_a": self.calls_a, "calls_b": self.calls_b, "users": self.users}


@dataclass
class CommonContacts:
    """Common contacts of two numbers or people, and the calls between them directly."""

    a: str
    b: str
    numbers_a: list[str]
    numbers_b: list[str]
    direct_calls: int
    common: list[CommonContact]

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "numbers_a": self.numbers_a,
            "numbers_b": self.numbers_b,
            "direct_calls": self.direct_calls,
            "common": [c.as_dict() for c in self.common],
        }


def _contact_counts(graph: Graph, numbers: set[str]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for call in phone_queries.calls_of(graph, numbers):
        other = call.callee if call.caller in numbers else call.caller
        if other not in numbers:
            counts[other] += 1
    return counts


def common_contacts(graph: Graph, a: str, b: str) -> CommonContacts:
    """Numbers in contact with both sides (each a number or a person's numbers), ranked by the
    smaller side's calls; the two sides' own numbers are not contacts."""
    _, numbers_a = numbers_of(graph, a)
    _, numbers_b = numbers_of(graph, b)
    set_a, set_b = set(numbers_a), set(numbers_b)
    if set_a & set_b:
        raise InputError(f"{a!r} and {b!r} share a number", "compare two different numbers or people")
    counts_a = _contact_counts(graph, set_a)
    counts_b = _contact_counts(graph, set_b)
    direct = sum(counts_a.get(n, 0) for n in set_b)
    shared = (counts_a.keys() & counts_b.keys()) - set_a - set_b
    users = phone_queries.phone_users(graph, shared)
    common = [CommonContact(n, counts_a[n], counts_b[n], users.get(n, [])) for n in shared]
    common.sort(key=lambda c: (-min(c.calls_a, c.calls_b), -(c.calls_a + c.calls_b), c.number))
    return CommonContacts(a, b, sorted(set_a), sorted(set_b), direct, common)
