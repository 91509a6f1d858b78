"""The five input kinds: their canonical columns, and each row turned into a canonical record or a reason."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import tzinfo
from functools import cached_property
from typing import Any

from graph.errors import InputError
from graph.model import IDENTIFIER_TYPES
from loaders.cells import cell, duration, float_in, need, opt, word
from loaders.mapping import Mapping, value_key
from loaders.vocabulary import CALL_TYPES, CHANNELS, EXPLOITATION_WORDS, GENDER_WORDS, ROLE_WORDS, STAGE_WORDS
from values.account import normalize_account
from values.amount import amount_micro, normalize_amount
from values.country import normalize_country
from values.currency import normalize_currency
from values.dates import normalize_date, normalize_datetime
from values.errors import BadValue
from values.imei import normalize_imei
from values.name import normalize_name
from values.phone import normalize_phone
from values.text import clean_text, split_list

Record = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """One input kind: required columns, optional columns, and alternatives of which one is needed."""

    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    one_of: tuple[str, ...] = ()

    @cached_property
    def known(self) -> set[str]:
        return set(self.required) | set(self.optional) | set(self.one_of)


PERSON_COLUMNS = ("person_id", "aliases", "date_of_birth", "gender", "nationality", "role")
KINDS: dict[str, Kind] = {
    "arrests": Kind(
        "arrests",
        ("arrest_id", "arrest_date", "full_name"),
        (
            *PERSON_COLUMNS,
            "charges",
            "operation",
            "agency",
            "city",
            "country",
            "latitude",
            "longitude",
            "phones",
            "accounts",
            "sex",
            "exploitation",
        ),
    ),
    "calls": Kind(
        "calls",
        ("caller", "callee", "start_time"),
        (
            "call_id",
            "duration_s",
            "call_type",
            "caller_imei",
            "callee_imei",
            "caller_cell",
            "callee_cell",
            "caller_lat",
            "caller_lon",
        ),
    ),
    "identifiers": Kind(
        "identifiers",
        ("identifier_type", "identifier"),
        ("date_of_birth", "nationality", "valid_from", "valid_to", "source", "aliases", "gender", "role"),
        ("person_id", "full_name"),
    ),
    "transfers": Kind(
        "transfers",
        ("sender_account", "receiver_account", "amount", "currency", "timestamp"),
        (
            "transaction_id",
            "channel",
            "sender_name",
            "receiver_name",
            "sender_country",
            "receiver_country",
            "reference",
        ),
    ),
    "outcomes": Kind(
        "outcomes",
        ("case_id", "stage"),
        ("date", "court", "date_of_birth", "nationality"),
        ("person_id", "full_name"),
    ),
}


@dataclass(frozen=True)
class Context:
    """What a row needs to be normalised: the mapping, default phone region and time zone."""

    mapping: Mapping
    region: str | None
    tz: tzinfo


def check_columns(kind: Kind, columns: list[str], file_name: str) -> None:
    """Raise InputError naming the required columns the file lacks (after the mapping)."""
    missing = [c for c in kind.required if c not in columns]
    if kind.one_of and not any(c in columns for c in kind.one_of):
        missing.append(" or ".join(kind.one_of))
    if missing:
        raise InputError(
            f"{file_name}: missing required column(s) for {kind.name}: {', '.join(missing)}",
            "rename them in the file or map them with --map (see docs/input-formats.md)",
        )


def extra_name(column: str) -> str:
    """The property name that keeps an unknown column: ``x_`` + its name in lower-case snake form."""
    return "x_" + (re.sub(r"[^0-9a-z]+", "_", value_key(column)).strip("_") or "column")


def extras(kind: Kind, row: dict[str, str]) -> dict[str, str]:
    """The row's values in columns the kind does not know, by their ``extra_name``."""
    known = kind.known
    if known.issuperset(row):  # the usual row: every column is one the kind knows
        return {}
    return {extra_name(k): clean_text(v) for k, v in row.items() if k not in known and v.strip()}


