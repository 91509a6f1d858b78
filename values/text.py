"""Plain text: whitespace and Unicode form, digits, and ``;``-separated lists."""

from __future__ import annotations

import unicodedata

# Every ASCII character but the digits, deleted by str.translate (C speed; most cells are ASCII).
_ASCII_NON_DIGITS = str.maketrans("", "", "".join(chr(i) for i in range(128) if not chr(i).isdigit()))


def only_digits(text: str) -> str:
    """The decimal digits of a text, in order."""
    if text.isascii():
        return text.translate(_ASCII_NON_DIGITS)
    return "".join(c for c in text if c.isdigit())


def clean_text(text: str) -> str:
    """Unicode NFC with whitespace collapsed; content is otherwise kept exactly (no escaping)."""
    if text.isascii():  # ASCII text is already in NFC
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFC", text).split())


def split_list(text: str) -> list[str]:
    """The non-empty items of a ``;``-separated cell, cleaned."""
    return [clean_text(part) for part in text.split(";") if part.strip()]
