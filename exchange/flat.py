"""The network as nodes and edges for graph tools: people (and phones or accounts nobody is known to
use), one edge per call, transfer, shared arrest and shared identifier, with times and attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from exchange.network import Network
from graph.analysis_store import PERSON_MEASURES

# Person properties every export carries (when present); measures only for non-victims.
PERSON_FIELDS = ("person_id", "role", "nationality", "gender", "date_of_birth", "analysis_id")
GROUPS = ("community", "organisation")
LAYER_OF_EDGE = {"call": "calls", "transfer": "money", "co-arrest": "arrests", "shared": "identifiers"}


@dataclass
class FlatNode:
    id: str
    kind: str  # person, phone or account
    label: str
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass
class FlatEdge:
    id: str
    source: str
    target: str
    kind: str  # call, transfer, co-arrest or shared
    directed: bool
    start: datetime | None = None
    end: datetime | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


def utc(value: Any) -> datetime | None:
    """A date or datetime as a UTC datetime without zone (dates at midnight)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date):
        return datetime.combine(value, time(0))
    return None


def node_id(kind: str, key: str) -> str:
    return f"{kind}:{key}"


Span = tuple[datetime | None, datetime | None]


def _person_nodes(network: Network) -> dict[str, FlatNode]:
    """One node per person: their fields, groups, measures (never a victim's) and the phones and
    accounts they hold."""
    nodes: dict[str, FlatNode] = {}
    held: dict[str, dict[str, list[str]]] = {}
    for lk in network.links:
        held.setdefault(lk.person_id, {}).setdefault(lk.label, []).append(lk.key)
    for pid, p in sorted(network.people.items()):
        victim = p.get("role") == "victim"
        attrs: dict[str, Any] = {k: p[k] for k in PERSON_FIELDS if p.get(k) is not None}
        attrs["person_id"] = pid
        for k in GROUPS:
            if p.get(k) is not None:
                attrs[k] = int(p[k])
        if not victim:  # victims are never ranked
            for m in PERSON_MEASURES:
                if m not in GROUPS and p.get(m) is not None:
                    attrs[m] = p[m]
        for label, name in (("Phone", "phones"), ("Account", "accounts")):
            keys = held.get(pid, {}).get(label)
            if keys:
                attrs[name] = "; ".join(sorted(set(keys)))
        if isinstance(attrs.get("date_of_birth"), date):
            attrs["date_of_birth"] = attrs["date_of_birth"].isoformat()
        nodes[node_id("person", pid)] = FlatNode(
            node_id("person", pid), "person", str(p.get("name") or pid), attrs
        )
    return nodes


def _call(network: Network, c: dict[str, Any]) -> tuple[Span, dict[str, Any]]:
    """A call's start and end, and its attributes."""
    start = utc(c["start_time"])
    dur = c.get("duration_s")
    end = start + timedelta(seconds=int(dur)) if start and dur is not None else start
    call = {
        "call_id": str(c["call_id"]),
        "caller": c["caller"],
        "callee": c["callee"],
        "duration_s": int(dur) if dur is not None else None,
        "call_type": c.get("call_type"),
        "origin": network.origin(c.get("source_id"), c.get("row")),
    }
    return (start, end), call


def _transfer(network: Network, t: dict[str, Any]) -> tuple[Span, dict[str, Any]]:
    """A transfer's time (as start and end), and its attributes."""
    when = utc(t["timestamp"])
    transfer = {
        "transaction_id": str(t["transaction_id"]),
        "sender": t["sender"],
        "receiver": t["receiver"],
        "amount": float(Decimal(str(t["amount"]))) if t.get("amount") not in (None, "") else None,
        "currency": t.get("currency"),
        "channel": t.get("channel"),
        "reference": t.get("reference"),
        "origin": network.origin(t.get("source_id"), t.get("row")),
    }
    return (when, when), transfer


