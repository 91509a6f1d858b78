"""Files of call records written as Neo4j's offline-importer CSVs of the graph the online loader writes."""

from __future__ import annotations

import csv
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from itertools import repeat
from pathlib import Path
from typing import IO, Any

import numpy as np

from graph.connection import batched
from graph.errors import InputError
from loaders.call_columns import CallColumns, CallNormaliser
from loaders.call_jobs import handset_pairs
from loaders.pipeline import (
    BATCH_ROWS,
    LoadSummary,
    OpenedLoad,
    normaliser,
    progress_bar,
)
from loaders.readers import open_table
from loaders.rejects import RejectWriter
from values.phone import PhoneNumber

# The importer's headers (neo4j-admin database import, CSV header format): the nodes and relationships
# the online calls loader writes (graph/ingest/calls.py and nodes.py), property for property. An empty
# field stores no property, as a null does online.
PHONE_HEADER = ("number:ID(Phone)", "digits", "quality", "region", "source_ids:string[]")
DEVICE_HEADER = ("imei:ID(Device)", "luhn_ok:boolean", "source_ids:string[]")
CALL_HEADER = (":START_ID(Phone)", ":END_ID(Phone)", "start_time:datetime", "row:long", "source_id",
               "call_id", "duration_s:long", "call_type", "caller_imei", "callee_imei", "caller_cell",
               "callee_cell", "caller_lat:double", "caller_lon:double")  # fmt: skip
IN_DEVICE_HEADER = (":START_ID(Phone)", ":END_ID(Device)", "first_seen:datetime", "last_seen:datetime",
                    "source_ids:string[]", "source_rows:string[]")  # fmt: skip
# Distinct cell values the normaliser remembers per column kind (numbers, handsets, cells, ...): a file
# of many subscribers has more numbers than the online loader's memo keeps, and parsing a number is
# most of the reading's time. Measured by `python -m bench.bulk_import`.
BULK_MEMO_LIMIT = 1 << 23
# Positions in CALL_HEADER of what the handset links and the record-id check read back.
_A, _B, _START, _ROW, _SOURCE, _ID, _CALLER_IMEI, _CALLEE_IMEI = 0, 1, 2, 3, 4, 5, 8, 9


@dataclass
class ImporterFiles:
    """The importer's input: (label, file) and (type, file) pairs, in the folder they were written to."""

    folder: Path
    nodes: list[tuple[str, Path]]
    relationships: list[tuple[str, Path]]


@dataclass
class _Calls:
    """One CSV file of CALLED relationships: all the calls of one set of extra columns."""

    path: Path
    extra: tuple[str, ...]
    handle: IO[str]
    writer: Any  # csv.writer's object has no public type
    rows: int = 0


@dataclass
class _Load:
    """One input file being written: its summary so far and its rejects."""

    opened: OpenedLoad
    summary: LoadSummary
    rejects: RejectWriter
    duplicates: int = 0
    conflicts: dict[int, str] = field(default_factory=dict)  # line -> reason