def digest(prefix: str, content: dict[str, Any]) -> str:
    """A deterministic record id from a record's normalised content."""
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return prefix + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def person_record(row: dict[str, str], ctx: Context, default_role: str | None) -> Record:
    """The person a row names (arrests, identifiers, FollowTheMoney people): their canonical fields."""
    person_id = cell(row, "person_id")
    full_name = cell(row, "full_name")
    if full_name is None and person_id is None:
        raise BadValue("missing full_name")
    name, key = normalize_name(full_name) if full_name else (None, None)
    return {
        "person_id": clean_text(person_id) if person_id else None,
        "name": name,
        "name_key": key,
        "aliases": [a for a in opt(row, "aliases", split_list) or [] if a != name],
        "date_of_birth": opt(row, "date_of_birth", lambda v: normalize_date(v, ctx.mapping.date_format)),
        "gender": opt(row, "gender", word(GENDER_WORDS, "gender")),
        "nationality": opt(row, "nationality", normalize_country),
        "role": opt(row, "role", word(ROLE_WORDS, "role")) or default_role,
    }


def _phone(ctx: Context) -> Callable[[str], Any]:
    return lambda value: normalize_phone(value, ctx.region)


EXPLOITATION = word(EXPLOITATION_WORDS, "exploitation")
SEX = word(GENDER_WORDS, "sex")


def arrest_record(row: dict[str, str], ctx: Context) -> Record:
    kind = KINDS["arrests"]
    person = person_record(row, ctx, "suspect")
    sex = opt(row, "sex", SEX)
    if sex is not None and person["gender"] is not None and sex != person["gender"]:
        raise BadValue(f"sex {sex} and gender {person['gender']} disagree")
    person["gender"] = person["gender"] or sex
    extra = extras(kind, row)
    exploitation = opt(row, "exploitation", EXPLOITATION)
    if exploitation is not None:  # on the INVOLVED_IN link, with the row's other facts about the event
        extra = {**extra, "exploitation": exploitation}
    return {
        "arrest_id": clean_text(need(row, "arrest_id")),
        "arrest_date": normalize_date(need(row, "arrest_date"), ctx.mapping.date_format),
        "person": person,
        "charges": opt(row, "charges", split_list) or [],
        "operation": opt(row, "operation", clean_text),
        "agency": opt(row, "agency", clean_text),
        "city": opt(row, "city", clean_text),
        "country": opt(row, "country", normalize_country),
        "latitude": opt(row, "latitude", float_in(-90, 90, "latitude")),
        "longitude": opt(row, "longitude", float_in(-180, 180, "longitude")),
        "phones": [normalize_phone(p, ctx.region) for p in opt(row, "phones", split_list) or []],
        "accounts": [normalize_account(a) for a in opt(row, "accounts", split_list) or []],
        "extra": extra,
    }


CALL_TYPE = word(CALL_TYPES, "call_type")
CALLER_LAT = float_in(-90, 90, "caller_lat")
CALLER_LON = float_in(-180, 180, "caller_lon")


def call_digest(props: Record, caller: str, callee: str) -> str:
    """The id of a call record without ``call_id``: a digest of its ends and properties."""
    start = props["start_time"]
    return digest("C-", {**props, "caller": caller, "callee": callee, "start_time": start.isoformat()})


def call_record(row: dict[str, str], ctx: Context) -> Record:
    kind = KINDS["calls"]
    caller = normalize_phone(need(row, "caller"), ctx.region)
    callee = normalize_phone(need(row, "callee"), ctx.region)
    if caller.number == callee.number:
        raise BadValue(f"caller and callee are the same number {caller.number}")
    start = normalize_datetime(need(row, "start_time"), ctx.tz, ctx.mapping.datetime_format)
    caller_imei = opt(row, "caller_imei", normalize_imei)
    callee_imei = opt(row, "callee_imei", normalize_imei)
    props: Record = {  # every column, None when empty: graph.ingest.CallWriter counts on it
        "start_time": start,
        "duration_s": opt(row, "duration_s", duration),
        "call_type": opt(row, "call_type", CALL_TYPE),
        "caller_imei": caller_imei[0] if caller_imei else None,
        "callee_imei": callee_imei[0] if callee_imei else None,
        "caller_cell": opt(row, "caller_cell", clean_text),
        "callee_cell": opt(row, "callee_cell", clean_text),
        "caller_lat": opt(row, "caller_lat", CALLER_LAT),
        "caller_lon": opt(row, "caller_lon", CALLER_LON),
        **extras(kind, row),
    }
    call_id = cell(row, "call_id")
    props["call_id"] = clean_text(call_id) if call_id else call_digest(props, caller.number, callee.number)
    return {
        "caller": caller,
        "callee": callee,
        "caller_luhn": caller_imei[1] if caller_imei else None,
        "callee_luhn": callee_imei[1] if callee_imei else None,
        "props": props,
    }


