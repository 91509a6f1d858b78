"""Currencies: ISO 4217 codes."""

from __future__ import annotations

import pycountry

from values.errors import BadValue


def normalize_currency(text: str) -> str:
    """ISO 4217 code of a currency."""
    code = text.strip().upper()
    if len(code) == 3 and pycountry.currencies.get(alpha_3=code) is not None:
        return code
    raise BadValue(f"unknown currency {text!r} (give an ISO 4217 code such as USD)")