class CallFiles:
    """Writes the importer CSVs of one or more files of calls, as one online load per file would.

    Phones and devices are kept by key (each with its first row and the loads that name it), the
    handset links by (number, IMEI) with their span and each load's first row; calls stream to disk.
    A record id is checked against every earlier row at the end, from a 64-bit hash per call: a
    repeat with the same ends and time is left out, one with other content is rejected, as the
    online loader does against the ids already in the graph.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.phones: dict[str, tuple[PhoneNumber, list[str]]] = {}
        self.devices: dict[str, tuple[bool | None, list[str]]] = {}
        self.links: dict[tuple[str, str], list[Any]] = {}  # [first, last, {source_id: first line}]
        self.calls: dict[tuple[str, ...], _Calls] = {}
        self.id_hashes: list[np.ndarray] = []
        self.loads: list[_Load] = []
        self.stack = ExitStack()

    def __enter__(self) -> CallFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    def add(self, opened: OpenedLoad, show: bool) -> LoadSummary:
        """Read, normalise and write one file of calls; its summary (rows read and rejected)."""
        table = opened.table
        summary = LoadSummary(
            source_id=opened.source_id,
            kind="calls",
            file_name=opened.path.name,
            rows_read=0,
            rows_loaded=0,
            rows_rejected=0,
            rejects_path=None,
            sha256=opened.sha256,
        )
        rejects = self.stack.enter_context(RejectWriter(opened.rejects_path, table.columns))
        load = _Load(opened, summary, rejects)
        self.loads.append(load)
        normalise = normaliser("calls", opened.mapping, opened.ctx, table)
        if isinstance(normalise, CallNormaliser):
            # This load keeps every phone and handset anyway: each number's spellings are parsed once.
            normalise.memo_limit = BULK_MEMO_LIMIT
        started = time.perf_counter()
        with progress_bar(show, opened.path.name) as bar:
            task = bar.add_task(f"calls {opened.path.name}", total=None, rate=0.0, rejected=0)
            for chunk in batched(table.rows, BATCH_ROWS):
                summary.rows_read += len(chunk)
                columns, rejected = normalise(chunk)
                for raw, reason in rejected:
                    load.rejects.add(raw, reason)
                if len(columns):
                    self._write(columns, opened.source_id)  # type: ignore[arg-type]
                elapsed = max(time.perf_counter() - started, 1e-9)
                rate = summary.rows_read / elapsed
                bar.update(task, completed=summary.rows_read, rate=rate, rejected=load.rejects.count)
        summary.seconds = round(time.perf_counter() - started, 3)
        return summary

    def _write(self, calls: CallColumns, source_id: str) -> None:
        """One batch: its calls to their file, its phones, devices and handset links remembered."""
        callers = [p.number for p in calls.caller]
        callees = [p.number for p in calls.callee]
        # Each key's first value in the batch (a dict keeps the last value given for a key: reversed).
        ends = dict(zip(reversed(callers + callees), reversed(calls.caller + calls.callee), strict=True))
        for number, phone in ends.items():
            known = self.phones.get(number)
            if known is None:
                self.phones[number] = (phone, [source_id])
            elif known[1][-1] != source_id:
                known[1].append(source_id)
        props = calls.properties
        imeis = props["caller_imei"] + props["callee_imei"]
        handsets = dict(zip(reversed(imeis), reversed(calls.caller_luhn + calls.callee_luhn), strict=True))
        handsets.pop(None, None)
        for imei, luhn in handsets.items():
            device = self.devices.get(imei)
            if device is None:
                self.devices[imei] = (luhn, [source_id])
            elif device[1][-1] != source_id:
                device[1].append(source_id)
        self._remember_links(handset_pairs(calls, (callers, callees), set()), source_id)
        starts = list(map(datetime.isoformat, calls.start_time))
        rows = zip(callers, callees, starts, calls.lines, repeat(source_id), calls.call_id,
                   props["duration_s"], props["call_type"], props["caller_imei"], props["callee_imei"],
                   props["caller_cell"], props["callee_cell"], props["caller_lat"],
                   props["caller_lon"])  # fmt: skip
        if calls.extra is None:
            self._calls(()).writer.writerows(rows)
        else:
            for row, extra in zip(rows, calls.extra, strict=True):
                keys = tuple(sorted(extra))
                self._calls(keys).writer.writerow((*row, *map(extra.__getitem__, keys)))
        self.id_hashes.append(np.fromiter(map(hash, calls.call_id), dtype=np.int64, count=len(calls)))

    def _calls(self, extra: tuple[str, ...]) -> _Calls:
        out = self.calls.get(extra)
        if out is None:
            path = self.folder / f"called-{len(self.calls)}.csv"
            handle = self.stack.enter_context(path.open("w", encoding="utf-8", newline=""))
            out = self.calls[extra] = _Calls(path, extra, handle, csv.writer(handle))
            out.writer.writerow((*CALL_HEADER, *extra))
        return out

    def _remember_links(self, pairs: dict[tuple[str, str], list[Any]], source_id: str) -> None:
        for key, (first, last, line) in pairs.items():
            link = self.links.get(key)
            if link is None:
                self.links[key] = [first, last, {source_id: line}]
                continue
            if first < link[0]:
                link[0] = first
            if last > link[1]:
                link[1] = last
            link[2].setdefault(source_id, line)  # files are read in order: the first line is the least

    def finish(self) -> ImporterFiles:
        """Check record ids across all rows, write the node and link files; the importer's input."""
        for out in self.calls.values():
            out.handle.flush()
        dropped = self._repeated_ids()
        if dropped:
            self._rewrite_calls(dropped)
            self._links_from_calls()
            self._reject_conflicts()
        for out in self.calls.values():
            out.handle.close()
        nodes = [("Phone", self._write_phones()), ("Device", self._write_devices())]
        relationships = [("CALLED", out.path) for out in self.calls.values()]
        relationships.append(("IN_DEVICE", self._write_links()))
        for load in self.loads:
            load.summary.rows_rejected = load.rejects.count
            load.summary.rows_loaded = load.summary.rows_read - load.summary.rows_rejected
            load.summary.duplicates = load.duplicates
            load.summary.rejects_path = load.opened.rejects_path if load.rejects.count else None
        self.stack.close()  # the rejects files
        return ImporterFiles(self.folder, nodes, relationships)

    def _repeated_ids(self) -> set[tuple[Path, int]]:
        """The calls (file, data row) to leave out: later rows repeating an earlier row's record id."""
        if not self.id_hashes:
            return set()
        hashes = np.concatenate(self.id_hashes)
        values, counts = np.unique(hashes, return_counts=True)
        if len(values) == len(hashes):
            return set()
        suspects = set(values[counts > 1].tolist())
        order = {load.opened.source_id: i for i, load in enumerate(self.loads)}
        seen: dict[str, list[tuple[int, int, Path, int, tuple[str, str, datetime]]]] = {}
        for out in self.calls.values():
            for at, row in enumerate(_rows(out.path)):
                if hash(row[_ID]) in suspects:
                    content = (row[_A], row[_B], datetime.fromisoformat(row[_START]))
                    seen.setdefault(row[_ID], []).append(
                        (order[row[_SOURCE]], int(row[_ROW]), out.path, at, content)
                    )
        dropped = set()
        for found in seen.values():
            found.sort(key=lambda f: (f[0], f[1]))
            first = found[0]
            for later in found[1:]:
                dropped.add((later[2], later[3]))
                load = self.loads[later[0]]
                if later[4] == first[4]:
                    load.duplicates += 1
                else:
                    load.conflicts[later[1]] = (
                        "record id already used by a different record "
                        f"(source {self.loads[first[0]].opened.source_id}, line {first[1]})"
                    )
        return dropped

    def _rewrite_calls(self, dropped: set[tuple[Path, int]]) -> None:
        for out in self.calls.values():
            if not any(path == out.path for path, _ in dropped):
                continue
            out.handle.close()
            kept = out.path.with_suffix(".kept.csv")
            with kept.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow((*CALL_HEADER, *out.extra))
                rows = enumerate(_rows(out.path))
                writer.writerows(row for at, row in rows if (out.path, at) not in dropped)
            kept.replace(out.path)

    def _links_from_calls(self) -> None:
        """The handset links again, from the calls kept (a rejected repeat shows no handset)."""
        self.links.clear()
        order = {load.opened.source_id: i for i, load in enumerate(self.loads)}
        found: dict[str, dict[tuple[str, str], list[Any]]] = {}
        for out in self.calls.values():
            for row in _rows(out.path):
                pairs = found.setdefault(row[_SOURCE], {})
                when, line = datetime.fromisoformat(row[_START]), int(row[_ROW])
                for number, imei in ((row[_A], row[_CALLER_IMEI]), (row[_B], row[_CALLEE_IMEI])):
                    if not imei:
                        continue
                    seen = pairs.get((number, imei))
                    if seen is None:
                        pairs[(number, imei)] = [when, when, line]
                    else:
                        seen[0], seen[1], seen[2] = min(seen[0], when), max(seen[1], when), min(seen[2], line)
        for source_id in sorted(found, key=order.__getitem__):
            self._remember_links(found[source_id], source_id)

    def _reject_conflicts(self) -> None:
        for load in self.loads:
            if not load.conflicts:
                continue
            table = open_table(load.opened.path, load.opened.encoding)
            for raw in table.rows:
                reason = load.conflicts.get(raw.line)
                if reason is not None:
                    load.rejects.add(raw, reason)

    def _write_phones(self) -> Path:
        return _write_csv(
            self.folder / "phones.csv",
            PHONE_HEADER,
            ((n, p.digits, p.quality, p.region, ";".join(s)) for n, (p, s) in self.phones.items()),
        )

    def _write_devices(self) -> Path:
        return _write_csv(
            self.folder / "devices.csv",
            DEVICE_HEADER,
            ((i, _boolean(luhn), ";".join(s)) for i, (luhn, s) in self.devices.items()),
        )

    def _write_links(self) -> Path:
        def rows() -> Iterator[tuple[Any, ...]]:
            for (number, imei), (first, last, lines) in self.links.items():
                refs = ";".join(f"{source_id}:{line}" for source_id, line in lines.items())
                yield number, imei, first.isoformat(), last.isoformat(), ";".join(lines), refs

        return _write_csv(self.folder / "in_device.csv", IN_DEVICE_HEADER, rows())


