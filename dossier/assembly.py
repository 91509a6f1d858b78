"""The state a target package is assembled in: the subject, redactions, evidence, links to associates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from dossier.document import Associate
from dossier.evidence import EvidenceBook
from dossier.redaction import Redactor
from graph.connection import Graph


def earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The earlier of two times, either of which may be missing."""
    return b if a is None else a if b is None else min(a, b)


def latest(a: datetime | None, b: datetime | None) -> datetime | None:
    """The later of two times, either of which may be missing."""
    return b if a is None else a if b is None else max(a, b)


def decimal_sum(amounts: Iterable[str | None]) -> Decimal:
    """Exact sum of amounts given as decimal strings."""
    return sum((Decimal(a) for a in amounts if a not in (None, "")), Decimal(0))


@dataclass
class Links:
    """An associate's links while the package is assembled, with their provenance."""

    associate: Associate
    call_rows: list[Any] = field(default_factory=list)
    money_rows: list[Any] = field(default_factory=list)
    arrest_rows: list[str] = field(default_factory=list)
    money: dict[tuple[str, str], list[Any]] = field(default_factory=dict)


class Assembly:
    """The subject of a package and what its sections gather: evidence, redactions, links to associates."""

    def __init__(self, graph: Graph, person: dict[str, Any], hops: int, include_victims: bool, top: int):
        self.graph = graph
        self.person = person
        self.pid = str(person["person_id"])
        self.name = str(person.get("name") or self.pid)
        self.hops = hops
        self.top = top
        self.redactor = Redactor(include_victims)
        self.book = EvidenceBook()
        self.links: dict[str, Links] = {}
        self.devices: list[str] = []

    def link(self, other: Mapping[str, Any]) -> Links:
        """The links gathered so far with this associate (started when first met)."""
        key = str(other["person_id"])
        if key not in self.links:
            self.links[key] = Links(Associate(person=self.redactor.person(other)))
        return self.links[key]
