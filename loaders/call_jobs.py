"""Batches of calls prepared for their write: repeats dropped, phones and devices listed, handset links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from operator import attrgetter
from typing import Any

from graph import ingest
from graph.connection import Graph
from loaders.call_columns import CallColumns
from loaders.graph_rows import phone_row

_number = attrgetter("number")


def handset_pairs(
    calls: CallColumns, numbers: tuple[list[str], list[str]], refused: set[int]
) -> dict[tuple[str, str], list[Any]]:
    """The (number, IMEI) pairs that call records show, each with [first seen, last seen, first line]."""
    found: dict[tuple[str, str], list[Any]] = {}
    props = calls.properties
    for line, when, caller, caller_imei, callee, callee_imei in zip(
        calls.lines,
        calls.start_time,
        numbers[0],
        props["caller_imei"],
        numbers[1],
        props["callee_imei"],
        strict=True,
    ):
        if not (caller_imei or callee_imei) or line in refused:
            continue
        for imei, number in ((caller_imei, caller), (callee_imei, callee)):
            if not imei:
                continue
            seen = found.get((number, imei))
            if seen is None:
                found[(number, imei)] = [when, when, line]
            elif when < seen[0]:
                seen[0] = when
            elif when > seen[1]:
                seen[1] = when
    return found


class CallJobs:
    """Prepares the batches of calls of one load, keeping what earlier batches of the load wrote."""

    def __init__(self, graph: Graph, source_id: str) -> None:
        self.source_id = source_id
        self.calls = ingest.CallWriter(graph, source_id)
        self.device_spans: dict[tuple[str, str], tuple[datetime, datetime]] = {}  # IN_DEVICE as written
        self.previous_numbers: set[str] = set()  # the phones of the batch of calls prepared last
        self.duplicates = 0

    def row_ref(self, line: int) -> str:
        return f"{self.source_id}:{line}"

    def dedupe(self, calls: CallColumns) -> CallColumns:
        """``BatchWriter._dedupe`` for a batch of calls (the same rules, on columns)."""
        ids = calls.call_id
        if len(set(ids)) == len(ids):
            return calls
        first: dict[str, int] = {}
        kept = [True] * len(ids)
        for i, rid in enumerate(ids):
            j = first.setdefault(rid, i)
            if j == i:
                continue
            kept[i] = False
            if (calls.caller[j], calls.callee[j], calls.start_time[j]) == (
                calls.caller[i],
                calls.callee[i],
                calls.start_time[i],
            ):
                self.duplicates += 1
            else:
                calls.conflict_lines.append(calls.lines[i])
        return calls.keep(kept)

    def prepare(self, batch: CallColumns) -> Callable[[], ingest.BatchResult]:
        calls = self.dedupe(batch)
        numbers = (list(map(_number, calls.caller)), list(map(_number, calls.callee)))
        # Each number's first PhoneNumber (a dict keeps the last value given for a key: hence reversed).
        ends = calls.caller + calls.callee
        phones = dict(zip(reversed(numbers[0] + numbers[1]), reversed(ends), strict=True))
        props = calls.properties
        devices = dict(
            zip(
                reversed(props["caller_imei"] + props["callee_imei"]),
                reversed(calls.caller_luhn + calls.callee_luhn),
                strict=True,
            )
        )
        devices.pop(None, None)
        found = handset_pairs(calls, numbers, set())
        spans: dict[tuple[str, str], tuple[datetime, datetime]] = {}  # the links of the last call

        def links(refused: set[int]) -> list[dict[str, Any]]:
            # Runs in the writer: it compares with the spans earlier batches of this load wrote.
            spans.clear()
            changed = []
            pairs = handset_pairs(calls, numbers, refused) if refused else found
            for key, (first, last, line) in pairs.items():
                span = self.device_spans.get(key)
                if span is not None and span[0] <= first and last <= span[1]:
                    continue  # this load already wrote this link with a span that covers the batch's
                spans[key] = (first, last) if span is None else (min(first, span[0]), max(last, span[1]))
                changed.append(
                    {
                        "number": key[0],
                        "imei": key[1],
                        # Text on the wire: the driver's conversion of an aware datetime is slow.
                        "first_seen": first.isoformat(),
                        "last_seen": last.isoformat(),
                        "source_row": self.row_ref(line),
                    }
                )
            return changed

        extras = (
            [{"id": i, "extra": x} for i, x in zip(calls.call_id, calls.extra, strict=True) if x]
            if calls.extra is not None
            else []
        )
        batch_ = ingest.call_batch(
            {number: phone_row(phone) for number, phone in phones.items()},
            {imei: {"imei": imei, "luhn_ok": luhn} for imei, luhn in devices.items()},
            (*numbers, calls.start_time, calls.lines),
            {"call_id": calls.call_id, **props},
            extras,
            links,
            self.previous_numbers,
        )
        self.previous_numbers = set(phones)

        def write() -> ingest.BatchResult:
            result = self.calls.write(batch_)
            self.device_spans.update(spans)  # once written (a batch redone after a refusal recomputes them)
            return result

        return write
