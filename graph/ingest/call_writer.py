"""Writing the batches of calls of one load: one query per batch, phones and devices by element id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import neo4j

from graph.connection import Graph
from graph.errors import QueryFailed
from graph.ingest.batch import BatchResult
from graph.ingest.calls import SET_CALL_EXTRAS, WRITE_CALL_BATCH, BulkRows, CallBatch, no_links
from graph.ingest.events import EVENT_KINDS, Events, existing_events

CONSTRAINT_FAILED = "Neo.ClientError.Schema.ConstraintValidationFailed"
CHECKED_ATTEMPTS = 3
# Two batches of calls written at the same time sometimes deadlock on a phone both touch (Neo4j
# aborts one; the managed transaction runs it again). The aborted batch only has to wait for the
# other's commit, so it is retried after this short delay rather than the driver's first retry of
# about a second. No benchmark measures it: the deadlocks show when loading the medium demo
# (`hilorojo demo --scale medium`), whose calls share phones with arrests and identifiers.
DEADLOCK_RETRY_S = 0.05


def _call_events(batch: CallBatch) -> list[dict[str, Any]]:
    """The calls of ``batch`` in the form ``existing_events`` compares (the checked path)."""
    calls = batch.calls
    return [
        {
            "line": line,
            "caller": batch.numbers[caller],
            "callee": batch.numbers[callee],
            "props": {"call_id": call_id, "start_time": datetime.fromisoformat(when)},
        }
        for caller, callee, when, line, call_id in zip(
            calls["caller"],
            calls["callee"],
            calls["start_time"],
            calls["line"],
            calls["call_id"],
            strict=True,
        )
    ]


def _constraint_failed(exc: BaseException) -> bool:
    cause = exc.__cause__
    return isinstance(cause, neo4j.exceptions.Neo4jError) and cause.code == CONSTRAINT_FAILED


class CallWriter:
    """Writes the batches of calls of one load; keeps the element ids of the phones and devices it merged.

    A batch is one transaction of one query, ``WRITE_CALL_BATCH`` (and ``SET_CALL_EXTRAS`` when some
    calls have extra columns). No look-up of the batch's call ids comes first: the uniqueness
    constraint on ``CALLED.call_id`` refuses an id already in the graph, and then the transaction
    rolls back and the batch, and every later batch of the load, goes the checked way: nodes first
    in their own transaction, a read of which call ids exist (same content: a reload, left as it
    is; other content: refused as a conflict), then the creates of the others.

    Batches may be written at the same time from several threads: the id maps only ever grow (by
    ids of committed nodes), a phone that two such batches both merge is created by one and matched
    by the other, deadlocks are transient errors that the managed transactions retry, and a call id
    that two checked batches both create fails one of them, which is then checked again.
    """

    def __init__(self, graph: Graph, source_id: str) -> None:
        self.graph = graph
        self.source_id = source_id
        self.phone_ids: dict[str, str] = {}
        self.device_ids: dict[str, str] = {}
        self.checked = False  # set once a call id of this load was found in the graph
        self.common = {"source_id": source_id, "row_prefix": source_id + ":"}

    def write(self, batch: CallBatch) -> BatchResult:
        """Write one batch (several may be written at the same time, from several threads)."""
        if not self.checked:
            try:
                return self._write(batch, (batch.calls, batch.split), batch.extras, batch.links(set()))
            except QueryFailed as exc:
                if not _constraint_failed(exc):
                    raise
                self.checked = True
        for _ in range(CHECKED_ATTEMPTS - 1):
            try:
                return self._write_checked(batch)
            except QueryFailed as exc:  # a batch written at the same time created one of the ids
                if not _constraint_failed(exc):
                    raise
        return self._write_checked(batch)

    def _params(self, batch: CallBatch) -> dict[str, Any]:
        """The phones and devices of ``batch``: new to this load (merged) or known (by element id)."""
        phone_ids = list(map(self.phone_ids.get, batch.numbers))
        device_ids = list(map(self.device_ids.get, batch.imeis))
        cut = batch.first_count

        # BulkRows, not lists: the driver formats the parameters for its debug log on every run.
        def new(rows: list[dict[str, Any]], ids: list[str | None]) -> BulkRows:
            return BulkRows(row for row, known in zip(rows, ids, strict=True) if known is None)

        def known(ids: list[str | None]) -> BulkRows:
            return BulkRows([at, known] for at, known in enumerate(ids) if known is not None)

        return {
            **self.common,
            # In key order: two batches written at the same time that both merge some new phone take
            # its index-entry lock in the same order (in file order they would deadlock).
            "new_phones": new(batch.phones[:cut], phone_ids[:cut]),
            "known_phones": known(phone_ids[:cut]),
            "new_later_phones": new(batch.phones[cut:], phone_ids[cut:]),
            "known_later_phones": known(phone_ids[cut:]),
            "new_devices": new(batch.devices, device_ids),
            "known_devices": known(device_ids),
            "phone_count": cut,
            "later_phone_count": len(phone_ids) - cut,
            "device_count": len(device_ids),
        }

    def _write(
        self,
        batch: CallBatch,
        calls: tuple[dict[str, BulkRows], int],
        extras: list[dict[str, Any]],
        links: dict[str, BulkRows],
        result: BatchResult | None = None,
    ) -> BatchResult:
        """One transaction: the batch's phones and devices, ``calls`` (columns and split), ``extras``,
        ``links`` (columns)."""
        params = self._params(batch)
        params.update(links)
        params.update(calls[0])
        params["split"] = calls[1]

        def work(tx: neo4j.ManagedTransaction) -> tuple[BatchResult, list[Any], list[Any]]:
            done = BatchResult(  # new on each attempt: a retried transaction starts again
                conflicts=list(result.conflicts) if result else [],
                nodes_created=result.nodes_created if result else 0,
            )
            cursor = tx.run(WRITE_CALL_BATCH, params)
            record = cursor.single()
            counters = cursor.consume().counters
            if record is None:
                raise QueryFailed(
                    "phones or devices of this load were deleted while it ran", "load the file again"
                )
            done.nodes_created += counters.nodes_created
            done.relationships_created += counters.relationships_created
            if extras:
                tx.run(SET_CALL_EXTRAS, {**self.common, "extras": BulkRows(extras)}).consume()
            return done, record["phone_ids"], record["device_ids"]

        done, phone_ids, device_ids = self.graph.transaction(work, first_retry_s=DEADLOCK_RETRY_S)
        self.phone_ids.update(phone_ids)  # only once committed: a rolled-back node has no id
        self.device_ids.update(device_ids)
        return done

    def _write_checked(self, batch: CallBatch) -> BatchResult:
        merged = self._write(
            batch, batch.calls_where([False] * len(batch.calls["line"])), [], no_links(set())
        )
        events = Events(EVENT_KINDS["calls"], _call_events(batch))
        present, conflicts = existing_events(self.graph, events)
        kept = [line not in present for line in batch.calls["line"]]
        new_calls = batch.calls_where(kept)
        new_ids = set(new_calls[0]["call_id"])
        new_extras = [x for x in batch.extras if x["id"] in new_ids]
        links = batch.links({int(c["line"]) for c in conflicts})
        return self._write(batch, new_calls, new_extras, links, BatchResult(conflicts, merged.nodes_created))
