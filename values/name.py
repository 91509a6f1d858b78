"""Person names: the display name and the match key that finds one person under many spellings."""

from __future__ import annotations

import unicodedata

from values.errors import BadValue
from values.text import clean_text


def name_key(name: str) -> str:
    """Case-, accent-, punctuation- and word-order-insensitive key of a name (``Person.name_key``)."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    cleaned = "".join(c.lower() if c.isalnum() else " " for c in letters)
    return " ".join(sorted(cleaned.split()))


def normalize_name(text: str) -> tuple[str, str]:
    """A person's display name (cleaned) and match key (``name_key``)."""
    name = clean_text(text)
    key = name_key(name)
    if not key:
        raise BadValue(f"name {text!r} has no letters")
    return name, key
