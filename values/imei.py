"""Handset IMEIs: 14 or 15 digits and whether the Luhn check digit is right."""

from __future__ import annotations

import re
from functools import lru_cache

from values.errors import BadValue
from values.text import only_digits


def luhn_ok(digits: str) -> bool:
    """Whether a digit string passes the Luhn check (ISO/IEC 7812-1, as IMEIs' check digit)."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


@lru_cache(maxsize=1 << 16)  # call records repeat the same handsets: check each spelling once
def normalize_imei(text: str) -> tuple[str, bool | None]:
    """An IMEI as its 14–15 digits and whether the check digit is right (None: 14 digits, no check digit).

    A 16-digit IMEISV becomes its 14-digit IMEI plus the computed check digit.
    """
    digits = only_digits(text)
    if len(digits) == 16:
        body = digits[:14]
        check = next(str(d) for d in range(10) if luhn_ok(body + str(d)))
        return body + check, True
    if len(digits) not in (14, 15) or len(digits) != len(re.sub(r"[\s\-./]", "", text.strip())):
        raise BadValue(f"IMEI {text!r} is not 14 or 15 digits")
    return digits, (luhn_ok(digits) if len(digits) == 15 else None)
