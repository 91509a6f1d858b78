"""Apply the numbered schema migrations in ``cypher/migrations`` once each, recording them in the graph."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from typing import LiteralString, cast

from graph.connection import Graph
from graph.errors import QueryFailed

APPLIED_QUERY = "MATCH (m:Migration) RETURN m.version AS version, m.checksum AS checksum ORDER BY m.version"
RECORD_QUERY = """
MERGE (m:Migration {version: $version})
SET m.name = $name, m.checksum = $checksum, m.applied_at = datetime($applied_at)
"""
MIGRATION_KEY = "CREATE CONSTRAINT migration_key IF NOT EXISTS FOR (n:Migration) REQUIRE n.version IS UNIQUE"
FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.cypher$")


@dataclass(frozen=True)
class Migration:
    """One numbered file of schema statements."""

    version: int
    name: str
    statements: tuple[str, ...]
    checksum: str


def _split(text: str) -> tuple[str, ...]:
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    return tuple(part.strip() for part in "\n".join(lines).split(";") if part.strip())


def available() -> list[Migration]:
    """Every migration shipped with the project, in version order."""
    found = []
    for entry in resources.files("cypher").joinpath("migrations").iterdir():
        match = FILE_NAME.match(entry.name)
        if not match:
            continue
        text = entry.read_text(encoding="utf-8")
        checksum = hashlib.sha256(text.encode()).hexdigest()
        found.append(Migration(int(match.group(1)), match.group(2), _split(text), checksum))
    return sorted(found, key=lambda m: m.version)


def current_version(graph: Graph) -> int:
    rows = graph.read(APPLIED_QUERY)
    return max((int(row["version"]) for row in rows), default=0)


def migrate(graph: Graph) -> list[Migration]:
    """Apply the migrations the database lacks; return those applied (none when up to date)."""
    graph.run_schema(MIGRATION_KEY)
    applied = {int(row["version"]): row["checksum"] for row in graph.read(APPLIED_QUERY)}
    done = []
    for migration in available():
        if migration.version in applied:
            if applied[migration.version] != migration.checksum:
                raise QueryFailed(
                    f"schema migration {migration.version:04d}_{migration.name} changed after it was applied",
                    "add a new numbered migration instead of editing an applied one",
                )
            continue
        for statement in migration.statements:
            # Statements come from the project's own files, never from user input.
            graph.run_schema(cast(LiteralString, statement))
        graph.write(
            RECORD_QUERY,
            {
                "version": migration.version,
                "name": migration.name,
                "checksum": migration.checksum,
                "applied_at": datetime.now(UTC).isoformat(),
            },
        )
        done.append(migration)
    return done