def _co_arrest_edges(network: Network) -> list[FlatEdge]:
    """One undirected edge per pair of people arrested together, per arrest."""
    edges: list[FlatEdge] = []
    for a in network.arrests:
        arrest = a["arrest"]
        when = utc(arrest.get("arrest_date"))
        people = [i["person_id"] for i in a["involved"]]
        for n, first in enumerate(people):
            for second in people[n + 1 :]:
                attrs = {"arrest_id": str(arrest["arrest_id"]), "operation": a.get("operation")}
                edges.append(
                    FlatEdge(
                        f"co-arrest:{arrest['arrest_id']}:{first}:{second}",
                        node_id("person", first),
                        node_id("person", second),
                        "co-arrest",
                        False,
                        when,
                        when,
                        {k: v for k, v in attrs.items() if v is not None},
                    )
                )
    return edges


def _shared_edges(network: Network, owners: dict[tuple[str, str], list[str]]) -> list[FlatEdge]:
    """One undirected edge per pair of people who share an identifier."""
    edges: list[FlatEdge] = []
    for (label, key), people in sorted(owners.items()):
        ident = network.identifiers.get((label, key))
        kind = ident.kind if ident else label.lower()
        for n, first in enumerate(people):
            for second in people[n + 1 :]:
                edges.append(
                    FlatEdge(
                        f"shared:{kind}:{key}:{first}:{second}",
                        node_id("person", first),
                        node_id("person", second),
                        "shared",
                        False,
                        attrs={"identifier_kind": kind, "identifier": key},
                    )
                )
    return edges


def flatten(network: Network) -> tuple[list[FlatNode], list[FlatEdge]]:
    """Nodes and edges of the network (after pseudonymisation when victims are hidden)."""
    owners = network.owners()
    nodes = _person_nodes(network)

    def ends(label: str, key: str) -> list[str]:
        people = owners.get((label, key))
        if people:
            return [node_id("person", p) for p in people]
        kind = label.lower()
        nid = node_id(kind, key)
        if nid not in nodes:
            nodes[nid] = FlatNode(nid, kind, key, {"unowned": True})
        return [nid]

    edges: list[FlatEdge] = []

    def pairs(eid: str, kind: str, a: list[str], b: list[str], **extra: Any) -> None:
        found = [(x, y) for x in a for y in b if x != y]
        for n, (x, y) in enumerate(found):
            suffix = f"#{n + 1}" if len(found) > 1 else ""
            edges.append(FlatEdge(f"{eid}{suffix}", x, y, kind, **extra))

    def event(eid: str, label: str, sides: tuple[str, str], span: Span, attrs: dict[str, Any]) -> None:
        kind = eid.split(":")[0]
        found = {k: v for k, v in attrs.items() if v is not None}
        a, b = ends(label, sides[0]), ends(label, sides[1])
        pairs(eid, kind, a, b, directed=True, start=span[0], end=span[1], attrs=found)

    for c in network.calls:
        span, call = _call(network, c)
        event(f"call:{c['call_id']}", "Phone", (c["caller"], c["callee"]), span, call)
    for t in network.transfers:
        span, transfer = _transfer(network, t)
        event(f"transfer:{t['transaction_id']}", "Account", (t["sender"], t["receiver"]), span, transfer)
    edges += _co_arrest_edges(network)
    if "identifiers" in network.selection.layers:
        edges += _shared_edges(network, owners)
    for e in edges:
        e.attrs["layer"] = LAYER_OF_EDGE[e.kind]
    return list(nodes.values()), edges


def attribute_types(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each attribute's type in the rows: boolean, long, double or string (the widest seen)."""
    found: dict[str, str] = {}
    for row in rows:
        for k, v in row.items():
            if isinstance(v, bool):
                t = "boolean"
            elif isinstance(v, int):
                t = "long"
            elif isinstance(v, float):
                t = "double"
            else:
                t = "string"
            old = found.get(k, t)
            if old != t:
                t = "double" if {old, t} <= {"long", "double"} else "string"
            found[k] = t
    return dict(sorted(found.items()))


def text(value: Any) -> str:
    """An attribute value as text (booleans in lower case, datetimes in ISO form)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
