"""Load one input file into the graph: read, map, normalise, reject bad rows, write batches, record it."""

from __future__ import annotations

import gc
import hashlib
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo
from operator import attrgetter
from pathlib import Path
from typing import Any

import phonenumbers
from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from access import session
from access.roles import Permission
from graph import ingest
from graph.connection import Graph, batched
from graph.errors import InputError
from graph.migrations import migrate
from loaders.call_columns import CallColumns, CallNormaliser
from loaders.kinds import KINDS, Context, Record, check_columns, to_record
from loaders.mapping import Mapping, load_mapping
from loaders.outcomes import outcome_steps
from loaders.people import PersonResolver
from loaders.readers import RawRow, Table, open_table
from loaders.rejects import RejectWriter, rejects_path_for
from values.country import country_name
from values.dates import zone
from values.errors import BadValue
from values.phone import PhoneNumber

# Rows per batch, one transaction each. Neo4j holds a transaction's changes on its heap until the
# commit, so larger batches survive its young collections and cost the server far more GC time.
# Measured by `python -m bench.ingest`.
BATCH_ROWS = 5_000
# Batches written at the same time, each in its own transaction. Calls go two at a time so that Neo4j
# runs one batch's query while the other commits; the other kinds resolve people or merge shared
# accounts batch after batch, and write one at a time. Two call batches can deadlock on shared phones:
# Neo4j aborts one, retried after ``graph.ingest.DEADLOCK_RETRY_S``, and ``graph.ingest.call_batch``
# writes a batch in two parts to keep that rare. Measured by `python -m bench.ingest`.
IN_FLIGHT = {"calls": 2}
# Batches read, prepared and queued beyond those being written: reading is faster than writing on
# average but not batch by batch (a burst of new phone spellings to parse), and the queue keeps the
# writer busy meanwhile. Measured by `python -m bench.ingest --calls 1000000`.
QUEUED_AHEAD = 2
_number = attrgetter("number")


@dataclass
class LoadSummary:
    """The outcome of one load (also written on its Source node)."""

    source_id: str
    kind: str
    file_name: str
    rows_read: int
    rows_loaded: int
    rows_rejected: int
    rejects_path: Path | None
    duplicates: int = 0
    nodes_created: int = 0
    relationships_created: int = 0
    seconds: float = 0.0
    rows_per_second: float = 0.0
    sha256: str = ""
    loaded_at: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rejects_path"] = str(self.rejects_path) if self.rejects_path else None
        return data


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_id_for(
    sha256: str, kind: str, mapping: Mapping, region: str | None, tz_name: str, encoding: str
) -> str:
    """Deterministic Source id: the same file, kind and reading options always give the same id."""
    text = "|".join((sha256, kind, mapping.text, region or "", tz_name, encoding))
    return "S-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _check_region(region: str | None) -> str | None:
    if region is None:
        return None
    code = region.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise InputError(f"unknown phone region {region!r}", "give an ISO 3166 alpha-2 code such as CO")
    return code


def _check_zone(name: str) -> tzinfo:
    try:
        return zone(name)
    except BadValue as exc:
        raise InputError(str(exc), "give an IANA name such as America/Bogota") from exc


Rejected = list[tuple[RawRow, str]]
Batch = list[Record] | CallColumns  # the normalised records of one batch: calls come as columns
Normaliser = Callable[[list[RawRow]], tuple[Batch, Rejected]]


def normaliser(kind: str, mapping: Mapping, ctx: Context, table: Table) -> Normaliser:
    """What turns a batch of raw rows of ``kind`` into its records and its rejected rows (with reasons)."""
    if kind == "calls":
        rename = None if mapping.is_identity else mapping.rename
        # Every readable CSV or xlsx row has the header's columns; JSON lines may each have others.
        uniform = mapping.canonical_columns(table.columns) if table.format in ("csv", "xlsx") else None
        return CallNormaliser(ctx, rename, uniform)

    def normalise(raws: list[RawRow]) -> tuple[Batch, Rejected]:
        records: list[Record] = []
        rejected: Rejected = []
        for raw in raws:
            if raw.error is not None:
                rejected.append((raw, raw.error))
                continue
            try:
                record = to_record(kind, mapping.rename(raw.values), ctx)
            except BadValue as exc:
                rejected.append((raw, str(exc)))
                continue
            record["line"] = raw.line
            records.append(record)
        return records, rejected

    return normalise