def identifier_record(row: dict[str, str], ctx: Context) -> Record:
    kind = KINDS["identifiers"]
    id_type = value_key(need(row, "identifier_type")).replace(" ", "_")
    if id_type not in IDENTIFIER_TYPES:
        raise BadValue(f"unknown identifier_type {id_type!r} (one of {', '.join(IDENTIFIER_TYPES)})")
    raw = need(row, "identifier")
    target: Record
    if id_type == "phone":
        phone = normalize_phone(raw, ctx.region)
        target = {"key": phone.number, "phone": phone}
    elif id_type == "imei":
        imei, luhn = normalize_imei(raw)
        target = {"key": imei, "luhn_ok": luhn}
    elif id_type == "account":
        target = {"key": normalize_account(raw)}
    elif id_type == "email":
        address = "".join(raw.split()).lower()
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
            raise BadValue(f"email {raw!r} is not an address")
        target = {"key": address}
    else:
        number = "".join(raw.split()).upper()
        target = {"key": f"{id_type}:{number}", "doc_type": id_type, "number": number}
    valid_from = opt(row, "valid_from", lambda v: normalize_date(v, ctx.mapping.date_format))
    valid_to = opt(row, "valid_to", lambda v: normalize_date(v, ctx.mapping.date_format))
    if valid_from and valid_to and valid_to < valid_from:
        raise BadValue(f"valid_to {valid_to} is before valid_from {valid_from}")
    extra = extras(kind, row)
    note = opt(row, "source", clean_text)
    if note:
        extra["reported_by"] = note
    return {
        "identifier_type": id_type,
        "target": target,
        "person": person_record(row, ctx, None),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "extra": extra,
    }


def transfer_record(row: dict[str, str], ctx: Context) -> Record:
    kind = KINDS["transfers"]
    sender = normalize_account(need(row, "sender_account"))
    receiver = normalize_account(need(row, "receiver_account"))
    if sender == receiver:
        raise BadValue(f"self-transfer: sender and receiver are the same account {sender}")
    amount = normalize_amount(need(row, "amount"), ctx.mapping.decimal_separator)
    timestamp = normalize_datetime(need(row, "timestamp"), ctx.tz, ctx.mapping.datetime_format)
    channel = opt(row, "channel", lambda v: value_key(v).replace(" ", "_").replace("-", "_"))
    if channel is not None and channel not in CHANNELS:
        raise BadValue(f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})")
    names = {side: opt(row, f"{side}_name", normalize_name) for side in ("sender", "receiver")}
    props: Record = {
        "timestamp": timestamp,
        "amount": str(amount),
        "amount_micro": amount_micro(amount),
        "currency": normalize_currency(need(row, "currency")),
        "channel": channel,
        "reference": opt(row, "reference", clean_text),
        **extras(kind, row),
    }
    tx_id = cell(row, "transaction_id")
    props["transaction_id"] = (
        clean_text(tx_id)
        if tx_id
        else digest(
            "T-", {**props, "sender": sender, "receiver": receiver, "timestamp": timestamp.isoformat()}
        )
    )
    return {
        "sender": sender,
        "receiver": receiver,
        "sender_name": names["sender"],
        "receiver_name": names["receiver"],
        "sender_country": opt(row, "sender_country", normalize_country),
        "receiver_country": opt(row, "receiver_country", normalize_country),
        "props": props,
    }


STAGE = word(STAGE_WORDS, "stage")


def outcome_record(row: dict[str, str], ctx: Context) -> Record:
    """One stage a person reached in a case of the justice chain (``outcomes`` files)."""
    return {
        "case_id": clean_text(need(row, "case_id")),
        "stage": STAGE(need(row, "stage")),
        "date": opt(row, "date", lambda v: normalize_date(v, ctx.mapping.date_format)),
        "court": opt(row, "court", clean_text),
        "person": person_record(row, ctx, None),
        "extra": extras(KINDS["outcomes"], row),
    }


PARSERS: dict[str, Callable[[dict[str, str], Context], Record]] = {
    "arrests": arrest_record,
    "calls": call_record,
    "identifiers": identifier_record,
    "transfers": transfer_record,
    "outcomes": outcome_record,
}


def to_record(kind: str, row: dict[str, str], ctx: Context) -> Record:
    """The canonical record of a (renamed) row; raises BadValue with the reject reason."""
    return PARSERS[kind](row, ctx)
