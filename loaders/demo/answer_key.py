"""The answer key: what each organisation planted, where it is written, and a count of each pattern."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from loaders.demo.dataset import ANSWER_KEY
from loaders.demo.organisation import Org
from loaders.demo.outcomes import graph_id
from loaders.demo.route import CO_INDEX, ROUTE


def add_to_answer_key(org: Org) -> None:
    """Record the organisation's people, cells and brokers in the shared answer key."""
    key = org.ctx.key
    for person in org.people:
        pid = graph_id(person)
        entry: dict[str, Any] = {
            "name": person.name,
            "date_of_birth": person.dob,
            "nationality": person.nationality,
            "role": person.role,
            "function": person.function,
            "org": person.org + 1,
            "explicit_id": person.explicit_id,
        }
        if person.cell is not None:
            entry["cell"] = org.cell_id(person.cell)
            key["cells"][pid] = {"cell": org.cell_id(person.cell), "country": ROUTE[person.cell].country}
        key["people"][pid] = entry
        if person.role == "victim":
            key["victims"].append(pid)
        for _, number in person.phones:
            key["phones"][number] = pid
    for place_index, cell in enumerate(org.cells):
        place = ROUTE[place_index]
        key["cell_info"][org.cell_id(place_index)] = {
            "country": place.country,
            "city": place.city,
            "stage": place.stage,
            "org": org.index + 1,
            "leader": cell[0].pid,
            "members": [p.pid for p in cell],
        }
        key["cell_leaders"].append(cell[0].pid)
    for i, (broker, span) in enumerate(org.brokers):
        cells = [org.cell_id(c) for c in span]
        if i == 0 and org.ctx.prev_co_leader is not None:
            prev = org.ctx.prev_co_leader
            cells.append(f"O{prev.org + 1:03d}-{CO_INDEX + 1:02d}-CO")
        key["brokers"].append(
            {
                "person_id": broker.pid,
                "cells": cells,
                "countries": sorted({ROUTE[c].country for c in span}),
            }
        )
    org.ctx.prev_co_leader = org.cells[CO_INDEX][0]


def read_answer_key(out_dir: Path) -> dict[str, Any] | None:
    """The answer key of a complete dataset in ``out_dir``, or None when there is none."""
    path = out_dir / ANSWER_KEY
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def planted_summary(key: dict[str, Any]) -> dict[str, int]:
    """How many of each planted pattern the answer key holds (for the CLI summary)."""
    duplicates = key["duplicates"]
    return {
        "people": len(key["people"]),
        "cells": len(key["cell_info"]),
        "brokers": len(key["brokers"]),
        "victims": len(key["victims"]),
        "launderers": len(key["launderers"]["person_ids"]),
        "structuring accounts": len(key["structuring"]),
        "handset swaps": len(key["handset_swaps"]),
        "device changes": len(key["device_changes"]),
        "burner replacements": len(key["burners"]),
        "merges on load": len(duplicates["merge_on_load"]),
        "fuzzy duplicate pairs": len(duplicates["fuzzy_pairs"]),
        "victim/suspect look-alikes": len(duplicates["victim_suspect_lookalikes"]),
        "ordinary hub numbers": len(key["hub_numbers"]),
    }
