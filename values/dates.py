"""Dates, times and time zones: aware datetimes with a fixed offset."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from values.errors import BadValue


def zone(name: str) -> tzinfo:
    """A time zone by IANA name ("America/Bogota") or fixed offset ("-05:00"); UTC for "UTC"."""
    if name.upper() in ("UTC", "Z"):
        return UTC
    match = re.fullmatch(r"([+-])(\d{2}):?(\d{2})", name.strip())
    if match:
        delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
        return timezone(-delta if match.group(1) == "-" else delta)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadValue(f"unknown time zone {name!r}") from exc


def normalize_date(text: str, fmt: str | None = None) -> date:
    """A date from ISO 8601 (YYYY-MM-DD, also with a time part) or from the mapping's ``date_format``."""
    raw = text.strip()
    if fmt:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            pass
    try:
        if len(raw) == 8 and raw.isdigit():
            return datetime.strptime(raw, "%Y%m%d").date()
        if len(raw) > 10 and raw[10] in "T ":
            return datetime.fromisoformat(raw).date()
        return date.fromisoformat(raw.replace("/", "-"))
    except ValueError:
        hint = f"expected format {fmt}" if fmt else "expected YYYY-MM-DD or a date_format in the mapping"
        raise BadValue(f"unparseable date {text!r} ({hint})") from None


def normalize_datetime(text: str, tz: tzinfo, fmt: str | None = None) -> datetime:
    """An aware datetime with a fixed offset: a given zone is kept, a missing one is ``tz``."""
    raw = text.strip()
    parsed: datetime | None = None
    if fmt:
        try:
            parsed = datetime.strptime(raw, fmt)
        except ValueError:
            parsed = None
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(raw)
        except ValueError:
            hint = (
                f"expected format {fmt}" if fmt else "expected ISO 8601 or a datetime_format in the mapping"
            )
            raise BadValue(f"unparseable time {text!r} ({hint})") from None
    if type(parsed.tzinfo) is timezone:  # an offset in the text: already a fixed offset
        return parsed
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    offset = parsed.utcoffset() or timedelta(0)
    return parsed.replace(tzinfo=_fixed_offset(offset))


@lru_cache(maxsize=256)
def _fixed_offset(offset: timedelta) -> timezone:
    return timezone(offset)
