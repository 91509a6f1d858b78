"""Handset swaps: one handset used with several numbers, or one number in several handsets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from analytics.phone_numbers import iso
from graph import phones as phone_queries
from graph.connection import Graph
from graph.entities import resolve_person
from graph.phones import DeviceLink


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
            "first": iso(self.first),
            "last": iso(self.last),
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
