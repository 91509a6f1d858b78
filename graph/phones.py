"""Queries that fetch call records (CALLED), handset links (IN_DEVICE, IMEIs) and phone users in bulk."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
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
# Handset links: distinct (number, IMEI) keys first (strings only: cheap to fetch for the whole database),
# then the dated details of the few numbers involved in a swap.
DEVICE_LINK_KEYS = """
MATCH (n:Phone)-[:IN_DEVICE]->(d:Device)
RETURN n.number AS number, toString(d.imei) AS imei
UNION
MATCH (n:Phone)-[c:CALLED]->(:Phone)
WHERE c.caller_imei IS NOT NULL
RETURN n.number AS number, toString(c.caller_imei) AS imei
UNION
MATCH (:Phone)-[c:CALLED]->(n:Phone)
WHERE c.callee_imei IS NOT NULL
RETURN n.number AS number, toString(c.callee_imei) AS imei
"""
# Times travel as epoch seconds, nanoseconds and offset: the driver's date-time objects are slow to build.
IN_DEVICE_LINKS = """
UNWIND $numbers AS number
MATCH (n:Phone {number: number})-[r:IN_DEVICE]->(d:Device)
WITH n, d, r.first_seen AS f, r.last_seen AS l
RETURN n.number AS number, d.imei AS imei, 0 AS calls,
       f.epochSeconds AS f_s, f.nanosecond AS f_ns, f.offsetSeconds AS f_off,
       l.epochSeconds AS l_s, l.nanosecond AS l_ns, l.offsetSeconds AS l_off
"""
# caller and callee IMEIs together: one link per (number, IMEI) with all its calls, as merging the two would
CALL_IMEI_LINKS = """
UNWIND $numbers AS number
CALL {
  WITH number
  MATCH (:Phone {number: number})-[c:CALLED]->(:Phone)
  WHERE c.caller_imei IS NOT NULL
  RETURN c.caller_imei AS imei, c.start_time AS t
  UNION ALL
  WITH number
  MATCH (:Phone)-[c:CALLED]->(:Phone {number: number})
  WHERE c.callee_imei IS NOT NULL
  RETURN c.callee_imei AS imei, c.start_time AS t
}
WITH number, imei, min(t) AS f, max(t) AS l, count(*) AS calls
RETURN number, imei, calls,
       f.epochSeconds AS f_s, f.nanosecond AS f_ns, f.offsetSeconds AS f_off,
       l.epochSeconds AS l_s, l.nanosecond AS l_ns, l.offsetSeconds AS l_off
"""
# Each call counts for both its ends (a call to oneself twice, as two ends); contacts are the other ends.
NUMBER_ACTIVITY = """
MATCH (a:Phone)-[c:CALLED]->(b:Phone)
WITH a.number AS caller, b.number AS callee, c.start_time AS t
UNWIND [[caller, callee], [callee, caller]] AS ends
WITH ends[0] AS number, ends[1] AS other, t
WITH number, count(*) AS calls, min(t) AS f, max(t) AS l, collect(DISTINCT other) AS contacts
RETURN number, calls, contacts,
       f.epochSeconds AS f_s, f.nanosecond AS f_ns, f.offsetSeconds AS f_off,
       l.epochSeconds AS l_s, l.nanosecond AS l_ns, l.offsetSeconds AS l_off
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


def moment(seconds: int | None, nanosecond: int | None, offset: int | None) -> datetime | None:
    """A Neo4j date-time sent as epoch seconds, nanoseconds and UTC offset (seconds) as a Python datetime:
    the same instant, wall time and offset as ``native`` gives (microseconds rounded half to even, as the
    driver does), at a fraction of the driver's cost per value."""
    if seconds is None:
        return None
    zone = timezone(timedelta(seconds=offset or 0))
    return datetime.fromtimestamp(seconds, zone) + timedelta(microseconds=round((nanosecond or 0) / 1000))


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
class NumberCalls:
    """A number's calls both ways: how many, first and last, and the numbers it called or was called by."""

    number: str
    calls: int
    first: datetime | None
    last: datetime | None
    contacts: list[str]


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


def device_link_keys(graph: Graph) -> list[tuple[str, str]]:
    """Every distinct (number, IMEI) pairing the graph records (IN_DEVICE or the IMEIs of call records)."""
    return [(number, imei) for number, imei in graph.stream(DEVICE_LINK_KEYS)]


def device_links(graph: Graph, numbers: Iterable[str]) -> list[DeviceLink]:
    """Every (number, IMEI) pairing of these numbers, dated, one row per kind of evidence."""
    params = {"numbers": sorted(set(numbers))}
    links: list[DeviceLink] = []
    for query, evidence in (
        (IN_DEVICE_LINKS, "IN_DEVICE"),
        (CALL_IMEI_LINKS, "call records"),
    ):
        for r in graph.read(query, params):
            first = moment(r["f_s"], r["f_ns"], r["f_off"])
            last = moment(r["l_s"], r["l_ns"], r["l_off"])
            links.append(DeviceLink(r["number"], str(r["imei"]), first, last, r["calls"], evidence))
    return links


def number_calls(graph: Graph) -> Iterator[NumberCalls]:
    """Every number in the call records with its calls aggregated (streamed in bulk)."""
    for number, calls, contacts, f_s, f_ns, f_off, l_s, l_ns, l_off in graph.stream(NUMBER_ACTIVITY):
        yield NumberCalls(number, int(calls), moment(f_s, f_ns, f_off), moment(l_s, l_ns, l_off), contacts)


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
