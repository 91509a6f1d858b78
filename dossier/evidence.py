"""The evidence book: each fact in a package gets a reference traced to its source file, load and rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from dossier.document import EvidenceEntry
from graph import dossier as queries
from graph.connection import Graph


@dataclass
class _Fact:
    ref: str
    section: str
    fact: str
    rows: dict[str, set[int]] = field(default_factory=dict)


class EvidenceBook:
    """Collects facts with their source ids, rows or ``(source_id, row)`` pairs, and resolves the files."""

    def __init__(self) -> None:
        self._facts: list[_Fact] = []

    def add(
        self,
        section: str,
        fact: str,
        source_rows: Iterable[str] = (),
        pairs: Iterable[Sequence[Any]] = (),
        source_ids: Iterable[str] = (),
    ) -> list[str]:
        """Record a fact; returns its reference (``["E7"]``), or ``[]`` when nothing sources it."""
        rows: dict[str, set[int]] = {}
        for text in source_rows:
            sid, _, line = str(text).rpartition(":")
            if sid and line.isdigit():
                rows.setdefault(sid, set()).add(int(line))
            else:
                rows.setdefault(str(text), set())
        for pair in pairs:
            sid, line = pair[0], pair[1]
            if sid is not None:
                rows.setdefault(str(sid), set())
                if isinstance(line, int):
                    rows[str(sid)].add(line)
        for sid in source_ids:
            rows.setdefault(str(sid), set())
        if not rows:
            return []
        ref = f"E{len(self._facts) + 1}"
        self._facts.append(_Fact(ref, section, fact, rows))
        return [ref]

    def entries(self, graph: Graph) -> list[EvidenceEntry]:
        """One entry per fact and source, with the source's file name, kind and load time."""
        ids = sorted({sid for f in self._facts for sid in f.rows})
        found = {r["source_id"]: r for r in queries.sources(graph, ids)} if ids else {}
        out: list[EvidenceEntry] = []
        for f in self._facts:
            for sid in sorted(f.rows):
                src = found.get(sid, {})
                out.append(
                    EvidenceEntry(
                        ref=f.ref,
                        section=f.section,
                        fact=f.fact,
                        source_id=sid,
                        file_name=str(src.get("file_name") or "(source not in database)"),
                        kind=str(src.get("kind") or ""),
                        loaded_at=src.get("loaded_at"),
                        rows=sorted(f.rows[sid]),
                        grade=str(src.get("grade") or ""),
                    )
                )
        return out


def row_ranges(rows: list[int]) -> str:
    """``[2, 3, 4, 9]`` as ``"2-4, 9"``."""
    parts: list[str] = []
    start = prev = None
    for r in sorted(rows):
        if start is None:
            start = prev = r
        elif prev is not None and r == prev + 1:
            prev = r
        else:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = prev = r
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}-{prev}")
    return ", ".join(parts)
