"""On the demo data: the planted structuring, launderers, handset swap, burner and name variants are found."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from analytics import duplicates, money, phones
from graph.connection import Graph
from graph.errors import InputError


def test_demo_money(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    threshold = Decimal(key["threshold"]["amount"])
    found = money.structuring(graph, threshold, 0.1, 3)
    received = {(s.account_id, s.direction): {t.transaction_id for t in s.transfers} for s in found}
    for planted in key["structuring"]:
        # every planted deposit just under the threshold is in the evidence of the collector's account
        assert set(planted["deposits"]) <= received[(planted["account_id"], "received")]
        # the money moves on, in time order, to the launderer's account in another country
        trail = money.trail(graph, planted["account_id"], "forward", hops=1, window_days=30)
        assert planted["onward_account"] in trail.accounts_reached()
        assert set(planted["onward"]) <= {s.transfer.transaction_id for s in trail.steps}
    assert set(key["launderers"]["account_ids"]) <= {p["onward_account"] for p in key["structuring"]}


def test_demo_phones(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    found = {
        (s.kind, s.key): {u.number if s.kind == "device" else u.imei for u in s.usages}
        for s in phones.swaps(graph)
    }
    for swap in key["handset_swaps"]:
        assert set(swap["numbers"]) <= found[("device", swap["imei"])]
    for change in key["device_changes"]:
        assert set(change["imeis"]) <= found[("number", change["number"])]
    replacements = {(r.old.number, r.new.number) for r in phones.burners(graph).replacements}
    for burner in key["burners"]:
        assert (burner["old"], burner["new"]) in replacements


def test_demo_duplicates(demo_graph: tuple[Graph, dict[str, Any]]) -> None:
    graph, key = demo_graph
    found = {(c.a, c.b): c for c in duplicates.candidates(graph, min_score=0.8, limit=1000)}
    for pair in key["duplicates"]["fuzzy_pairs"]:
        a, b = sorted(pair["person_ids"])
        assert (a, b) in found, pair
    for pair in key["duplicates"]["victim_suspect_lookalikes"]:
        a, b = sorted((pair["victim"], pair["suspect"]))
        if (a, b) in found:
            assert found[(a, b)].involves_victim
        with pytest.raises(InputError):
            duplicates.merge(graph, pair["victim"], pair["suspect"], "test", "looks alike")
