"""The phone numbers a user means: a typed number in its normalised forms, or the numbers a person uses."""

from __future__ import annotations

from datetime import datetime

from graph import phones as phone_queries
from graph.connection import Graph
from graph.entities import EntityRef, resolve_entity
from graph.errors import InputError
from values.phone import phone_candidates as candidates


def iso(value: datetime | None) -> str | None:
    """A time in ISO 8601, or None."""
    return value.isoformat() if value is not None else None


def phone_candidates(text: str) -> list[str]:
    """Normalised forms of a user-typed number (``values.phone.phone_candidates``)."""
    return list(candidates(text))


def numbers_of(graph: Graph, ref: str) -> tuple[EntityRef, list[str]]:
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
