"""Money amounts: exact positive decimals, stored as integer millionths."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext

from values.errors import BadValue

MICRO = Decimal(1_000_000)
# The largest amount accepted (one trillion less a millionth): its millionths fit Neo4j's 64-bit integer.
MAX_AMOUNT = Decimal("999999999999.999999")
# An amount as written: digits with separators and signs, and at most a currency code or symbol
# before or after it (no exponent: "1e309" is not an amount a bank writes).
_AMOUNT_TEXT = re.compile(r"^(?:[A-Za-z]{3}|[$€£])?[\s\-(]*[\d.,\s]+[\s\-)]*(?:[A-Za-z]{3}|[$€£])?$")


def normalize_amount(text: str, decimal_separator: str | None = None) -> Decimal:
    """A positive exact amount from "9500", "9500.00", "9.500,00", "9,500.00" or "USD 9 500".

    Both separators present: the last one is the decimal separator. One separator repeated: thousands.
    One separator once: decimal, unless exactly three digits follow it ("1.500" is 1500), or the
    mapping's ``decimal_separator`` says otherwise.
    """
    raw = text.strip()
    shown = text if len(text) <= 40 else text[:40] + "…"
    negative = raw.startswith("-") or raw.endswith("-") or (raw.startswith("(") and raw.endswith(")"))
    body = "".join(c for c in raw if c.isdigit() or c in ".,")
    if not any(c.isdigit() for c in body) or not _AMOUNT_TEXT.match(raw):
        raise BadValue(f"unparseable amount {shown!r}")
    if decimal_separator in (".", ","):
        thousands = "," if decimal_separator == "." else "."
        number = body.replace(thousands, "").replace(decimal_separator, ".")
    elif "." in body and "," in body:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if dec == "." else "."
        number = body.replace(thousands, "").replace(dec, ".")
    elif body.count(".") + body.count(",") == 0:
        number = body
    else:
        sep = "." if "." in body else ","
        if body.count(sep) > 1 or len(body) - body.rfind(sep) - 1 == 3:
            number = body.replace(sep, "")
        else:
            number = body.replace(sep, ".")
    try:
        amount = Decimal(number)
    except InvalidOperation:
        raise BadValue(f"unparseable amount {shown!r}") from None
    if negative or amount <= 0:
        raise BadValue(f"amount {shown!r} is not positive")
    if amount > MAX_AMOUNT:
        raise BadValue(f"amount {shown!r} is out of range (at most {MAX_AMOUNT:,})")
    return amount


def amount_micro(amount: Decimal) -> int:
    """The amount in millionths, as an integer (rounded half-even beyond six decimals)."""
    with localcontext(prec=40):  # enough digits for MAX_AMOUNT in millionths, whatever the default
        return int((amount * MICRO).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
