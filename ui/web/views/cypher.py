"""Cypher page: a read-only console for power users; the database itself refuses any write."""

from __future__ import annotations

from typing import Any

import neo4j.graph as ng
import streamlit as st

from access.roles import Permission
from graph import explore
from graph.connection import Graph
from graph.explore import Edge, Node, Subgraph
from ui.web.common import frame, page
from ui.web.network import network_html

EXAMPLE = "MATCH (p:Person)-[:USES]->(ph:Phone) RETURN p, ph LIMIT 25"


def _node(n: ng.Node) -> Node:
    label = next(iter(n.labels), "?")
    return Node(n.element_id, label, dict(n.items()))


def as_subgraph(rows: list[list[Any]]) -> Subgraph:
    """Nodes, relationships and paths found in the results, as a drawable subgraph."""
    sub = Subgraph()

    def take(value: Any) -> None:
        if isinstance(value, ng.Node):
            sub.nodes.setdefault(value.element_id, _node(value))
        elif (
            isinstance(value, ng.Relationship) and value.start_node is not None and value.end_node is not None
        ):
            take(value.start_node)
            take(value.end_node)
            sub.edges.append(Edge(value.start_node.element_id, value.end_node.element_id, value.type, 1))
        elif isinstance(value, ng.Path):
            for item in (*value.nodes, *value.relationships):
                take(item)
        elif isinstance(value, list):
            for item in value:
                take(item)

    for row in rows:
        for value in row:
            take(value)
    return sub


def cell(value: Any) -> Any:
    if isinstance(value, ng.Node):
        return f"({':'.join(value.labels)} {dict(value.items())})"
    if isinstance(value, ng.Relationship):
        return f"[:{value.type} {dict(value.items())}]"
    if isinstance(value, ng.Path):
        return f"path of {len(value.relationships)} relationships"
    return value


def body(g: Graph) -> None:
    query = st.text_area("Cypher (read only)", value=EXAMPLE, height=140, key="cypher")
    limit = st.number_input("Rows at most", 1, 10_000, 500, key="cypher_limit")
    if st.button("Run", type="primary", icon=":material/play_arrow:", key="run"):
        st.session_state.pop("cypher_result", None)
        st.session_state["cypher_result"] = explore.console_query(
            g, query, limit=int(limit)
        )  # refusals: one line
    if "cypher_result" not in st.session_state:
        return
    keys, rows = st.session_state["cypher_result"]
    st.caption(f"{len(rows)} rows (read transaction: the database refuses writes).")
    table, drawing = st.tabs(["Table", "Graph"])
    with table:
        st.dataframe(
            frame([dict(zip(keys, [cell(v) for v in row], strict=True)) for row in rows]),
            hide_index=True,
            width="stretch",
        )
    with drawing:
        sub = as_subgraph(rows)
        if sub.nodes:
            st.iframe(network_html(sub, None, 560), height=572)
        else:
            st.info("Return nodes, relationships or paths to see them drawn.")


def main() -> None:
    page(
        "Cypher",
        body,
        needs=Permission.CONSOLE,
        caption="For administrators. Queries run in a read transaction (Neo4j refuses writes), stop after "
        f"{explore.CONSOLE_TIMEOUT_S:g} s and are recorded in the audit trail.",
    )


main()
