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
from loaders.mapping import Mapping, value_key
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

ROLE_WORDS = {
    "suspect": "suspect",
    "sospechoso": "suspect",
    "detenido": "suspect",
    "capturado": "suspect",
    "imputado": "suspect",
    "arrested": "suspect",
    "victim": "victim",
    "victima": "victim",
    "witness": "witness",
    "testigo": "witness",
    "unknown": "unknown",
    "desconocido": "unknown",
}
GENDER_WORDS = {
    "f": "F",
    "female": "F",
    "femenino": "F",
    "mujer": "F",
    "m": "M",
    "male": "M",
    "masculino": "M",
    "hombre": "M",
    "x": "X",
    "other": "X",
    "otro": "X",
}
# The forms of exploitation UNODC's Global Report on Trafficking in Persons counts (other forms together).
EXPLOITATION_WORDS = {
    "sexual": "sexual_exploitation",
    "sexual exploitation": "sexual_exploitation",
    "sexual_exploitation": "sexual_exploitation",
    "explotacion sexual": "sexual_exploitation",
    "forced labour": "forced_labour",
    "forced labor": "forced_labour",
    "forced_labour": "forced_labour",
    "labour": "forced_labour",
    "labor": "forced_labour",
    "trabajo forzoso": "forced_labour",
    "trabajos forzados": "forced_labour",
    "explotacion laboral": "forced_labour",
    "forced criminality": "forced_criminality",
    "forced_criminality": "forced_criminality",
    "criminalidad forzada": "forced_criminality",
    "other": "other",
    "otro": "other",
    "otra": "other",
    "mendicidad": "other",
    "begging": "other",
    "matrimonio servil": "other",
    "forced marriage": "other",
}
# The stages of the justice chain a person can reach in a case (docs/strategic.md).
STAGE_WORDS = {
    "investigation": "investigation",
    "investigated": "investigation",
    "investigacion": "investigation",
    "charged": "charged",
    "indicted": "charged",
    "imputado": "charged",
    "imputacion": "charged",
    "acusado": "charged",
    "prosecuted": "prosecuted",
    "trial": "prosecuted",
    "juicio": "prosecuted",
    "enjuiciado": "prosecuted",
    "convicted": "convicted",
    "sentenced": "convicted",
    "condenado": "convicted",
    "condena": "convicted",
    "acquitted": "acquitted",
    "absuelto": "acquitted",
    "dismissed": "dismissed",
    "dropped": "dismissed",
    "archivado": "dismissed",
    "sobreseido": "dismissed",
    "precluido": "dismissed",
}
CALL_TYPES = {
    "voice": "voice",
    "call": "voice",
    "voz": "voice",
    "llamada": "voice",
    "sms": "sms",
    "text": "sms",
    "mensaje": "sms",
    "data": "data",
    "datos": "data",
    "gprs": "data",
}
CHANNELS = ("bank", "wire", "remittance", "mobile_money", "hawala", "crypto", "cash")


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


