"""Rankings of people by a measure; victims are left out unless explicitly included."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from analytics.network import PersonNetwork
from graph import analysis_store
from graph.connection import Graph


def _value(x: Any) -> Any:
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and np.isnan(x):
        return None
    return x


def rank(
    net: PersonNetwork,
    measures: Mapping[str, np.ndarray],
    by: str,
    top: int | None = None,
    include_victims: bool = False,
) -> list[dict[str, Any]]:
    """People of ``net`` by decreasing ``measures[by]`` (ties by person_id), each with every measure.

    Only Person vertices are ranked (unowned phones and accounts are not people); victims only when
    ``include_victims`` is set.
    """
    score = np.nan_to_num(np.asarray(measures[by], dtype=float), nan=-np.inf)
    ids = net.ids()
    ok = net.is_person() if include_victims else net.rankable()
    order = sorted(np.flatnonzero(ok).tolist(), key=lambda v: (-score[v], ids[v]))
    if top is not None:
        order = order[:top]
    rows = []
    for r, v in enumerate(order, start=1):
        row: dict[str, Any] = {"person_id": ids[v], "name": net.g.vs[v]["name"], "rank": r}
        row.update({name: _value(values[v]) for name, values in measures.items()})
        rows.append(row)
    return rows


def stored_ranking(graph: Graph, by: str, top: int, include_victims: bool = False) -> list[dict[str, Any]]:
    """The latest analysis' people ranked by a written-back measure, each with every measure by name."""
    analysis = analysis_store.latest_analysis(graph)
    rows = analysis_store.ranking(graph, analysis["analysis_id"], by, top, include_victims)
    out = []
    for r, row in enumerate(rows, start=1):
        item: dict[str, Any] = {
            "person_id": row["person_id"],
            "name": row["name"],
            "rank": r,
            "role": row["role"],
        }
        item.update(row["measures"])
        out.append(item)
    return out
