"""The column vocabulary of every results table (web and CLI): human names, meaning, how shown."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final

# How tables write dates (strftime); an analyst used to 03/11/2025 sets HILOROJO_DATE_FORMAT=%d/%m/%Y.
DATE_FORMAT: Final = os.environ.get("HILOROJO_DATE_FORMAT", "%Y-%m-%d")
TEXT, INT, MEASURE, SHARE, AMOUNT, DATE, TIME, FLAG = (
    "text",
    "int",
    "measure",
    "share",
    "amount",
    "date",
    "time",
    "flag",
)


@dataclass(frozen=True)
class Column:
    """How one column is named, explained on hover, and shown (``kind``: one of the constants above)."""

    label: str
    help: str = ""
    kind: str = TEXT


def _measure(label: str, help: str) -> Column:
    return Column(label, help, MEASURE)


VOCABULARY: Final[dict[str, Column]] = {
    # who
    "rank": Column("Rank", "Position in this ranking (a range when the measure is an estimate)"),
    "person_id": Column("Person ID", "The person's identifier in the source files"),
    "name": Column("Name"),
    "role": Column("Role", "Suspect, victim or unknown, as recorded; victims are never ranked"),
    "nationality": Column("Nationality", "ISO 3166 country code"),
    "organisation": Column("Organisation", "The group of cells the person belongs to (latest analysis)", INT),
    "community": Column(
        "Cell", "The community of close contacts the person belongs to (latest analysis)", INT
    ),
    "cell": Column("Cell", "A community of people in close contact (latest analysis)", INT),
    "cells": Column("Cells", "How many cells the organisation has", INT),
    "people": Column("People", "How many people", INT),
    "suspects": Column("Suspects", "People not recorded as victims", INT),
    "victims": Column("Victims", "Protected people (never ranked or targeted)", INT),
    "nationalities": Column("Nationalities", "The most frequent nationalities, with how many people"),
    "strongest brokers": Column("Strongest brokers", "Members who bridge most between cells"),
    "entity_notes": Column(
        "Notes", "Analysts' notes on this entity: how many, and the grade of the newest (Admiralty code)"
    ),
    "holders": Column("Holders", "People who hold the account (victims marked)"),
    "users": Column("Users", "People who use the number or handset (victims marked)"),
    # measures written by `hilorojo analyze` (docs/analytics.md)
    "score": _measure("Score", "The value of the measure this table is ranked by"),
    "cell_bridging": _measure(
        "Bridging between cells",
        "Share of shortest paths between different cells that pass through the person",
    ),
    "cell_brokerage": _measure(
        "Brokerage between cells", "How many pairs of other cells the person connects directly"
    ),
    "k_betweenness": _measure(
        "Short-path betweenness", "Betweenness counting only paths of a few links (the ones that matter)"
    ),
    "betweenness": _measure(
        "Betweenness", "How often the person lies on the shortest paths between others (Freeman 1977)"
    ),
    "betweenness_se": _measure("Betweenness ± (SE)", "Standard error of an estimated betweenness"),
    "closeness": _measure("Closeness", "How close the person is to everyone else (inverse mean distance)"),
    "harmonic": _measure("Harmonic closeness", "Closeness that tolerates disconnected parts"),
    "eigenvector": _measure("Eigenvector", "Connected to well-connected people"),
    "pagerank": _measure("PageRank", "Importance from the importance of one's contacts (Brin & Page 1998)"),
    "degree": Column("Contacts", "Number of distinct people linked to the person", INT),
    "weighted_degree": _measure(
        "Weighted contacts", "Contacts weighted by how many calls, transfers, arrests"
    ),
    "constraint": _measure(
        "Constraint (Burt)", "Low: the person's contacts are not linked to each other (a broker; Burt 1992)"
    ),
    "effective_size": _measure(
        "Effective size (Burt)", "Contacts that are not redundant with one another (Burt 1992)"
    ),
    "key_player": Column("Key player", "Among the people whose removal fragments the network most", FLAG),
    "kpp_rank": Column(
        "Key-player rank", "Order in which removing the person fragments the network (Borgatti 2006)", INT
    ),
    "coordinator": Column(
        "Coordinator", "Brokers between two members of the own group (Gould & Fernandez)", INT
    ),
    "itinerant": Column("Itinerant", "Brokers between two members of another group", INT),
    "gatekeeper": Column("Gatekeeper", "Lets outsiders' ties into the own group", INT),
    "representative": Column("Representative", "Carries the own group's ties outside", INT),
    "liaison": Column("Liaison", "Brokers between two groups neither of which is the own", INT),
    # phones
    "number": Column("Number", "Phone number in international form"),
    "imei": Column("IMEI", "Handset identifier"),
    "key": Column("Handset or number"),
    "kind": Column("Kind"),
    "pairings": Column("Pairings", "Number and handset pairs seen together", INT),
    "calls": Column("Calls", "Number of calls", INT),
    "outgoing": Column("Outgoing", "Calls made", INT),
    "incoming": Column("Incoming", "Calls received", INT),
    "duration_s": Column("Duration (s)", "Total duration of the calls in seconds", INT),
    "contacts": Column("Contacts", "Distinct numbers in contact", INT),
    "old": Column("Old number", "The number that went silent"),
    "new": Column("New number", "The number that took over its contacts"),
    "shared contacts": Column("Shared contacts", "Contacts of the old number that the new one calls", INT),
    "jaccard": Column("Overlap", "Jaccard overlap of the two numbers' contacts (0 to 1)", SHARE),
    "gap (days)": Column(
        "Gap (days)", "Days between the old number's last call and the new one's first", INT
    ),
    "first": Column("First seen", "", TIME),
    "last": Column("Last seen", "", TIME),
    # money
    "account_id": Column("Account", "Account or wallet identifier"),
    "direction": Column("Direction", "Whether the account sent or received these transfers"),
    "currency": Column("Currency"),
    "count": Column("Count", "How many (transfers, entities, …)", INT),
    "transfers": Column("Transfers", "Number of transfers", INT),
    "total": Column("Total", "Sum of the amounts", AMOUNT),
    "totals": Column("Totals", "Sum of the amounts per currency"),
    "amount": Column("Amount", "", AMOUNT),
    "counterparties": Column("Counterparties", "Distinct accounts on the other side", INT),
    "start": Column("From", "", TIME),
    "end": Column("To", "", TIME),
    "hop": Column("Hop", "Transfers away from the start", INT),
    "transaction_id": Column("Transfer ID"),
    "source": Column("From account"),
    "target": Column("To account"),
    "timestamp": Column("When", "", TIME),
    "parents": Column("Follows", "Transfers of the previous hop that led to this one"),
    "onward": Column("Sent onward", "What the receiving account sent on within the window"),
    "share_onward": Column("Share sent onward", "Part of this transfer the receiver sent on (0 to 1)", SHARE),
    # arrests, places and flows
    "origin": Column("From", "Nationality (people) or sending country (money)"),
    "destination": Column("To", "Country of arrest (people) or receiving country (money)"),
    "arrests": Column("Arrests", "", INT),
    "nationals": Column("Nationals", "People of this nationality", INT),
    "city": Column("City"),
    "country": Column("Country"),
    "arrest_id": Column("Arrest"),
    "arrest_date": Column("Arrest date", "", DATE),
    # timeline and paths
    "at": Column("When", "", TIME),
    "entity": Column("Entity"),
    "what": Column("What", "The phone, account or arrest the event belongs to"),
    "detail": Column("Detail", "The other phone or account, or the city of the arrest"),
    "unit": Column("Unit", "Seconds (calls) or currency (transfers)"),
    "label": Column("Type"),
    "step": Column("#", "Order along the paths", INT),
    # loads and administration
    "file_name": Column("File"),
    "file": Column("File"),
    "rows_read": Column("Rows read", "", INT),
    "rows_loaded": Column("Rows loaded", "", INT),
    "rows_rejected": Column("Rows rejected", "Rows that could not be loaded (see the load's report)", INT),
    "loaded_at": Column("Loaded", "", TIME),
    "created": Column("Created", "", TIME),
    "last_login": Column("Last login", "", TIME),
}


def describe(key: str) -> Column:
    """The column's description; an unknown key keeps its own name, with spaces for underscores."""
    return VOCABULARY.get(key) or Column(key.replace("_", " "))


