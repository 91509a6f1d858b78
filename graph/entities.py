"""Find the person, phone or account a user names (by key, or by a name that matches one person)."""

from __future__ import annotations

from dataclasses import dataclass

from graph.connection import Graph
from graph.errors import InputError, NotFound
from values.name import name_key

PERSON_BY_ID = """
MATCH (p:Person {person_id: $ref})
RETURN p.person_id AS key, p.name AS name, p.role AS role
"""
PERSON_BY_NAME = """
MATCH (p:Person)
WHERE p.name_key = $name_key OR toLower(p.name) = toLower($ref)
RETURN p.person_id AS key, p.name AS name, p.role AS role
LIMIT 6
"""
PHONE_BY_NUMBER = """
MATCH (n:Phone) WHERE n.number IN $candidates OR n.digits IN $candidates
RETURN n.number AS key, n.number AS name
LIMIT 6
"""
ACCOUNT_BY_ID = """
MATCH (a:Account {account_id: $ref})
RETURN a.account_id AS key, coalesce(a.holder_name, a.account_id) AS name
"""
DEVICE_BY_IMEI = "MATCH (d:Device {imei: $ref}) RETURN d.imei AS key, d.imei AS name"


@dataclass(frozen=True)
class EntityRef:
    """A resolved entity: its label, key property value and display name."""

    label: str
    key: str
    name: str
    role: str | None = None


def resolve_person(graph: Graph, ref: str) -> EntityRef:
    """A person by ``person_id``, or by a name that matches exactly one person."""
    ref = ref.strip()
    if not ref:
        raise InputError("no person given", "name a person by person_id or full name")
    row = graph.read_one(PERSON_BY_ID, {"ref": ref})
    if row:
        return EntityRef("Person", row["key"], row["name"] or row["key"], row["role"])
    rows = graph.read(PERSON_BY_NAME, {"ref": ref, "name_key": name_key(ref)})
    if not rows:
        raise NotFound(f"no person {ref!r}", "give a person_id or the full name (see `hilorojo search`)")
    if len(rows) > 1:
        ids = ", ".join(r["key"] for r in rows[:5])
        raise InputError(f"{len(rows)} people are named {ref!r} ({ids})", "give the person_id instead")
    return EntityRef("Person", rows[0]["key"], rows[0]["name"] or rows[0]["key"], rows[0]["role"])


def resolve_entity(graph: Graph, ref: str, phone_candidates: list[str] | None = None) -> EntityRef:
    """A person, phone, account or device named by the user.

    ``phone_candidates`` are the normalised forms of ``ref`` as a phone number (E.164, digits);
    callers pass them from the loaders' phone normaliser.
    """
    ref = ref.strip()
    for query, label in ((ACCOUNT_BY_ID, "Account"), (DEVICE_BY_IMEI, "Device")):
        row = graph.read_one(query, {"ref": ref.replace(" ", "").upper() if label == "Account" else ref})
        if row:
            return EntityRef(label, row["key"], row["name"])
    candidates = sorted({ref, *(phone_candidates or [])})
    rows = graph.read(PHONE_BY_NUMBER, {"candidates": candidates})
    if len(rows) == 1:
        return EntityRef("Phone", rows[0]["key"], rows[0]["name"])
    if len(rows) > 1:
        raise InputError(f"{ref!r} matches {len(rows)} phone numbers", "give the number in +E.164 form")
    return resolve_person(graph, ref)
