"""Country outlines (Natural Earth 1:110m, bundled in ui/web/geo) as drawable lines, for the offline map."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pandas as pd

OUTLINES = Path(__file__).parent / "geo" / "outlines.json"


@cache
def outlines() -> pd.DataFrame:
    """One row per outline point: country code and name, ring (a line to draw), order along the ring."""
    data = json.loads(OUTLINES.read_text(encoding="utf-8"))
    rows = [
        (c["code"], c["name"], f"{i}.{j}", k, lon, lat)
        for i, c in enumerate(data["countries"])
        for j, ring in enumerate(c["rings"])
        for k, (lon, lat) in enumerate(ring)
    ]
    return pd.DataFrame(rows, columns=["code", "country", "ring", "order", "lon", "lat"])
