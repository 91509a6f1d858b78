"""Money patterns on transfers: time-respecting trails, round-trip cycles, fan hubs and structuring."""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from graph import money as money_queries
from graph.connection import Graph
from graph.entities import resolve_entity
from graph.errors import InputError
from graph.money import Transfer

DIRECTIONS = ("forward", "backward")


def _money(amounts: dict[str, Decimal]) -> dict[str, str]:
    return {currency: str(amount) for currency, amount in sorted(amounts.items())}


def _add(totals: dict[str, Decimal], transfer: Transfer) -> None:
    totals[transfer.currency] = totals.get(transfer.currency, Decimal(0)) + transfer.amount


# --------------------------------------------------------------------------------------------- trail
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
            "onward": _money(self.onward),
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
            _add(totals.setdefault(step.hop, {}), step.transfer)
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
            "totals_per_hop": {str(h): _money(t) for h, t in sorted(self.totals_per_hop().items())},
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


def _within(transfers: list[Transfer], after: datetime, until: datetime) -> list[Transfer]:
    """Transfers (sorted by time) with after < timestamp <= until."""
    times = [t.timestamp for t in transfers]
    return transfers[bisect.bisect_right(times, after) : bisect.bisect_right(times, until)]


def _after_or_at(transfers: list[Transfer], since: datetime, before: datetime) -> list[Transfer]:
    """Transfers (sorted by time) with since <= timestamp < before."""
    times = [t.timestamp for t in transfers]
    return transfers[bisect.bisect_left(times, since) : bisect.bisect_left(times, before)]


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
                candidates = _within(nxt.get(p.target, []), p.timestamp, p.timestamp + window)
            else:
                candidates = _after_or_at(nxt.get(p.source, []), p.timestamp - window, p.timestamp)
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

    outgoing = cache.get({steps[tid].transfer.target for tid in order})
    for tid in order:
        step = steps[tid]
        t = step.transfer
        onward: dict[str, Decimal] = {}
        for o in _within(outgoing.get(t.target, []), t.timestamp, t.timestamp + window):
            _add(onward, o)
        step.onward = onward
        if t.amount > 0:
            step.share_onward = float(onward.get(t.currency, Decimal(0)) / t.amount)
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


# -------------------------------------------------------------------------------------------- cycles
@dataclass
class Cycle:
    """Money that leaves an account and comes back to it through other accounts, in time order."""

    accounts: list[str]
    transfers: list[Transfer]

    @property
    def start(self) -> datetime:
        return self.transfers[0].timestamp

    @property
    def end(self) -> datetime:
        return self.transfers[-1].timestamp

    def share_returned(self) -> float | None:
        first, last = self.transfers[0], self.transfers[-1]
        if first.currency != last.currency or first.amount <= 0:
            return None
        return float(last.amount / first.amount)

    def as_dict(self) -> dict[str, Any]:
        first, last = self.transfers[0], self.transfers[-1]
        return {
            "accounts": self.accounts,
            "length": len(self.transfers),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "duration_hours": (self.end - self.start).total_seconds() / 3600,
            "sent": {first.currency: str(first.amount)},
            "returned": {last.currency: str(last.amount)},
            "share_returned": self.share_returned(),
            "transfers": [t.as_dict() for t in self.transfers],
        }


def _by_source(transfers: list[Transfer]) -> dict[str, list[Transfer]]:
    grouped: dict[str, list[Transfer]] = defaultdict(list)
    for t in transfers:  # already sorted by time
        grouped[t.source].append(t)
    return grouped


def cycles(graph: Graph, window_days: int = 30, max_length: int = 6, limit: int = 1000) -> list[Cycle]:
    """Time-respecting simple cycles A -> ... -> A of 2..max_length transfers within ``window_days``.

    Temporal cycles as in Kumar & Calders, "2SCENT: an efficient algorithm for enumerating all simple
    temporal cycles" (VLDB 2018): each transfer strictly later than the one before and the whole cycle
    within the window of its first transfer; each cycle is reported once (from its earliest transfer).
    """
    if max_length < 2 or window_days < 0:
        raise InputError(f"bad cycle limits: max_length={max_length}", "use max_length >= 2, window >= 0")
    transfers = money_queries.all_transfers(graph)
    by_source = _by_source(transfers)
    window = timedelta(days=window_days)
    found: list[Cycle] = []

    def extend(path: list[Transfer], visited: set[str], origin: str, deadline: datetime) -> None:
        last = path[-1]
        for t in _within(by_source.get(last.target, []), last.timestamp, deadline):
            if len(found) >= limit:
                return
            if t.target == origin:
                chain = [*path, t]
                found.append(Cycle([origin, *(x.target for x in chain)], chain))
            elif t.target not in visited and len(path) + 1 < max_length:
                visited.add(t.target)
                extend([*path, t], visited, origin, deadline)
                visited.discard(t.target)

    for t1 in transfers:
        if t1.source == t1.target or len(found) >= limit:
            continue
        extend([t1], {t1.source, t1.target}, t1.source, t1.timestamp + window)
    found.sort(key=lambda c: (c.start, c.accounts))
    return found


