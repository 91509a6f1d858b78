"""Assemble a target package from the graph: facts from the database, inferences labelled, victims hidden."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from access import session
from access.roles import Permission
from dossier.document import DEFAULT_MARKING, Associate, Cover, LikelyLink, MoneyTotal, TargetPackage
from dossier.ego import components_without, ego_network
from dossier.notes import subject_notes
from dossier.picture import ego_png
from dossier.sections_activity import ActivitySections
from dossier.sections_subject import SubjectSections
from graph import dossier as queries
from graph.connection import Graph
from graph.entities import resolve_person
from graph.errors import InputError, NotFound


def marking() -> str:
    """The handling marking line: ``HILOROJO_MARKING`` or the default."""
    return os.environ.get("HILOROJO_MARKING", "").strip() or DEFAULT_MARKING


def _max_time(values: Iterable[Any]) -> Any:
    def key(v: Any) -> datetime:
        if isinstance(v, datetime):
            return v if v.tzinfo else v.replace(tzinfo=UTC)
        return datetime(v.year, v.month, v.day, tzinfo=UTC)

    present = [v for v in values if isinstance(v, date)]
    return max(present, key=key) if present else None


class _Assembler(SubjectSections, ActivitySections):
    """Every section of a package; the associates last, once the other sections have met them."""

    def associates(self) -> tuple[list[Associate], list[Associate]]:
        for link in self.links.values():
            a = link.associate
            a.money = [MoneyTotal(d, c, v[0], v[1]) for (d, c), v in sorted(link.money.items())]
            if link.call_rows:
                a.evidence += self.book.add(
                    "Associates", f"Calls between {self.name} and {a.person.label}", pairs=link.call_rows
                )
            if link.money_rows:
                a.evidence += self.book.add(
                    "Associates", f"Transfers between {self.name} and {a.person.label}", pairs=link.money_rows
                )
            if link.arrest_rows:
                a.evidence += self.book.add(
                    "Associates",
                    f"{a.person.label} in an arrest with {self.name}",
                    source_rows=link.arrest_rows,
                )
        people = [lk.associate for lk in self.links.values()]
        suspects = sorted(
            (a for a in people if not a.person.victim), key=lambda a: (-a.strength, a.person.label)
        )
        victims = sorted((a for a in people if a.person.victim), key=lambda a: a.person.label)
        return suspects[: self.top], victims

    def likely_links(self) -> list[LikelyLink]:
        return [
            LikelyLink(self.redactor.person(row["person"]), row["score"], row["analysis_id"])
            for row in queries.likely_links(self.graph, self.pid)
        ]


def build_package(
    graph: Graph, ref: str, hops: int = 2, include_victims: bool = False, top: int = 15
) -> TargetPackage:
    """The target package on the person named by ``ref`` (person_id or unique full name)."""
    session.require(Permission.PACKAGE)
    if include_victims:
        session.require(Permission.REVEAL_VICTIMS)
    started = time.perf_counter()
    if hops < 0 or hops > 4:
        raise InputError(f"--hops {hops} is out of range", "use 0 to 4 hops")
    entity = resolve_person(graph, ref)
    row = queries.subject(graph, entity.key)
    if row is None:
        raise NotFound(f"no person {ref!r}", "give a person_id or the full name")
    person = row["person"]
    if person.get("role") == "victim":
        raise InputError(
            f"{entity.key} is recorded as a victim", "target packages are never produced on victims"
        )
    asm = _Assembler(graph, person, hops, include_victims, top)
    identity = asm.identity(row["countries"])
    position = asm.position()
    phones = asm.phones()
    money = asm.money([i.value for i in identity.identifiers if i.kind == "account"])
    arrests = asm.arrests()
    associates, linked_victims = asm.associates()
    likely = asm.likely_links()
    network = ego_network(graph, person, asm.redactor, hops=hops)
    groups, rest = components_without(network, 0)
    if rest:
        position.removal_effect = (
            f"Within the {rest} people of this package's {hops}-hop network, removing {asm.name} leaves "
            f"{groups} separate group{'s' if groups != 1 else ''} (computed here on the picture's network)."
        )
    picture = ego_png(network)
    as_of = queries.data_as_of(graph)
    analysis = queries.analysis(graph, position.analysis_id) if position.analysis_id else None
    victims_notice = (
        "VICTIM DATA INCLUDED: this package names victims and shows their identifiers (--include-victims)."
        if include_victims
        else f"Victims are shown only by pseudonym (Victim 1, Victim 2, ...): {asm.redactor.victims} "
        "in this package."
    )
    cover = Cover(
        subject=asm.name,
        person_id=asm.pid,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        data_as_of=as_of["loaded_at"],
        latest_event=_max_time((as_of["call"], as_of["transfer"], as_of["arrest"])),
        analysis_id=position.analysis_id,
        analysis_run_at=(analysis or {}).get("run_at"),
        marking=marking(),
        victims_included=include_victims,
        victims_notice=victims_notice,
    )
    session.record("package", [asm.pid], hops=hops, include_victims=include_victims)
    return TargetPackage(
        cover=cover,
        identity=identity,
        position=position,
        associates=associates,
        linked_victims=linked_victims,
        phones=phones,
        money=money,
        arrests=arrests,
        network=network,
        picture_png=picture,
        likely_links=likely,
        evidence=asm.book.entries(graph),
        build_seconds=round(time.perf_counter() - started, 3),
        notes=subject_notes(graph, asm.pid, include_victims),
    )
