"""Overview page: what the database holds, the loads and their rejects, the last analysis, data warnings."""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph import explore
from graph.connection import Graph
from graph.status import database_status
from ui.web.common import page, plain, stamp
from ui.web.tables import show

HEADLINE = (("Person", "People"), ("Phone", "Phones"), ("Account", "Accounts"), ("Arrest", "Arrests"))
EVENTS = (("CALLED", "Calls"), ("TRANSFERRED", "Transfers"))


@st.cache_data(ttl=30, show_spinner=False)
def _summary(_g: Graph, key: tuple[Any, ...]) -> dict[str, Any]:
    status = database_status(_g)
    return {
        "nodes": status.nodes,
        "relationships": status.relationships,
        "version": f"Neo4j {status.version} {status.edition}",
        "loads": explore.loads(_g),
        "analysis": explore.last_analysis(_g),
        "quality": explore.quality(_g),
        "half_loaded": status.half_loaded,
    }


def warnings(q: dict[str, int], analysis: dict[str, Any] | None) -> list[str]:
    """The data-quality warnings an analyst should read before trusting the results."""
    out = []
    if q.get("unparsed_phones"):
        out.append(
            f"{q['unparsed_phones']} phone numbers could not be parsed (kept as digits): check their region."
        )
    if q.get("bad_imeis"):
        out.append(f"{q['bad_imeis']} IMEIs fail the Luhn check: they may be mistyped.")
    if q.get("rejected_rows"):
        out.append(
            f"{q['rejected_rows']} rows were rejected in {q['loads_with_rejects']} loads: "
            "see their rejects files."
        )
    if q.get("unnamed_people"):
        out.append(f"{q['unnamed_people']} people have no name.")
    if analysis is None:
        out.append("No analysis yet: run `hilorojo analyze` for rankings, communities and key players.")
    return out


def body(g: Graph) -> None:
    s = _summary(g, stamp(g))
    cols = st.columns(len(HEADLINE) + len(EVENTS))
    for col, (label, title) in zip(cols, HEADLINE + EVENTS, strict=True):
        col.metric(title, f"{s['nodes'].get(label, s['relationships'].get(label, 0)):,}")
    for text in [*s["half_loaded"], *warnings(s["quality"], s["analysis"])]:
        st.warning(text, icon=":material/warning:")
    left, right = st.columns([3, 2])
    with left:
        st.subheader("Loads")
        if s["loads"]:
            show(
                s["loads"],
                key="loads",
                columns=["file_name", "kind", "loaded_at", "rows_read", "rows_loaded", "rows_rejected"],
            )
        else:
            st.info("No file loaded yet.")
        st.subheader("Last analysis")
        a = s["analysis"]
        if a:
            st.markdown(
                f"**{plain(a['run_at'])}** · layers {plain(a['layers'])} · {a['nodes'] or 0:,} people, "
                f"{a['edges'] or 0:,} links · modularity {a['modularity'] or 0:.3f}"
            )
        else:
            st.info("Nothing analysed yet.")
    with right:
        st.subheader("Contents")
        rows = [{"type": k, "count": v} for k, v in s["nodes"].items() if k != "Migration"]
        rows += [{"type": k, "count": v} for k, v in s["relationships"].items()]
        show(rows, key="contents", labels={"type": "Type"})
        st.caption(s["version"])


def main() -> None:
    page(
        "Hilo Rojo",
        body,
        caption="Overview of the network: what is loaded, how clean it is, what was analysed.",
    )


main()
