"""Load an uploaded file through the loaders' pipeline and return its summary and its rejected rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from graph.connection import Graph
from loaders.pipeline import LoadSummary, OnProgress, load_file

# Formats whose rows are lines, so that the lines of an upload tell how many rows it holds.
LINE_FORMATS = (".csv", ".txt", ".tsv", ".jsonl", ".ndjson")


def expected_rows(file_name: str, data: bytes) -> int | None:
    """The rows an upload holds, counted from its lines (None for compressed files and workbooks)."""
    if not file_name.lower().endswith(LINE_FORMATS):
        return None
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    header = 0 if file_name.lower().endswith((".jsonl", ".ndjson")) else 1
    return max(lines - header, 0)


def import_upload(
    graph: Graph,
    file_name: str,
    data: bytes,
    kind: str,
    mapping: bytes | None = None,
    region: str | None = None,
    timezone: str = "UTC",
    grade: str | None = None,
    on_progress: OnProgress | None = None,
) -> tuple[LoadSummary, pd.DataFrame | None]:
    """Write the upload to a private temporary folder, load it, and read its rejects file before it goes;
    ``on_progress`` is told the rows read and rejected after each batch."""
    with tempfile.TemporaryDirectory(prefix="hilorojo-import-") as tmp:
        path = Path(tmp) / (Path(file_name).name or "upload.csv")
        path.write_bytes(data)
        mapping_path = None
        if mapping is not None:
            mapping_path = Path(tmp) / "mapping.yaml"
            mapping_path.write_bytes(mapping)
        summary = load_file(
            graph.unshielded(),  # the loader matches people by name: it reads what it never displays
            kind,
            path,
            mapping_path=mapping_path,
            region=region or None,
            source_name=Path(file_name).name,
            timezone=timezone or "UTC",
            progress=False,
            grade=grade,
            on_progress=on_progress,
        )
        rejects = None
        if summary.rejects_path is not None and summary.rejects_path.exists():
            rejects = pd.read_csv(summary.rejects_path, dtype=str, keep_default_na=False)
    return summary, rejects
