"""The write steps of an ``outcomes`` batch: the people named, their cases and the stages reached."""

from __future__ import annotations

from typing import Any

from graph import ingest, outcomes
from loaders.kinds import Record
from loaders.people import PersonResolver
from values.country import country_name


def _by_name(people: PersonResolver, person: dict[str, Any]) -> str | None:
    """The one known person a row names without ``person_id`` (its birth date and nationality, when
    given, must agree); None when there is none or more than one."""
    found = [
        k
        for k in people.by_key.get(person["name_key"], {}).values()
        if (person["date_of_birth"] is None or k.date_of_birth == person["date_of_birth"])
        and (person["nationality"] is None or k.nationality in (None, person["nationality"]))
    ]
    return found[0].person_id if len(found) == 1 else None


def outcome_steps(people: PersonResolver, records: list[Record], row_ref: Any) -> list[ingest.Step]:
    """The steps of one batch: a person named only by name joins the one person of that name in the
    graph (an outcome usually follows an arrest loaded before); otherwise the loaders' usual rule."""
    persons = [r["person"] for r in records]
    people.prefetch({p["name_key"] for p in persons if p["person_id"] is None and p["name_key"]})
    for person in persons:
        if person["person_id"] is None:
            person["person_id"] = _by_name(people, person)
        people.resolve(person)
    links = [
        {
            "person_id": r["person"]["person_id"],
            "case_id": r["case_id"],
            "stage": r["stage"],
            "date": r["date"],
            "court": r["court"],
            "source_row": row_ref(r["line"]),
            "extra": r["extra"],
        }
        for r in records
    ]
    national = [{"person_id": p["person_id"], "code": p["nationality"]} for p in persons if p["nationality"]]
    codes = sorted({n["code"] for n in national})
    cases = sorted({r["case_id"] for r in records})
    return [
        (ingest.MERGE_PEOPLE, {"people": [dict(p) for p in persons]}),
        (ingest.MERGE_COUNTRIES, {"countries": [{"code": c, "name": country_name(c)} for c in codes]}),
        (outcomes.MERGE_CASES, {"cases": [{"case_id": c} for c in cases]}),
        (ingest.LINK_NATIONAL_OF, {"links": national}),
        (outcomes.LINK_IN_CASE, {"links": links}),
    ]
