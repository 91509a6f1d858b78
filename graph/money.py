"""Queries that fetch transfers (TRANSFERRED) in bulk for the money-pattern analytics."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from graph.connection import Graph

ACCOUNT_EXISTS = "MATCH (a:Account {account_id: $account_id}) RETURN a.account_id AS account_id"
ACCOUNTS_OF_PERSON = """
MATCH (:Person {person_id: $person_id})-[:HOLDS]->(a:Account)
RETURN a.account_id AS account_id ORDER BY account_id
"""
OUTGOING_TRANSFERS = """
UNWIND $accounts AS account_id
MATCH (s:Account {account_id: account_id})-[t:TRANSFERRED]->(d:Account)
RETURN t.transaction_id AS transaction_id, s.account_id AS source, d.account_id AS target,
       t.timestamp AS timestamp, t.amount AS amount, t.currency AS currency
"""
INCOMING_TRANSFERS = """
UNWIND $accounts AS account_id
MATCH (s:Account)-[t:TRANSFERRED]->(d:Account {account_id: account_id})
RETURN t.transaction_id AS transaction_id, s.account_id AS source, d.account_id AS target,
       t.timestamp AS timestamp, t.amount AS amount, t.currency AS currency
"""
ALL_TRANSFERS = """
MATCH (s:Account)-[t:TRANSFERRED]->(d:Account)
RETURN t.transaction_id AS transaction_id, s.account_id AS source, d.account_id AS target,
       t.timestamp AS timestamp, t.amount AS amount, t.currency AS currency
"""
TRANSFERS_IN_AMOUNT_RANGE = """
MATCH (s:Account)-[t:TRANSFERRED]->(d:Account)
WITH s, t, d, coalesce(t.amount_micro, toInteger(round(toFloat(t.amount) * 1000000))) AS micro
WHERE micro >= $low_micro AND micro < $high_micro
  AND ($accounts IS NULL OR s.account_id IN $accounts OR d.account_id IN $accounts)
RETURN t.transaction_id AS transaction_id, s.account_id AS source, d.account_id AS target,
       t.timestamp AS timestamp, t.amount AS amount, t.currency AS currency
"""
ACCOUNT_HOLDERS = """
UNWIND $accounts AS account_id
MATCH (p:Person)-[:HOLDS]->(a:Account {account_id: account_id})
RETURN a.account_id AS account_id, p.person_id AS person_id, p.name AS name, p.role AS role
"""


@dataclass(frozen=True)
class Transfer:
    """One TRANSFERRED relationship: who paid whom, when, how much (exact decimal) in what currency."""

    transaction_id: str
    source: str
    target: str
    timestamp: datetime
    amount: Decimal
    currency: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "transaction_id": self.transaction_id,
            "source": self.source,
            "target": self.target,
            "timestamp": self.timestamp.isoformat(),
            "amount": str(self.amount),
            "currency": self.currency,
        }


def _native(value: Any) -> datetime:
    return value.to_native() if hasattr(value, "to_native") else value


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)


def _transfers(rows: Iterable[dict[str, Any]]) -> list[Transfer]:
    out = [
        Transfer(
            transaction_id=str(r["transaction_id"]),
            source=r["source"],
            target=r["target"],
            timestamp=_native(r["timestamp"]),
            amount=_decimal(r["amount"]),
            currency=(r["currency"] or "XXX").upper(),
        )
        for r in rows
        if r["timestamp"] is not None
    ]
    out.sort(key=lambda t: (t.timestamp, t.transaction_id))
    return out


def account_exists(graph: Graph, account_id: str) -> bool:
    return graph.read_one(ACCOUNT_EXISTS, {"account_id": account_id}) is not None


def accounts_of_person(graph: Graph, person_id: str) -> list[str]:
    return [r["account_id"] for r in graph.read(ACCOUNTS_OF_PERSON, {"person_id": person_id})]


def outgoing(graph: Graph, accounts: Iterable[str]) -> list[Transfer]:
    """Every transfer sent by these accounts, oldest first."""
    return _transfers(graph.read(OUTGOING_TRANSFERS, {"accounts": sorted(set(accounts))}))


def incoming(graph: Graph, accounts: Iterable[str]) -> list[Transfer]:
    """Every transfer received by these accounts, oldest first."""
    return _transfers(graph.read(INCOMING_TRANSFERS, {"accounts": sorted(set(accounts))}))


def all_transfers(graph: Graph) -> list[Transfer]:
    """Every transfer in the database, oldest first (streamed in bulk)."""
    keys = ("transaction_id", "source", "target", "timestamp", "amount", "currency")
    return _transfers(dict(zip(keys, row, strict=True)) for row in graph.stream(ALL_TRANSFERS))


def transfers_in_range(
    graph: Graph, low_micro: int, high_micro: int, accounts: list[str] | None = None
) -> list[Transfer]:
    """Transfers with low <= amount < high (in millionths), optionally touching the given accounts."""
    params = {"low_micro": low_micro, "high_micro": high_micro, "accounts": accounts}
    return _transfers(graph.read(TRANSFERS_IN_AMOUNT_RANGE, params))


def account_holders(graph: Graph, accounts: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Holders (person_id, name, role) of each account."""
    holders: dict[str, list[dict[str, Any]]] = {}
    for r in graph.read(ACCOUNT_HOLDERS, {"accounts": sorted(set(accounts))}):
        holders.setdefault(r["account_id"], []).append(
            {"person_id": r["person_id"], "name": r["name"], "role": r["role"]}
        )
    return holders
