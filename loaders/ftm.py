"""Load FollowTheMoney entities (JSON lines from Aleph, OpenSanctions or an export) into the graph."""

# ftm_entities.py reads the entities, ftm_placer.py turns each into canonical rows of the four kinds (or a
# reason it has no place), and this module writes them through the loaders' normalisers and batch writer.

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from access import session
from access.roles import Permission
from graph import ingest
from graph.connection import Graph, batched
from graph.migrations import migrate
from loaders.call_columns import CallColumns
from loaders.ftm_conventions import key_of
from loaders.ftm_entities import Entity, read_entities
from loaders.ftm_placer import ORDER, Placer, Plan, plan_entities
from loaders.kinds import KINDS, Context, person_record
from loaders.mapping import load_mapping
from loaders.pipeline import (
    BATCH_ROWS,
    BatchWriter,
    LoadSummary,
    begin_source,
    complete_source,
    file_sha256,
    normaliser,
    source_id_for,
)
from loaders.readers import RawRow, Table
from loaders.rejects import RejectWriter, rejects_path_for
from values.dates import zone
from values.errors import BadValue

KIND = "ftm"
REJECT_COLUMNS = ["id", "schema", "caption"]


def _conflicts(records: Any) -> list[int]:
    if isinstance(records, CallColumns):
        return list(records.conflict_lines)
    return [int(r["line"]) for r in records if r.get("conflict")]


def _write_kind(
    graph: Graph,
    kind: str,
    raws: list[RawRow],
    source_id: str,
    ctx: Context,
    reject: Callable[[int, str], None],
) -> BatchWriter:
    table = Table("jsonl", "utf-8", list(KINDS[kind].known), iter(()))
    normalise = normaliser(kind, ctx.mapping, ctx, table)
    writer = BatchWriter(graph, kind, source_id)
    for chunk in batched(raws, BATCH_ROWS):
        records, rejected = normalise(chunk)
        for raw, reason in rejected:
            reject(raw.line, reason)
        if len(records):
            for line, reason in writer.run(writer.prepare(records)):
                reject(line, reason)
        for line in _conflicts(records):
            reject(line, "record id repeats an earlier entity of this file with other content")
    return writer


def load_ftm(
    graph: Graph, path: Path, *, region: str | None = None, source_name: str | None = None
) -> LoadSummary:
    """Load a FollowTheMoney JSON lines file (plain or gzip). Entities the model cannot place, and
    rows the normalisers refuse, go to ``FILE.rejects.csv`` with their line and reason."""
    session.require(Permission.IMPORT)
    path = Path(path)
    entities, unreadable, lines = read_entities(path)
    plan = plan_entities(entities)
    mapping = load_mapping(None)
    ctx = Context(mapping, region.upper() if region else None, zone("UTC"))
    sha256 = file_sha256(path)
    source_id = source_id_for(sha256, KIND, mapping, ctx.region, "UTC", "utf-8")
    migrate(graph)
    begin_source(graph, source_id, path.name, sha256, KIND)
    by_line = {e.line: e for e in entities.values()}
    refused: set[int] = set()
    started = datetime.now(UTC)
    nodes = relationships = duplicates = 0
    with RejectWriter(rejects_path_for(path), REJECT_COLUMNS) as rejects:

        def reject(line: int, reason: str) -> None:
            if line in refused:
                return
            refused.add(line)
            entity = by_line.get(line)
            rejects.add(entity.raw() if entity else RawRow.of(line, {}), reason)

        for raw, reason in unreadable:
            refused.add(raw.line)
            rejects.add(raw, reason)
        for entity, reason in plan.rejected:
            reject(entity.line, reason)
        for kind in ORDER:
            if plan.rows[kind]:
                writer = _write_kind(graph, kind, plan.rows[kind], source_id, ctx, reject)
                nodes += writer.nodes_created
                relationships += writer.relationships_created
                duplicates += writer.duplicates
        alone = [p for pid, p in sorted(plan.people.items()) if pid not in plan.placed_people]
        people = []
        for row in alone:
            try:
                people.append(person_record(row, ctx, None))
            except BadValue as exc:
                line = next(
                    e.line for e in entities.values() if key_of("person", str(e.proxy.id)) == row["person_id"]
                )
                reject(line, str(exc))
        if people:
            result = ingest.write_batch(graph, source_id, [(ingest.MERGE_PEOPLE, {"people": people})])
            nodes += result.nodes_created
    seconds = (datetime.now(UTC) - started).total_seconds()
    summary = LoadSummary(
        source_id=source_id,
        kind=KIND,
        file_name=path.name,
        rows_read=lines,
        rows_loaded=lines - len(refused),
        rows_rejected=len(refused),
        rejects_path=rejects_path_for(path) if refused else None,
        duplicates=duplicates,
        nodes_created=nodes,
        relationships_created=relationships,
        seconds=round(seconds, 3),
        rows_per_second=round(lines / seconds, 1) if seconds > 0 else 0.0,
        sha256=sha256,
    )
    complete_source(graph, summary, None, source_name, "ftm", "utf-8")
    return summary


__all__ = [
    "KIND",
    "ORDER",
    "REJECT_COLUMNS",
    "Entity",
    "Placer",
    "Plan",
    "load_ftm",
    "plan_entities",
    "read_entities",
]
