"""Value types (values/): phones, IMEIs, countries, currencies, dates, amounts, names; no database."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import phonenumbers
import pytest

from graph.errors import InputError
from loaders.mapping import Mapping
from loaders.pipeline import _check_zone
from values.amount import amount_micro, normalize_amount
from values.country import normalize_country
from values.currency import normalize_currency
from values.dates import normalize_date, normalize_datetime, zone
from values.errors import BadValue
from values.imei import luhn_ok, normalize_imei
from values.name import normalize_name
from values.phone import _normalize_phone, normalize_phone, phone_candidates


@pytest.mark.parametrize("text", ["+57 300 123 4567", "0057 300 123 4567", "300 123 4567", "300-123-4567"])
def test_colombian_formats_give_one_e164_number(text: str) -> None:
    phone = normalize_phone(text, "CO")
    # +57 (Colombia) followed by the 10-digit national number 300 123 4567
    expected = ("+573001234567", "573001234567", "e164", "CO")
    assert (phone.number, phone.digits, phone.quality, phone.region) == expected


def test_e164_agrees_with_phonenumbers_directly() -> None:
    # independent check: phonenumbers' own formatting of the same number
    parsed = phonenumbers.parse("+1 212 555 0100")
    expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    assert normalize_phone("+1 (212) 555-0100").number == expected == "+12125550100"


def test_unparseable_phone_is_kept_as_digits_never_dropped() -> None:
    phone = normalize_phone("12-34-5", "CO")
    assert (phone.number, phone.quality) == ("12345", "unparsed")
    with pytest.raises(BadValue, match="no digits"):
        normalize_phone("n/a", "CO")


def test_a_spelling_with_separators_gives_what_phonenumbers_reads_in_it() -> None:
    # normalize_phone parses "+57 300-123.4567" as "+573001234567"; phonenumbers itself, on the
    # spelling as written (_normalize_phone is the unchanged parse), must give the same number.
    rng = random.Random(11)
    for _ in range(4000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(3, 15)))
        cuts = sorted(rng.sample(range(1, len(digits)), k=min(len(digits) - 1, rng.randint(0, 4))))
        groups = [digits[i:j] for i, j in zip([0, *cuts], [*cuts, len(digits)], strict=True)]
        spelling = rng.choice(["", "+", "00", "0", "+ ", "0 0", " +"]) + "".join(
            group + rng.choice(["", " ", "-", ".", "  ", " - ", "/"]) for group in groups
        )
        region = rng.choice([None, "CO", "MX", "US", "GT", "VE"])
        try:
            expected = _normalize_phone(spelling, region)
        except BadValue:
            with pytest.raises(BadValue):
                normalize_phone(spelling, region)
            continue
        assert normalize_phone(spelling, region) == expected, (spelling, region)


def test_phone_candidates_cover_e164_and_digits() -> None:
    found = phone_candidates("300 123 4567", "CO")
    assert "+573001234567" in found and "3001234567" in found
    assert "+573001234567" in phone_candidates("0057 300 123 4567")
    assert phone_candidates("no number") == []


def test_imei_luhn() -> None:
    # 49015420323751 + check digit 8: doubling every second digit from the right,
    # 4 18 0 2 5 8 2 0 3 4 3 14 5 2 -> digit sums 4+9+0+2+5+8+2+0+3+4+3+5+5+2 = 52, +8 = 60 ≡ 0 (mod 10)
    assert luhn_ok("490154203237518")
    assert not luhn_ok("490154203237517")
    assert normalize_imei("49-015420-323751-8") == ("490154203237518", True)
    assert normalize_imei("490154203237517") == ("490154203237517", False)  # flagged, not refused
    assert normalize_imei("49015420323751") == ("49015420323751", None)  # 14 digits: no check digit
    assert normalize_imei("4901542032375101") == ("490154203237518", True)  # IMEISV -> IMEI
    with pytest.raises(BadValue):
        normalize_imei("123")


@pytest.mark.parametrize(
    ("text", "code"),
    [("Venezuela", "VE"), ("VEN", "VE"), ("venezolana", "VE"), ("VE", "VE"), ("Estados Unidos", "US"),
     ("México", "MX"), ("hondureña", "HN"), ("Haití", "HT"), ("Perú", "PE"), ("Brazil", "BR"),
     ("colombianos", "CO")],
)  # fmt: skip
def test_countries_to_alpha2(text: str, code: str) -> None:
    assert normalize_country(text) == code


def test_unknown_country_and_currency_are_bad_values() -> None:
    with pytest.raises(BadValue, match="unknown country"):
        normalize_country("Atlantis")
    assert normalize_currency("usd") == "USD"
    with pytest.raises(BadValue, match="unknown currency"):
        normalize_currency("XXY")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9500", "9500"), ("9500.00", "9500.00"), ("9.500,00", "9500.00"), ("9,500.00", "9500.00"),
     ("1.500", "1500"), ("9500,5", "9500.5"), ("USD 9 500", "9500"), ("$1,234,567.89", "1234567.89")],
)  # fmt: skip
def test_amounts_are_exact_decimals(text: str, expected: str) -> None:
    assert normalize_amount(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["-50", "0", "0,00", "(50)", "abc", ""])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(BadValue):
        normalize_amount(text)


def test_amount_micro_is_exact() -> None:
    # 9500.00 * 1,000,000 = 9,500,000,000; 0.1 + 0.2 in micro = 300,000 exactly (no float error)
    assert amount_micro(Decimal("9500.00")) == 9_500_000_000
    assert amount_micro(Decimal("0.1")) + amount_micro(Decimal("0.2")) == 300_000
    assert normalize_amount("1.500", decimal_separator=".") == Decimal("1.5")


def test_dates_and_times() -> None:
    assert normalize_date("2025-11-03") == date(2025, 11, 3)
    assert normalize_date("03/11/2025", "%d/%m/%Y") == date(2025, 11, 3)
    with pytest.raises(BadValue, match="date_format"):
        normalize_date("03/11/2025")  # ambiguous without a mapping: refused, never guessed
    with pytest.raises(BadValue):
        normalize_date("31/02/2025", "%d/%m/%Y")
    given = normalize_datetime("2025-03-01T11:00:00-05:00", UTC)
    assert given.utcoffset() == timedelta(hours=-5)  # the given zone is kept
    naive = normalize_datetime("2025-03-01 10:00", zone("America/Bogota"))
    assert naive == datetime(2025, 3, 1, 15, 0, tzinfo=UTC)  # 10:00 in Bogotá (UTC-5) is 15:00 UTC
    assert naive.utcoffset() == timedelta(hours=-5)
    assert zone("+02:00") == timezone(timedelta(hours=2))


def test_an_unknown_time_zone_is_a_bad_value_and_a_load_option_error() -> None:
    with pytest.raises(BadValue, match="unknown time zone 'Nowhere/City'"):
        zone("Nowhere/City")
    # a load given that zone stops with the same line and a hint, exit code 6 (InputError)
    with pytest.raises(InputError, match="unknown time zone 'Nowhere/City'") as raised:
        _check_zone("Nowhere/City")
    assert raised.value.hint == "give an IANA name such as America/Bogota"


def test_names() -> None:
    assert normalize_name("  José   Álvarez ") == ("José Álvarez", "alvarez jose")
    assert normalize_name("JOSE ALVAREZ")[1] == normalize_name("Álvarez, José")[1]
    with pytest.raises(BadValue):
        normalize_name("--")


def test_mapping_renames_fills_constants_and_translates_values() -> None:
    mapping = Mapping(
        columns={"Condición": "role"}, constants={"country": "CO"}, values={"role": {"victima": "victim"}}
    )
    assert mapping.rename({"Condición": "Víctima", "x": "1"}) == {"role": "victim", "x": "1", "country": "CO"}


@pytest.mark.parametrize(
    ("text", "reason"),
    [("1e309", "unparseable"), ("1E5", "unparseable"), ("NaN", "unparseable"), ("inf", "unparseable"),
     ("-Infinity", "unparseable"), ("99999999999999999999999999999999", "out of range"),
     ("1000000000000", "out of range")],
)  # fmt: skip
def test_hostile_amounts_are_bad_values(text: str, reason: str) -> None:
    with pytest.raises(BadValue, match=reason):
        normalize_amount(text)


def test_the_largest_amount_converts_exactly() -> None:
    # 999,999,999,999.999999 in millionths is 10^18 - 1, within Neo4j's 64-bit integers
    assert amount_micro(normalize_amount("999999999999.999999")) == 10**18 - 1
