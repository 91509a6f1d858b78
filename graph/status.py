"""What the database holds: server version, database name, node and relationship counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.connection import Graph
from graph.errors import QueryFailed
from graph.ingest import incomplete_sources

VERSION_QUERY = (
    "CALL dbms.components() YIELD name, versions, edition RETURN name, versions[0] AS version, edition"
)
COUNTS_QUERY = """
CALL db.stats.retrieve('GRAPH COUNTS') YIELD data
RETURN [n IN data.nodes WHERE n.label IS NOT NULL | [n.label, n.count]] AS nodes,
       [r IN data.relationships WHERE r.relationshipType IS NOT NULL
            AND r.startLabel IS NULL AND r.endLabel IS NULL | [r.relationshipType, r.count]] AS rels
"""
SCAN_LABELS_QUERY = "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS count"
SCAN_TYPES_QUERY = "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS count"
TOTALS_QUERY = "MATCH (n) WITH count(n) AS nodes MATCH ()-[r]->() RETURN nodes, count(r) AS rels"
# Analyses whose results are still being written, or whose write-back an outage cut off.
UNFINISHED_ANALYSES_QUERY = """
MATCH (a:Analysis {status: 'writing'})
RETURN toString(datetime.truncate('minute', a.run_at)) AS run_at ORDER BY a.run_at
"""


@dataclass
class DatabaseStatus:
    """A snapshot for ``hilorojo db status``."""

    uri: str
    database: str
    version: str
    edition: str
    schema_version: int
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    half_loaded: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "uri": self.uri,
            "database": self.database,
            "version": self.version,
            "edition": self.edition,
            "schema_version": self.schema_version,
            "nodes": self.nodes,
            "relationships": self.relationships,
            "half_loaded": self.half_loaded,
        }


def half_loaded(graph: Graph) -> list[str]:
    """One warning per file whose load stopped before its last batch committed, and per analysis whose
    results are not all written (running, or cut off: people already written carry its values)."""
    files = [
        f"{row['file_name']} ({row['kind']}) is half-loaded: run the same load again"
        for row in incomplete_sources(graph)
    ]
    analyses = [
        f"the analysis of {row['run_at'][:16].replace('T', ' ')} UTC has not written all its results "
        "(running, or cut off): measures shown may be partial until `hilorojo analyze` completes"
        for row in graph.read(UNFINISHED_ANALYSES_QUERY)
    ]
    return files + analyses


def database_status(graph: Graph) -> DatabaseStatus:
    from graph.migrations import current_version

    component = graph.read_one(VERSION_QUERY) or {}
    try:
        row = graph.read_one(COUNTS_QUERY) or {}
        nodes = {str(k): int(v) for k, v in row.get("nodes", [])}
        rels = {str(k): int(v) for k, v in row.get("rels", [])}
    except QueryFailed:  # the procedure may be denied to a non-admin user of a shared server
        nodes = {r["label"]: int(r["count"]) for r in graph.read(SCAN_LABELS_QUERY)}
        rels = {r["type"]: int(r["count"]) for r in graph.read(SCAN_TYPES_QUERY)}
    return DatabaseStatus(
        uri=graph.settings.uri,
        database=graph.settings.database,
        version=str(component.get("version", "?")),
        edition=str(component.get("edition", "?")),
        schema_version=current_version(graph),
        nodes=dict(sorted((k, v) for k, v in nodes.items() if v)),
        relationships=dict(sorted((k, v) for k, v in rels.items() if v)),
        half_loaded=half_loaded(graph),
    )
