"""GEXF 1.3 for Gephi: people and their links with attributes, calls and transfers timed so that
Gephi's timeline plays them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from exchange.flat import FlatEdge, FlatNode, attribute_types, text

NS = "http://gexf.net/1.3"
GEXF_TYPES = {"boolean": "boolean", "long": "long", "double": "double", "string": "string"}


def _moment(value: datetime) -> str:
    return value.replace(microsecond=0).isoformat()


def write_gexf(nodes: list[FlatNode], edges: list[FlatEdge], description: str) -> bytes:
    """A dynamic graph: each call, transfer or shared arrest exists from its start to its end (UTC).
    ``timeformat="date"`` with full ISO times: networkx reads only that name, and Gephi parses the times."""
    root = ET.Element("gexf", {"xmlns": NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "Hilo Rojo"
    ET.SubElement(meta, "description").text = description
    graph = ET.SubElement(
        root,
        "graph",
        {
            "mode": "dynamic",
            "defaultedgetype": "directed",
            "timeformat": "date",
            "timerepresentation": "interval",
        },
    )
    nattrs = attribute_types([{"kind": n.kind, **n.attrs} for n in nodes])
    # every edge directed: links without a direction say directed=false (networkx refuses mixed graphs)
    erows = [{"kind": e.kind, "directed": e.directed, **e.attrs} for e in edges]
    eattrs = attribute_types(erows)
    ids: dict[tuple[str, str], str] = {}
    for cls, found in (("node", nattrs), ("edge", eattrs)):
        block = ET.SubElement(graph, "attributes", {"class": cls, "mode": "static"})
        for name, kind in found.items():
            ids[(cls, name)] = name
            ET.SubElement(block, "attribute", {"id": name, "title": name, "type": GEXF_TYPES[kind]})
    nodes_el = ET.SubElement(graph, "nodes")
    for n in nodes:
        el = ET.SubElement(nodes_el, "node", {"id": n.id, "label": n.label})
        values = ET.SubElement(el, "attvalues")
        for k, v in {"kind": n.kind, **n.attrs}.items():
            ET.SubElement(values, "attvalue", {"for": ids[("node", k)], "value": text(v)})
    edges_el = ET.SubElement(graph, "edges")
    for e, row in zip(edges, erows, strict=True):
        attrs = {"id": e.id, "source": e.source, "target": e.target, "label": e.kind}
        if e.start is not None:
            attrs["start"] = _moment(e.start)
            attrs["end"] = _moment(e.end or e.start)
        el = ET.SubElement(edges_el, "edge", attrs)
        values = ET.SubElement(el, "attvalues")
        for k, v in row.items():
            ET.SubElement(values, "attvalue", {"for": ids[("edge", k)], "value": text(v)})
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
