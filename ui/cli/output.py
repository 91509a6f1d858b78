"""Terminal output for the CLI: rich tables that fit the terminal, JSON on request, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rich.console import Console
from rich.table import Table

from ui.columns import AMOUNT, INT, MEASURE, SHARE, describe, text

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)
NUMERIC = (INT, MEASURE, SHARE, AMOUNT)


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


def print_json(data: Any) -> None:
    """Print data as JSON on stdout (for scripts), without colour or wrapping."""
    print(json.dumps(data, default=_default, ensure_ascii=False, indent=2))


def print_table(
    rows: Sequence[Mapping[str, Any]],
    columns: Iterable[str] | None = None,
    title: str | None = None,
) -> None:
    """Print rows as a table; columns default to the first row's keys. Headers and cells follow the
    shared column vocabulary (``ui.columns``): human names, measures rounded, blanks for missing values."""
    cols = list(columns) if columns is not None else (list(rows[0].keys()) if rows else [])
    table = Table(title=title, show_lines=False, header_style="bold", expand=False)
    for col in cols:
        is_key = col.endswith("_id") or col in ("rank", "number", "imei")
        kind = describe(col).kind
        table.add_column(
            describe(col).label if col else "",
            overflow="fold",
            no_wrap=is_key,
            justify="right" if kind in NUMERIC else "left",
        )
    for row in rows:
        table.add_row(*(text(col, row.get(col)) for col in cols))
    console.print(table)