# ---------------------------------------------------------------------------------------------- fans
@dataclass
class Fan:
    """An account that receives from (fan-in) or sends to (fan-out) many counterparties in a short time."""

    account_id: str
    kind: str
    counterparties: int
    transfers: list[Transfer]
    holders: list[dict[str, Any]] = field(default_factory=list)

    def totals(self) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = {}
        for t in self.transfers:
            _add(totals, t)
        return totals

    def as_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "kind": self.kind,
            "counterparties": self.counterparties,
            "count": len(self.transfers),
            "start": self.transfers[0].timestamp.isoformat(),
            "end": self.transfers[-1].timestamp.isoformat(),
            "totals": _money(self.totals()),
            "holders": self.holders,
            "transfers": [t.as_dict() for t in self.transfers],
        }


def _best_window(transfers: list[Transfer], other: str, window: timedelta) -> tuple[int, list[Transfer]]:
    """The window (<= ``window`` long) with the most distinct counterparties: two pointers over time."""
    counts: Counter[str] = Counter()
    best, best_span = 0, (0, 0)
    left = 0
    for right, t in enumerate(transfers):
        counts[getattr(t, other)] += 1
        while t.timestamp - transfers[left].timestamp > window:
            key = getattr(transfers[left], other)
            counts[key] -= 1
            if counts[key] == 0:
                del counts[key]
            left += 1
        if len(counts) > best:
            best, best_span = len(counts), (left, right + 1)
    return best, transfers[best_span[0] : best_span[1]]


def fans(graph: Graph, window_hours: int = 72, min_counterparties: int = 5) -> list[Fan]:
    """Fan-in and fan-out hubs: at least ``min_counterparties`` distinct senders (or receivers) of one
    account within ``window_hours``; ranked by counterparties, with the transfers of the busiest window."""
    if window_hours < 0 or min_counterparties < 2:
        raise InputError("bad fan limits", "use window_hours >= 0 and min_counterparties >= 2")
    transfers = money_queries.all_transfers(graph)
    window = timedelta(hours=window_hours)
    result: list[Fan] = []
    for kind, hub, other in (("fan-in", "target", "source"), ("fan-out", "source", "target")):
        grouped: dict[str, list[Transfer]] = defaultdict(list)
        for t in transfers:
            if t.source != t.target:
                grouped[getattr(t, hub)].append(t)
        for account, items in grouped.items():
            if len({getattr(t, other) for t in items}) < min_counterparties:
                continue
            count, evidence = _best_window(items, other, window)
            if count >= min_counterparties:
                result.append(Fan(account, kind, count, evidence))
    holders = money_queries.account_holders(graph, {f.account_id for f in result})
    for fan in result:
        fan.holders = holders.get(fan.account_id, [])
    result.sort(key=lambda f: (-f.counterparties, -len(f.transfers), f.account_id, f.kind))
    return result


# --------------------------------------------------------------------------------------- structuring
@dataclass
class Structuring:
    """An account that repeatedly sends or receives amounts just below a reporting threshold."""

    account_id: str
    currency: str
    direction: str
    transfers: list[Transfer]
    holders: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((t.amount for t in self.transfers), Decimal(0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "currency": self.currency,
            "direction": self.direction,
            "count": len(self.transfers),
            "total": str(self.total),
            "holders": self.holders,
            "transfers": [t.as_dict() for t in self.transfers],
        }


def structuring(
    graph: Graph,
    threshold: Decimal = Decimal("10000"),
    margin: float = 0.1,
    min_count: int = 3,
    account_ids: list[str] | None = None,
) -> list[Structuring]:
    """Accounts with at least ``min_count`` transfers in [threshold x (1 - margin), threshold), per
    currency and per direction (sent, received); ranked by count then total, with the transfers."""
    threshold = Decimal(str(threshold))
    if threshold <= 0 or not 0 < margin < 1 or min_count < 1:
        raise InputError("bad structuring limits", "use threshold > 0, 0 < margin < 1, min_count >= 1")
    low = threshold * (Decimal(1) - Decimal(str(margin)))
    scale = Decimal(1_000_000)
    found = money_queries.transfers_in_range(graph, int(low * scale), int(threshold * scale), account_ids)
    groups: dict[tuple[str, str, str], list[Transfer]] = defaultdict(list)
    for t in found:
        if not low <= t.amount < threshold:  # exact decimal check, whatever amount_micro says
            continue
        groups[(t.source, t.currency, "sent")].append(t)
        groups[(t.target, t.currency, "received")].append(t)
    wanted = set(account_ids) if account_ids is not None else None
    result = [
        Structuring(account, currency, direction, items)
        for (account, currency, direction), items in groups.items()
        if len(items) >= min_count and (wanted is None or account in wanted)
    ]
    holders = money_queries.account_holders(graph, {s.account_id for s in result})
    for s in result:
        s.holders = holders.get(s.account_id, [])
    result.sort(key=lambda s: (-len(s.transfers), -s.total, s.account_id, s.currency, s.direction))
    return result
