"""Load an uploaded file through the loaders' pipeline and return its summary and its rejected rows."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from graph.connection import Graph
from loaders.pipeline import LoadSummary, load_file


def import_upload(
    graph: Graph,
    file_name: str,
    data: bytes,
    kind: str,
    mapping: bytes | None = None,
    region: str | None = None,
    timezone: str = "UTC",
) -> tuple[LoadSummary, pd.DataFrame | None]:
    """Write the upload to a private temporary folder, load it, and read its rejects file before it goes."""
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
        )
        rejects = None
        if summary.rejects_path is not None and summary.rejects_path.exists():
            rejects = pd.read_csv(summary.rejects_path, dtype=str, keep_default_na=False)
    return summary, rejects
