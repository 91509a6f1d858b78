"""The building blocks of a laid-out package (text, tables, heatmaps, images) and how cells are written."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dossier.document import WEEKDAYS, MoneyTotal

DASH = "—"


@dataclass
class Text:
    text: str
    style: str = "body"  # body | note | inference | warning


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths
    caption: str = ""


@dataclass
class Heatmap:
    matrix: list[list[int]]


@dataclass
class Image:
    png: bytes
    caption: str


@dataclass
class Section:
    title: str
    blocks: list[Text | Table | Heatmap | Image] = field(default_factory=list)


def when(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def duration(seconds: int) -> str:
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def amount(value: Decimal, currency: str) -> str:
    return f"{value:,} {currency}"


def refs(items: list[str]) -> str:
    return ", ".join(items) if items else DASH


def number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return DASH if value is None else str(value)


def money_cells(money: list[MoneyTotal]) -> str:
    parts = [
        f"{'paid' if m.direction == 'out' else 'received'} {amount(m.total, m.currency)} ({m.transfers})"
        for m in money
    ]
    return "; ".join(parts) if parts else DASH


def heat_colour(value: int, peak: int) -> tuple[int, int, int]:
    """White to dark red, by share of the busiest cell."""
    if peak <= 0 or value <= 0:
        return (255, 255, 255)
    share = value / peak
    return (int(255 - 75 * share), int(235 - 200 * share), int(225 - 190 * share))


WEEKDAY_LABELS = WEEKDAYS
