"""Plan the target package's queries in the background once the app is open (the server's plan cache).

A package makes 33 queries; on the loaded medium-demo machine the server took about 2.7 s to plan them the
first time, more than running them. The first page the analyst opens starts one background thread that,
3 s later (once that page has answered), has the server plan them: each runs once with values that match
nothing, and its rows are dropped. Build waits for that thread if it is still running rather than planning
the same queries a second time.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from graph.connection import Graph
from graph.dossier import plan_package_queries

LOG = logging.getLogger("hilorojo.web")


DELAY_S = 3.0  # let the page that starts it answer first


class Planner:
    """The background planning of one database's package queries."""

    def __init__(self, g: Graph) -> None:
        self.hurry = threading.Event()  # set by ``wait``: skip what is left of the delay
        self.thread = threading.Thread(target=self._run, args=(g,), name="hilorojo-plan-package", daemon=True)
        self.thread.start()

    def _run(self, g: Graph) -> None:
        self.hurry.wait(DELAY_S)
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
    """Finish the planning started by ``start`` now (no more delay) and wait for it."""
    planner = _planner(g.settings.uri, g.settings.database, g)
    planner.hurry.set()
    planner.thread.join(timeout)
