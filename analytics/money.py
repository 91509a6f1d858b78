"""Money patterns on transfers: time-respecting trails, round-trip cycles, fan hubs and structuring."""

# Trails live in money_trail.py (re-exported here, where the CLI, the web UI and the dossier call them).

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from analytics.money_trail import DIRECTIONS, Trail, TrailStep, trail
from analytics.transfer_windows import add_amount, money_text, within
from graph import money as money_queries
from graph.connection import Graph
from graph.errors import InputError
from graph.money import Transfer


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
        for t in within(by_source.get(last.target, []), last.timestamp, deadline):
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
            add_amount(totals, t)
        return totals

    def as_dict(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "kind": self.kind,
            "counterparties": self.counterparties,
            "count": len(self.transfers),
            "start": self.transfers[0].timestamp.isoformat(),
            "end": self.transfers[-1].timestamp.isoformat(),
            "totals": money_text(self.totals()),
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


__all__ = [
    "Cycle",
    "DIRECTIONS",
    "Fan",
    "Structuring",
    "Trail",
    "TrailStep",
    "cycles",
    "fans",
    "structuring",
    "trail",
]
