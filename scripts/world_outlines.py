"""Build ui/web/geo/outlines.json (country outlines, lon/lat rings) from the vendored Natural Earth file."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pycountry

GEO = Path(__file__).resolve().parent.parent / "ui" / "web" / "geo"
SOURCE = GEO / "countries-110m.json"
TARGET = GEO / "outlines.json"
DIGITS = 2  # a hundredth of a degree (about 1 km): finer than the 1:110m drawing itself


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """The topology's arcs as absolute lon/lat points (TopoJSON spec 2.1.3: delta-encoded, quantized)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, DIGITS), round(y * sy + ty, DIGITS)))
        arcs.append(points)
    return arcs


def ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> list[tuple[float, float]]:
    """One ring stitched from arcs; a negative index ~i is arc i reversed (spec 2.2)."""
    points: list[tuple[float, float]] = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def split_at_antimeridian(points: list[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """A ring as lines that never jump across the map: Natural Earth closes rings that reach 180° (Russia,
    Fiji, Antarctica) through -180°, which a flat map would draw as a line across the world."""
    lines = [[points[0]]]
    for a, b in zip(points, points[1:], strict=False):
        if abs(b[0] - a[0]) > 180:
            lines.append([])
        lines[-1].append(b)
    return [line for line in lines if len(line) > 1]


def alpha_2(numeric: str | None) -> str:
    """The ISO 3166 alpha-2 code of a numeric code ('' when it has none, e.g. Kosovo, N. Cyprus)."""
    country = pycountry.countries.get(numeric=numeric) if numeric else None
    return str(country.alpha_2) if country else ""


def outlines(topology: dict[str, Any]) -> list[dict[str, Any]]:
    """Each country: code, name and its outlines as lines (outer boundaries and holes alike)."""
    arcs = decode_arcs(topology)
    out = []
    for geom in topology["objects"]["countries"]["geometries"]:
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        rings = [
            line for polygon in polygons for r in polygon for line in split_at_antimeridian(ring(arcs, r))
        ]
        out.append({"code": alpha_2(geom.get("id")), "name": geom["properties"]["name"], "rings": rings})
    return out


def main() -> None:
    topology = json.loads(SOURCE.read_text(encoding="utf-8"))
    countries = outlines(topology)
    data = {
        "source": "Natural Earth 1:110m Admin 0 countries (public domain) via world-atlas 2.0.2",
        "countries": countries,
    }
    TARGET.write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
    points = sum(len(r) for c in countries for r in c["rings"])
    print(f"{TARGET}: {len(countries)} countries, {points} points", file=sys.stderr)


if __name__ == "__main__":
    main()
