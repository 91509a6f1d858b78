"""GraphML (for Gephi, yEd, Cytoscape, networkx): people and their links, every attribute typed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from exchange.flat import FlatEdge, FlatNode, attribute_types, text

NS = "http://graphml.graphdrawing.org/xmlns"


def node_rows(nodes: list[FlatNode]) -> list[dict[str, Any]]:
    return [{"label": n.label, "kind": n.kind, **n.attrs} for n in nodes]


def edge_rows(edges: list[FlatEdge]) -> list[dict[str, Any]]:
    return [
        {
            "kind": e.kind,
            "directed": e.directed,
            **({"start": text(e.start)} if e.start else {}),
            **({"end": text(e.end)} if e.end else {}),
            **e.attrs,
        }
        for e in edges
    ]


def write_graphml(nodes: list[FlatNode], edges: list[FlatEdge], description: str) -> bytes:
    """One directed graph; links without a direction (shared arrests and identifiers) have the attribute
    directed=false (GraphML's per-edge flag makes a mixed graph, which readers such as networkx refuse)."""
    root = ET.Element("graphml", {"xmlns": NS})
    nrows, erows = node_rows(nodes), edge_rows(edges)
    keys: dict[tuple[str, str], str] = {}
    for domain, rows in (("node", nrows), ("edge", erows)):
        for name, kind in attribute_types(rows).items():
            kid = f"{domain[0]}_{name}"
            keys[(domain, name)] = kid
            ET.SubElement(root, "key", {"id": kid, "for": domain, "attr.name": name, "attr.type": kind})
    graph = ET.SubElement(root, "graph", {"id": "hilorojo", "edgedefault": "directed"})
    ET.SubElement(graph, "desc").text = description
    for n, row in zip(nodes, nrows, strict=True):
        el = ET.SubElement(graph, "node", {"id": n.id})
        for k, v in row.items():
            ET.SubElement(el, "data", {"key": keys[("node", k)]}).text = text(v)
    for e, row in zip(edges, erows, strict=True):
        el = ET.SubElement(graph, "edge", {"id": e.id, "source": e.source, "target": e.target})
        for k, v in row.items():
            ET.SubElement(el, "data", {"key": keys[("edge", k)]}).text = text(v)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
