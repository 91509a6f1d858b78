"""Phone patterns: handset swaps, burner numbers and their replacements, call profiles, common contacts."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from graph import phones as phone_queries
from graph.connection import Graph
from graph.entities import EntityRef, resolve_entity, resolve_person
from graph.errors import InputError
from graph.phones import DeviceLink
from values.phone import phone_candidates as candidates

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def phone_candidates(text: str) -> list[str]:
    """Normalised forms of a user-typed number (``values.phone.phone_candidates``)."""
    return list(candidates(text))


def _numbers_of(graph: Graph, ref: str) -> tuple[EntityRef, list[str]]:
    """The phone numbers meant by a number or a person named by the user."""
    entity = resolve_entity(graph, ref, phone_candidates(ref))
    if entity.label == "Phone":
        return entity, [entity.key]
    if entity.label == "Person":
        numbers = phone_queries.phones_of_person(graph, entity.key)
        if not numbers:
            raise InputError(f"person {entity.key} uses no phone number", "load the subscriber list (USES)")
        return entity, numbers
    raise InputError(
        f"{ref!r} is a {entity.label.lower()}, not a phone or a person", "give a number or person"
    )


# --------------------------------------------------------------------------------------------- swaps
@dataclass
class Usage:
    """A number in a handset from ``first`` to ``last``, and the evidence for it."""

    number: str
    imei: str
    first: datetime | None
    last: datetime | None
    calls: int
    evidence: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "imei": self.imei,
            "first": _iso(self.first),
            "last": _iso(self.last),
            "calls": self.calls,
            "evidence": self.evidence,
        }


@dataclass
class Swap:
    """One handset used with several numbers (``device``) or one number in several handsets (``number``)."""

    kind: str
    key: str
    usages: list[Usage]
    users: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "usages": [u.as_dict() for u in self.usages],
            "users": self.users,
        }


def _merge_links(links: list[DeviceLink]) -> list[Usage]:
    merged: dict[tuple[str, str], Usage] = {}
    for link in links:
        usage = merged.get((link.number, link.imei))
        if usage is None:
            merged[(link.number, link.imei)] = Usage(
                link.number, link.imei, link.first, link.last, link.calls, [link.evidence]
            )
            continue
        firsts = [t for t in (usage.first, link.first) if t is not None]
        lasts = [t for t in (usage.last, link.last) if t is not None]
        usage.first = min(firsts) if firsts else None
        usage.last = max(lasts) if lasts else None
        usage.calls += link.calls
        if link.evidence not in usage.evidence:
            usage.evidence.append(link.evidence)
    return list(merged.values())


def _by_first(usage: Usage) -> tuple[bool, datetime | None, str, str]:
    return (usage.first is None, usage.first, usage.number, usage.imei)


def swaps(graph: Graph, person_id: str | None = None) -> list[Swap]:
    """Handsets (IMEIs) seen with two or more numbers and numbers seen in two or more handsets, each
    with the dates of every pairing (from IN_DEVICE and the IMEIs of call records); optionally only
    those touching a person's numbers or handsets."""
    # which numbers a swap involves, from the distinct pairings alone; then the dates of only those numbers'
    # links (every link of a swapped handset or number belongs to an involved number, so the groups below
    # are the same as over the whole database)
    numbers_of: dict[str, set[str]] = defaultdict(set)
    devices_of: dict[str, set[str]] = defaultdict(set)
    for number, imei in phone_queries.device_link_keys(graph):
        numbers_of[imei].add(number)
        devices_of[number].add(imei)
    involved = {n for ns in numbers_of.values() if len(ns) > 1 for n in ns}
    involved |= {n for n, imeis in devices_of.items() if len(imeis) > 1}
    usages = _merge_links(phone_queries.device_links(graph, involved)) if involved else []
    by_device: dict[str, list[Usage]] = defaultdict(list)
    by_number: dict[str, list[Usage]] = defaultdict(list)
    for u in usages:
        by_device[u.imei].append(u)
        by_number[u.number].append(u)
    found = [Swap("device", imei, sorted(us, key=_by_first)) for imei, us in by_device.items() if len(us) > 1]
    found += [Swap("number", num, sorted(us, key=_by_first)) for num, us in by_number.items() if len(us) > 1]
    if person_id is not None:
        person = resolve_person(graph, person_id)
        numbers = set(phone_queries.phones_of_person(graph, person.key))
        devices = set(phone_queries.devices_of_person(graph, person.key))
        found = [s for s in found if any(u.number in numbers or u.imei in devices for u in s.usages)]
    users = phone_queries.phone_users(graph, {u.number for s in found for u in s.usages})
    for s in found:
        s.users = {u.number: users[u.number] for u in s.usages if u.number in users}
    found.sort(key=lambda s: (-len(s.usages), s.kind, s.key))
    return found


# ------------------------------------------------------------------------------------------- burners
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
            "first": _iso(self.first),
            "last": _iso(self.last),
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
            "data_start": _iso(self.data_start),
            "data_end": _iso(self.data_end),
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


# ------------------------------------------------------------------------------------------- profile
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
            "first": _iso(self.first),
            "last": _iso(self.last),
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
            "first": _iso(self.first),
            "last": _iso(self.last),
            "contacts": [c.as_dict() for c in self.contacts],
            "activity": {"days": list(DAYS), "hours": list(range(24)), "counts": self.activity},
        }


def profile(graph: Graph, ref: str) -> Profile:
    """Contacts ranked by calls then duration, first/last contact, and a 7 x 24 matrix of calls by
    day of week (Monday first) and hour of day, in the local time recorded with each call."""
    entity, numbers = _numbers_of(graph, ref)
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


# ------------------------------------------------------------------------------------ common contacts
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
    _, numbers_a = _numbers_of(graph, a)
    _, numbers_b = _numbers_of(graph, b)
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