def _conflict_lines(batch: Batch) -> list[int]:
    """Lines of records repeating an earlier record id of their batch with other content."""
    if isinstance(batch, CallColumns):
        return batch.conflict_lines
    return [r["line"] for r in batch if r.get("conflict")]


# -- batch builders: records -> ordered write steps ---------------------------------------------


def _phone_row(phone: PhoneNumber) -> dict[str, Any]:
    return {"number": phone.number, "digits": phone.digits, "quality": phone.quality, "region": phone.region}


def _countries(codes: set[str]) -> list[dict[str, str]]:
    return [{"code": c, "name": country_name(c)} for c in sorted(codes)]


def _handset_pairs(
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


class BatchWriter:
    """Turns batches of canonical records of one kind into transactions, and keeps per-load state."""

    def __init__(self, graph: Graph, kind: str, source_id: str) -> None:
        self.graph = graph
        self.kind = kind
        self.source_id = source_id
        self.people = PersonResolver(graph)
        self.calls = ingest.CallWriter(graph, source_id)
        self.seen_phones: set[str] = set()
        self.device_spans: dict[tuple[str, str], tuple[datetime, datetime]] = {}  # IN_DEVICE as written
        self.previous_numbers: set[str] = set()  # the phones of the batch of calls prepared last
        self.nodes_created = 0
        self.relationships_created = 0
        self.duplicates = 0

    def row_ref(self, line: int) -> str:
        return f"{self.source_id}:{line}"

    def prepare(self, records: Batch) -> Callable[[], ingest.BatchResult]:
        """Do the Python work of a batch that depends on no earlier batch, and return what writes it.

        ``load_file`` prepares a batch in the reading thread while earlier batches are written, so
        that the writer thread does little besides waiting on Neo4j (for calls; the other kinds
        do their work in the writer).
        """
        if isinstance(records, CallColumns):
            return self._prepare_calls(records)
        write: Callable[[list[Record]], ingest.BatchResult] = getattr(self, "_" + self.kind)
        return lambda: write(records)

    def run(self, job: Callable[[], ingest.BatchResult]) -> list[tuple[int, str]]:
        """Write one prepared batch; return the (line, reason) of rows refused by the graph."""
        result = job()
        self.nodes_created += result.nodes_created
        self.relationships_created += result.relationships_created
        return [
            (
                int(c["line"]),
                f"record id already used by a different record (source {c['other_source']}, "
                f"line {c['other_row']})",
            )
            for c in result.conflicts
        ]

    def _resolve_people(self, persons: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        self.people.prefetch({p["name_key"] for p in persons if p["person_id"] is None and p["name_key"]})
        for person in persons:
            self.people.resolve(person)
        return [dict(p) for p in persons]

    def _new_phones(self, phones: Sequence[PhoneNumber]) -> list[dict[str, Any]]:
        rows = {}
        for phone in phones:
            if phone.number not in self.seen_phones and phone.number not in rows:
                rows[phone.number] = _phone_row(phone)
        return list(rows.values())

    def _arrests(self, records: list[Record]) -> ingest.BatchResult:
        people = self._resolve_people([r["person"] for r in records])
        codes = {r["country"] for r in records if r["country"]} | {
            p["nationality"] for p in people if p["nationality"]
        }
        phones = [p for r in records for p in r["phones"]]
        involved, part_of, national, in_country, uses, holds = [], [], [], [], [], []
        accounts: dict[str, dict[str, Any]] = {}
        for r in records:
            pid, ref = r["person"]["person_id"], self.row_ref(r["line"])
            involved.append(
                {
                    "person_id": pid,
                    "arrest_id": r["arrest_id"],
                    "role": r["person"]["role"],
                    "charges": r["charges"],
                    "source_row": ref,
                    "extra": r["extra"],
                }
            )
            if r["operation"]:
                part_of.append({"arrest_id": r["arrest_id"], "operation": r["operation"]})
            if r["person"]["nationality"]:
                national.append({"person_id": pid, "code": r["person"]["nationality"]})
            if r["country"]:
                in_country.append({"arrest_id": r["arrest_id"], "code": r["country"]})
            for phone in r["phones"]:
                uses.append(_link(pid, phone.number, ref))
            for account in r["accounts"]:
                accounts.setdefault(
                    account, {"account_id": account, "holder_name": r["person"]["name"], "country": None}
                )
                holds.append(_link(pid, account, ref))
        arrests = [
            {
                k: r[k]
                for k in ("arrest_id", "arrest_date", "agency", "city", "country", "latitude", "longitude")
            }
            for r in records
        ]
        steps: list[ingest.Step] = [
            (ingest.MERGE_PEOPLE, {"people": people}),
            (ingest.MERGE_COUNTRIES, {"countries": _countries(codes)}),
            (
                ingest.MERGE_OPERATIONS,
                {"operations": [{"name": n} for n in sorted({p["operation"] for p in part_of})]},
            ),
            (ingest.MERGE_ARRESTS, {"arrests": arrests}),
            (ingest.MERGE_PHONES, {"phones": self._new_phones(phones)}),
            (ingest.MERGE_ACCOUNTS, {"accounts": list(accounts.values())}),
            (ingest.LINK_INVOLVED_IN, {"links": involved}),
            (ingest.LINK_PART_OF, {"links": part_of}),
            (ingest.LINK_NATIONAL_OF, {"links": national}),
            (ingest.LINK_ARREST_COUNTRY, {"links": in_country}),
            (ingest.LINK_USES_PHONE, {"links": uses}),
            (ingest.LINK_HOLDS, {"links": holds}),
        ]
        result = ingest.write_batch(self.graph, self.source_id, steps)
        self.seen_phones.update(p.number for p in phones)
        return result

    def _outcomes(self, records: list[Record]) -> ingest.BatchResult:
        steps = outcome_steps(self.people, records, self.row_ref)
        return ingest.write_batch(self.graph, self.source_id, steps)

    def _identifiers(self, records: list[Record]) -> ingest.BatchResult:
        people = self._resolve_people([r["person"] for r in records])
        codes = {p["nationality"] for p in people if p["nationality"]}
        by_type: dict[str, list[dict[str, Any]]] = {}
        targets: dict[str, dict[str, dict[str, Any]]] = {}
        national = []
        for r in records:
            person, t, id_type = r["person"], r["target"], r["identifier_type"]
            link = _link(
                person["person_id"], t["key"], self.row_ref(r["line"]), r["valid_from"], r["valid_to"]
            )
            link["extra"] = r["extra"]
            by_type.setdefault(id_type, []).append(link)
            bucket = targets.setdefault(id_type, {})
            if id_type == "phone":
                bucket.setdefault(t["key"], _phone_row(t["phone"]))
            elif id_type == "imei":
                bucket.setdefault(t["key"], {"imei": t["key"], "luhn_ok": t["luhn_ok"]})
            elif id_type == "account":
                bucket.setdefault(
                    t["key"], {"account_id": t["key"], "holder_name": person["name"], "country": None}
                )
            elif id_type == "email":
                bucket.setdefault(t["key"], {"address": t["key"]})
            else:
                bucket.setdefault(
                    t["key"], {"doc_id": t["key"], "doc_type": t["doc_type"], "number": t["number"]}
                )
            if person["nationality"]:
                national.append({"person_id": person["person_id"], "code": person["nationality"]})

        def nodes(id_type: str) -> list[dict[str, Any]]:
            return list(targets.get(id_type, {}).values())

        def links(id_type: str) -> dict[str, Any]:
            return {"links": by_type.get(id_type, [])}

        docs = nodes("passport") + nodes("national_id")
        steps: list[ingest.Step] = [
            (ingest.MERGE_PEOPLE, {"people": people}),
            (ingest.MERGE_COUNTRIES, {"countries": _countries(codes)}),
            (ingest.MERGE_PHONES, {"phones": nodes("phone")}),
            (ingest.MERGE_DEVICES, {"devices": nodes("imei")}),
            (ingest.MERGE_ACCOUNTS, {"accounts": nodes("account")}),
            (ingest.MERGE_EMAILS, {"emails": nodes("email")}),
            (ingest.MERGE_DOCUMENTS, {"documents": docs}),
            (ingest.LINK_NATIONAL_OF, {"links": national}),
            (ingest.LINK_USES_PHONE, links("phone")),
            (ingest.LINK_USES_DEVICE, links("imei")),
            (ingest.LINK_HOLDS, links("account")),
            (ingest.LINK_HAS_EMAIL, links("email")),
            (
                ingest.LINK_HAS_DOCUMENT,
                {"links": by_type.get("passport", []) + by_type.get("national_id", [])},
            ),
        ]
        return ingest.write_batch(self.graph, self.source_id, steps)

    def _dedupe(self, records: list[Record], id_key: str, content: tuple[str, ...]) -> list[Record]:
        """Drop repeats of a record id within the batch (same content) and refuse different content."""
        first: dict[str, Record] = {}

        def fingerprint(r: Record) -> tuple[Any, ...]:
            return tuple(r[c] if c in r else r["props"][c] for c in content)

        kept = []
        for r in records:
            rid = r["props"][id_key]
            earlier = first.setdefault(rid, r)
            if earlier is r:
                kept.append(r)
            elif fingerprint(earlier) == fingerprint(r):
                self.duplicates += 1
            else:
                r["conflict"] = True
        return kept

    def _dedupe_calls(self, calls: CallColumns) -> CallColumns:
        """``_dedupe`` for a batch of calls (the same rules, on columns)."""
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

    def _prepare_calls(self, batch: CallColumns) -> Callable[[], ingest.BatchResult]:
        calls = self._dedupe_calls(batch)
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
        found = _handset_pairs(calls, numbers, set())
        spans: dict[tuple[str, str], tuple[datetime, datetime]] = {}  # the links of the last call

        def links(refused: set[int]) -> list[dict[str, Any]]:
            # Runs in the writer: it compares with the spans earlier batches of this load wrote.
            spans.clear()
            changed = []
            pairs = _handset_pairs(calls, numbers, refused) if refused else found
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
            {number: _phone_row(phone) for number, phone in phones.items()},
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

    def _transfers(self, records: list[Record]) -> ingest.BatchResult:
        kept = self._dedupe(records, "transaction_id", ("sender", "receiver", "amount", "timestamp"))
        pairs = {
            (r[side], r[side + "_name"][1])
            for r in kept
            for side in ("sender", "receiver")
            if r[side + "_name"]
        }
        self.people.prefetch_holders(pairs)
        accounts: dict[str, dict[str, Any]] = {}
        people: dict[str, dict[str, Any]] = {}
        codes: set[str] = set()
        in_country = []
        for r in kept:
            for side in ("sender", "receiver"):
                account, named, country = r[side], r[side + "_name"], r[side + "_country"]
                entry = accounts.setdefault(
                    account, {"account_id": account, "holder_name": None, "country": None}
                )
                entry["holder_name"] = entry["holder_name"] or (named[0] if named else None)
                entry["country"] = entry["country"] or country
                if country:
                    codes.add(country)
                    in_country.append({"account_id": account, "code": country})
                if named:
                    pid = self.people.holder(account, named[1])
                    people.setdefault(
                        pid,
                        {
                            "person_id": pid,
                            "name": named[0],
                            "name_key": named[1],
                            "aliases": [],
                            "date_of_birth": None,
                            "gender": None,
                            "nationality": None,
                            "role": None,
                        },
                    )
        events = [
            {"line": r["line"], "sender": r["sender"], "receiver": r["receiver"], "props": r["props"]}
            for r in kept
        ]

        def after(refused: set[int]) -> list[ingest.Step]:
            holds: dict[tuple[str, str], dict[str, Any]] = {}
            for r in kept:
                if r["line"] in refused:
                    continue
                for side in ("sender", "receiver"):
                    named = r[side + "_name"]
                    if named:
                        pid = self.people.holder(r[side], named[1])
                        holds.setdefault((pid, r[side]), _link(pid, r[side], self.row_ref(r["line"])))
            return [(ingest.LINK_HOLDS, {"links": list(holds.values()), "first_only": True})]

        steps: list[ingest.Step] = [
            (ingest.MERGE_PEOPLE, {"people": list(people.values())}),
            (ingest.MERGE_COUNTRIES, {"countries": _countries(codes)}),
            (ingest.MERGE_ACCOUNTS, {"accounts": list(accounts.values())}),
            (ingest.LINK_ACCOUNT_COUNTRY, {"links": in_country}),
        ]
        return ingest.write_batch(
            self.graph,
            self.source_id,
            steps,
            ingest.Events(ingest.EVENT_KINDS["transfers"], events),
            after,
        )


def _link(person_id: str, key: str, ref: str, valid_from: Any = None, valid_to: Any = None) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "key": key,
        "source_row": ref,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "extra": {},
    }


# -- the load ---------------------------------------------------------------------------------------


# Batches between two collections of the young objects during a load (see ``_gc_paused``), and
# between two full collections: the driver's cyclic garbage otherwise reaches the oldest generation
# and raises peak memory. Measured by `python -m bench.ingest --calls 1000000` (peak RSS).
GC_EVERY_BATCHES = 4
FULL_GC_EVERY_BATCHES = 40


@contextmanager
def _gc_paused() -> Iterator[Callable[[], None]]:
    """Pause Python's automatic cycle collection; yield the collection to run after each batch.

    A batch keeps tens of thousands of live dicts, which every automatic full collection would
    rescan. A collection of the young objects every ``GC_EVERY_BATCHES`` batches frees the cycles the
    driver makes meanwhile; its cost is the objects alive when it runs, not those made since the last
    one, so collecting less often costs less. A full collection every ``FULL_GC_EVERY_BATCHES`` frees
    the cycles that outlived those.
    """
    was_enabled = gc.isenabled()
    batches = 0

    def collect() -> None:
        nonlocal batches
        batches += 1
        if was_enabled and batches % FULL_GC_EVERY_BATCHES == 0:
            gc.collect(2)
        elif was_enabled and batches % GC_EVERY_BATCHES == 0:
            gc.collect(1)

    gc.disable()
    try:
        yield collect
    finally:
        if was_enabled:
            gc.enable()


# How long a thread may hold the GIL before Python hands it to a waiting one (the default is 5 ms).
# The writer thread wakes on every Neo4j response while the reading thread normalises rows without
# pause; a short interval lets the writer resume promptly. Measured by
# `python -m bench.ingest --calls 1000000`.
SWITCH_INTERVAL_S = 0.0002


@contextmanager
def _quick_thread_switches() -> Iterator[None]:
    """Let the writer thread take the GIL soon after its Neo4j response arrives, for one load."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, SWITCH_INTERVAL_S))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _progress(enabled: bool, file_name: str) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        TextColumn("{task.completed:>12,.0f} rows"),
        TextColumn("{task.fields[rate]:>9,.0f} rows/s"),
        TextColumn("{task.fields[rejected]:,} rejected"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=not enabled,
        transient=False,
    )


def load_file(
    graph: Graph,
    kind: str,
    path: Path,
    *,
    mapping_path: Path | None = None,
    region: str | None = None,
    source_name: str | None = None,
    strict: bool = False,
    encoding: str | None = None,
    timezone: str = "UTC",
    progress: bool = True,
) -> LoadSummary:
    """Load one file of ``kind`` (arrests, calls, identifiers, transfers) and return what happened.

    Missing required columns stop the load before anything is written. Bad rows go to
    ``FILE.rejects.csv``; with ``strict`` any bad row stops the load before anything is written.
    Reloading the same file with the same options changes nothing.
    """
    session.require(Permission.IMPORT)
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}", f"one of {', '.join(KINDS)}")
    path = Path(path)
    mapping = load_mapping(mapping_path)
    region = _check_region(region or mapping.region)
    tz_name = mapping.timezone if (timezone == "UTC" and mapping.timezone) else timezone
    ctx = Context(mapping, region, _check_zone(tz_name))
    encoding = encoding or mapping.encoding
    table = open_table(path, encoding)
    check_columns(KINDS[kind], mapping.canonical_columns(table.columns), path.name)
    sha256 = file_sha256(path)
    source_id = source_id_for(sha256, kind, mapping, region, tz_name, encoding or "")
    rejects_path = rejects_path_for(path)

    normalise = normaliser(kind, mapping, ctx, table)
    if strict:
        with RejectWriter(rejects_path, table.columns) as rejects:
            rows_read = 0
            for chunk in batched(table.rows, BATCH_ROWS):
                rows_read += len(chunk)
                for raw, reason in normalise(chunk)[1]:
                    rejects.add(raw, reason)
        if rejects.count:
            raise InputError(
                f"{path.name}: {rejects.count} of {rows_read} rows are bad; --strict loaded nothing",
                f"see {rejects_path}, fix the rows and load again",
            )
        table = open_table(path, encoding)

    migrate(graph)
    # Until the last batch commits, a new Source says 'incomplete' (db status, Overview and analyze warn).
    begin_source(graph, source_id, path.name, sha256, kind)
    writer = BatchWriter(graph, kind, source_id)
    started = time.perf_counter()
    rows_read = 0
    # Reading and normalising the next batch (Python) overlaps writing the previous ones (Neo4j).
    in_flight = IN_FLIGHT.get(kind, 1)
    with (
        _quick_thread_switches(),
        _gc_paused() as collect_garbage,
        ThreadPoolExecutor(max_workers=in_flight, thread_name_prefix="hilorojo-writer") as pool,
        RejectWriter(rejects_path, table.columns) as rejects,
        _progress(progress, path.name) as bar,
    ):
        task = bar.add_task(f"{kind} {path.name}", total=None, rate=0.0, rejected=0)
        pending: deque[tuple[Future[list[tuple[int, str]]], Batch, list[RawRow]]] = deque()

        stopped = threading.Event()  # set when the load fails: batches still queued are not written

        def write(job: Callable[[], ingest.BatchResult]) -> list[tuple[int, str]]:
            if stopped.is_set():
                return []
            try:
                return writer.run(job)
            except BaseException:
                stopped.set()
                raise

        def settle(batch: tuple[Future[list[tuple[int, str]]], Batch, list[RawRow]]) -> None:
            future, records, chunk = batch
            refused = future.result()
            refused += [
                (line, "record id repeats an earlier row of this batch with other content")
                for line in _conflict_lines(records)
            ]
            if refused:
                raw_by_line = {raw.line: raw for raw in chunk}
                for line, reason in sorted(refused):
                    rejects.add(raw_by_line[line], reason)

        try:
            for chunk in batched(table.rows, BATCH_ROWS):
                rows_read += len(chunk)
                records, rejected = normalise(chunk)
                for raw, reason in rejected:
                    rejects.add(raw, reason)
                # Prepared before waiting for the writer, collected after handing it the batch: the
                # writer (and so Neo4j) waits on neither.
                job = writer.prepare(records) if len(records) else None
                if len(pending) == in_flight + QUEUED_AHEAD:
                    settle(pending.popleft())
                if job is not None:
                    pending.append((pool.submit(write, job), records, chunk))
                collect_garbage()
                elapsed = max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=rows_read, rate=rows_read / elapsed, rejected=rejects.count)
            while pending:
                settle(pending.popleft())
        except BaseException:
            stopped.set()  # the writer skips the batches still queued
            raise
        bar.update(task, rejected=rejects.count)
    seconds = time.perf_counter() - started
    rows_rejected = rejects.count
    summary = LoadSummary(
        source_id=source_id,
        kind=kind,
        file_name=path.name,
        rows_read=rows_read,
        rows_loaded=rows_read - rows_rejected,
        rows_rejected=rows_rejected,
        rejects_path=rejects_path if rows_rejected else None,
        duplicates=writer.duplicates,
        nodes_created=writer.nodes_created,
        relationships_created=writer.relationships_created,
        seconds=round(seconds, 3),
        rows_per_second=round(rows_read / seconds, 1) if seconds > 0 else 0.0,
        sha256=sha256,
    )
    complete_source(graph, summary, mapping.text or None, source_name, table.format, table.encoding)
    return summary


def begin_source(graph: Graph, source_id: str, file_name: str, sha256: str, kind: str) -> None:
    """Name the load's Source before its first batch ('incomplete' until ``complete_source``)."""
    ingest.start_source(
        graph,
        {
            "source_id": source_id,
            "loaded_at": datetime.now(UTC).isoformat(),
            "file_name": file_name,
            "sha256": sha256,
            "kind": kind,
        },
    )


def complete_source(
    graph: Graph,
    summary: LoadSummary,
    mapping: str | None,
    source_name: str | None,
    fmt: str,
    encoding: str | None,
) -> None:
    """Write the load's counts on its Source (which marks it complete) and record the import."""
    written = ingest.write_source(
        graph,
        {
            "source_id": summary.source_id,
            "loaded_at": datetime.now(UTC).isoformat(),
            "file_name": summary.file_name,
            "sha256": summary.sha256,
            "kind": summary.kind,
            "mapping": mapping,
            "rows_read": summary.rows_read,
            "rows_loaded": summary.rows_loaded,
            "rows_rejected": summary.rows_rejected,
            "name": source_name,
            "format": fmt,
            "encoding": encoding,
        },
    )
    if written and written.get("loaded_at") is not None:
        loaded_at = written["loaded_at"]
        summary.loaded_at = loaded_at.iso_format() if hasattr(loaded_at, "iso_format") else str(loaded_at)
    session.record(
        "import",
        [summary.source_id],
        file=summary.file_name,
        kind=summary.kind,
        sha256=summary.sha256,
        rows_loaded=summary.rows_loaded,
        rows_rejected=summary.rows_rejected,
    )
