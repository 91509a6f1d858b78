"""Build an export of the selected network in one format: role checked, victims pseudonymised, audited."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from access import session
from access.roles import Permission
from exchange.flat import flatten
from exchange.ftm import write_ftm
from exchange.gexf import write_gexf
from exchange.graphml import write_graphml
from exchange.i2 import write_i2
from exchange.network import Network, Selection
from exchange.pseudonyms import pseudonymise
from exchange.select import select
from exchange.spreadsheet import write_csv
from graph.connection import Graph
from graph.errors import InputError

# format -> file name of a one-file export (the others write a folder of files)
SINGLE_FILE: dict[str, str] = {
    "ftm": "network.ftm.json",
    "graphml": "network.graphml",
    "gexf": "network.gexf",
}
FORMATS: tuple[str, ...] = ("ftm", "graphml", "gexf", "csv", "i2")
MEDIA_TYPES: dict[str, str] = {
    "ftm": "application/json",
    "graphml": "application/xml",
    "gexf": "application/xml",
    "csv": "application/zip",
    "i2": "application/zip",
}


@dataclass
class Export:
    """What an export wrote: its files (name -> bytes) and counts."""

    fmt: str
    selection: Selection
    files: dict[str, bytes]
    people: int
    calls: int
    transfers: int
    arrests: int
    victims_included: bool
    victims_hidden: int
    notes: list[str] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(len(b) for b in self.files.values())


def _render(network: Network, fmt: str) -> tuple[dict[str, bytes], list[str]]:
    description = f"Hilo Rojo export: {network.selection.describe()}" + (
        "" if network.victims_included else f"; victims pseudonymised ({network.victims})"
    )
    if fmt == "ftm":
        data, dropped = write_ftm(network)
        notes = [
            f"{n} value(s) of {prop} refused by FollowTheMoney's cleaning" for prop, n in dropped.items()
        ]
        return {SINGLE_FILE["ftm"]: data}, notes
    nodes, edges = flatten(network)
    writers: dict[str, Callable[[], dict[str, bytes]]] = {
        "graphml": lambda: {SINGLE_FILE["graphml"]: write_graphml(nodes, edges, description)},
        "gexf": lambda: {SINGLE_FILE["gexf"]: write_gexf(nodes, edges, description)},
        "csv": lambda: write_csv(nodes, edges),
        "i2": lambda: write_i2(nodes, edges, description),
    }
    return writers[fmt](), []


def build_export(graph: Graph, fmt: str, selection: Selection, include_victims: bool = False) -> Export:
    """The export of ``selection`` in ``fmt``; victims as "Victim N" without identifiers unless
    ``include_victims`` (analysts and admins). Recorded in the audit trail."""
    session.require(Permission.EXPORT)
    if include_victims:
        session.require(Permission.REVEAL_VICTIMS)
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}", f"use one of {', '.join(FORMATS)}")
    # the export redacts victims itself, like a target package: it reads the graph unshielded
    network = select(graph.unshielded(), selection)
    if include_victims:
        network.victims_included = True
        network.identifiers = {k: replace(v, protected=False) for k, v in network.identifiers.items()}
    else:
        network = pseudonymise(network)
    files, notes = _render(network, fmt)
    export = Export(
        fmt=fmt,
        selection=network.selection,
        files=files,
        people=len(network.people),
        calls=len(network.calls),
        transfers=len(network.transfers),
        arrests=len(network.arrests),
        victims_included=include_victims,
        victims_hidden=network.victims,
        notes=notes,
    )
    session.record(
        "export",
        sorted(network.people),
        what="network",
        format=fmt,
        selection=network.selection.describe(),
        include_victims=include_victims,
        people=export.people,
        calls=export.calls,
        transfers=export.transfers,
        arrests=export.arrests,
        bytes=export.bytes,
    )
    return export


def write_export(export: Export, out: Path) -> list[Path]:
    """Write the export: one file at ``out`` (ftm, graphml, gexf), or its files in the folder ``out``."""
    try:
        if export.fmt in SINGLE_FILE:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(next(iter(export.files.values())))
            return [out]
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, data in export.files.items():
            (out / name).write_bytes(data)
            written.append(out / name)
        return written
    except OSError as exc:
        raise InputError(f"cannot write {out}: {exc.strerror}", "choose a path you can write to") from exc


def zip_bytes(export: Export) -> bytes:
    """The export's files as one zip (the web UI's download of a several-file export)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in export.files.items():
            archive.writestr(name, data)
    return buffer.getvalue()
