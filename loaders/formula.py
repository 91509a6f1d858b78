"""Spreadsheet formula injection: a cell that begins like a formula is written as text."""

from __future__ import annotations

from typing import Any

# A spreadsheet reads a cell beginning with one of these as a formula (tab and carriage return can
# hide one); a leading apostrophe makes it text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> str:
    """The cell's text, with an apostrophe in front when it would begin a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
