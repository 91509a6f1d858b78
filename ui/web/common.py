"""What every page shares: the cached connection, one-line errors, the data check, and small helpers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from access import session
from access.roles import Permission
from graph import explore
from graph.connection import Graph, get_graph
from graph.errors import HiloRojoError
from graph.settings import load_settings
from values.phone import phone_candidates

HAS_DATA_QUERY = "MATCH (n) WHERE NOT n:Migration AND NOT n:Analysis RETURN count(n) > 0 AS has_data"
STAMP_QUERY = """
MATCH (n) WITH count(n) AS nodes
MATCH ()-[r]->() WITH nodes, count(r) AS rels
OPTIONAL MATCH (a:Analysis) RETURN nodes, rels, max(a.run_at) AS analysed
"""
CSS = """
<style>
  .block-container { padding-top: 2.2rem; max-width: 1400px; }
  h1 { color: #7f1d1d; letter-spacing: -0.01em; }
  [data-testid="stMetricValue"] { font-size: 1.7rem; }
  .hr-victim { background: #fee2e2; color: #991b1b; border: 1px solid #fca5a5; border-radius: 6px;
               padding: 1px 7px; font-weight: 600; font-size: 0.85rem; }
  .hr-legend span { display: inline-block; margin-right: 14px; font-size: 0.85rem; color: #374151; }
</style>
"""
VICTIM_LABEL = "VICTIM (protected)"
UNEXPECTED = "Unexpected error on this page"
LOG = logging.getLogger("hilorojo.web")


@st.cache_resource(show_spinner=False)
def _graph(uri: str, database: str, user: str) -> Graph:
    """One driver per process and per database address (Streamlit keeps it between reruns)."""
    return get_graph(load_settings())


def graph() -> Graph:
    """The process's connection to the configured Neo4j (checked to answer on each page run)."""
    settings = load_settings()
    g = _graph(settings.uri, settings.database, settings.user)
    if g is not get_graph():  # the process's driver was replaced (settings changed): follow it
        _graph.clear()
        g = _graph(settings.uri, settings.database, settings.user)
    g.verify()
    return g


def stamp(g: Graph) -> tuple[Any, ...]:
    """A cheap fingerprint of the database's contents: cached results are keyed on it."""
    row = g.read_one(STAMP_QUERY) or {}
    analysed = row.get("analysed")
    # cached results differ for a shielded view: the stamp keeps them apart
    return (
        g.settings.uri,
        row.get("nodes"),
        row.get("rels"),
        str(analysed) if analysed else None,
        g.shielded,
    )


def page(
    title: str,
    body: Callable[[Graph], None],
    needs_data: bool = True,
    caption: str | None = None,
    needs: Permission | None = None,
) -> None:
    """Run a page: title, the session's principal, connection, data check; project errors (a refused
    role among them: ``needs`` is checked first) become one line, never a traceback. A principal who may
    not see victims gets the graph's shielded view (graph.protected)."""
    st.markdown(CSS, unsafe_allow_html=True)
    # The session's principal (set at login by app.py) acts for everything this run calls.
    session.set_current(st.session_state.get("principal"))
    st.title(title)
    if caption:
        st.caption(caption)
    try:
        if needs is not None:
            session.require(needs)
        g = graph()
        if not session.current().sees_victims:
            g = g.shielded_view()
        if needs_data and not (g.read_one(HAS_DATA_QUERY) or {}).get("has_data"):
            st.error(
                "The database is empty: load files on the Import page, or run `hilorojo demo --scale small`."
            )
            return
        body(g)
    except HiloRojoError as exc:
        st.error(str(exc))
    except Exception as exc:  # a bug: one line on screen, the traceback in the server's log
        LOG.exception("page %r failed", title)
        st.error(
            f"{UNEXPECTED}: {type(exc).__name__}: {' '.join(str(exc).split())[:300]} "
            "(details in the server log)"
        )


def fail(exc: HiloRojoError) -> None:
    """Show a project error as one line."""
    st.error(str(exc))


def plain(value: Any) -> Any:
    """A value as the tables show it: Neo4j times as ISO text, lists joined."""
    if hasattr(value, "iso_format"):
        return str(value.iso_format())[:19].replace("T", " ")
    if isinstance(value, list | tuple):
        return ", ".join(str(plain(v)) for v in value)
    if isinstance(value, dict):
        return str({k: plain(v) for k, v in value.items()})
    return value


def frame(rows: list[dict[str, Any]], columns: list[str] | None = None) -> pd.DataFrame:
    """Rows as a DataFrame for ``st.dataframe`` (Neo4j values made plain; victims' role spelled out)."""
    data = [
        {k: (VICTIM_LABEL if k == "role" and v == "victim" else plain(v)) for k, v in r.items()} for r in rows
    ]
    df = pd.DataFrame(data)
    if columns is not None:
        df = df.reindex(columns=[c for c in columns if c in df.columns])
    return df


def phone_forms(text: str) -> list[str]:
    """The normalised forms a typed number may have in the graph (the loaders' normaliser)."""
    return list(phone_candidates(text))


def describe(row: dict[str, Any], notes: str | None = None) -> str:
    """One line naming a search hit: type, name, key, a victim mark, and its ``notes`` (``2 · B2``)."""
    name, key = row.get("name") or row.get("key"), row.get("key")
    text = f"{row['label']} · {name}" + (f" ({key})" if key and key != name else "")
    if row.get("role") == "victim":
        text += " · " + VICTIM_LABEL
    if notes:
        text += f" · :material/sticky_note_2: notes {notes}"
    return text


def open_in_explore(node_ids: list[str], add: bool = False) -> None:
    """Put entities in the exploration (replacing or adding to what is there)."""
    seeds = list(st.session_state.get("seeds", [])) if add else []
    st.session_state["seeds"] = list(dict.fromkeys(seeds + node_ids))


def search_box(
    g: Graph, key: str, label: str = "Name, alias, phone number, IMEI or account"
) -> list[dict[str, Any]]:
    """A search box; returns the hits (exact identifiers first, then names through the full-text index)."""
    text = st.text_input(label, key=key, placeholder="e.g. jose ramirez, +57 300 111 0002, 3569380…")
    if not text.strip():
        return []
    return explore.search(g, text, phone_forms(text))


def people(holders: Any) -> str:
    """Holders or users (dicts with name, person_id, role) as one line; victims marked."""
    if isinstance(holders, dict):
        holders = [p for group in holders.values() for p in group]
    names = []
    for p in holders or []:
        name = str(p.get("name") or p.get("person_id") or "?")
        names.append(name + (" (VICTIM)" if p.get("role") == "victim" else ""))
    return ", ".join(dict.fromkeys(names))
