"""Transfers within a time window, and amounts summed by currency, for the money patterns."""

from __future__ import annotations

import bisect
from datetime import datetime
from decimal import Decimal

from graph.money import Transfer


def money_text(amounts: dict[str, Decimal]) -> dict[str, str]:
    """Amounts by currency as exact decimal text, currencies in order."""
    return {currency: str(amount) for currency, amount in sorted(amounts.items())}


def add_amount(totals: dict[str, Decimal], transfer: Transfer) -> None:
    """Add a transfer's amount to the total of its currency."""
    totals[transfer.currency] = totals.get(transfer.currency, Decimal(0)) + transfer.amount


def within(transfers: list[Transfer], after: datetime, until: datetime) -> list[Transfer]:
    """Transfers (sorted by time) with after < timestamp <= until."""
    times = [t.timestamp for t in transfers]
    return transfers[bisect.bisect_right(times, after) : bisect.bisect_right(times, until)]


def after_or_at(transfers: list[Transfer], since: datetime, before: datetime) -> list[Transfer]:
    """Transfers (sorted by time) with since <= timestamp < before."""
    times = [t.timestamp for t in transfers]
    return transfers[bisect.bisect_left(times, since) : bisect.bisect_left(times, before)]
