"""One batch of a load written in one managed transaction, or in three when it holds raw events."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, LiteralString

import neo4j

from graph.connection import Graph, Row
from graph.ingest.events import Events, event_params, existing_events, extras_params
from graph.model import ROLES

Step = tuple[LiteralString, dict[str, Any]]


@dataclass
class BatchResult:
    """What one batch transaction did: raw-event rows refused as conflicts, and Neo4j's counters."""

    conflicts: list[Row] = field(default_factory=list)
    nodes_created: int = 0
    relationships_created: int = 0


def _has_rows(step: Step) -> bool:
    """Whether a step has something to write (an UNWIND over an empty list does nothing)."""
    lists = [value for value in step[1].values() if isinstance(value, list)]
    return not lists or any(lists)


def write_batch(
    graph: Graph,
    source_id: str,
    steps: Sequence[Step],
    events: Events | None = None,
    after: Callable[[set[int]], Sequence[Step]] | None = None,
) -> BatchResult:
    """Run one batch: ``steps`` in one managed (retried) transaction, then ``events`` and ``after``.

    Without ``events`` everything is one transaction. With ``events`` the ``steps`` (the nodes the
    events join) commit first, in their own transaction: index seeks in a transaction that has itself
    created or changed indexed nodes must merge that transaction's changes on every seek, which makes
    both the create and its commit several times slower. A read transaction then looks up which
    record ids are already in the graph (one index seek each, ids only on the wire); those with the
    same content are left as they are (a reload), those with other content are refused
    (``conflicts``); a last transaction creates the others, by a query that reads no relationship
    property, and runs ``after``. The relationship uniqueness constraints still guard
    against a concurrent load of the same ids. ``after`` builds its steps knowing the refused lines
    (so refused rows state nothing). Steps over empty lists are skipped.
    """
    common = {
        "source_id": source_id,
        "row_prefix": source_id + ":",
        "roles": list(ROLES),
        "first_only": False,
    }

    def commit(batch_steps: Sequence[Step], result: BatchResult) -> None:
        todo = [step for step in batch_steps if _has_rows(step)]
        if not todo:
            return

        def work(tx: neo4j.ManagedTransaction) -> tuple[int, int]:
            nodes = relationships = 0
            for query, params in todo:
                counters = tx.run(query, {**common, **params}).consume().counters
                nodes += counters.nodes_created
                relationships += counters.relationships_created
            return nodes, relationships

        nodes, relationships = graph.transaction(work)
        result.nodes_created += nodes
        result.relationships_created += relationships

    result = BatchResult()
    if events is None:
        commit(list(steps) + list(after(set()) if after is not None else []), result)
        return result
    commit(steps, result)
    present, result.conflicts = existing_events(graph, events)
    kind = events.kind
    new_rows = [row for row in events.rows if int(row["line"]) not in present]
    extras = [e for e in (extras_params(kind, row) for row in new_rows) if e is not None]
    last: list[Step] = [
        (kind.create, {"events": [event_params(kind, row) for row in new_rows]}),
        (kind.set_extras, {"extras": extras}),
    ]
    if after is not None:
        last += after({int(row["line"]) for row in result.conflicts})
    commit(last, result)
    return result