def _boolean(value: bool | None) -> str:
    return "" if value is None else ("true" if value else "false")


def _write_csv(path: Path, header: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _rows(path: Path) -> Iterator[list[str]]:
    """The data rows of one of the CSV files written here."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        yield from reader


def write_call_files(
    loads: list[OpenedLoad], show: bool, folder: Path | None = None
) -> tuple[ImporterFiles, list[LoadSummary]]:
    """The importer CSVs of ``loads`` (files of calls) in ``folder`` (a new temporary one when None)."""
    target = folder or Path(tempfile.mkdtemp(prefix="hilorojo-bulk-"))
    with CallFiles(target) as files:
        summaries = [files.add(opened, show) for opened in loads]
        written = files.finish()
    return written, summaries


Writer = Callable[[list[OpenedLoad], bool, Path | None], tuple[ImporterFiles, list[LoadSummary]]]
BULK_WRITERS: dict[str, Writer] = {"calls": write_call_files}


def bulk_writer(kind: str) -> Writer:
    """The function that writes files of ``kind`` for the importer; InputError for a kind it has none for."""
    if kind not in BULK_WRITERS:
        raise InputError(
            f"the bulk load writes {', '.join(BULK_WRITERS)} files, not {kind}",
            f"load {kind} with `hilorojo load {kind} FILE` after the bulk load",
        )
    return BULK_WRITERS[kind]
