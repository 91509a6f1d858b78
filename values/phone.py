"""Phone numbers: E.164 form when the number parses, its digits when it does not."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import phonenumbers

from values.errors import BadValue
from values.text import only_digits


class PhoneNumber(NamedTuple):
    """A normalised phone number: ``number`` is the graph key (E.164, or the digits when unparsed).

    A named tuple: a load keeps every distinct number it has read, and a tuple of text leaves the
    cycle collector's watch once seen (a frozen dataclass is rescanned by every full collection).
    """

    number: str
    digits: str
    quality: str  # "e164" or "unparsed"
    region: str | None


def _parse_phone(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    cleaned = text.strip()
    if cleaned.startswith("00"):  # the international prefix almost everywhere: 0057 300… is +57 300…
        cleaned = "+" + cleaned[2:]
    try:
        parsed = phonenumbers.parse(cleaned, region.upper() if region else None)
    except phonenumbers.NumberParseException:
        return None
    return parsed if phonenumbers.is_possible_number(parsed) else None


# A number written with digits, spaces, dots and dashes only (after an optional "+"): phonenumbers
# drops those separators before it reads the digits, so every such spelling parses as its bare digits.
_SEPARATED_DIGITS = re.compile(r"\+?[0-9][0-9 .\-]{0,60}")
_SEPARATORS = str.maketrans("", "", " .-")


def normalize_phone(text: str, region: str | None = None) -> PhoneNumber:
    """E.164 form of a phone number written in any usual way; its digits when it cannot be parsed.

    "+57 300 123 4567", "+57-300-123-4567" and "+573001234567" are parsed once between them: a
    spelling of digits and separators only is parsed as its bare digits (with its "+" or "00").
    """
    plain = text.strip()
    if _SEPARATED_DIGITS.fullmatch(plain):
        bare = plain.translate(_SEPARATORS)
        if bare.startswith("00") == plain.startswith("00"):  # "0 057…" is not an international "00"
            return _normalize_phone(bare, region)
    return _normalize_phone(text, region)


@lru_cache(maxsize=1 << 16)  # call records repeat the same numbers: parse each once
def _normalize_phone(text: str, region: str | None) -> PhoneNumber:
    digits = only_digits(text)
    if not digits:
        raise BadValue(f"phone {text!r} has no digits")
    parsed = _parse_phone(text, region)
    if parsed is None:
        return PhoneNumber(digits, digits, "unparsed", region.upper() if region else None)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return PhoneNumber(e164, e164[1:], "e164", phonenumbers.region_code_for_number(parsed))


def phone_candidates(text: str, region: str | None = None) -> list[str]:
    """The normalised forms a user-typed number may have in the graph (E.164 and digits), for search."""
    digits = only_digits(text)
    if not digits:
        return []
    found = {digits}
    if text.strip().startswith("00"):
        found.add(digits[2:])
    for reg in (region, None):
        parsed = _parse_phone(text, reg)
        if parsed is not None:
            e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
            found.update((e164, e164[1:]))
    if not text.strip().startswith(("+", "00")):
        parsed = _parse_phone("+" + digits, None)
        if parsed is not None:
            found.add(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return sorted(found)
