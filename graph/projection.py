"""Cypher projections of the evidence graph onto a person network, one aggregated query per layer."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Final, LiteralString

from graph.connection import Graph
from graph.errors import InputError
from graph.model import NODE_KEYS, RELATIONSHIP_TYPES

# Each layer query returns one row per pair of network nodes, already aggregated in Cypher:
#   (a_label, a_key, b_label, b_key, n, total)
# A network node is a Person (label 'Person', key person_id) or, with keep_unowned, a Phone or Account
# that no person USES/HOLDS (label 'Phone'/'Account', key number/account_id).
# Directed layers (calls, money) keep the direction caller -> callee and sender -> receiver; undirected
# layers (arrests, identifiers) return each pair once with a_key < b_key.

CALLS_LAYER: Final = """
MATCH (x:Phone)-[c:CALLED]->(y:Phone)
WHERE x <> y
  AND ($since IS NULL OR c.start_time >= $since)
  AND ($until IS NULL OR c.start_time < $until)
WITH x, y, count(c) AS n, sum(coalesce(c.duration_s, 0)) AS total
CALL (x) { OPTIONAL MATCH (p:Person)-[:USES]->(x) RETURN collect(DISTINCT p.person_id) AS xs }
CALL (y) { OPTIONAL MATCH (q:Person)-[:USES]->(y) RETURN collect(DISTINCT q.person_id) AS ys }
WITH n, total,
     CASE WHEN size(xs) > 0 THEN [i IN xs | ['Person', i]]
          WHEN $keep_unowned THEN [['Phone', x.number]] ELSE [] END AS xa,
     CASE WHEN size(ys) > 0 THEN [i IN ys | ['Person', i]]
          WHEN $keep_unowned THEN [['Phone', y.number]] ELSE [] END AS ya
UNWIND xa AS a
UNWIND ya AS b
WITH a, b, n, total WHERE a <> b
RETURN a[0] AS a_label, a[1] AS a_key, b[0] AS b_label, b[1] AS b_key, sum(n) AS n, sum(total) AS total
"""
"""calls: person A USES a phone that CALLED a phone that person B USES.

Weights: ``n`` = number of call records, ``total`` = their total duration in seconds. The window
applies to each call's ``start_time``. A phone used by several people links each of them.
"""

MONEY_LAYER: Final = """
MATCH (x:Account)-[t:TRANSFERRED]->(y:Account)
WHERE x <> y
  AND ($since IS NULL OR t.timestamp >= $since)
  AND ($until IS NULL OR t.timestamp < $until)
WITH x, y, count(t) AS n,
     sum(CASE WHEN t.currency = $currency THEN coalesce(t.amount_micro, 0) ELSE 0 END) AS micro
CALL (x) { OPTIONAL MATCH (p:Person)-[:HOLDS]->(x) RETURN collect(DISTINCT p.person_id) AS xs }
CALL (y) { OPTIONAL MATCH (q:Person)-[:HOLDS]->(y) RETURN collect(DISTINCT q.person_id) AS ys }
WITH n, micro,
     CASE WHEN size(xs) > 0 THEN [i IN xs | ['Person', i]]
          WHEN $keep_unowned THEN [['Account', x.account_id]] ELSE [] END AS xa,
     CASE WHEN size(ys) > 0 THEN [i IN ys | ['Person', i]]
          WHEN $keep_unowned THEN [['Account', y.account_id]] ELSE [] END AS ya
UNWIND xa AS a
UNWIND ya AS b
WITH a, b, n, micro WHERE a <> b
RETURN a[0] AS a_label, a[1] AS a_key, b[0] AS b_label, b[1] AS b_key,
       sum(n) AS n, toFloat(sum(micro)) / 1000000.0 AS total
"""
"""money: person A HOLDS an account that TRANSFERRED to an account that person B HOLDS.