def significant(x: float, digits: int = 3) -> float:
    """``x`` rounded to ``digits`` significant digits: what a measure of a sampled network can tell apart."""
    if x == 0 or x != x or x in (float("inf"), float("-inf")):
        return x
    return float(f"{x:.{digits}g}")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    if isinstance(value, str):
        try:
            return float(Decimal(value))
        except InvalidOperation:
            return None
    return None


def _moment(value: Any) -> datetime | date | None:
    if hasattr(value, "to_native"):  # neo4j.time types
        value = value.to_native()
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-":
        try:
            return datetime.fromisoformat(value) if len(value) > 10 else date.fromisoformat(value)
        except ValueError:
            return None
    return None


def cell(key: str, value: Any) -> Any:
    """A value as a table shows it: measures to 3 significant digits, shares to 2 decimals, amounts to
    cents, dates in DATE_FORMAT (times with hours and minutes); anything else unchanged."""
    if value is None:
        return None
    kind = describe(key).kind
    if kind in (MEASURE, SHARE, AMOUNT):
        x = _number(value)
        if x is None:
            return value
        return significant(x) if kind == MEASURE else round(x, 2)
    if kind in (DATE, TIME):
        moment = _moment(value)
        if moment is None:
            return value
        if kind == DATE or not isinstance(moment, datetime):
            return moment.strftime(DATE_FORMAT)
        return moment.strftime(f"{DATE_FORMAT} %H:%M")
    if kind == FLAG and isinstance(value, bool):
        return "yes" if value else ""
    return value


def text(key: str, value: Any) -> str:
    """A cell as terminal text: blank for a missing value, amounts with thousands separators."""
    shown = cell(key, value)
    if shown is None:
        return ""
    if isinstance(shown, bool):
        return "yes" if shown else ""
    if isinstance(shown, float):
        if describe(key).kind == AMOUNT:
            return f"{shown:,.2f}"
        return f"{shown:.4g}" if abs(shown) < 1e6 else f"{shown:,.0f}"
    if isinstance(shown, list | tuple):
        return ", ".join(text(key, v) for v in shown)
    if hasattr(shown, "iso_format"):
        return str(shown.iso_format())
    return str(shown)
