"""The bulk first load: files written for Neo4j's offline importer and imported into the local server."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from access import session
from access.roles import Permission
from graph import cases, ingest, local_server
from graph.bulk_import import holds_data, import_full
from graph.connection import Graph
from graph.errors import ConfigError, InputError, LocalServerError
from graph.migrations import migrate
from graph.settings import Settings
from loaders.bulk import bulk_writer
from loaders.pipeline import LoadSummary, check_grade, open_load, record_import, source_properties


@dataclass
class BulkSummary:
    """The outcome of a bulk load: each file's rows, what the importer wrote, and the time of each step."""

    loads: list[LoadSummary]
    nodes: int
    relationships: int
    write_seconds: float  # reading, normalising and writing the importer's files
    import_seconds: float  # the importer (its JVM's start included)
    seconds: float  # from the first row read to the server answering with its schema and Sources

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.loads)

    @property
    def rows_rejected(self) -> int:
        return sum(s.rows_rejected for s in self.loads)

    @property
    def rows_per_second(self) -> float:
        return self.rows_read / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "loads": [s.as_dict() for s in self.loads],
            "rows_read": self.rows_read,
            "rows_rejected": self.rows_rejected,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "write_seconds": round(self.write_seconds, 3),
            "import_seconds": round(self.import_seconds, 3),
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
        }


def bulk_load(
    settings: Settings,
    kind: str,
    paths: Sequence[Path],
    *,
    mapping_path: Path | None = None,
    region: str | None = None,
    source_name: str | None = None,
    strict: bool = False,
    encoding: str | None = None,
    timezone: str = "UTC",
    grade: str | None = None,
    heap: str = "2g",
    progress: bool = True,
) -> BulkSummary:
    """Load files of ``kind`` into the empty database of the local server with Neo4j's offline importer.

    The rows are read, normalised and rejected as ``load_file`` does, and the graph is the one that
    loading the files one after the other with ``load_file`` writes (loaders/bulk.py). The server is
    checked empty, stopped while the importer writes its store, started again and migrated; each
    file's Source is written then. With ``strict`` any bad row stops the load before the server stops.
    """
    who = session.require(Permission.IMPORT)
    graded = check_grade(grade)
    if not settings.is_local:
        raise ConfigError(
            f"the bulk load writes the store of the local server, not the server at {settings.uri}",
            "load a remote server or cluster with `hilorojo load KIND FILE`, or its own neo4j-admin",
        )
    write = bulk_writer(kind)
    opened = [open_load(kind, Path(p), mapping_path, region, encoding, timezone) for p in paths]
    if len({o.source_id for o in opened}) < len(opened):
        raise InputError("the same file is given twice", "give each file once")
    _check_empty(settings)
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="bulk-", dir=settings.home))
    try:
        files, summaries = write(opened, progress, folder)
        write_seconds = time.perf_counter() - started
        rejected = sum(s.rows_rejected for s in summaries)
        if strict and rejected:
            raise InputError(
                f"{rejected} of {sum(s.rows_read for s in summaries)} rows are bad; --strict loaded nothing",
                "see the rejects files next to the input files, fix the rows and load again",
            )
        local_server.stop(settings)
        try:
            report = import_full(settings, files.nodes, files.relationships, heap=heap)
        finally:
            local_server.start(settings)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    graph = Graph(settings)
    try:
        migrate(graph)
        for summary, load in zip(summaries, opened, strict=True):
            properties = source_properties(
                summary, load.mapping.text or None, source_name, load.table.format, load.table.encoding
            )
            written = ingest.write_source(graph, properties)
            summary.loaded_at = str(written["loaded_at"]) if written else ""
            if summary.seconds:
                summary.rows_per_second = round(summary.rows_read / summary.seconds, 1)
            if graded:
                cases.grade_source(graph, summary.source_id, graded, who.user)
            record_import(summary)
    finally:
        graph.close()
    return BulkSummary(
        summaries,
        report.nodes,
        report.relationships,
        write_seconds,
        report.seconds,
        time.perf_counter() - started,
    )


def _check_empty(settings: Settings) -> None:
    """Refuse a database that holds data; leave the local server running from this home."""
    if local_server.running_pid(settings) is None:
        if local_server.port_open(settings.host, settings.port):
            raise LocalServerError(
                f"the server on {settings.uri} was not started from {settings.home}; the bulk load "
                "stops and starts the local server itself",
                "stop that server, then run the bulk load again",
            )
        local_server.start(settings)
    graph = Graph(settings)
    try:
        migrate(graph)
        found = holds_data(graph)
    finally:
        graph.close()
    if found:
        raise InputError(
            f"the database {settings.database} on {settings.uri} is not empty: the bulk load only "
            "writes an empty database",
            "load into it with `hilorojo load KIND FILE`, or bulk-load into a new HILOROJO_HOME",
        )
