"""A self-contained HTML target package: CSS inline, images as data URIs, no external resource."""

from __future__ import annotations

import base64
from html import escape

from dossier.blocks import WEEKDAY_LABELS, Heatmap, Image, Table, Text, heat_colour
from dossier.document import TargetPackage
from dossier.layout import sections

CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; color: #1d1d1d; margin: 0 auto;
       max-width: 1100px; padding: 0 24px 40px; font-size: 13px; line-height: 1.45; }
.marking { background: #8b1a1a; color: #fff; text-align: center; font-weight: bold; padding: 6px;
           letter-spacing: 0.05em; }
h1 { font-size: 24px; margin: 24px 0 4px; }
h2 { font-size: 17px; border-bottom: 2px solid #8b1a1a; padding-bottom: 3px; margin-top: 30px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; }
th { background: #eceff1; text-align: left; font-weight: bold; }
th, td { border: 1px solid #cfd8dc; padding: 3px 6px; vertical-align: top; }
caption { caption-side: top; text-align: left; color: #555; font-style: italic; padding: 2px 0; }
p.note { color: #555; }
p.inference { background: #fff8e1; border-left: 4px solid #f9a825; padding: 4px 8px; }
p.warning { background: #fdecea; border-left: 4px solid #8b1a1a; padding: 4px 8px; font-weight: bold; }
table.heat td { text-align: center; font-size: 10px; padding: 2px; min-width: 18px; }
figure { margin: 8px 0; } figure img { max-width: 100%; border: 1px solid #cfd8dc; }
figcaption { color: #555; font-style: italic; }
"""


def _table(block: Table) -> str:
    caption = f"<caption>{escape(block.caption)}</caption>" if block.caption else ""
    head = (
        ""
        if not any(block.headers)
        else "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in block.headers) + "</tr>"
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in block.rows
    )
    return f"<table>{caption}{head}{body}</table>"


def _heatmap(block: Heatmap) -> str:
    peak = max((v for row in block.matrix for v in row), default=0)
    head = "<tr><th></th>" + "".join(f"<th>{h:02d}</th>" for h in range(24)) + "</tr>"
    rows = []
    for day, values in zip(WEEKDAY_LABELS, block.matrix, strict=True):
        cells = []
        for v in values:
            r, g, b = heat_colour(v, peak)
            cells.append(f'<td style="background: rgb({r},{g},{b})">{v or ""}</td>')
        rows.append(f"<tr><th>{day}</th>{''.join(cells)}</tr>")
    return f'<table class="heat">{head}{"".join(rows)}</table>'


def render_html(pkg: TargetPackage) -> bytes:
    """The package as one HTML file (UTF-8) that opens offline."""
    marking = f'<div class="marking">{escape(pkg.cover.marking)}</div>'
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Target package: {escape(pkg.cover.subject)}</title>",
        f"<style>{CSS}</style></head><body>",
        marking,
        f"<h1>Target package: {escape(pkg.cover.subject)}</h1>",
    ]
    for section in sections(pkg):
        parts.append(f"<section><h2>{escape(section.title)}</h2>")
        for block in section.blocks:
            if isinstance(block, Text):
                parts.append(f'<p class="{block.style}">{escape(block.text)}</p>')
            elif isinstance(block, Table):
                parts.append(_table(block))
            elif isinstance(block, Heatmap):
                parts.append(_heatmap(block))
            elif isinstance(block, Image):
                data = base64.b64encode(block.png).decode("ascii")
                parts.append(
                    f'<figure><img alt="network picture" src="data:image/png;base64,{data}">'
                    f"<figcaption>{escape(block.caption)}</figcaption></figure>"
                )
        parts.append("</section>")
    parts += [marking, "</body></html>"]
    return "\n".join(parts).encode("utf-8")
