"""Queries that fetch arrests, who was involved in them, and the people's gender, role and nationality."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.connection import Graph

ARRESTS = """
MATCH (a:Arrest)
OPTIONAL MATCH (a)-[:PART_OF]->(o:Operation)
OPTIONAL MATCH (a)-[:IN_COUNTRY]->(c:Country)
RETURN a.arrest_id AS arrest_id, a.arrest_date AS arrest_date, a.city AS city,
       coalesce(c.code, a.country) AS country, collect(DISTINCT o.name) AS operations
"""
INVOLVEMENTS = """
MATCH (p:Person)-[i:INVOLVED_IN]->(a:Arrest)
OPTIONAL MATCH (p)-[:NATIONAL_OF]->(c:Country)
WITH p, i, a, min(c.code) AS country_code
RETURN p.person_id AS person_id, p.name AS name, p.role AS role, p.gender AS gender,
       coalesce(p.nationality, country_code) AS nationality, a.arrest_id AS arrest_id,
       i.role AS arrest_role, i.charges AS charges
"""
PERSON_INVOLVEMENTS = """
MATCH (p:Person {person_id: $person_id})-[:INVOLVED_IN]->(a:Arrest)
RETURN a.arrest_id AS arrest_id
"""


@dataclass
class ArrestRecord:
    """One arrest event with its operations and country, and the people involved."""

    arrest_id: str
    arrest_date: date | None
    city: str | None
    country: str | None
    operations: list[str]
    people: list[Involvement] = field(default_factory=list)


@dataclass(frozen=True)
class Involvement:
    """A person involved in an arrest, with their overall role and their role in this arrest."""

    person_id: str
    name: str | None
    role: str
    gender: str | None
    nationality: str | None
    arrest_role: str | None
    charges: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "name": self.name,
            "role": self.role,
            "gender": self.gender,
            "nationality": self.nationality,
            "arrest_role": self.arrest_role,
            "charges": list(self.charges),
        }


def _date(value: Any) -> date | None:
    if value is None:
        return None
    return value.to_native() if hasattr(value, "to_native") else value


def arrests(graph: Graph) -> dict[str, ArrestRecord]:
    """Every arrest with the people involved in it."""
    records = {
        r["arrest_id"]: ArrestRecord(
            r["arrest_id"], _date(r["arrest_date"]), r["city"], r["country"], sorted(r["operations"])
        )
        for r in graph.read(ARRESTS)
    }
    for r in graph.read(INVOLVEMENTS):
        record = records.get(r["arrest_id"])
        if record is None:
            continue
        record.people.append(
            Involvement(
                r["person_id"],
                r["name"],
                r["role"] or "unknown",
                r["gender"],
                r["nationality"],
                r["arrest_role"],
                tuple(r["charges"] or ()),
            )
        )
    return records


def arrests_of_person(graph: Graph, person_id: str) -> list[str]:
    return [r["arrest_id"] for r in graph.read(PERSON_INVOLVEMENTS, {"person_id": person_id})]
