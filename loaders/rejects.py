"""The rejects file next to an input file: each bad row's line number, reason and original values."""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import IO

from graph.errors import InputError
from loaders.formula import neutralise
from loaders.readers import RawRow


def rejects_path_for(path: Path) -> Path:
    """``FILE.rejects.csv`` next to ``FILE``."""
    return path.with_name(path.name + ".rejects.csv")


class RejectWriter:
    """Writes rejected rows as they come (UTF-8 CSV: line, reason, then the file's own columns), each
    cell that would begin a spreadsheet formula written as text (loaders.formula).

    The file is created at the first reject; a load without rejects removes a stale one.
    """

    def __init__(self, path: Path, columns: list[str]) -> None:
        self.path = path
        self.columns = columns
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def __enter__(self) -> RejectWriter:
        return self

    def add(self, raw: RawRow, reason: str) -> None:
        if self._writer is None:
            try:
                self._handle = self.path.open("w", encoding="utf-8", newline="", errors="backslashreplace")
            except OSError as exc:
                raise InputError(f"cannot write {self.path}", "load from a folder you can write to") from exc
            fields = ["line", "reason", *[c for c in self.columns if c not in ("line", "reason")]]
            self._writer = csv.DictWriter(self._handle, fieldnames=fields, extrasaction="ignore")
            self._writer.writeheader()
        row = {**raw.values, "line": raw.line, "reason": reason}
        self._writer.writerow({k: neutralise(v) for k, v in row.items()})
        self.count += 1

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._handle is not None:
            self._handle.close()
        elif self.path.exists() and kind is None:
            self.path.unlink()
