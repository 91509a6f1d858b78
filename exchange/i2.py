"""i2 Analyst's Notebook: an entities CSV and a links CSV laid out for its Import Data wizard, and the
column assignments to make in it (docs/exchange.md)."""

from __future__ import annotations

from typing import Any

from exchange.flat import FlatEdge, FlatNode
from exchange.spreadsheet import columns, csv_bytes

ENTITY_TYPES = {"person": "Person", "phone": "Telephone", "account": "Account"}
LINK_TYPES = {"call": "Call", "transfer": "Transaction", "co-arrest": "Arrested together", "shared": "Shares"}
ENTITY_FIRST = ("Entity Type", "Identity", "Label")
LINK_FIRST = (
    "End 1 Identity",
    "End 1 Type",
    "End 1 Label",
    "End 2 Identity",
    "End 2 Type",
    "End 2 Label",
    "Link Type",
    "Link Label",
    "Direction",
    "Date",
    "Time",
)
GUIDE = """Hilo Rojo export for i2 Analyst's Notebook (see docs/exchange.md for the full steps).

1. Import Data > New specification > select entities.csv; Data starts at row 2; column headings in row 1.
2. Design: one entity per row. Entity type: the column "Entity Type"; Identity: "Identity";
   Label: "Label"; every other column as an attribute (Text, except the numeric measures as Number).
3. Import, then Import Data > New specification > select links.csv.
4. Design: End 1 entity = "End 1 Identity" (type "End 1 Type", label "End 1 Label"), End 2 entity =
   "End 2 Identity" (type "End 2 Type", label "End 2 Label"); link type "Link Type"; label "Link Label";
   Direction from column "Direction" (values: "Arrow on End 2" or "No Arrow"); Date from "Date"
   (format yyyy-MM-dd) and Time from "Time" (HH:mm:ss, UTC); the rest as attributes.
5. Save each specification to reuse it for the next export.

Cells that begin with = + - or @ are written with a leading apostrophe (spreadsheet formula injection).
"""


def write_i2(nodes: list[FlatNode], edges: list[FlatEdge], description: str) -> dict[str, bytes]:
    """``entities.csv``, ``links.csv`` and ``i2-import.txt`` (the steps in the Import Data wizard)."""
    by_id = {n.id: n for n in nodes}
    entities = [
        {"Entity Type": ENTITY_TYPES[n.kind], "Identity": n.id, "Label": n.label, **n.attrs} for n in nodes
    ]
    links: list[dict[str, Any]] = []
    for e in edges:
        one, two = by_id[e.source], by_id[e.target]
        links.append(
            {
                "End 1 Identity": one.id,
                "End 1 Type": ENTITY_TYPES[one.kind],
                "End 1 Label": one.label,
                "End 2 Identity": two.id,
                "End 2 Type": ENTITY_TYPES[two.kind],
                "End 2 Label": two.label,
                "Link Type": LINK_TYPES[e.kind],
                "Link Label": _label(e),
                "Direction": "Arrow on End 2" if e.directed else "No Arrow",
                "Date": e.start.date().isoformat() if e.start else None,
                "Time": e.start.time().isoformat() if e.start and e.kind != "co-arrest" else None,
                "Link Id": e.id,
                **e.attrs,
            }
        )
    guide = f"{GUIDE}\nThis export: {description}\n"
    return {
        "entities.csv": csv_bytes(columns(entities, ENTITY_FIRST), entities),
        "links.csv": csv_bytes(columns(links, LINK_FIRST), links),
        "i2-import.txt": guide.encode("utf-8"),
    }


def _label(edge: FlatEdge) -> str:
    a = edge.attrs
    if edge.kind == "call":
        return f"{a.get('call_type') or 'call'} {a.get('duration_s', '?')} s"
    if edge.kind == "transfer":
        return f"{a.get('amount')} {a.get('currency') or ''}".strip()
    if edge.kind == "co-arrest":
        return f"arrest {a.get('arrest_id')}"
    return f"{a.get('identifier_kind')} {a.get('identifier')}"
