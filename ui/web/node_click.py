"""A click on a node of the Explore drawing selects that entity for the details beside it."""

from __future__ import annotations

import streamlit as st

# The drawing is a pyvis page in an iframe (``ui/web/network.py``) that posts
# ``{hiloRojo: "select", id: <node id>}`` when a node is selected. This invisible Streamlit component
# (components v2: inline JavaScript served by the app itself, nothing fetched from any network) listens
# for those messages, only from the page's own iframes, and hands the id to Python as a trigger value.
MESSAGE = "select"  # the ``hiloRojo`` field of the drawing's message (see network.TEMPLATE)
JS = """
export default function ({ setTriggerValue }) {
  const fromOurFrames = (source) =>
    Array.from(document.querySelectorAll("iframe")).some((f) => f.contentWindow === source);
  const onMessage = (event) => {
    const m = event.data;
    if (m && m.hiloRojo === "select" && typeof m.id === "string" && fromOurFrames(event.source)) {
      setTriggerValue("selected", m.id);
    }
  };
  window.addEventListener("message", onMessage);
  return () => window.removeEventListener("message", onMessage);
}
"""
_listener = st.components.v2.component("hilorojo.node_click", js=JS)


def _ignore() -> None:
    """The trigger's callback: the click is read from the component's value in the rerun it causes."""


def clicked_node(key: str) -> str | None:
    """Mount the (invisible) listener; the id of the node just clicked in the drawing, if any."""
    result = _listener(key=key, on_selected_change=_ignore, height=0)
    value = getattr(result, "selected", None)
    return value if isinstance(value, str) else None
