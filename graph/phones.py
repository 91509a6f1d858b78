"""Queries that fetch call records (CALLED), handset links (IN_DEVICE, IMEIs) and phone users in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from graph.connection import Graph

PHONES_OF_PERSON = """
MATCH (:Person {person_id: $person_id})-[:USES]->(n:Phone)
RETURN n.number AS number ORDER BY number
"""
DEVICES_OF_PERSON = """
MATCH (:Person {person_id: $person_id})-[:USES]->(d:Device)
RETURN d.imei AS imei ORDER BY imei
"""
PHONE_USERS = """
UNWIND $numbers AS number
MATCH (p:Person)-[:USES]->(:Phone {number: number})
RETURN number, p.person_id AS person_id, p.name AS name, p.role AS role
ORDER BY number, person_id
"""
IN_DEVICE_LINKS = """
MATCH (n:Phone)-[r:IN_DEVICE]->(d:Device)
RETURN n.number AS number, d.imei AS imei, r.first_seen AS first, r.last_seen AS last, 0 AS calls
"""
CALLER_IMEI_LINKS = """
MATCH (n:Phone)-[c:CALLED]->(:Phone)
WHERE c.caller_imei IS NOT NULL
RETURN n.number AS number, c.caller_imei AS imei, min(c.start_time) AS first, max(c.start_time) AS last,
       count(*) AS calls
"""
CALLEE_IMEI_LINKS = """
MATCH (:Phone)-[c:CALLED]->(n:Phone)
WHERE c.callee_imei IS NOT NULL
RETURN n.number AS number, c.callee_imei AS imei, min(c.start_time) AS first, max(c.start_time) AS last,
       count(*) AS calls
"""
CALL_PAIRS = """
MATCH (a:Phone)-[c:CALLED]->(b:Phone)
RETURN a.number AS caller, b.number AS callee, count(*) AS calls, min(c.start_time) AS first,
       max(c.start_time) AS last, sum(coalesce(c.duration_s, 0)) AS duration_s
"""
CALLS_FROM = """
UNWIND $numbers AS number
MATCH (a:Phone {number: number})-[c:CALLED]->(b:Phone)
RETURN c.call_id AS call_id, a.number AS caller, b.number AS callee, c.start_time AS start_time,
       coalesce(c.duration_s, 0) AS duration_s, c.call_type AS call_type
"""
CALLS_TO = """
UNWIND $numbers AS number
MATCH (a:Phone)-[c:CALLED]->(b:Phone {number: number})
RETURN c.call_id AS call_id, a.number AS caller, b.number AS callee, c.start_time AS start_time,
       coalesce(c.duration_s, 0) AS duration_s, c.call_type AS call_type
"""


def native(value: Any) -> datetime | None:
    """A Neo4j date-time as a Python datetime (keeping its offset); None stays None."""
    if value is None:
        return None
    return value.to_native() if hasattr(value, "to_native") else value


@dataclass(frozen=True)
class DeviceLink:
    """A number seen in a handset (IMEI): from IN_DEVICE or from the IMEIs on its call records."""

    number: str
    imei: str
    first: datetime | None
    last: datetime | None
    calls: int
    evidence: str


@dataclass(frozen=True)
class CallPair:
    """All calls from one number to another, aggregated: how many, first, last, total duration."""

    caller: str
    callee: str
    calls: int
    first: datetime
    last: datetime
    duration_s: int


@dataclass(frozen=True)
class Call:
    """One call record."""

    call_id: str
    caller: str
    callee: str
    start_time: datetime
    duration_s: int
    call_type: str | None


def phones_of_person(graph: Graph, person_id: str) -> list[str]:
    return [r["number"] for r in graph.read(PHONES_OF_PERSON, {"person_id": person_id})]


def devices_of_person(graph: Graph, person_id: str) -> list[str]:
    return [r["imei"] for r in graph.read(DEVICES_OF_PERSON, {"person_id": person_id})]


def phone_users(graph: Graph, numbers: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The people recorded as using each number (person_id, name, role)."""
    users: dict[str, list[dict[str, Any]]] = {}
    for r in graph.read(PHONE_USERS, {"numbers": sorted(set(numbers))}):
        users.setdefault(r["number"], []).append(
            {"person_id": r["person_id"], "name": r["name"], "role": r["role"]}
        )
    return users


def device_links(graph: Graph) -> list[DeviceLink]:
    """Every (number, IMEI) pairing the graph records, one row per kind of evidence."""
    links: list[DeviceLink] = []
    for query, evidence in (
        (IN_DEVICE_LINKS, "IN_DEVICE"),
        (CALLER_IMEI_LINKS, "call records"),
        (CALLEE_IMEI_LINKS, "call records"),
    ):
        for r in graph.read(query):
            links.append(
                DeviceLink(
                    r["number"], str(r["imei"]), native(r["first"]), native(r["last"]), r["calls"], evidence
                )
            )
    return links


def call_pairs(graph: Graph) -> Iterator[CallPair]:
    """Every caller -> callee pair with its calls aggregated (streamed in bulk)."""
    for caller, callee, calls, first, last, duration in graph.stream(CALL_PAIRS):
        yield CallPair(caller, callee, int(calls), native(first), native(last), int(duration))  # type: ignore[arg-type]


def calls_of(graph: Graph, numbers: Iterable[str]) -> list[Call]:
    """Every call made or received by these numbers, oldest first (a call between two of them once)."""
    params = {"numbers": sorted(set(numbers))}
    seen: dict[str, Call] = {}
    for query in (CALLS_FROM, CALLS_TO):
        for r in graph.read(query, params):
            start = native(r["start_time"])
            if start is None:
                continue
            seen[str(r["call_id"])] = Call(
                str(r["call_id"]), r["caller"], r["callee"], start, int(r["duration_s"]), r["call_type"]
            )
    return sorted(seen.values(), key=lambda c: (c.start_time, c.call_id))
