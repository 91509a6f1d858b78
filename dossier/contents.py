"""Assemble a target package from the graph: facts from the database, inferences labelled, victims hidden."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from access import session
from access.roles import Permission
from dossier import findings
from dossier.document import (
    DEFAULT_MARKING,
    ArrestEntry,
    Associate,
    CommunitySummary,
    Contact,
    Cover,
    Flow,
    Identifier,
    Identity,
    LikelyLink,
    Measure,
    Money,
    MoneyTotal,
    PhoneActivity,
    PhoneLine,
    Position,
    TargetPackage,
)
from dossier.ego import components_without, ego_network
from dossier.evidence import EvidenceBook
from dossier.notes import subject_notes
from dossier.picture import ego_png
from dossier.redaction import Redactor
from graph import dossier as queries
from graph.connection import Graph
from graph.entities import resolve_person
from graph.errors import InputError, NotFound

# (property written back by `hilorojo analyze`, True when a higher value means more central)
MEASURES: tuple[tuple[str, bool], ...] = (
    ("degree", True),
    ("weighted_degree", True),
    ("betweenness", True),
    ("closeness", True),
    ("harmonic", True),
    ("eigenvector", True),
    ("pagerank", True),
    ("constraint", False),  # Burt's constraint: lower = more brokerage opportunity
    ("effective_size", True),
    ("brokerage_coordinator", True),
    ("brokerage_itinerant", True),
    ("brokerage_gatekeeper", True),
    ("brokerage_representative", True),
    ("brokerage_liaison", True),
)
KIND_OF_LABEL = {"Phone": "phone", "Device": "device", "Account": "account", "Email": "email"}


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


def _min_dt(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else min(a, b)


def _max_dt(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def decimal_sum(amounts: Iterable[str | None]) -> Decimal:
    """Exact sum of amounts given as decimal strings."""
    return sum((Decimal(a) for a in amounts if a not in (None, "")), Decimal(0))


@dataclass
class _Links:
    """An associate's links while the package is assembled, with their provenance."""

    associate: Associate
    call_rows: list[Any] = field(default_factory=list)
    money_rows: list[Any] = field(default_factory=list)
    arrest_rows: list[str] = field(default_factory=list)
    money: dict[tuple[str, str], list[Any]] = field(default_factory=dict)


