"""Normalise raw cell values: phones, IMEIs, countries, currencies, dates, times, amounts and names."""

from __future__ import annotations

import gettext
import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import pycountry

from graph.errors import InputError
from graph.model import name_key


class BadValue(ValueError):
    """A cell value that cannot be normalised; its message is the reject reason."""


# -- phones -----------------------------------------------------------------------------------


class PhoneNumber(NamedTuple):
    """A normalised phone number: ``number`` is the graph key (E.164, or the digits when unparsed).

    A named tuple: a load keeps every distinct number it has read, and a tuple of text leaves the
    cycle collector's watch once seen (a frozen dataclass is rescanned by every full collection).
    """

    number: str
    digits: str
    quality: str  # "e164" or "unparsed"
    region: str | None


# Every ASCII character but the digits, deleted by str.translate (C speed; most cells are ASCII).
_ASCII_NON_DIGITS = str.maketrans("", "", "".join(chr(i) for i in range(128) if not chr(i).isdigit()))


def _digits(text: str) -> str:
    if text.isascii():
        return text.translate(_ASCII_NON_DIGITS)
    return "".join(c for c in text if c.isdigit())


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
    digits = _digits(text)
    if not digits:
        raise BadValue(f"phone {text!r} has no digits")
    parsed = _parse_phone(text, region)
    if parsed is None:
        return PhoneNumber(digits, digits, "unparsed", region.upper() if region else None)
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return PhoneNumber(e164, e164[1:], "e164", phonenumbers.region_code_for_number(parsed))


def phone_candidates(text: str, region: str | None = None) -> list[str]:
    """The normalised forms a user-typed number may have in the graph (E.164 and digits), for search."""
    digits = _digits(text)
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


# -- devices ----------------------------------------------------------------------------------


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
    digits = _digits(text)
    if len(digits) == 16:
        body = digits[:14]
        check = next(str(d) for d in range(10) if luhn_ok(body + str(d)))
        return body + check, True
    if len(digits) not in (14, 15) or len(digits) != len(re.sub(r"[\s\-./]", "", text.strip())):
        raise BadValue(f"IMEI {text!r} is not 14 or 15 digits")
    return digits, (luhn_ok(digits) if len(digits) == 15 else None)


# -- countries and currencies -----------------------------------------------------------------

