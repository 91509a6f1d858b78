"""Draw a subgraph with pyvis as one self-contained HTML page (vis-network inlined, no CDN, no requests)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pyvis
from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
from pyvis.network import Network

from graph.explore import Subgraph

PYVIS_TEMPLATES: Final = Path(pyvis.__file__).parent / "templates"
# The page pyvis renders: vis-network inlined from pyvis' own copy, no CDN, no Bootstrap; physics stops once
# the layout has settled.
TEMPLATE: Final = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<!-- Everything is inline: this page requests nothing from any network. -->
<style>{% include 'lib/vis-9.1.2/vis-network.css' %}</style>
<script>{% include 'lib/vis-9.1.2/vis-network.min.js' %}</script>
<style>
  html, body { margin: 0; padding: 0; background: #ffffff;
               font-family: "Source Sans Pro", "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
  #hr-network { width: {{ width }}; height: {{ height }}; border: 1px solid #e3e6ec; border-radius: 10px;
                background: {{ bgcolor }}; }
  #hr-status { position: absolute; left: 14px; bottom: 10px; font-size: 12px; color: #6b7280;
               background: rgba(255,255,255,0.85); padding: 2px 8px; border-radius: 6px; }
  div.vis-tooltip { font-family: inherit; font-size: 12.5px; white-space: pre-line; max-width: 360px;
                    background: #111827; color: #f9fafb; border: none; border-radius: 6px; padding: 6px 9px; }
</style>
</head>
<body>
<div id="hr-network"></div>
<div id="hr-status">Laying out {{ nodes|length }} entities…</div>
<script type="text/javascript">
  var nodes = new vis.DataSet({{ nodes|tojson }});
  var edges = new vis.DataSet({{ edges|tojson }});
  var options = {{ options|safe }};
  var container = document.getElementById("hr-network");
  var hrStatus = document.getElementById("hr-status");
  var network = new vis.Network(container, {}, options);
  function settled() {
    network.setOptions({physics: false});  // the layout stays still once it has settled
    network.fit();
    hrStatus.textContent = "{{ nodes|length }} entities, {{ edges|length }} links: drag, zoom, hover.";
  }
  // listen before the data goes in: a small network settles while setData() is still running
  network.once("stabilizationIterationsDone", settled);
  network.setData({nodes: nodes, edges: edges});
  network.on("selectNode", function (params) {
    var n = nodes.get(params.nodes[0]);
    hrStatus.textContent = n.label.split("\\n")[0] + " (" + n.kind + ")";
    // the app page shows this entity's details (ui/web/node_click.py); only its id leaves the frame
    window.parent.postMessage({hiloRojo: "select", id: String(n.id)}, "*");
  });
</script>
</body>
</html>
"""
# Colours of communities (colour-blind-safe Tableau 10, red kept for victims), and of entity types.
PALETTE: Final = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#b07aa1",
    "#edc948",
    "#76b7b2",
    "#9c755f",
    "#bab0ac",
    "#ff9da7",
    "#1f77b4",
    "#8c564b",
    "#17becf",
)
VICTIM_COLOUR: Final = "#d62728"
TYPE_STYLE: Final[dict[str, tuple[str, str]]] = {  # label -> (shape, colour)
    "Person": ("dot", "#4e79a7"),
    "Phone": ("square", "#94a3b8"),
    "Device": ("triangle", "#64748b"),
    "Account": ("hexagon", "#d4a017"),
    "Document": ("box", "#a3a3a3"),
    "Email": ("box", "#a3a3a3"),
    "Arrest": ("triangleDown", "#374151"),
    "Operation": ("star", "#111827"),
    "Country": ("ellipse", "#cbd5e1"),
}
EDGE_COLOUR: Final[dict[str, str]] = {
    "CALLED": "#60a5fa",
    "TRANSFERRED": "#d97706",
    "INVOLVED_IN": "#374151",
    "LIKELY_LINKED": "#a855f7",
}
OPTIONS: Final[dict[str, Any]] = {
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {"gravitationalConstant": -70, "springLength": 110, "avoidOverlap": 0.4},
        "stabilization": {"enabled": True, "iterations": 400, "updateInterval": 50, "fit": True},
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "multiselect": True},
    "edges": {
        "smooth": False,
        "color": {"inherit": False},
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
    },
    "nodes": {"font": {"size": 13, "face": "Source Sans Pro, Segoe UI, Arial", "strokeWidth": 3}},
}
EXTERNAL_URL: Final = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//(?!127\.0\.0\.1|localhost)|url\(\s*["']?\s*(?:https?:)?//"""
    r"""(?!127\.0\.0\.1|localhost)|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def community_colour(community: Any) -> str:
    """The colour of a community number (grey when the person has none)."""
    if community is None:
        return "#9ca3af"
    return PALETTE[int(community) % len(PALETTE)]


def _plain(value: Any) -> str:
    if hasattr(value, "iso_format"):
        return str(value.iso_format())[:19]
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _tooltip(kind: str, name: str, props: dict[str, Any], victim: bool, notes: str | None = None) -> str:
    lines = [f"{kind}: {name}"]
    if victim:
        lines.append("VICTIM: protected person, never a target")
    if notes:
        lines.append(f"Notes: {notes} (how many, the newest's grade)")
    for key in (
        "role",
        "nationality",
        "community",
        "pagerank",
        "betweenness",
        "degree",
        "quality",
        "country",
        "arrest_date",
        "city",
        "luhn_ok",
    ):
        if props.get(key) is not None and not (victim and key in ("pagerank", "betweenness", "degree")):
            lines.append(f"{key}: {_plain(props[key])}")
    return "\n".join(lines)


def sizes(sub: Subgraph, size_by: str | None) -> dict[str, float]:
    """Node sizes: people from 14 to 42 by the chosen measure (relative to the largest shown), others 10."""
    values = {
        nid: float(n.props.get(size_by) or 0.0)
        for nid, n in sub.nodes.items()
        if size_by and n.label == "Person" and isinstance(n.props.get(size_by), int | float)
    }
    top = max(values.values(), default=0.0)
    out = {}
    for nid, n in sub.nodes.items():
        if n.label != "Person":
            out[nid] = 10.0
        elif top > 0 and nid in values:
            out[nid] = 14.0 + 28.0 * values[nid] / top
        else:
            out[nid] = 18.0
    return out


def build_network(
    sub: Subgraph,
    size_by: str | None = "pagerank",
    height: int = 640,
    notes: Mapping[str, str] | None = None,
) -> Network:
    """A pyvis network of the subgraph: colour by community, size by ``size_by``, victims marked in red;
    ``notes`` (node id -> ``2 · B2``) in the tooltips of the entities analysts wrote notes on."""
    net = Network(
        height=f"{height}px", width="100%", directed=True, cdn_resources="in_line", bgcolor="#ffffff"
    )
    size = sizes(sub, size_by)
    for nid, node in sub.nodes.items():
        shape, colour = TYPE_STYLE.get(node.label, ("dot", "#9ca3af"))
        label = node.name if len(node.name) <= 28 else node.name[:27] + "…"
        border, width, dashes = "#1f2937", 1, False
        if node.label == "Person":
            colour = community_colour(node.props.get("community"))
        if node.is_victim:
            shape, colour, border, width, dashes = "diamond", "#fee2e2", VICTIM_COLOUR, 4, True
            label = "VICTIM\n" + label
        if nid in sub.seeds:
            width = max(width, 4)
            border = VICTIM_COLOUR if node.is_victim else "#111827"
        net.add_node(
            nid,
            label=label,
            title=_tooltip(node.label, node.name, node.props, node.is_victim, (notes or {}).get(nid)),
            shape=shape,
            size=size[nid],
            borderWidth=width,
            shapeProperties={"borderDashes": [6, 3] if dashes else False},
            color={
                "background": colour,
                "border": border,
                "highlight": {"background": colour, "border": "#111827"},
            },
            font={"color": VICTIM_COLOUR if node.is_victim else "#111827"},
            kind="Victim" if node.is_victim else node.label,
        )
    for edge in sub.edges:
        if edge.source not in sub.nodes or edge.target not in sub.nodes:
            continue
        title = f"{edge.type} × {edge.weight}"
        if edge.first is not None:
            title += f"\n{_plain(edge.first)[:10]} → {_plain(edge.last)[:10]}"
        if edge.amount_micro:
            title += f"\n{edge.amount_micro / 1_000_000:,.2f} in total"
        net.add_edge(
            edge.source,
            edge.target,
            title=title,
            width=min(1.0 + edge.weight**0.5, 8.0),
            color=EDGE_COLOUR.get(edge.type, "#cbd5e1"),
            dashes=edge.type == "LIKELY_LINKED",
        )
    options = json.loads(json.dumps(OPTIONS))
    if len(sub.nodes) > 250:  # fewer layout iterations keep a large drawing quick (python -m bench.ui)
        options["physics"]["stabilization"]["iterations"] = 100
    net.set_options(json.dumps(options))
    return net


def network_html(
    sub: Subgraph,
    size_by: str | None = "pagerank",
    height: int = 640,
    notes: Mapping[str, str] | None = None,
) -> str:
    """The drawing as one self-contained HTML page, rendered by pyvis with the offline template."""
    net = build_network(sub, size_by, height, notes)
    net.templateEnv = Environment(
        loader=ChoiceLoader([DictLoader({"network.html": TEMPLATE}), FileSystemLoader(PYVIS_TEMPLATES)])
    )
    net.path = "network.html"
    return str(net.generate_html())


def external_references(html: str) -> list[str]:
    """Places where the HTML would load something from outside 127.0.0.1 (src, href, url(), @import)."""
    return [m.group(0) for m in EXTERNAL_URL.finditer(html)]