def _get(row: dict[str, str], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    value = value.strip()
    return value or None


def required(value: str | None, column: str) -> str:
    """A required cell's value, stripped; BadValue ``missing COLUMN`` when it is absent or blank."""
    if value is None or not (value := value.strip()):
        raise BadValue(f"missing {column}")
    return value


def optional(value: str | None, convert: Callable[[str], Any]) -> Any:
    """An optional cell's value converted after stripping; None when it is absent or blank."""
    if value is None:
        return None
    value = value.strip()
    return convert(value) if value else None


def _need(row: dict[str, str], column: str) -> str:
    return required(row.get(column), column)


def _opt(row: dict[str, str], column: str, convert: Callable[[str], Any]) -> Any:
    return optional(row.get(column), convert)


def _word(table: dict[str, str], what: str) -> Callable[[str], str]:
    def convert(value: str) -> str:
        found = table.get(value_key(value))
        if found is None:
            raise BadValue(f"unknown {what} {value!r}")
        return found

    return convert


def _float_in(low: float, high: float, what: str) -> Callable[[str], float]:
    def convert(value: str) -> float:
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise BadValue(f"{what} {value!r} is not a number") from None
        if not low <= number <= high:
            raise BadValue(f"{what} {value!r} is out of range")
        return number

    return convert


# No call or data session lasts a month: a longer duration is a data error (and a number beyond Neo4j's
# 64-bit integers would make it refuse the whole batch).
MAX_DURATION_S = 31 * 86_400


def duration(value: str) -> int:
    """Whole seconds from "75", "75.0", "1:15" or "0:01:15"."""
    parts = value.split(":")
    try:
        if len(parts) in (2, 3):
            seconds = 0
            for part in parts:
                seconds = seconds * 60 + int(part)
        else:
            number = float(value.replace(",", "."))
            if not number.is_integer():
                raise ValueError
            seconds = int(number)
    except ValueError:
        raise BadValue(f"duration {value!r} is not whole seconds or h:mm:ss") from None
    if seconds < 0:
        raise BadValue(f"duration {value!r} is negative")
    if seconds > MAX_DURATION_S:
        raise BadValue(f"duration {value!r} is longer than 31 days")
    return seconds


def digest(prefix: str, content: dict[str, Any]) -> str:
    """A deterministic record id from a record's normalised content."""
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return prefix + hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def person_record(row: dict[str, str], ctx: Context, default_role: str | None) -> Record:
    """The person a row names (arrests, identifiers, FollowTheMoney people): their canonical fields."""
    person_id = _get(row, "person_id")
    full_name = _get(row, "full_name")
    if full_name is None and person_id is None:
        raise BadValue("missing full_name")
    name, key = normalize_name(full_name) if full_name else (None, None)
    return {
        "person_id": clean_text(person_id) if person_id else None,
        "name": name,
        "name_key": key,
        "aliases": [a for a in _opt(row, "aliases", split_list) or [] if a != name],
        "date_of_birth": _opt(row, "date_of_birth", lambda v: normalize_date(v, ctx.mapping.date_format)),
        "gender": _opt(row, "gender", _word(GENDER_WORDS, "gender")),
        "nationality": _opt(row, "nationality", normalize_country),
        "role": _opt(row, "role", _word(ROLE_WORDS, "role")) or default_role,
    }


def _phone(ctx: Context) -> Callable[[str], Any]:
    return lambda value: normalize_phone(value, ctx.region)


EXPLOITATION = _word(EXPLOITATION_WORDS, "exploitation")
SEX = _word(GENDER_WORDS, "sex")


def arrest_record(row: dict[str, str], ctx: Context) -> Record:
    kind = KINDS["arrests"]
    person = person_record(row, ctx, "suspect")
    sex = _opt(row, "sex", SEX)
    if sex is not None and person["gender"] is not None and sex != person["gender"]:
        raise BadValue(f"sex {sex} and gender {person['gender']} disagree")
    person["gender"] = person["gender"] or sex
    extra = extras(kind, row)
    exploitation = _opt(row, "exploitation", EXPLOITATION)
    if exploitation is not None:  # on the INVOLVED_IN link, with the row's other facts about the event
        extra = {**extra, "exploitation": exploitation}
    return {
        "arrest_id": clean_text(_need(row, "arrest_id")),
        "arrest_date": normalize_date(_need(row, "arrest_date"), ctx.mapping.date_format),
        "person": person,
        "charges": _opt(row, "charges", split_list) or [],
        "operation": _opt(row, "operation", clean_text),
        "agency": _opt(row, "agency", clean_text),
        "city": _opt(row, "city", clean_text),
        "country": _opt(row, "country", normalize_country),
        "latitude": _opt(row, "latitude", _float_in(-90, 90, "latitude")),
        "longitude": _opt(row, "longitude", _float_in(-180, 180, "longitude")),
        "phones": [normalize_phone(p, ctx.region) for p in _opt(row, "phones", split_list) or []],
        "accounts": [normalize_account(a) for a in _opt(row, "accounts", split_list) or []],
        "extra": extra,
    }


CALL_TYPE = _word(CALL_TYPES, "call_type")
CALLER_LAT = _float_in(-90, 90, "caller_lat")
CALLER_LON = _float_in(-180, 180, "caller_lon")


def call_digest(props: Record, caller: str, callee: str) -> str:
    """The id of a call record without ``call_id``: a digest of its ends and properties."""
    start = props["start_time"]
    return digest("C-", {**props, "caller": caller, "callee": callee, "start_time": start.isoformat()})


def call_record(row: dict[str, str], ctx: Context) -> Record:
    kind = KINDS["calls"]
    caller = normalize_phone(_need(row, "caller"), ctx.region)
    callee = normalize_phone(_need(row, "callee"), ctx.region)
    if caller.number == callee.number:
        raise BadValue(f"caller and callee are the same number {caller.number}")
    start = normalize_datetime(_need(row, "start_time"), ctx.tz, ctx.mapping.datetime_format)
    caller_imei = _opt(row, "caller_imei", normalize_imei)
    callee_imei = _opt(row, "callee_imei", normalize_imei)
    props: Record = {  # every column, None when empty: graph.ingest.CallWriter counts on it
        "start_time": start,
        "duration_s": _opt(row, "duration_s", duration),
        "call_type": _opt(row, "call_type", CALL_TYPE),
        "caller_imei": caller_imei[0] if caller_imei else None,
        "callee_imei": callee_imei[0] if callee_imei else None,
        "caller_cell": _opt(row, "caller_cell", clean_text),
        "callee_cell": _opt(row, "callee_cell", clean_text),
        "caller_lat": _opt(row, "caller_lat", CALLER_LAT),
        "caller_lon": _opt(row, "caller_lon", CALLER_LON),
        **extras(kind, row),
    }
    call_id = _get(row, "call_id")
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
    id_type = value_key(_need(row, "identifier_type")).replace(" ", "_")
    if id_type not in IDENTIFIER_TYPES:
        raise BadValue(f"unknown identifier_type {id_type!r} (one of {', '.join(IDENTIFIER_TYPES)})")
    raw = _need(row, "identifier")
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
    valid_from = _opt(row, "valid_from", lambda v: normalize_date(v, ctx.mapping.date_format))
    valid_to = _opt(row, "valid_to", lambda v: normalize_date(v, ctx.mapping.date_format))
    if valid_from and valid_to and valid_to < valid_from:
        raise BadValue(f"valid_to {valid_to} is before valid_from {valid_from}")
    extra = extras(kind, row)
    note = _opt(row, "source", clean_text)
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
    sender = normalize_account(_need(row, "sender_account"))
    receiver = normalize_account(_need(row, "receiver_account"))
    if sender == receiver:
        raise BadValue(f"self-transfer: sender and receiver are the same account {sender}")
    amount = normalize_amount(_need(row, "amount"), ctx.mapping.decimal_separator)
    timestamp = normalize_datetime(_need(row, "timestamp"), ctx.tz, ctx.mapping.datetime_format)
    channel = _opt(row, "channel", lambda v: value_key(v).replace(" ", "_").replace("-", "_"))
    if channel is not None and channel not in CHANNELS:
        raise BadValue(f"unknown channel {channel!r} (one of {', '.join(CHANNELS)})")
    names = {side: _opt(row, f"{side}_name", normalize_name) for side in ("sender", "receiver")}
    props: Record = {
        "timestamp": timestamp,
        "amount": str(amount),
        "amount_micro": amount_micro(amount),
        "currency": normalize_currency(_need(row, "currency")),
        "channel": channel,
        "reference": _opt(row, "reference", clean_text),
        **extras(kind, row),
    }
    tx_id = _get(row, "transaction_id")
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
        "sender_country": _opt(row, "sender_country", normalize_country),
        "receiver_country": _opt(row, "receiver_country", normalize_country),
        "props": props,
    }


STAGE = _word(STAGE_WORDS, "stage")


def outcome_record(row: dict[str, str], ctx: Context) -> Record:
    """One stage a person reached in a case of the justice chain (``outcomes`` files)."""
    return {
        "case_id": clean_text(_need(row, "case_id")),
        "stage": STAGE(_need(row, "stage")),
        "date": _opt(row, "date", lambda v: normalize_date(v, ctx.mapping.date_format)),
        "court": _opt(row, "court", clean_text),
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
