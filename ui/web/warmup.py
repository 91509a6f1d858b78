"""Plan the target package's queries in the background while the analyst picks the person.

A package makes 33 queries; on the loaded medium-demo machine the server took about 2.7 s to plan them the
first time, more than running them (its plan cache keeps them afterwards). Once the Target package page has
answered, it starts one background thread, once per app process and database, that has the server plan
them while the analyst picks the person: each runs once with values that match nothing, and its rows are
dropped. Build waits for that thread if it is still running rather than planning the same queries a second
time. Started from that page only: started by the first page the analyst opens, it slowed the next pages'
first visits by competing for the server's CPU.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from graph.connection import Graph
from graph.dossier import plan_package_queries

LOG = logging.getLogger("hilorojo.web")


class Planner:
    """The background planning of one database's package queries."""

    def __init__(self, g: Graph) -> None:
        self.thread = threading.Thread(target=self._run, args=(g,), name="hilorojo-plan-package", daemon=True)
        self.thread.start()

    def _run(self, g: Graph) -> None:
        try:
            plan_package_queries(g)
        except Exception:  # only a head start: a real failure shows when the package is built
            LOG.debug("planning the package queries failed", exc_info=True)


@st.cache_resource(show_spinner=False)
def _planner(uri: str, database: str, _g: Graph) -> Planner:
    return Planner(_g)


def start(g: Graph) -> None:
    """Start planning the package queries on this database, once per app process."""
    _planner(g.settings.uri, g.settings.database, g)


def wait(g: Graph, timeout: float = 30.0) -> None:
    """Wait for the planning started by ``start`` to finish."""
    _planner(g.settings.uri, g.settings.database, g).thread.join(timeout)