Weights: ``n`` = number of transfers (all currencies; this is the layer's weight in the network);
``total`` = the sum of the amounts in ONE currency (``currency``, default USD): amounts in other
currencies count in ``n`` but not in ``total``, because no exchange rates are available offline.
The window applies to each transfer's ``timestamp``.
"""

ARRESTS_LAYER: Final = """
MATCH (p:Person)-[:INVOLVED_IN]->(a:Arrest)<-[:INVOLVED_IN]-(q:Person)
WHERE p.person_id < q.person_id
  AND ($since_date IS NULL OR a.arrest_date >= $since_date)
  AND ($until_date IS NULL OR a.arrest_date <= $until_date)
WITH p, q, count(DISTINCT a) AS n
RETURN 'Person' AS a_label, p.person_id AS a_key, 'Person' AS b_label, q.person_id AS b_key, n, n AS total
"""
"""arrests: two people INVOLVED_IN the same Arrest. Weight ``n`` = ``total`` = number of shared arrests.

The window applies to ``arrest_date`` (an arrest without a date is left out when a window is given).
"""

IDENTIFIERS_LAYER: Final = """
MATCH (p:Person)-[:USES|HOLDS|HAS_DOCUMENT]->(x)<-[:USES|HOLDS|HAS_DOCUMENT]-(q:Person)
WHERE p.person_id < q.person_id AND (x:Phone OR x:Device OR x:Account OR x:Document)
WITH p, q, count(DISTINCT x) AS n
RETURN 'Person' AS a_label, p.person_id AS a_key, 'Person' AS b_label, q.person_id AS b_key, n, n AS total
"""
"""identifiers: two people USES/HOLDS/HAS_DOCUMENT the same Phone, Device, Account or Document.

Weight ``n`` = ``total`` = number of shared identifiers. Sharing is not an event, so the time window
does not apply to this layer.
"""

PERSON_ATTRIBUTES: Final = """
UNWIND $ids AS id
MATCH (p:Person {person_id: id})
CALL (p) {
  OPTIONAL MATCH (p)-[:INVOLVED_IN]->(a:Arrest)
  OPTIONAL MATCH (a)-[:PART_OF]->(o:Operation)
  RETURN collect(a.country) AS countries, collect(o.name) AS operations
}
RETURN p.person_id AS person_id, p.name AS name, p.role AS role, p.nationality AS nationality,
       countries, operations
"""
"""Display name, role, nationality and the countries/operations of a person's arrests."""

LAYERS: Final[dict[str, LiteralString]] = {
    "calls": CALLS_LAYER,
    "money": MONEY_LAYER,
    "arrests": ARRESTS_LAYER,
    "identifiers": IDENTIFIERS_LAYER,
}
DIRECTED_LAYERS: Final[frozenset[str]] = frozenset({"calls", "money"})
ALL_LAYERS: Final[tuple[str, ...]] = tuple(LAYERS)
# the labels and relationship types these queries use, checked against the model at import time
_USED_LABELS = ("Person", "Phone", "Account", "Arrest", "Device", "Document", "Operation")
_USED_TYPES = ("CALLED", "USES", "TRANSFERRED", "HOLDS", "INVOLVED_IN", "HAS_DOCUMENT", "PART_OF")
assert all(label in NODE_KEYS for label in _USED_LABELS)
assert all(rel in RELATIONSHIP_TYPES for rel in _USED_TYPES)


@dataclass(frozen=True)
class LayerEdge:
    """One aggregated link of one layer between two network nodes (labels and keys)."""

    layer: str
    a_label: str
    a_key: str
    b_label: str
    b_key: str
    n: int
    total: float


@dataclass(frozen=True)
class PersonAttributes:
    """What the analytics need to know about a person besides their links."""

    person_id: str
    name: str
    role: str
    nationality: str | None
    country: str | None
    operation: str | None


def parse_layers(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Layer names from ``calls,money`` (or a list); all layers when empty."""
    if text is None:
        return ALL_LAYERS
    items = text.split(",") if isinstance(text, str) else list(text)
    names = tuple(dict.fromkeys(i.strip().lower() for i in items if i.strip()))
    if not names:
        return ALL_LAYERS
    unknown = [n for n in names if n not in LAYERS]
    if unknown:
        raise InputError(f"unknown layer {unknown[0]!r}", f"choose among {', '.join(ALL_LAYERS)}")
    return names


def window_params(since: date | None, until: date | None) -> dict[str, Any]:
    """Query parameters of a window of whole days: ``since`` 00:00 UTC up to the end of ``until``."""
    if since and until and since > until:
        raise InputError(f"--since {since} is after --until {until}", "give since <= until")
    return {
        "since": datetime.combine(since, time(0), tzinfo=UTC) if since else None,
        "until": datetime.combine(until + timedelta(days=1), time(0), tzinfo=UTC) if until else None,
        "since_date": since,
        "until_date": until,
    }


def stream_layer(
    graph: Graph,
    layer: str,
    since: date | None = None,
    until: date | None = None,
    keep_unowned: bool = False,
    currency: str = "USD",
) -> Iterator[LayerEdge]:
    """Stream one layer's aggregated links from Neo4j in bulk."""
    if layer not in LAYERS:
        raise InputError(f"unknown layer {layer!r}", f"choose among {', '.join(ALL_LAYERS)}")
    params = window_params(since, until) | {"keep_unowned": keep_unowned, "currency": currency}
    for a_label, a_key, b_label, b_key, n, total in graph.stream(LAYERS[layer], params):
        yield LayerEdge(layer, a_label, str(a_key), b_label, str(b_key), int(n), float(total or 0))


def person_attributes(
    graph: Graph, person_ids: Sequence[str], batch: int = 20_000
) -> dict[str, PersonAttributes]:
    """Name, role, nationality and most frequent arrest country and operation of each person."""
    out: dict[str, PersonAttributes] = {}
    for start in range(0, len(person_ids), batch):
        ids = list(person_ids[start : start + batch])
        for pid, name, role, nationality, countries, operations in graph.stream(
            PERSON_ATTRIBUTES, {"ids": ids}
        ):
            out[pid] = PersonAttributes(
                pid,
                name or pid,
                role or "unknown",
                nationality,
                _most_common(countries),
                _most_common(operations),
            )
    return out


def _most_common(values: list[Any]) -> str | None:
    counts: dict[str, int] = {}
    for v in values:
        if v is not None:
            counts[str(v)] = counts.get(str(v), 0) + 1
    if not counts:
        return None
    return min(counts, key=lambda k: (-counts[k], k))
