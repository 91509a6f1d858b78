"""Paths page: shortest evidence paths between two entities, and the network connecting a set of people."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.connection import Graph
from graph.entities import EntityRef
from graph.explore import Edge, Node, Subgraph
from graph.paths import connecting_network, shortest_paths
from ui.web.common import describe, page, search_box
from ui.web.entity_panel import PATH_LABELS, selected_entity
from ui.web.network import network_html
from ui.web.tables import KIND_OF, Ref, show


def as_subgraph(nodes: list[dict[str, Any]], rels: list[dict[str, Any]], seeds: list[str]) -> Subgraph:
    """Paths' nodes and relationships as a drawable subgraph."""
    sub = Subgraph(seeds=seeds)
    for n in nodes:
        label = next((x for x in n["labels"] if x != "Entity"), "?")
        sub.nodes[n["id"]] = Node(
            n["id"], label, {"name": n.get("name") or n.get("key"), "role": n.get("role")}
        )
    merged: dict[tuple[str, str, str], Edge] = {}
    for r in rels:
        a, b = str(r.get("start", r.get("source"))), str(r.get("end", r.get("target")))
        edge = merged.setdefault((a, b, r["type"]), Edge(a, b, r["type"], 0))
        edge.weight += 1
    sub.edges = list(merged.values())
    return sub


def node_ref(row: Any) -> Ref | None:
    """The entity a row of the path's entities names (by its type and key)."""
    kind = KIND_OF.get(str(row.get("label")))
    return Ref(kind, str(row["key"])) if kind and row.get("key") else None


def entities_table(g: Graph, nodes: list[dict[str, Any]], key: str) -> None:
    """The entities on the paths, in order, each one click from its details."""
    rows = [
        {
            "step": i,
            "label": next((x for x in n["labels"] if x != "Entity"), "?"),
            "name": n.get("name") or n.get("key"),
            "key": n.get("key"),
            "role": n.get("role"),
        }
        for i, n in enumerate(nodes, start=1)
    ]
    st.caption("Select an entity on the path to open it.")
    show(rows, key=key, entity=node_ref, labels={"key": "Key"}, notes=g)


def pick(g: Graph, key: str, label: str) -> dict[str, Any] | None:
    hits = [h for h in search_box(g, key=key, label=label) if h["label"] in PATH_LABELS]
    if not hits:
        return None
    return st.selectbox("Which one", hits, format_func=describe, key=f"{key}-pick")


def two_entities(g: Graph) -> None:
    a, b = st.columns(2)
    with a:
        first = pick(g, "path_from", "From (person, phone, account, handset)")
    with b:
        second = pick(g, "path_to", "To")
    if not (first and second):
        return
    refs = [EntityRef(h["label"], h["key"], h["name"] or h["key"], h.get("role")) for h in (first, second)]
    paths = shortest_paths(g, refs[0], refs[1], limit=5)
    if not paths:
        st.info(f"No path of at most 8 evidence links between {refs[0].name} and {refs[1].name}.")
        return
    hops = len(paths[0]["relationships"])
    st.success(f"{len(paths)} shortest path(s) of {hops} links between {refs[0].name} and {refs[1].name}.")
    for i, p in enumerate(paths, start=1):
        names = {n["id"]: n.get("name") or n.get("key") for n in p["nodes"]}
        steps = " → ".join(f"{names[r['start']]} [{r['type']}]" for r in p["relationships"])
        st.markdown(f"**Path {i}:** {steps} → {names[p['relationships'][-1]['end']]}")
    nodes = {n["id"]: n for p in paths for n in p["nodes"]}
    rels = [r for p in paths for r in p["relationships"]]
    sub = as_subgraph(list(nodes.values()), rels, [first["id"], second["id"]])
    st.session_state["paths_html"] = html = network_html(sub, None, 480)
    st.iframe(html, height=492)
    entities_table(g, list(nodes.values()), "path-entities")


def targets(g: Graph) -> None:
    hits = [h for h in search_box(g, key="targets_search", label="Add a person") if h["label"] == "Person"]
    chosen: dict[str, dict[str, Any]] = st.session_state.setdefault("targets", {})
    for i, h in enumerate(hits[:6]):
        if st.button("Add " + describe(h), key=f"target-{i}"):
            chosen[h["key"]] = h
    if chosen:
        keep = st.multiselect(
            "Targets", list(chosen), default=list(chosen), format_func=lambda k: chosen[k]["name"]
        )
        for k in set(chosen) - set(keep):
            chosen.pop(k)
    if len(chosen) < 2:
        st.info("Add two or more people to see the network that connects them.")
        return
    net = connecting_network(g, list(chosen))
    seeds = [h["id"] for h in chosen.values()]
    sub = as_subgraph(net["nodes"], net["relationships"], seeds)
    st.caption(f"{len(sub.nodes)} entities on the shortest links between {len(chosen)} people.")
    st.session_state["targets_html"] = html = network_html(sub, None, 520)
    st.iframe(html, height=532)
    entities_table(g, net["nodes"], "target-entities")


def body(g: Graph) -> None:
    one, many = st.tabs(["Between two entities", "Connecting a set of targets"])
    with one:
        two_entities(g)
    with many:
        targets(g)
    selected_entity(g, "paths-entity")


def main() -> None:
    page("Paths", body, caption="Evidence only: calls, money, shared phones and handsets, arrests together.")


main()
