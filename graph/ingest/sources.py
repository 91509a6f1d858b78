"""The Source node of a load: named before its first batch, complete after its last; unfinished loads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graph.connection import Graph, Row

# A load names its Source before its first batch: a new Source says 'incomplete' until the last batch
# has committed (a file loaded completely before stays 'complete': a rerun writes the same records).
START_SOURCE = """
MERGE (s:Source {source_id: $source_id})
ON CREATE SET s.loaded_at = datetime($loaded_at), s.status = 'incomplete', s.file_name = $file_name,
              s.sha256 = $sha256, s.kind = $kind
RETURN s.status AS status
"""
INCOMPLETE_SOURCES = """
MATCH (s:Source {status: 'incomplete'})
RETURN s.source_id AS source_id, s.file_name AS file_name, s.kind AS kind, s.loaded_at AS started_at
ORDER BY s.loaded_at, s.source_id
"""
MERGE_SOURCE = """
MERGE (s:Source {source_id: $source_id})
ON CREATE SET s.loaded_at = datetime($loaded_at)
SET s.status = 'complete', s.file_name = $file_name, s.sha256 = $sha256, s.kind = $kind, s.mapping = $mapping,
    s.rows_read = $rows_read, s.rows_loaded = $rows_loaded, s.rows_rejected = $rows_rejected,
    s.name = $name, s.format = $format, s.encoding = $encoding
RETURN s.loaded_at AS loaded_at
"""


def start_source(graph: Graph, params: Mapping[str, Any]) -> str:
    """Name the Source of a load before its first batch; its status ('incomplete' for a new one)."""
    rows = graph.write(START_SOURCE, params)
    return str(rows[0]["status"]) if rows else "incomplete"


def incomplete_sources(graph: Graph) -> list[Row]:
    """The files whose load stopped before its last batch committed (a crash, a kill, an outage)."""
    return graph.read(INCOMPLETE_SOURCES)


def write_source(graph: Graph, params: Mapping[str, Any]) -> Row | None:
    """Create or confirm the Source node of a load, with its counts: the load is complete."""
    rows = graph.write(MERGE_SOURCE, params)
    return rows[0] if rows else None
