"""Co-offending from arrests: who was arrested together, repeat offenders, operations, routes, breakdowns."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from analytics.duplicates import canonical_ids
from graph import arrests as arrest_queries
from graph.arrests import ArrestRecord, Involvement
from graph.connection import Graph
from graph.entities import resolve_person


def _is_victim(person: Involvement) -> bool:
    return person.role == "victim" or person.arrest_role == "victim"


@dataclass
class CoArrestReport:
    """Who was arrested together and where; victims are counted apart and never paired or ranked."""

    pairs: list[dict[str, Any]] = field(default_factory=list)
    repeat_offenders: list[dict[str, Any]] = field(default_factory=list)
    operations_countries: list[dict[str, Any]] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)
    breakdown: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "repeat_offenders": self.repeat_offenders,
            "operations_countries": self.operations_countries,
            "routes": self.routes,
            "breakdown": self.breakdown,
        }


def _counts(people: dict[str, Involvement]) -> dict[str, int]:
    victims = sum(1 for p in people.values() if _is_victim(p))
    suspects = sum(1 for p in people.values() if not _is_victim(p) and p.role == "suspect")
    return {"suspects": suspects, "victims": victims, "others": len(people) - victims - suspects}


def _pairs(
    together: dict[tuple[str, str], list[str]], names: dict[str, str | None], min_together: int
) -> list[dict[str, Any]]:
    """Pairs arrested together at least ``min_together`` times, the most often first."""
    pairs: list[dict[str, Any]] = []
    for (a, b), arrest_ids in sorted(together.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(arrest_ids) >= min_together:
            pairs.append(
                {
                    "a": a,
                    "a_name": names.get(a),
                    "b": b,
                    "b_name": names.get(b),
                    "arrests": len(arrest_ids),
                    "arrest_ids": arrest_ids,
                }
            )
    return pairs


def _repeat_offenders(
    history: dict[str, list[ArrestRecord]],
    names: dict[str, str | None],
    cid: Callable[[Involvement], str],
) -> list[dict[str, Any]]:
    """People in two or more arrests, ranked by operations then arrests, with the records merged in them."""
    offenders: list[dict[str, Any]] = []
    for key, items in history.items():
        if len(items) < 2:
            continue
        operations = sorted({op for r in items for op in r.operations})
        offenders.append(
            {
                "person_id": key,
                "name": names.get(key),
                "arrests": len(items),
                "operations": operations,
                "countries": sorted({r.country for r in items if r.country}),
                "first": str(items[0].arrest_date) if items[0].arrest_date else None,
                "last": str(items[-1].arrest_date) if items[-1].arrest_date else None,
                "arrest_ids": [r.arrest_id for r in items],
                "records": sorted({p.person_id for r in items for p in r.people if cid(p) == key}),
            }
        )
    offenders.sort(key=lambda r: (-len(r["operations"]), -r["arrests"], r["person_id"]))
    return offenders


def report(graph: Graph, min_together: int = 1) -> CoArrestReport:
    """The co-offending report over every arrest in the graph.

    People an analyst merged (SAME_AS) count as one, under the smallest of their person_ids.
    ``pairs``: two non-victims in the same arrest at least ``min_together`` times.
    ``repeat_offenders``: non-victims in two or more arrests, ranked by operations then arrests.
    ``operations_countries`` and ``routes`` (nationality -> country of arrest) count distinct people,
    suspects, victims and others apart; ``breakdown`` counts people by role and gender.
    """
    records = arrest_queries.arrests(graph)
    canon = canonical_ids(graph)

    def cid(person: Involvement) -> str:
        return canon.get(person.person_id, person.person_id)

    names: dict[str, str | None] = {}
    together: dict[tuple[str, str], list[str]] = defaultdict(list)
    history: dict[str, list[ArrestRecord]] = defaultdict(list)
    op_country: dict[tuple[str, str], tuple[set[str], dict[str, Involvement]]] = {}
    routes: dict[tuple[str, str], dict[str, Involvement]] = defaultdict(dict)
    everyone: dict[str, Involvement] = {}
    for record in sorted(records.values(), key=lambda r: (str(r.arrest_date), r.arrest_id)):
        people: dict[str, Involvement] = {}
        for person in record.people:
            key = cid(person)
            if key not in people or _is_victim(person):
                people[key] = person
            if not _is_victim(person):
                names.setdefault(key, person.name)
        for key, person in people.items():
            if key not in everyone or _is_victim(person):
                everyone[key] = person
        offenders = sorted(k for k, p in people.items() if not _is_victim(p))
        for a, b in combinations(offenders, 2):
            together[(a, b)].append(record.arrest_id)
        for key in offenders:
            history[key].append(record)
        country = record.country or "??"
        for operation in record.operations or ["(none)"]:
            arrests_seen, seen = op_country.setdefault((operation, country), (set(), {}))
            arrests_seen.add(record.arrest_id)
            seen.update(people)
        for key, person in people.items():
            routes[(person.nationality or "??", country)][key] = person

    result = CoArrestReport()
    result.pairs = _pairs(together, names, min_together)
    result.repeat_offenders = _repeat_offenders(history, names, cid)
    for (operation, country), (op_arrests, people) in sorted(op_country.items()):
        result.operations_countries.append(
            {"operation": operation, "country": country, "arrests": len(op_arrests), **_counts(people)}
        )
    for (nationality, country), people in sorted(routes.items()):
        result.routes.append({"nationality": nationality, "country": country, **_counts(people)})
    breakdown = Counter(("victim" if _is_victim(p) else p.role, p.gender or "?") for p in everyone.values())
    result.breakdown = [
        {"role": role, "gender": gender, "people": n} for (role, gender), n in sorted(breakdown.items())
    ]
    return result


@dataclass
class PersonArrests:
    """A person's arrests (with records merged into theirs), each with who else was arrested."""

    person_id: str
    name: str
    role: str | None
    arrests: list[dict[str, Any]]

    def as_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "name": self.name, "role": self.role, "arrests": self.arrests}


def person_arrests(graph: Graph, person_id: str) -> PersonArrests:
    """The person's arrests, oldest first: date, place, operations, their role, the non-victims
    arrested with them (by name) and how many victims were identified (never named)."""
    person = resolve_person(graph, person_id)
    canon = canonical_ids(graph)
    me = canon.get(person.key, person.key)
    rows: list[dict[str, Any]] = []
    records = arrest_queries.arrests(graph)
    for record in sorted(records.values(), key=lambda r: (str(r.arrest_date), r.arrest_id)):
        mine = [p for p in record.people if canon.get(p.person_id, p.person_id) == me]
        if not mine:
            continue
        others = [p for p in record.people if canon.get(p.person_id, p.person_id) != me]
        rows.append(
            {
                "arrest_id": record.arrest_id,
                "date": str(record.arrest_date) if record.arrest_date else None,
                "city": record.city,
                "country": record.country,
                "operations": record.operations,
                "as": mine[0].person_id,
                "role": mine[0].arrest_role,
                "charges": list(mine[0].charges),
                "with": [
                    {"person_id": p.person_id, "name": p.name, "role": p.arrest_role}
                    for p in others
                    if not _is_victim(p)
                ],
                "victims": sum(1 for p in others if _is_victim(p)),
            }
        )
    return PersonArrests(person.key, person.name, person.role, rows)
