"""Time-respecting money trails: where money from (or to) an account or a person went, hop by hop."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from analytics.transfer_windows import add_amount, after_or_at, money_text, within
from graph import money as money_queries
from graph.connection import Graph
from graph.entities import resolve_entity
from graph.errors import InputError
from graph.money import Transfer

DIRECTIONS = ("forward", "backward")


@dataclass
class TrailStep:
    """One transfer reached by a trail: its hop, the transfers that lead to it and what moved on."""

    hop: int
    transfer: Transfer
    parents: list[str] = field(default_factory=list)
    onward: dict[str, Decimal] = field(default_factory=dict)
    share_onward: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "hop": self.hop,
            **self.transfer.as_dict(),
            "parents": list(self.parents),
            "onward": money_text(self.onward),
            "share_onward": self.share_onward,
        }


@dataclass
class Trail:
    """A money trail from an account or a person's accounts, hop by hop, forward or backward in time."""

    start: str
    start_label: str
    accounts: list[str]
    direction: str
    hops: int
    window_days: int
    steps: list[TrailStep]
    holders: dict[str, list[dict[str, Any]]]
    truncated: bool = False

    def totals_per_hop(self) -> dict[int, dict[str, Decimal]]:
        totals: dict[int, dict[str, Decimal]] = {}
        for step in self.steps:
            add_amount(totals.setdefault(step.hop, {}), step.transfer)
        return totals

    def accounts_reached(self) -> list[str]:
        key = "target" if self.direction == "forward" else "source"
        seen: dict[str, None] = {}
        for step in self.steps:
            seen.setdefault(getattr(step.transfer, key), None)
        return list(seen)

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "start_label": self.start_label,
            "accounts": self.accounts,
            "direction": self.direction,
            "hops": self.hops,
            "window_days": self.window_days,
            "truncated": self.truncated,
            "totals_per_hop": {str(h): money_text(t) for h, t in sorted(self.totals_per_hop().items())},
            "accounts_reached": self.accounts_reached(),
            "holders": self.holders,
            "steps": [s.as_dict() for s in self.steps],
        }


def _start_accounts(graph: Graph, start: str) -> tuple[str, list[str]]:
    ref = resolve_entity(graph, start)
    if ref.label == "Account":
        return "Account", [ref.key]
    if ref.label == "Person":
        accounts = money_queries.accounts_of_person(graph, ref.key)
        if not accounts:
            raise InputError(
                f"person {ref.key} holds no account",
                "load their accounts (HOLDS) or start from an account id",
            )
        return "Person", accounts
    raise InputError(f"{start!r} is a {ref.label.lower()}, not an account or a person", "give an account id")


class _OutgoingCache:
    """Outgoing transfers per account, fetched in bulk only for accounts not asked before."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.by_account: dict[str, list[Transfer]] = {}

    def get(self, accounts: set[str]) -> dict[str, list[Transfer]]:
        missing = accounts - self.by_account.keys()
        if missing:
            for account in missing:
                self.by_account[account] = []
            for t in money_queries.outgoing(self.graph, missing):
                self.by_account[t.source].append(t)
        return self.by_account


def _onward(cache: _OutgoingCache, steps: list[TrailStep], window: timedelta) -> None:
    """Set each step's ``onward`` (what its receiving account sent on within the window, by currency)
    and ``share_onward`` (the part in the transfer's currency, over the transfer's amount)."""
    outgoing = cache.get({step.transfer.target for step in steps})
    for step in steps:
        t = step.transfer
        onward: dict[str, Decimal] = {}
        for o in within(outgoing.get(t.target, []), t.timestamp, t.timestamp + window):
            add_amount(onward, o)
        step.onward = onward
        if t.amount > 0:
            step.share_onward = float(onward.get(t.currency, Decimal(0)) / t.amount)


def trail(
    graph: Graph,
    start: str,
    direction: str = "forward",
    hops: int = 4,
    window_days: int = 30,
    max_steps: int = 5000,
) -> Trail:
    """Follow money from (forward) or to (backward) an account or all accounts a person holds.

    Time-respecting: a forward hop counts only if it happens strictly after the transfer that brought
    the money and within ``window_days`` of it (backward: strictly before, within the window). Each
    transfer appears once, at the first hop that reaches it, with every transfer that leads to it.
    ``share_onward`` is the amount the receiving account sent on, in the same currency, within the
    window after the transfer, divided by the transfer's amount (above 1 when the account mixes funds).
    """
    if direction not in DIRECTIONS:
        raise InputError(f"unknown direction {direction!r}", "use 'forward' or 'backward'")
    if hops < 1 or window_days < 0:
        raise InputError(f"bad trail limits: hops={hops}, window={window_days}", "use hops >= 1, window >= 0")
    label, accounts = _start_accounts(graph, start)
    window = timedelta(days=window_days)
    forward = direction == "forward"
    cache = _OutgoingCache(graph)
    steps: dict[str, TrailStep] = {}
    order: list[str] = []
    truncated = False

    first = money_queries.outgoing(graph, accounts) if forward else money_queries.incoming(graph, accounts)
    level: list[TrailStep] = []
    for t in first:
        if t.transaction_id not in steps:
            steps[t.transaction_id] = TrailStep(1, t)
            order.append(t.transaction_id)
            level.append(steps[t.transaction_id])
    for hop in range(2, hops + 1):
        if not level:
            break
        if forward:
            nxt = cache.get({s.transfer.target for s in level})
        else:
            nxt = defaultdict(list)
            for t in money_queries.incoming(graph, {s.transfer.source for s in level}):
                nxt[t.target].append(t)
        new_level: list[TrailStep] = []
        for prev in level:
            p = prev.transfer
            if forward:
                candidates = within(nxt.get(p.target, []), p.timestamp, p.timestamp + window)
            else:
                candidates = after_or_at(nxt.get(p.source, []), p.timestamp - window, p.timestamp)
            for t in candidates:
                step = steps.get(t.transaction_id)
                if step is None:
                    if len(steps) >= max_steps:
                        truncated = True
                        break
                    step = steps[t.transaction_id] = TrailStep(hop, t)
                    order.append(t.transaction_id)
                    new_level.append(step)
                if step.hop == hop and p.transaction_id not in step.parents:
                    step.parents.append(p.transaction_id)
        level = new_level

    _onward(cache, [steps[tid] for tid in order], window)
    involved = (
        set(accounts) | {steps[t].transfer.source for t in order} | {steps[t].transfer.target for t in order}
    )
    return Trail(
        start=start,
        start_label=label,
        accounts=accounts,
        direction=direction,
        hops=hops,
        window_days=window_days,
        steps=[steps[tid] for tid in order],
        holders=money_queries.account_holders(graph, involved),
        truncated=truncated,
    )