# Demonyms (masculine singular, lower case, no accents) and common short names that pycountry lacks.
_COUNTRY_WORDS: dict[str, str] = {
    "venezolano": "VE", "colombiano": "CO", "ecuatoriano": "EC", "peruano": "PE", "boliviano": "BO",
    "chileno": "CL", "argentino": "AR", "uruguayo": "UY", "paraguayo": "PY", "brasileno": "BR",
    "brasilero": "BR", "mexicano": "MX", "guatemalteco": "GT", "hondureno": "HN", "salvadoreno": "SV",
    "nicaraguense": "NI", "costarricense": "CR", "panameno": "PA", "cubano": "CU", "haitiano": "HT",
    "dominicano": "DO", "estadounidense": "US", "norteamericano": "US", "canadiense": "CA",
    "beliceno": "BZ", "jamaiquino": "JM", "guyanes": "GY", "surinames": "SR", "chino": "CN",
    "indio": "IN", "hindu": "IN", "senegales": "SN", "ghanes": "GH", "camerunes": "CM", "nigeriano": "NG",
    "congoleno": "CD", "angoleno": "AO", "eritreo": "ER", "somali": "SO", "etiope": "ET",
    "nepali": "NP", "nepales": "NP", "bangladesi": "BD", "pakistani": "PK", "afgano": "AF",
    "sirio": "SY", "uzbeko": "UZ", "espanol": "ES", "italiano": "IT", "frances": "FR",
    "aleman": "DE", "britanico": "GB", "ingles": "GB", "ruso": "RU", "ucraniano": "UA",
    "venezuelan": "VE", "colombian": "CO", "ecuadorian": "EC", "peruvian": "PE", "bolivian": "BO",
    "chilean": "CL", "argentinian": "AR", "argentine": "AR", "uruguayan": "UY", "paraguayan": "PY",
    "brazilian": "BR", "mexican": "MX", "guatemalan": "GT", "honduran": "HN", "salvadoran": "SV",
    "salvadorean": "SV", "nicaraguan": "NI", "costa rican": "CR", "panamanian": "PA", "cuban": "CU",
    "haitian": "HT", "dominican": "DO", "american": "US", "canadian": "CA", "chinese": "CN",
    "indian": "IN", "senegalese": "SN", "ghanaian": "GH", "cameroonian": "CM", "nigerian": "NG",
    "nepalese": "NP", "bangladeshi": "BD", "pakistani ": "PK", "afghan": "AF", "syrian": "SY",
    "spanish": "ES", "british": "GB", "usa": "US", "eeuu": "US", "ee uu": "US", "uk": "GB",
    "venezuela": "VE", "bolivia": "BO", "russia": "RU", "iran": "IR", "syria": "SY", "vietnam": "VN",
    "south korea": "KR", "north korea": "KP", "laos": "LA", "tanzania": "TZ", "congo": "CG",
}  # fmt: skip


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Plain (lower case, no accents) English and Spanish country names -> alpha-2."""
    names: dict[str, str] = {}
    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    for country in pycountry.countries:
        code = country.alpha_2
        forms = [country.name, getattr(country, "official_name", ""), getattr(country, "common_name", "")]
        forms += [spanish.gettext(f) for f in forms if f]
        for form in forms:
            if not form:
                continue
            names.setdefault(_plain(form), code)
            # "Venezuela, Bolivarian Republic of" -> "venezuela"; "Bolivia (Estado ...)" -> "bolivia"
            head = re.split(r"[,(]", form)[0]
            names.setdefault(_plain(head), code)
    names.update({_plain(k): v for k, v in _COUNTRY_WORDS.items()})
    return names


def normalize_country(text: str) -> str:
    """ISO 3166 alpha-2 code of a country given as a code, an English or Spanish name, or a demonym."""
    raw = text.strip()
    if len(raw) == 2 and raw.isalpha():
        country = pycountry.countries.get(alpha_2=raw.upper())
        if country is not None:
            return str(country.alpha_2)
    if len(raw) == 3 and raw.isalpha():
        country = pycountry.countries.get(alpha_3=raw.upper())
        if country is not None:
            return str(country.alpha_2)
    plain = _plain(raw)
    names = _country_names()
    if plain in names:
        return names[plain]
    if plain.endswith("a") and plain[:-1] + "o" in names:  # venezolana -> venezolano
        return names[plain[:-1] + "o"]
    if plain.endswith("as") or plain.endswith("os"):  # plural demonyms
        for stem in (plain[:-1], plain[:-2] + "o"):
            if stem in names:
                return names[stem]
    raise BadValue(f"unknown country {text!r}")


def country_name(code: str) -> str:
    """English name of an alpha-2 country code."""
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country is not None else code


def normalize_currency(text: str) -> str:
    """ISO 4217 code of a currency."""
    code = text.strip().upper()
    if len(code) == 3 and pycountry.currencies.get(alpha_3=code) is not None:
        return code
    raise BadValue(f"unknown currency {text!r} (give an ISO 4217 code such as USD)")


# -- dates and times --------------------------------------------------------------------------


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
        raise InputError(f"unknown time zone {name!r}", "give an IANA name such as America/Bogota") from exc


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


# -- amounts ----------------------------------------------------------------------------------

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


# -- names and plain text ---------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Unicode NFC with whitespace collapsed; content is otherwise kept exactly (no escaping)."""
    if text.isascii():  # ASCII text is already in NFC
        return " ".join(text.split())
    return " ".join(unicodedata.normalize("NFC", text).split())


def normalize_name(text: str) -> tuple[str, str]:
    """A person's display name (cleaned) and match key (``graph.model.name_key``)."""
    name = clean_text(text)
    key = name_key(name)
    if not key:
        raise BadValue(f"name {text!r} has no letters")
    return name, key


def normalize_account(text: str) -> str:
    """An account identifier: upper case, without spaces."""
    account = "".join(text.split()).upper()
    if not account:
        raise BadValue("empty account")
    return account


def split_list(text: str) -> list[str]:
    """The non-empty items of a ``;``-separated cell, cleaned."""
    return [clean_text(part) for part in text.split(";") if part.strip()]
