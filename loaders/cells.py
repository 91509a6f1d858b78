"""One cell of a row: required or optional, a word of a vocabulary, a number in a range, a duration."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loaders.mapping import value_key
from values.errors import BadValue


def cell(row: dict[str, str], column: str) -> str | None:
    """A cell's value stripped, None when it is absent or blank."""
    value = row.get(column)
    if value is None:
        return None
    value = value.strip()
    return value or None


def required(value: str | None, column: str) -> str:
    """A required cell's value, stripped; BadValue ``missing COLUMN`` when it is absent or blank."""
    if value is None or not (value := value.strip()):
        raise BadValue(f"missing {column}")
    return value


def optional(value: str | None, convert: Callable[[str], Any]) -> Any:
    """An optional cell's value converted after stripping; None when it is absent or blank."""
    if value is None:
        return None
    value = value.strip()
    return convert(value) if value else None


def need(row: dict[str, str], column: str) -> str:
    """The row's required ``column``."""
    return required(row.get(column), column)


def opt(row: dict[str, str], column: str, convert: Callable[[str], Any]) -> Any:
    """The row's optional ``column``, converted."""
    return optional(row.get(column), convert)


def word(table: dict[str, str], what: str) -> Callable[[str], str]:
    """A converter to the canonical value of a word of ``table``; BadValue for any other word."""

    def convert(value: str) -> str:
        found = table.get(value_key(value))
        if found is None:
            raise BadValue(f"unknown {what} {value!r}")
        return found

    return convert


def float_in(low: float, high: float, what: str) -> Callable[[str], float]:
    """A converter to a number between ``low`` and ``high`` (a decimal comma accepted)."""

    def convert(value: str) -> float:
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise BadValue(f"{what} {value!r} is not a number") from None
        if not low <= number <= high:
            raise BadValue(f"{what} {value!r} is out of range")
        return number

    return convert


# No call or data session lasts a month: a longer duration is a data error (and a number beyond Neo4j's
# 64-bit integers would make it refuse the whole batch).
MAX_DURATION_S = 31 * 86_400


def duration(value: str) -> int:
    """Whole seconds from "75", "75.0", "1:15" or "0:01:15"."""
    parts = value.split(":")
    try:
        if len(parts) in (2, 3):
            seconds = 0
            for part in parts:
                seconds = seconds * 60 + int(part)
        else:
            number = float(value.replace(",", "."))
            if not number.is_integer():
                raise ValueError
            seconds = int(number)
    except ValueError:
        raise BadValue(f"duration {value!r} is not whole seconds or h:mm:ss") from None
    if seconds < 0:
        raise BadValue(f"duration {value!r} is negative")
    if seconds > MAX_DURATION_S:
        raise BadValue(f"duration {value!r} is longer than 31 days")
    return seconds
