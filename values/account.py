"""Bank account identifiers."""

from __future__ import annotations

from values.errors import BadValue


def normalize_account(text: str) -> str:
    """An account identifier: upper case, without spaces."""
    account = "".join(text.split()).upper()
    if not account:
        raise BadValue("empty account")
    return account
