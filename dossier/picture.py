"""A static PNG of the subject's ego network (matplotlib, Agg): coloured by community, victims marked."""

from __future__ import annotations

import io
import math
from typing import Any, Literal

import igraph
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from dossier.document import EgoNetwork

NO_COMMUNITY = "#b0b0b0"
VICTIM_EDGE = "#c0392b"
Style = Literal["-", "--", ":", "-."]
KIND_STYLE: dict[str, Style] = {"calls": "-", "money": "--", "arrest": ":", "shared": "-."}


def _layout(network: EgoNetwork) -> list[tuple[float, float]]:
    n = len(network.nodes)
    if n == 1:
        return [(0.0, 0.0)]
    g = igraph.Graph(n=n, edges=[(e.a, e.b) for e in network.edges])
    # Kamada & Kawai (1989), "An algorithm for drawing general undirected graphs", IPL 31(1):7-15;
    # deterministic: it starts from a circle.
    coords = g.layout_kamada_kawai()
    return [(float(x), float(y)) for x, y in coords.coords]


def _draw_edges(ax: Axes, network: EgoNetwork, pos: list[tuple[float, float]]) -> None:
    """Each link as a line, styled by its kind (solid when of several kinds), thicker when heavier."""
    for e in network.edges:
        (x1, y1), (x2, y2) = pos[e.a], pos[e.b]
        style = KIND_STYLE.get(e.kinds[0], "-") if len(e.kinds) == 1 else "-"
        ax.plot(
            [x1, x2],
            [y1, y2],
            linestyle=style,
            color="#7f8c8d",
            linewidth=0.6 + min(3.0, math.log1p(e.weight)),
            alpha=0.7,
            zorder=1,
        )


def _draw_nodes(
    ax: Axes, network: EgoNetwork, pos: list[tuple[float, float]], colour: dict[int, Any]
) -> None:
    """Each person as a dot coloured by community (the subject large), a victim as a red-edged square,
    with their labels."""
    for i, node in enumerate(network.nodes):
        x, y = pos[i]
        face = colour.get(node.community, NO_COMMUNITY) if node.community is not None else NO_COMMUNITY
        if node.victim:
            ax.scatter(
                [x],
                [y],
                s=220,
                marker="s",
                facecolor="white",
                edgecolor=VICTIM_EDGE,
                linewidth=2.2,
                zorder=3,
            )
        else:
            big = node.subject
            ax.scatter(
                [x],
                [y],
                s=700 if big else 260,
                marker="o",
                facecolor=face,
                edgecolor="black" if big else "white",
                linewidth=2.5 if big else 1,
                zorder=3,
            )
        ax.annotate(
            node.label,
            (x, y),
            xytext=(0, -20 if node.subject else -15),
            textcoords="offset points",
            ha="center",
            va="top",
            zorder=4,
            fontsize=10 if node.subject else 8,
            fontweight="bold" if node.subject else "normal",
            color=VICTIM_EDGE if node.victim else "#222222",
        )


def _legend(communities: list[int], colour: dict[int, Any]) -> list[Line2D]:
    """The legend: the first eight communities, the victim's square, the kinds of link."""
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markerfacecolor=colour[c],
            markeredgecolor="white",
            markersize=9,
            label=f"community {c}",
        )
        for c in communities[:8]
    ]
    handles.append(
        Line2D(
            [],
            [],
            marker="s",
            linestyle="",
            markerfacecolor="white",
            markeredgecolor=VICTIM_EDGE,
            markersize=9,
            label="victim",
        )
    )
    handles += [Line2D([], [], color="#7f8c8d", linestyle=s, label=k) for k, s in KIND_STYLE.items()]
    return handles


def ego_png(network: EgoNetwork, dpi: int = 110) -> bytes:
    """The picture as PNG bytes; labels are the package's (victims already pseudonymised)."""
    cmap = plt.get_cmap("tab10")
    fig, ax = plt.subplots(figsize=(9, 6.5), dpi=dpi)
    try:
        pos = _layout(network)
        _draw_edges(ax, network, pos)
        communities = sorted({n.community for n in network.nodes if n.community is not None})
        colour = {c: cmap(i % 10) for i, c in enumerate(communities)}
        _draw_nodes(ax, network, pos, colour)
        handles = _legend(communities, colour)
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        ax.set_axis_off()
        ax.margins(0.12)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue()
    finally:
        plt.close(fig)
