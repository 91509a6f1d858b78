"""Rows the write queries take for values: a phone, countries by code, a person's link to a thing."""

from __future__ import annotations

from typing import Any

from values.country import country_name
from values.phone import PhoneNumber


def phone_row(phone: PhoneNumber) -> dict[str, Any]:
    return {"number": phone.number, "digits": phone.digits, "quality": phone.quality, "region": phone.region}


def country_rows(codes: set[str]) -> list[dict[str, str]]:
    return [{"code": c, "name": country_name(c)} for c in sorted(codes)]


def person_link(
    person_id: str, key: str, ref: str, valid_from: Any = None, valid_to: Any = None
) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "key": key,
        "source_row": ref,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "extra": {},
    }
