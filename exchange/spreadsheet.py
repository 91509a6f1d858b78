"""CSV nodes and edges for spreadsheets: UTF-8 with a BOM (Excel), formula-looking cells neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from exchange.flat import FlatEdge, FlatNode, text
from loaders.formula import neutralise

BOM = "\ufeff"


def csv_bytes(header: Sequence[str], rows: list[dict[str, Any]]) -> bytes:
    """A CSV file (UTF-8 with BOM, CRLF lines) whose every cell is neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(text(row[h])) if row.get(h) is not None else "" for h in header])
    return (BOM + out.getvalue()).encode("utf-8")


def columns(rows: list[dict[str, Any]], first: Sequence[str]) -> list[str]:
    """``first``, then every other key of the rows in sorted order."""
    rest = sorted({k for row in rows for k in row} - set(first))
    return [*first, *rest]


def write_csv(nodes: list[FlatNode], edges: list[FlatEdge]) -> dict[str, bytes]:
    """``nodes.csv`` and ``edges.csv``."""
    nrows = [{"id": n.id, "kind": n.kind, "label": n.label, **n.attrs} for n in nodes]
    erows = [
        {
            "id": e.id,
            "source": e.source,
            "target": e.target,
            "kind": e.kind,
            "directed": e.directed,
            "start": e.start,
            "end": e.end,
            **e.attrs,
        }
        for e in edges
    ]
    return {
        "nodes.csv": csv_bytes(columns(nrows, ("id", "kind", "label")), nrows),
        "edges.csv": csv_bytes(
            columns(erows, ("id", "source", "target", "kind", "directed", "start", "end")), erows
        ),
    }
