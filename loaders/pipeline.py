"""Load one input file into the graph: read, map, normalise, reject bad rows, write batches, record it."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

import phonenumbers
from rich.console import Console
from rich.progress import Progress, TextColumn, TimeElapsedColumn

from access import session
from access.roles import Permission
from graph import cases, ingest
from graph.connection import Graph, batched
from graph.errors import InputError
from graph.migrations import migrate
from loaders.batch_writer import Batch, BatchWriter
from loaders.call_columns import CallColumns, CallNormaliser
from loaders.concurrency import IN_FLIGHT, concurrent_writes
from loaders.kinds import KINDS, Context, Record, check_columns, to_record
from loaders.mapping import Mapping, load_mapping
from loaders.readers import RawRow, Table, open_table
from loaders.rejects import RejectWriter, rejects_path_for
from values.dates import zone
from values.errors import BadValue
from values.grading import HINT as GRADE_HINT
from values.grading import parse_grade

# Rows per batch, one transaction each. Neo4j holds a transaction's changes on its heap until the
# commit, so larger batches survive its young collections and cost the server far more GC time.
# Measured by `python -m bench.ingest`.
BATCH_ROWS = 5_000


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
Normaliser = Callable[[list[RawRow]], tuple[Batch, Rejected]]
# Told after each batch: the rows read so far and the rows rejected so far (the web UI's progress bar).
OnProgress = Callable[[int, int], None]


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


def progress_bar(enabled: bool, file_name: str) -> Progress:
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


def check_grade(grade: str | None) -> str | None:
    """The Admiralty code of ``grade`` (values.grading), None without one; InputError when it is not one."""
    try:
        return parse_grade(grade).code if grade else None
    except BadValue as exc:
        raise InputError(str(exc), GRADE_HINT) from None


@dataclass
class OpenedLoad:
    """A file of one kind opened for loading: its reading options checked, its Source id named."""

    path: Path
    mapping: Mapping
    ctx: Context
    table: Table
    encoding: str | None
    sha256: str
    source_id: str
    rejects_path: Path


def open_load(
    kind: str,
    path: Path,
    mapping_path: Path | None = None,
    region: str | None = None,
    encoding: str | None = None,
    timezone: str = "UTC",
) -> OpenedLoad:
    """Check the reading options, open the file and check its columns (nothing is written yet)."""
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}", f"one of {', '.join(KINDS)}")
    mapping = load_mapping(mapping_path)
    region = _check_region(region or mapping.region)
    tz_name = mapping.timezone if (timezone == "UTC" and mapping.timezone) else timezone
    ctx = Context(mapping, region, _check_zone(tz_name))
    encoding = encoding or mapping.encoding
    table = open_table(path, encoding)
    check_columns(KINDS[kind], mapping.canonical_columns(table.columns), path.name)
    sha256 = file_sha256(path)
    source_id = source_id_for(sha256, kind, mapping, region, tz_name, encoding or "")
    return OpenedLoad(path, mapping, ctx, table, encoding, sha256, source_id, rejects_path_for(path))


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
    grade: str | None = None,
    on_progress: OnProgress | None = None,
) -> LoadSummary:
    """Load one file of ``kind`` (arrests, calls, identifiers, transfers) and return what happened.

    Missing required columns stop the load before anything is written. Bad rows go to
    ``FILE.rejects.csv``; with ``strict`` any bad row stops the load before anything is written.
    Reloading the same file with the same options changes nothing. ``grade`` (Admiralty code such as
    ``B2``, values.grading) is stored on the Source; ``on_progress`` is told after each batch.
    """
    who = session.require(Permission.IMPORT)
    graded = check_grade(grade)
    opened = open_load(kind, Path(path), mapping_path, region, encoding, timezone)
    path, mapping, table, source_id, rejects_path = (
        opened.path,
        opened.mapping,
        opened.table,
        opened.source_id,
        opened.rejects_path,
    )
    sha256, encoding = opened.sha256, opened.encoding
    normalise = normaliser(kind, mapping, opened.ctx, table)
    if strict:
        refuse_bad_rows(table, normalise, rejects_path, path.name)
        table = open_table(path, encoding)

    migrate(graph)
    # Until the last batch commits, a new Source says 'incomplete' (db status, Overview and analyze warn).
    begin_source(graph, source_id, path.name, sha256, kind)
    writer = BatchWriter(graph, kind, source_id)
    started = time.perf_counter()
    rows_read, rows_rejected = _write_batches(
        writer, table, normalise, (rejects_path, path.name), (progress, on_progress), started
    )
    seconds = time.perf_counter() - started
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
    if graded:
        cases.grade_source(graph, source_id, graded, who.user)
    return summary


def refuse_bad_rows(table: Table, normalise: Normaliser, rejects_path: Path, file_name: str) -> None:
    """``--strict``: read the whole file first; any bad row stops the load before anything is written."""
    with RejectWriter(rejects_path, table.columns) as rejects:
        rows_read = 0
        for chunk in batched(table.rows, BATCH_ROWS):
            rows_read += len(chunk)
            for raw, reason in normalise(chunk)[1]:
                rejects.add(raw, reason)
    if rejects.count:
        raise InputError(
            f"{file_name}: {rejects.count} of {rows_read} rows are bad; --strict loaded nothing",
            f"see {rejects_path}, fix the rows and load again",
        )


def _write_batches(
    writer: BatchWriter,
    table: Table,
    normalise: Normaliser,
    files: tuple[Path, str],
    progress: tuple[bool, OnProgress | None],
    started: float,
) -> tuple[int, int]:
    """Read, normalise and write the file batch by batch; the rows read and the rows rejected.

    ``files``: where rejected rows go, and the name of the file being loaded; ``progress``: whether to
    show the terminal's progress bar, and whom to tell after each batch.

    Reading and normalising the next batch (Python) overlaps writing the previous ones (Neo4j): see
    ``loaders.concurrency``.
    """
    (rejects_path, file_name), kind = files, writer.kind
    show, on_progress = progress
    rows_read = 0
    with (
        concurrent_writes(writer.run, IN_FLIGHT.get(kind, 1), list) as writes,
        RejectWriter(rejects_path, table.columns) as rejects,
        progress_bar(show, file_name) as bar,
    ):
        task = bar.add_task(f"{kind} {file_name}", total=None, rate=0.0, rejected=0)

        def settled(records: Batch, chunk: list[RawRow]) -> Callable[[list[tuple[int, str]]], None]:
            def settle(refused: list[tuple[int, str]]) -> None:
                refused += [
                    (line, "record id repeats an earlier row of this batch with other content")
                    for line in _conflict_lines(records)
                ]
                if refused:
                    raw_by_line = {raw.line: raw for raw in chunk}
                    for line, reason in sorted(refused):
                        rejects.add(raw_by_line[line], reason)

            return settle

        def batches() -> Iterator[tuple[Callable[[], ingest.BatchResult] | None, Callable[..., None]]]:
            nonlocal rows_read
            for chunk in batched(table.rows, BATCH_ROWS):
                rows_read += len(chunk)
                records, rejected = normalise(chunk)
                for raw, reason in rejected:
                    rejects.add(raw, reason)
                # Prepared before waiting for the writer, settled after handing it the batch: the
                # writer (and so Neo4j) waits on neither.
                yield (writer.prepare(records) if len(records) else None), settled(records, chunk)
                elapsed = max(time.perf_counter() - started, 1e-9)
                bar.update(task, completed=rows_read, rate=rows_read / elapsed, rejected=rejects.count)
                if on_progress is not None:
                    on_progress(rows_read, rejects.count)

        writes.write_all(batches())
        bar.update(task, rejected=rejects.count)
    return rows_read, rejects.count


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


def source_properties(
    summary: LoadSummary, mapping: str | None, source_name: str | None, fmt: str, encoding: str | None
) -> dict[str, Any]:
    """The properties of a complete load's Source (``loaded_at``: now, as ISO text)."""
    return {
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
    }


def complete_source(
    graph: Graph,
    summary: LoadSummary,
    mapping: str | None,
    source_name: str | None,
    fmt: str,
    encoding: str | None,
) -> None:
    """Write the load's counts on its Source (which marks it complete) and record the import."""
    written = ingest.write_source(graph, source_properties(summary, mapping, source_name, fmt, encoding))
    if written and written.get("loaded_at") is not None:
        loaded_at = written["loaded_at"]
        summary.loaded_at = loaded_at.iso_format() if hasattr(loaded_at, "iso_format") else str(loaded_at)
    record_import(summary)


def record_import(summary: LoadSummary) -> None:
    """The audit line of a load."""
    session.record(
        "import",
        [summary.source_id],
        file=summary.file_name,
        kind=summary.kind,
        sha256=summary.sha256,
        rows_loaded=summary.rows_loaded,
        rows_rejected=summary.rows_rejected,
    )