class _Assembler:
    def __init__(self, graph: Graph, person: dict[str, Any], hops: int, include_victims: bool, top: int):
        self.graph = graph
        self.person = person
        self.pid = str(person["person_id"])
        self.name = str(person.get("name") or self.pid)
        self.hops = hops
        self.top = top
        self.redactor = Redactor(include_victims)
        self.book = EvidenceBook()
        self.links: dict[str, _Links] = {}
        self.devices: list[str] = []

    def link(self, other: Mapping[str, Any]) -> _Links:
        key = str(other["person_id"])
        if key not in self.links:
            self.links[key] = _Links(Associate(person=self.redactor.person(other)))
        return self.links[key]

    # -- sections ----------------------------------------------------------------------------
    def identity(self, countries: list[dict[str, Any]]) -> Identity:
        p = self.person
        evidence = self.book.add(
            "Identity", f"Person record of {self.name}", source_ids=p.get("source_ids") or []
        )
        nationality = sorted(
            {c["code"] for c in countries} | ({p["nationality"]} if p.get("nationality") else set())
        )
        for c in countries:
            evidence += self.book.add(
                "Identity", f"{self.name} is a national of {c['code']}", source_ids=c.get("source_ids") or []
            )
        idents: list[Identifier] = []
        for row in queries.identifiers(self.graph, self.pid):
            props = row["props"]
            kind = KIND_OF_LABEL.get(row["label"], str(props.get("doc_type") or "document"))
            users = [p, *row["others"]]
            value = self.redactor.identifier(kind, str(row["key"]), users)
            detail = {
                "Phone": ", ".join(str(v) for v in (props.get("region"), props.get("quality")) if v),
                "Device": ""
                if props.get("luhn_ok") is None
                else ("IMEI check digit valid" if props["luhn_ok"] else "IMEI check digit INVALID"),
                "Account": ", ".join(str(v) for v in (props.get("holder_name"), props.get("country")) if v),
            }.get(row["label"], "")
            shared = [self.redactor.label(o) for o in row["others"]]
            for other in row["others"]:
                self.link(other).associate.shared_identifiers.append(f"{kind} {value}")
            refs = self.book.add(
                "Identity",
                f"{self.name} {row['rel'].lower().replace('_', ' ')} {kind} {value}",
                source_rows=row["source_rows"],
                source_ids=[] if row["source_rows"] else row["source_ids"],
            )
            if kind == "device":
                self.devices.append(str(row["key"]))
            idents.append(Identifier(kind, value, detail, row["valid_from"], row["valid_to"], shared, refs))
        return Identity(
            name=self.name,
            aliases=list(p.get("aliases") or []),
            date_of_birth=p.get("date_of_birth"),
            nationality=nationality,
            gender=p.get("gender"),
            role=str(p.get("role") or "unknown"),
            roles=list(p.get("roles") or []),
            identifiers=idents,
            evidence=evidence,
        )

    def position(self) -> Position:
        p = self.person
        aid = p.get("analysis_id")
        if not aid:
            return Position(
                analysed=False,
                note="No network analysis includes this person yet: run `hilorojo analyze` to add "
                "centrality, brokerage, community and key-player measures.",
            )
        present = [(m, higher) for m, higher in MEASURES if p.get(m) is not None]
        ranked = queries.ranks(
            self.graph, str(aid), [{"name": m, "value": p[m], "higher": higher} for m, higher in present]
        )
        measures = []
        for m, higher in present:
            better, n = ranked.get(m, (0, 0))
            # rank 1 = most central; percentile = share of measured non-victims the subject equals or beats
            measures.append(
                Measure(
                    m,
                    p[m],
                    better + 1 if n else None,
                    n or None,
                    round(100.0 * (n - better) / n, 1) if n else None,
                    higher,
                )
            )
        summary = None
        if p.get("community") is not None:
            row = queries.community(self.graph, str(aid), int(p["community"]))
            if row:
                counts: dict[str, int] = {}
                for code in row["nationalities"]:
                    counts[str(code)] = counts.get(str(code), 0) + 1
                summary = CommunitySummary(
                    community=int(p["community"]),
                    size=int(row["size"]),
                    victims=int(row["victims"]),
                    key_players=int(row["key_players"]),
                    nationalities=dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
                    top_members=[str(m["name"] or m["person_id"]) for m in row["top_members"]],
                )
        return Position(
            analysed=True,
            note="Measures written by network analysis run " + str(aid) + "; ranks and percentiles are among "
            "the non-victims of that run (victims are never ranked).",
            analysis_id=str(aid),
            measures=measures,
            key_player=p.get("key_player"),
            kpp_rank=p.get("kpp_rank"),
            community=summary,
        )

    def phones(self) -> PhoneActivity:
        lines = []
        for row in queries.phone_summary(self.graph, self.pid):
            devices = [d["imei"] for d in row["devices"]]
            refs: list[str] = []
            for d in row["devices"]:
                refs += self.book.add(
                    "Phone activity",
                    f"Phone {row['number']} seen in handset {d['imei']}",
                    source_rows=d["source_rows"],
                    source_ids=[] if d["source_rows"] else d["source_ids"],
                )
            lines.append(
                PhoneLine(
                    row["number"],
                    int(row["calls"]),
                    int(row["outgoing"]),
                    int(row["calls"]) - int(row["outgoing"]),
                    int(row["duration_s"]),
                    row["first"],
                    row["last"],
                    devices,
                    refs,
                )
            )
        contacts = []
        for row in queries.call_contacts(self.graph, self.pid):
            owners = row["owners"]
            number = self.redactor.identifier("phone", str(row["other"]), owners)
            users = [self.redactor.label(o) for o in owners]
            refs = self.book.add(
                "Phone activity",
                f"{row['calls']} calls between {row['mine']} and {number}",
                pairs=row["rows"],
            )
            contacts.append(
                Contact(
                    number,
                    users,
                    str(row["mine"]),
                    int(row["calls"]),
                    int(row["outgoing"]),
                    int(row["duration_s"]),
                    row["first"],
                    row["last"],
                    refs,
                )
            )
            for owner in owners:
                link = self.link(owner)
                a = link.associate
                a.calls += int(row["calls"])
                a.call_duration_s += int(row["duration_s"])
                a.first_call = _min_dt(a.first_call, row["first"])
                a.last_call = _max_dt(a.last_call, row["last"])
                link.call_rows += row["rows"]
        heatmap = findings.activity_matrix(self.graph, self.pid)
        partners: dict[str, set[str]] = {ln.number: set() for ln in lines}
        for c in contacts:
            partners.setdefault(c.via, set()).add(c.number)
        # calls between two of the subject's phones: each is the other's contact
        for caller, callee in queries.own_call_pairs(self.graph, self.pid):
            partners.setdefault(caller, set()).add(callee)
            partners.setdefault(callee, set()).add(caller)
        activity = [(ln.number, ln.first, ln.last, ln.calls, len(partners[ln.number])) for ln in lines]
        flags, note = findings.phone_flags(
            self.graph, [ln.number for ln in lines], self.devices, activity, self.redactor
        )
        return PhoneActivity(lines, contacts, heatmap, flags, note)

    def money(self, accounts: list[str]) -> Money:
        flows: list[Flow] = []
        totals: dict[tuple[str, str], list[Any]] = {}
        for row in queries.transfers(self.graph, self.pid):
            owners = row["owners"]
            direction = "out" if row["outgoing"] else "in"
            currency = str(row["currency"] or "?")
            total = decimal_sum(row["amounts"])
            if row["own"]:
                counterparty, holder = str(row["other"]), "(subject's own account)"
            else:
                counterparty = self.redactor.identifier("account", str(row["other"]), owners)
                labels = [self.redactor.label(o) for o in owners]
                holder = ", ".join(labels) if labels else str(row["holder_name"] or "(holder unknown)")
                if counterparty != row["other"]:
                    holder = ", ".join(labels)
                bucket = totals.setdefault((direction, currency), [Decimal(0), 0])
                bucket[0] += total
                bucket[1] += int(row["transfers"])
            arrow = "to" if direction == "out" else "from"
            refs = self.book.add(
                "Money",
                f"{row['transfers']} transfers {arrow} {counterparty} ({currency} {total})",
                pairs=row["rows"],
            )
            flows.append(
                Flow(
                    str(row["mine"]),
                    counterparty,
                    holder,
                    direction,
                    currency,
                    int(row["transfers"]),
                    total,
                    row["first"],
                    row["last"],
                    refs,
                )
            )
            if not row["own"]:
                for owner in owners:
                    link = self.link(owner)
                    m = link.money.setdefault((direction, currency), [Decimal(0), 0])
                    m[0] += total
                    m[1] += int(row["transfers"])
                    link.money_rows += row["rows"]
        money_totals = [MoneyTotal(d, c, v[0], v[1]) for (d, c), v in sorted(totals.items())]
        trails, flags, note = findings.money_findings(self.graph, self.pid, accounts, self.redactor)
        return Money(accounts, flows, money_totals, trails, flags, note)

    def arrests(self) -> list[ArrestEntry]:
        out = []
        for row in queries.arrests(self.graph, self.pid):
            a = row["arrest"]
            people = []
            for other in row["others"]:
                label = self.redactor.label(other)
                people.append(f"{label} ({other['arrest_role']})" if other.get("arrest_role") else label)
                link = self.link(other)
                link.associate.co_arrests += 1
                link.arrest_rows += other["source_rows"]
            refs = self.book.add(
                "Arrests and operations",
                f"{self.name} involved in arrest {a['arrest_id']}"
                + (f" ({row['role']})" if row["role"] else ""),
                source_rows=row["source_rows"],
                source_ids=[] if row["source_rows"] else row["source_ids"],
            )
            place = ", ".join(str(v) for v in (a.get("city"), a.get("country")) if v)
            out.append(
                ArrestEntry(
                    str(a["arrest_id"]),
                    a.get("arrest_date"),
                    row["operation"],
                    int(row["operation_arrests"]),
                    place,
                    a.get("agency"),
                    row["role"],
                    list(row["charges"]),
                    people,
                    refs,
                )
            )
        return out

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
