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
    """People of ``net`` by decreasing ``measures[by]`` (equal values by the measure's tie-break,
    ``analysis_store.TIE_BREAK``, then person_id), each with every measure.

    Only Person vertices are ranked (unowned phones and accounts are not people); victims only when
    ``include_victims`` is set.
    """
    score = np.nan_to_num(np.asarray(measures[by], dtype=float), nan=-np.inf)
    tie_break = measures.get(analysis_store.TIE_BREAK.get(by, by), measures[by])
    then = np.nan_to_num(np.asarray(tie_break, dtype=float), nan=-np.inf)
    ids = net.ids()
    ok = net.is_person() if include_victims else net.rankable()
    order = sorted(np.flatnonzero(ok).tolist(), key=lambda v: (-score[v], -then[v], ids[v]))
    if top is not None:
        order = order[:top]
    rows = []
    for r, v in enumerate(order, start=1):
        row: dict[str, Any] = {"person_id": ids[v], "name": net.g.vs[v]["name"], "rank": r}
        row.update({name: _value(values[v]) for name, values in measures.items()})
        rows.append(row)
    return rows


def rank_bands(value: np.ndarray, stderr: np.ndarray, z: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """For estimated values, the best and worst rank (1 = highest) each could hold.

    With interval [value - z·se, value + z·se] per entry, entry v's best rank is 1 + the number of
    entries whose interval lies wholly above v's, and its worst rank is the number of entries whose
    interval reaches v's lower end (v included). Exact values (se 0) give the ordinary rank, ties
    sharing one band. z = 2 covers about 95 % of each estimate's normal error.
    """
    value = np.asarray(value, dtype=float)
    half = z * np.asarray(stderr, dtype=float)
    low, high = value - half, value + half
    sorted_low = np.sort(low)
    sorted_high = np.sort(high)
    n = len(value)
    best = 1 + (n - np.searchsorted(sorted_low, high, side="right"))
    worst = n - np.searchsorted(sorted_high, low, side="left")
    return best.astype(np.int64), worst.astype(np.int64)


def betweenness_estimated(analysis: Mapping[str, Any]) -> bool:
    """Whether the analysis estimated betweenness from pivots (so its values carry a standard error)."""
    return not analysis_store.measure_methods(analysis).get("betweenness", {}).get("exact", True)


def betweenness_rank_bands(
    graph: Graph, analysis: Mapping[str, Any], include_victims: bool = False
) -> dict[str, tuple[int, int]]:
    """Best and worst betweenness rank of every ranked person of ``analysis`` (:func:`rank_bands`)."""
    every = analysis_store.measure_with_error(
        graph, analysis["analysis_id"], "betweenness", "betweenness_se", include_victims
    )
    if not every:
        return {}
    best, worst = rank_bands(
        np.array([r["value"] for r in every], dtype=float),
        np.array([r["stderr"] for r in every], dtype=float),
    )
    return {r["person_id"]: (int(b), int(w)) for r, b, w in zip(every, best, worst, strict=True)}


def stored_ranking(graph: Graph, by: str, top: int, include_victims: bool = False) -> list[dict[str, Any]]:
    """The latest analysis' people ranked by a written-back measure, each with every measure by name.

    Where betweenness was estimated, each row has ``betweenness_band`` (estimate ± 2 standard
    errors), and when ranking by it, ``rank_band`` (best and worst rank the band allows).
    """
    analysis = analysis_store.latest_analysis(graph)
    rows = analysis_store.ranking(graph, analysis["analysis_id"], by, top, include_victims)
    estimated = betweenness_estimated(analysis)
    bands = (
        betweenness_rank_bands(graph, analysis, include_victims) if estimated and by == "betweenness" else {}
    )
    out = []
    for r, row in enumerate(rows, start=1):
        item: dict[str, Any] = {
            "person_id": row["person_id"],
            "name": row["name"],
            "rank": r,
            "role": row["role"],
        }
        item.update(row["measures"])
        if estimated and item.get("betweenness") is not None:
            se = float(item.get("betweenness_se") or 0.0)
            item["betweenness_band"] = [max(0.0, item["betweenness"] - 2 * se), item["betweenness"] + 2 * se]
        if row["person_id"] in bands:
            item["rank_band"] = list(bands[row["person_id"]])
        out.append(item)
    return out
