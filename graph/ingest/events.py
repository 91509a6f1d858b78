"""Raw events (calls, transfers): how each kind is found by id and created; which ids a batch already has."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, LiteralString

from graph.connection import Graph, Row
from graph.ingest.calls import CALL_COLUMNS, FIND_CALLS, SET_CALL_EXTRAS, WRITE_CALL_BATCH
from graph.ingest.transfers import CREATE_TRANSFERS, FIND_TRANSFERS, SET_TRANSFER_EXTRAS


@dataclass(frozen=True)
class EventKind:
    """How the raw events of one kind are found by id and created."""

    find: LiteralString
    create: LiteralString
    set_extras: LiteralString
    id_key: str
    ends: tuple[str, str]
    time_key: str
    amount_key: str | None
    properties: frozenset[str]  # the properties ``create`` names (besides the time, source and row)


EVENT_KINDS: dict[str, EventKind] = {
    "calls": EventKind(
        FIND_CALLS,
        WRITE_CALL_BATCH,
        SET_CALL_EXTRAS,
        "call_id",
        ("caller", "callee"),
        "start_time",
        None,
        frozenset(CALL_COLUMNS),
    ),
    "transfers": EventKind(
        FIND_TRANSFERS,
        CREATE_TRANSFERS,
        SET_TRANSFER_EXTRAS,
        "transaction_id",
        ("sender", "receiver"),
        "timestamp",
        "amount",
        frozenset(("transaction_id", "amount", "amount_micro", "currency", "channel", "reference")),
    ),
}


@dataclass(frozen=True)
class Events:
    """Raw events of one batch (rows with ``line``, both ends and ``props``) of one kind."""

    kind: EventKind
    rows: list[dict[str, Any]]


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def existing_events(graph: Graph, events: Events) -> tuple[set[int], list[Row]]:
    """Lines whose record id is already in the graph, and those of them stating another record."""
    kind = events.kind
    by_id = {row["props"][kind.id_key]: row for row in events.rows}
    found = graph.read(kind.find, {"ids": list(by_id)})
    present: set[int] = set()
    conflicts: list[Row] = []
    for old in found:
        row = by_id[old["id"]]
        present.add(int(row["line"]))
        same = (
            old["a"] == row[kind.ends[0]]
            and old["b"] == row[kind.ends[1]]
            and _native(old["time"]) == _native(row["props"][kind.time_key])
            and (kind.amount_key is None or old["amount"] == row["props"][kind.amount_key])
        )
        if not same:
            conflicts.append(
                {"line": row["line"], "other_source": old["other_source"], "other_row": old["other_row"]}
            )
    return present, conflicts


def event_params(kind: EventKind, row: Mapping[str, Any]) -> dict[str, Any]:
    """What the create query needs of one event: both ends, its line, the time as ISO text, the props.

    The time goes as text and becomes a datetime on the server: the driver's Python conversion of
    an aware datetime costs more than everything else in the row together.
    """
    params = {k: v for k, v in row["props"].items() if v is not None and k in kind.properties}
    params[kind.ends[0]] = row[kind.ends[0]]
    params[kind.ends[1]] = row[kind.ends[1]]
    params["row"] = row["line"]
    params["time"] = row["props"][kind.time_key].isoformat()
    return params


def extras_params(kind: EventKind, row: Mapping[str, Any]) -> dict[str, Any] | None:
    """The id and the non-null properties of one event that ``kind.create`` does not name, if any."""
    named = kind.properties
    extra = {k: v for k, v in row["props"].items() if k not in named and k != kind.time_key and v is not None}
    return {"id": row["props"][kind.id_key], "extra": extra} if extra else None
