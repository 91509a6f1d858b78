"""What the generator shares across organisations: randomness, unique numbers and ids, the answer key."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime
from typing import Any

import phonenumbers

from loaders.demo.dataset import FILES, GENERATOR_VERSION, LOAD_ORDER, PHONE_REGION, THRESHOLD_USD, Scale
from loaders.demo.devices import MOBILE_PATTERNS, TACS, digits, luhn_digit
from loaders.demo.model import Account, Person
from loaders.demo.route import BANKS, HUBS


class Context:
    """What the generator shares across organisations: randomness, uniqueness, counters, answer key."""

    def __init__(self, seed: int, scale: Scale) -> None:
        self.seed = seed
        self.scale = scale
        self.rng = random.Random(seed)
        self.numbers: set[str] = set()
        self.imeis: set[str] = set()
        self.name_keys: set[tuple[str, str]] = set()
        self.accounts: set[str] = set()
        self.device_of: dict[str, list[tuple[int, str]]] = {}  # number -> [(from, imei)]
        self.variants: dict[str, tuple[str, ...]] = {}
        self.call_seq = 0
        self.counts = dict.fromkeys(FILES, 0)
        self.prev_co_leader: Person | None = None
        self.key: dict[str, Any] = {
            "generator_version": GENERATOR_VERSION,
            "scale": scale.name,
            "seed": seed,
            "phone_region": PHONE_REGION,
            "load_order": list(LOAD_ORDER),
            "threshold": {"amount": f"{THRESHOLD_USD}.00", "currency": "USD"},
            "counts": {},
            "people": {},
            "cells": {},
            "cell_info": {},
            "cell_leaders": [],
            "brokers": [],
            "victims": [],
            "launderers": {"person_ids": [], "account_ids": []},
            "structuring": [],
            "handset_swaps": [],
            "device_changes": [],
            "burners": [],
            "duplicates": {"merge_on_load": [], "fuzzy_pairs": [], "victim_suspect_lookalikes": []},
            "hub_numbers": [{"number": n, "label": label} for n, label in HUBS],
            "phones": {},
        }

    def epoch(self, day: date) -> int:
        return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())

    def number(self, country: str) -> str:
        make = MOBILE_PATTERNS[country]
        for _ in range(200):
            candidate = make(self.rng)
            if candidate in self.numbers:
                continue
            if phonenumbers.is_valid_number(phonenumbers.parse(candidate)):
                self.numbers.add(candidate)
                return candidate
        raise RuntimeError(f"no valid {country} mobile number after 200 tries")  # pragma: no cover

    def imei(self) -> str:
        while True:
            body = self.rng.choice(TACS) + digits(self.rng, 6)
            imei = body + luhn_digit(body)
            if imei not in self.imeis:
                self.imeis.add(imei)
                return imei

    def account(self, country: str, holder: Person, kind: str = "bank") -> Account:
        while True:
            if kind == "mobile_money":
                account_id = f"MM{country}{digits(self.rng, 10)}"
            elif kind == "hawala":
                account_id = f"HWL{country}{digits(self.rng, 6)}"
            else:
                account_id = (
                    f"{country}{digits(self.rng, 2)}{self.rng.choice(BANKS[country])}{digits(self.rng, 12)}"
                )
            if account_id not in self.accounts:
                self.accounts.add(account_id)
                account = Account(account_id, country, holder.pid)
                holder.accounts.append(account)
                return account

    def formats(self, e164: str) -> tuple[str, ...]:
        """The ways files write this number: E.164, spaced international, 00-prefixed, national (CO only)."""
        known = self.variants.get(e164)
        if known is None:
            parsed = phonenumbers.parse(e164)
            spaced = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            forms = [e164, spaced, "00" + e164[1:]]
            if phonenumbers.region_code_for_number(parsed) == PHONE_REGION:
                forms.append(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
            known = tuple(forms)
            self.variants[e164] = known
        return known

    def written(self, e164: str) -> str:
        forms = self.formats(e164)
        r = self.rng.random()
        if r < 0.5:
            return forms[0]
        if r < 0.72:
            return forms[1]
        if r < 0.85 or len(forms) == 3:
            return forms[2]
        return forms[3]
