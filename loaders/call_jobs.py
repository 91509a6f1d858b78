"""Batches of calls prepared for their write: repeats dropped, phones and devices listed, handset links."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from itertools import compress
from operator import attrgetter, itemgetter
from typing import Any

from graph import ingest
from graph.connection import Graph
from loaders.call_columns import CallColumns
from loaders.graph_rows import phone_row

_number = attrgetter("number")
Pair = tuple[str, str]  # (number, IMEI)


def handset_pairs(
    calls: CallColumns, numbers: tuple[list[str], list[str]], refused: set[int]
) -> dict[Pair, list[Any]]:
    """The (number, IMEI) pairs that call records show, each with [first seen, last seen, first line]."""
    found: dict[Pair, list[Any]] = {}
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


class Links:
    """The ``IN_DEVICE`` links of a batch of calls as the writer sends them: a column per name in
    ``ingest.LINK_COLUMNS`` (``link_new`` is made at the write), with each link's key and span (first
    and last seen) alongside."""

    def __init__(
        self,
        pairs: dict[Pair, list[Any]],
        phone_at: dict[str, int],
        device_at: dict[str, int],
        text: Callable[[datetime], str],
    ) -> None:
        self.keys = list(pairs)
        spans = list(pairs.values())
        self.first = list(map(itemgetter(0), spans))
        self.last = list(map(itemgetter(1), spans))
        self.columns = {
            "link_phone": ingest.BulkRows(phone_at[number] for number, _ in self.keys),
            "link_device": ingest.BulkRows(device_at[imei] for _, imei in self.keys),
            "link_first": ingest.BulkRows(map(text, self.first)),
            "link_last": ingest.BulkRows(map(text, self.last)),
            "link_line": ingest.BulkRows(map(itemgetter(2), spans)),
        }

    def beyond(
        self, written: dict[Pair, tuple[datetime, datetime]], spans: dict[Pair, tuple[datetime, datetime]]
    ) -> dict[str, ingest.BulkRows]:
        """The columns of the links whose span is not within the one ``written`` holds for them, and
        ``link_new``: whether ``written`` lacks the link; each link kept goes into ``spans`` with its
        span widened by the written one."""
        kept = []
        new = ingest.BulkRows()
        known = map(written.get, self.keys)
        for key, first, last, span in zip(self.keys, self.first, self.last, known, strict=True):
            if span is None:
                spans[key] = (first, last)
                new.append(True)
            elif span[0] <= first and last <= span[1]:
                kept.append(False)
                continue  # this load already wrote this link with a span that covers the batch's
            else:
                spans[key] = (min(first, span[0]), max(last, span[1]))
                new.append(False)
            kept.append(True)
        if all(kept):
            return {**self.columns, "link_new": new}
        columns = {name: ingest.BulkRows(compress(values, kept)) for name, values in self.columns.items()}
        return {**columns, "link_new": new}


class CallJobs:
    """Prepares the batches of calls of one load, keeping what earlier batches of the load wrote."""

    def __init__(self, graph: Graph, source_id: str) -> None:
        self.source_id = source_id
        self.calls = ingest.CallWriter(graph, source_id)
        self.device_spans: dict[tuple[str, str], tuple[datetime, datetime]] = {}  # IN_DEVICE as written
        self.previous_numbers: set[str] = set()  # the phones of the batch of calls prepared last
        self.duplicates = 0

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
        # Text on the wire: the driver's conversion of an aware datetime is slow. The links' times are
        # the calls' own datetime objects (alive as long as ``calls``), so their text is found by id:
        # by value, two spellings of one instant (other offsets) would be one key.
        times = list(map(datetime.isoformat, calls.start_time))
        text = dict(zip(map(id, calls.start_time), times, strict=True))

        def text_of(when: datetime) -> str:
            return text[id(when)]

        spans: dict[Pair, tuple[datetime, datetime]] = {}  # the links of the last call

        def links(refused: set[int]) -> dict[str, ingest.BulkRows]:
            # Runs in the writer: it compares with the spans earlier batches of this load wrote.
            spans.clear()
            found = every if not refused else Links(handset_pairs(calls, numbers, refused), *at, text_of)
            return found.beyond(self.device_spans, spans)

        extras = (
            [{"id": i, "extra": x} for i, x in zip(calls.call_id, calls.extra, strict=True) if x]
            if calls.extra is not None
            else []
        )
        batch_ = ingest.call_batch(
            {number: phone_row(phone) for number, phone in phones.items()},
            {imei: {"imei": imei, "luhn_ok": luhn} for imei, luhn in devices.items()},
            (*numbers, times, calls.lines),
            {"call_id": calls.call_id, **props},
            extras,
            links,
            self.previous_numbers,
        )
        self.previous_numbers = set(phones)
        at = (
            dict(zip(batch_.numbers, range(len(batch_.numbers)), strict=True)),
            dict(zip(batch_.imeis, range(len(batch_.imeis)), strict=True)),
        )
        every = Links(handset_pairs(calls, numbers, set()), *at, text_of)  # prepared here, in the reader

        def write() -> ingest.BatchResult:
            result = self.calls.write(batch_)
            self.device_spans.update(spans)  # once written (a batch redone after a refusal recomputes them)
            return result

        return write
