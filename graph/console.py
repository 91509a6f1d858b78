"""The administrator's console: a read-only Cypher query, refused by its plan, timed out, audited."""

from __future__ import annotations

import os
from typing import Any, Final

from access import session
from access.roles import Permission
from graph.connection import Graph
from graph.errors import InputError, QueryFailed

# The Cypher console (admin only): its time limit, its row limit, and what its plans may contain.
CONSOLE_TIMEOUT_S: Final = float(os.environ.get("HILOROJO_CONSOLE_TIMEOUT", "30"))
CONSOLE_MAX_ROWS: Final = 10_000
CONSOLE_REFUSED_OPERATORS: Final = frozenset({"AdministrationCommand", "LoadCSV"})
CONSOLE_SHOW_ALLOWED: Final = frozenset({"ShowIndexes", "ShowConstraints"})
CONSOLE_PROCEDURES: Final[tuple[str, ...]] = (
    "db.labels(",
    "db.relationshipTypes(",
    "db.propertyKeys(",
    "db.schema.",
    "apoc.path.",
    "apoc.meta.",
)


def console_query(
    graph: Graph, query: str, limit: int = 1000, timeout: float | None = None
) -> tuple[list[str], list[list[Any]]]:
    """An administrator's query in a READ transaction (the database refuses writes), stopped after
    ``timeout`` seconds (HILOROJO_CONSOLE_TIMEOUT, 30 by default) and cut at ``limit`` rows (at most
    CONSOLE_MAX_ROWS): column names and rows. Administration commands and procedures outside
    CONSOLE_PROCEDURES are refused from the query's plan, before it runs; the text is audited."""
    session.require(Permission.CONSOLE)
    session.record("console_query", text=query)
    if not 1 <= limit <= CONSOLE_MAX_ROWS:
        raise InputError(f"row limit {limit} is out of range", f"use 1 to {CONSOLE_MAX_ROWS:,} rows")
    timeout = CONSOLE_TIMEOUT_S if timeout is None else timeout
    for operator, details in graph.plan_operators(query):
        if operator in CONSOLE_REFUSED_OPERATORS or (
            operator.startswith("Show") and operator not in CONSOLE_SHOW_ALLOWED
        ):
            raise InputError(
                f"the console does not run {operator} commands",
                "it reads the investigation graph; server administration is done with Neo4j's own tools",
            )
        if operator == "ProcedureCall" and not details.startswith(CONSOLE_PROCEDURES):
            name = details.split("(")[0]
            raise InputError(
                f"the console does not call the procedure {name}",
                f"allowed: {', '.join(p.rstrip('.') for p in CONSOLE_PROCEDURES)}",
            )
    try:
        return graph.read_only_query(query, limit=limit, timeout=timeout)
    except QueryFailed as exc:
        if "Timed" in (exc.hint or "") or "timed out" in exc.message.lower():
            raise QueryFailed(
                f"the query ran longer than {timeout:g} s and was stopped",
                "add a LIMIT, start from an indexed property, or narrow the pattern",
            ) from exc
        raise
