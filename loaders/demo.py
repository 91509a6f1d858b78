"""Synthetic smuggling and trafficking network on the Americas routes, as files with its answer key."""

from __future__ import annotations

import csv
import itertools
import json
import math
import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import phonenumbers

from graph.connection import Graph
from graph.errors import InputError
from graph.model import derived_person_id
from values.name import name_key

if TYPE_CHECKING:
    from loaders.pipeline import LoadSummary

GENERATOR_VERSION = 1
DEFAULT_SEED = 1
PHONE_REGION = "CO"  # national-format numbers in the files are Colombian: load them with region CO
THRESHOLD_USD = 10_000  # reporting threshold the structured payments stay under
STRUCTURING_MIN_CENTS = 950_000
STRUCTURING_MAX_CENTS = 999_000
LOAD_ORDER = ("arrests", "identifiers", "calls", "transfers")  # people first, then events that name them

ARREST_COLUMNS = (
    "arrest_id",
    "arrest_date",
    "full_name",
    "person_id",
    "aliases",
    "date_of_birth",
    "gender",
    "nationality",
    "role",
    "charges",
    "operation",
    "agency",
    "city",
    "country",
    "latitude",
    "longitude",
    "phones",
    "accounts",
)
CALL_COLUMNS = (
    "call_id",
    "caller",
    "callee",
    "start_time",
    "duration_s",
    "call_type",
    "caller_imei",
    "callee_imei",
    "caller_cell",
    "callee_cell",
    "caller_lat",
    "caller_lon",
)
IDENTIFIER_COLUMNS = (
    "identifier_type",
    "identifier",
    "person_id",
    "full_name",
    "date_of_birth",
    "nationality",
    "valid_from",
    "valid_to",
    "source",
)
TRANSFER_COLUMNS = (
    "transaction_id",
    "sender_account",
    "receiver_account",
    "amount",
    "currency",
    "timestamp",
    "channel",
    "sender_name",
    "receiver_name",
    "sender_country",
    "receiver_country",
    "reference",
)
FILES = {
    "arrests": ("arrests.csv", ARREST_COLUMNS),
    "identifiers": ("identifiers.csv", IDENTIFIER_COLUMNS),
    "calls": ("calls.csv", CALL_COLUMNS),
    "transfers": ("transfers.csv", TRANSFER_COLUMNS),
}
ANSWER_KEY = "answer_key.json"


@dataclass(frozen=True)
class Scale:
    """How big a demo is: organisations (about 195 people each), call records and transfers in total."""

    name: str
    orgs: int
    calls: int
    transfers: int


SCALES: dict[str, Scale] = {
    "small": Scale("small", 1, 4_000, 400),
    "medium": Scale("medium", 25, 100_000, 10_000),
    "large": Scale("large", 500, 2_000_000, 200_000),
}


def scale_for_calls(calls: int, transfers: int = 0) -> Scale:
    """A scale with ``calls`` call records (benchmarks): one organisation per 4,000 calls."""
    if calls < 1:
        raise InputError(f"--calls {calls} is not a positive number", "give e.g. --calls 200000")
    return Scale(f"calls-{calls}", max(1, calls // 4_000), calls, transfers)


# --- the route: one cell per place and organisation, in travel order ---------------------------------


@dataclass(frozen=True)
class Place:
    country: str
    city: str
    lat: float
    lon: float
    stage: str
    agency: str
    operation: str
    mcc: int


ROUTE: tuple[Place, ...] = (
    Place("VE", "San Cristóbal", 7.7669, -72.2250, "origin", "CICPC", "Operación Trocha", 734),
    Place(
        "EC",
        "Quito",
        -0.1807,
        -78.4678,
        "origin",
        "Policía Nacional del Ecuador",
        "Operación Mitad del Mundo",
        740,
    ),
    Place(
        "HT",
        "Port-au-Prince",
        18.5944,
        -72.3074,
        "origin",
        "Police Nationale d'Haïti",
        "Opération Lakay",
        372,
    ),
    Place(
        "CO", "Necoclí", 8.4260, -76.7840, "transit", "Policía Nacional de Colombia", "Operación Urabá", 732
    ),
    Place("PA", "Metetí", 8.4986, -77.9786, "transit", "SENAFRONT", "Operación Escudo Darién", 714),
    Place(
        "CR",
        "Paso Canoas",
        8.5333,
        -82.8333,
        "transit",
        "Policía Profesional de Migración",
        "Operación Frontera Sur CR",
        712,
    ),
    Place(
        "NI",
        "Managua",
        12.1364,
        -86.2514,
        "transit",
        "Policía Nacional de Nicaragua",
        "Operación Xolotlán",
        710,
    ),
    Place("HN", "Danlí", 14.0333, -86.5833, "transit", "DPI Honduras", "Operación Trojes", 708),
    Place("GT", "Tecún Umán", 14.6667, -92.1500, "transit", "PNC Guatemala", "Operación Suchiate", 704),
    Place(
        "MX",
        "Tapachula",
        14.9031,
        -92.2575,
        "transit",
        "Fiscalía General de la República",
        "Operación Frontera Sur",
        334,
    ),
    Place(
        "MX",
        "Reynosa",
        26.0806,
        -98.2883,
        "destination",
        "Fiscalía General de la República",
        "Operación Río Bravo",
        334,
    ),
    Place(
        "US",
        "Houston",
        29.7604,
        -95.3698,
        "destination",
        "Homeland Security Investigations",
        "Operation Lone Star Smuggling",
        310,
    ),
)
# Which route cells each organisation's brokers bridge (indexes into ROUTE): Darién and Tapachula meet in B3.
BROKER_SPANS: tuple[tuple[int, ...], ...] = ((0, 2, 3), (1, 3, 4), (4, 5, 6, 9), (6, 7, 8), (8, 9, 10, 11))
STAFF = {
    "origin": ("recruiter", "recruiter", "recruiter", "collector", "driver", "lookout"),
    "transit": ("guide", "guide", "guide", "driver", "driver", "collector"),
    "destination": ("driver", "driver", "collector", "stash_keeper"),
}
NI_INDEX, MXS_INDEX, VE_INDEX, CO_INDEX, HT_INDEX = 6, 9, 0, 3, 2
VICTIM_NATIONALITIES = (
    ("VE", 30),
    ("CO", 6),
    ("EC", 8),
    ("HT", 12),
    ("CU", 8),
    ("IN", 6),
    ("CN", 5),
    ("SN", 5),
)
RECRUITING_CELL = {"VE": 0, "CO": 0, "EC": 1, "IN": 1, "CN": 1, "SN": 1, "HT": 2, "CU": NI_INDEX}
INTERDICTION_CELLS = ((3, 2), (4, 3), (5, 1), (6, 1), (7, 1), (8, 1), (9, 3), (10, 2), (11, 1))
OFFSET_MIN = {
    "VE": -240,
    "EC": -300,
    "HT": -300,
    "CO": -300,
    "PA": -300,
    "CR": -360,
    "NI": -360,
    "HN": -360,
    "GT": -360,
    "MX": -360,
    "US": -360,
    "CU": -300,
    "IN": 330,
    "CN": 480,
    "SN": 0,
}
MCC = {"CU": 368, "IN": 404, "CN": 460, "SN": 608}
BANKS = {
    "VE": ("BANV", "MERC"),
    "EC": ("PICH", "GUAY"),
    "HT": ("UNIB",),
    "CO": ("BCOL", "DAVI"),
    "PA": ("BGEN", "BNPA"),
    "CR": ("BNCR",),
    "NI": ("LAFI",),
    "HN": ("BATL",),
    "GT": ("BIND",),
    "MX": ("BBVA", "BNMX"),
    "US": ("CHAS", "WFBA"),
    "CU": ("BANM",),
    "IN": ("SBIN",),
    "CN": ("ICBK",),
    "SN": ("CBAO",),
}
HUBS = (
    ("+576048213300", "Taxi Express Necoclí"),
    ("+529626251000", "Pizzería La Frontera, Tapachula"),
    ("+5073035001", "Línea de atención Banco General"),
    ("+50522703000", "Hotel Las Palmas, Managua"),
)
HUB_CALL_PROBABILITY = (0.45, 0.35, 0.55, 0.25)
START = datetime(2023, 1, 1, tzinfo=UTC)
END = datetime(2024, 12, 31, tzinfo=UTC)
DAY = 86_400
HOUR_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 7, 8, 7, 7, 7, 8, 9, 10, 10, 9, 7, 4, 2)

# --- names ------------------------------------------------------------------------------------------

ES_MALE = (
    "José",
    "Luis",
    "Carlos",
    "Andrés",
    "Jesús",
    "Ángel",
    "Jhon",
    "Yeferson",
    "Darwin",
    "Wilmer",
    "Yorman",
    "Eliécer",
    "Germán",
    "Ramón",
    "Óscar",
    "Iván",
    "Raúl",
    "Héctor",
    "Martín",
    "Julián",
    "Sebastián",
    "Nicolás",
    "Tomás",
    "Rubén",
    "Álvaro",
    "Joaquín",
    "Franklin",
    "Edinson",
    "Brayan",
    "Kevin",
    "Efraín",
    "Fredy",
    "Miguel",
    "Víctor",
    "Jairo",
    "Orlando",
    "Nelson",
    "Hugo",
    "Ernesto",
    "Gustavo",
)
ES_FEMALE = (
    "María",
    "Sofía",
    "Valentina",
    "Camila",
    "Génesis",
    "Yusmary",
    "Dayana",
    "Inés",
    "Lucía",
    "Belén",
    "Mónica",
    "Verónica",
    "Patricia",
    "Gloria",
    "Yolanda",
    "Xiomara",
    "Maritza",
    "Wendy",
    "Yesenia",
    "Yurany",
    "Daniela",
    "Andrea",
    "Carolina",
    "Rosa",
    "Luz",
    "Ángela",
    "Natalia",
    "Paola",
    "Leidy",
    "Karen",
)
ES_SURNAMES = (
    "Álvarez",
    "Gómez",
    "Rodríguez",
    "Pérez",
    "Hernández",
    "Martínez",
    "López",
    "González",
    "Ramírez",
    "Sánchez",
    "Díaz",
    "Torres",
    "Rojas",
    "Castillo",
    "Quiñónez",
    "Mosquera",
    "Palacios",
    "Córdoba",
    "Peña",
    "Suárez",
    "Jiménez",
    "Muñoz",
    "Ortiz",
    "Vásquez",
    "Guzmán",
    "Chávez",
    "Mejía",
    "Zúñiga",
    "Ibáñez",
    "Cárdenas",
    "Barrios",
    "Montoya",
    "Restrepo",
    "Salazar",
    "Villalobos",
    "Benítez",
    "Ordóñez",
    "Sandoval",
    "Cifuentes",
    "Herrera",
    "Giraldo",
    "Arango",
    "Urrutia",
    "Bermúdez",
    "Escobar",
    "Ocampo",
    "Valencia",
    "Fuentes",
    "Aguilar",
    "Navarro",
    "Solís",
    "Padilla",
    "Espinoza",
    "Maldonado",
    "Cruz",
    "Reyes",
)
HT_MALE = ("Jean", "Pierre", "Wilner", "Jacques", "Emmanuel", "Jean-Baptiste", "Ricardo", "Frantz", "Kervens")
HT_FEMALE = ("Marie", "Rose", "Fabienne", "Lovely", "Widlene", "Nadège", "Mirlande", "Guerline")
HT_SURNAMES = (
    "Joseph",
    "Pierre",
    "Louis",
    "Jean-Baptiste",
    "Charles",
    "Célestin",
    "Dorvil",
    "Estimé",
    "Saint-Fleur",
    "Délice",
    "Augustin",
    "Noël",
)
IN_MALE = ("Gurpreet", "Harpreet", "Manpreet", "Rajesh", "Amit", "Sandeep", "Jaspreet", "Kuldeep")
IN_FEMALE = ("Simran", "Harleen", "Priya", "Anjali", "Navneet")
IN_SURNAMES = ("Singh", "Patel", "Sharma", "Kumar", "Sandhu", "Gill", "Dhillon")
CN_GIVEN = ("Wei", "Fang", "Jun", "Lei", "Ming", "Hui", "Xiaoling", "Jianguo", "Yan")
CN_SURNAMES = ("Zhang", "Wang", "Li", "Chen", "Liu", "Huang", "Zhou", "Wu")
SN_MALE = ("Mamadou", "Ousmane", "Abdoulaye", "Cheikh", "Ibrahima", "Moussa", "Modou")
SN_FEMALE = ("Fatou", "Aminata", "Awa", "Mariama", "Khady")
SN_SURNAMES = ("Diallo", "Ndiaye", "Sow", "Fall", "Diop", "Sarr", "Faye", "Ba")
ALIASES = (
    "El Flaco",
    "Chamo",
    "La Güera",
    "El Paisa",
    "Coyote",
    "El Mono",
    "Tío",
    "La Negra",
    "El Gato",
    "Pelusa",
    "El Costeño",
    "Morocho",
    "Gordo",
    "El Profe",
    "Catracho",
    "Chapín",
)
# Creole and English spellings of the same Haitian, Indian, Chinese and Senegalese names.
TRANSLITERATIONS = (
    ("Jean-Baptiste", "Jan Batis"),
    ("Jean", "Jan"),
    ("Pierre", "Pyè"),
    ("Joseph", "Jozèf"),
    ("Marie", "Mari"),
    ("Louis", "Lwi"),
    ("Charles", "Chal"),
    ("Emmanuel", "Emanyèl"),
    ("Gurpreet", "Gurprit"),
    ("Singh", "Sing"),
    ("Zhang", "Chang"),
    ("Mamadou", "Mamadu"),
    ("Ousmane", "Usman"),
    ("Diallo", "Jallow"),
)


def _given(rng: random.Random, nationality: str, gender: str) -> tuple[str, ...]:
    male = gender == "M"
    if nationality == "HT":
        return HT_MALE if male else HT_FEMALE
    if nationality == "IN":
        return IN_MALE if male else IN_FEMALE
    if nationality == "SN":
        return SN_MALE if male else SN_FEMALE
    return ES_MALE if male else ES_FEMALE


def random_name(rng: random.Random, nationality: str, gender: str) -> str:
    """A plausible full name for a person of this nationality and gender."""
    if nationality == "CN":
        return f"{rng.choice(CN_SURNAMES)} {rng.choice(CN_GIVEN)}"
    given = _given(rng, nationality, gender)
    if nationality == "HT":
        return f"{rng.choice(given)} {rng.choice(HT_SURNAMES)}"
    if nationality == "SN":
        return f"{rng.choice(given)} {rng.choice(SN_SURNAMES)}"
    if nationality == "IN":
        last = "Kaur" if gender == "F" and rng.random() < 0.6 else rng.choice(IN_SURNAMES)
        return f"{rng.choice(given)} {last}"
    first = rng.choice(given)
    if rng.random() < 0.5:
        second = rng.choice(given)
        if second != first:
            first = f"{first} {second}"
    surname_1, surname_2 = rng.sample(ES_SURNAMES, 2)
    return f"{first} {surname_1} {surname_2}"


def strip_accents_upper(name: str) -> str:
    """The way a subscriber register types a name: capitals, no accents (same name key)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def typo(rng: random.Random, name: str) -> str:
    """One realistic keying error in the longest word: a dropped, doubled or swapped letter."""
    words = name.split()
    index = max(range(len(words)), key=lambda i: (len(words[i]), -i))
    word = words[index]
    pos = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:pos] + word[pos + 1 :]
    elif kind == 1:
        word = word[: pos + 1] + word[pos] + word[pos + 1 :]
    else:
        word = word[:pos] + word[pos + 1] + word[pos] + word[pos + 2 :]
    words[index] = word
    return " ".join(words)


def transliterate(name: str) -> str | None:
    """Another common spelling of the name (Creole, English), or None when no rule applies."""
    for source, target in TRANSLITERATIONS:
        if source in name.split() or source in name:
            return name.replace(source, target, 1)
    return None


def surnames_first(name: str) -> str:
    """The register's word order ``SURNAMES Given names`` (same name key, different display)."""
    words = name.split()
    cut = len(words) - 2 if len(words) >= 3 else 1
    return " ".join(words[cut:] + words[:cut])


# --- phones, devices, accounts -----------------------------------------------------------------------


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


MOBILE_PATTERNS: dict[str, Callable[[random.Random], str]] = {
    "CO": lambda r: (
        "+573"
        + r.choice(
            (
                "00",
                "01",
                "04",
                "05",
                "10",
                "11",
                "12",
                "13",
                "14",
                "15",
                "16",
                "17",
                "18",
                "20",
                "21",
                "23",
                "50",
            )
        )
        + _digits(r, 7)
    ),
    "VE": lambda r: "+58" + r.choice(("412", "414", "416", "424", "426")) + _digits(r, 7),
    "EC": lambda r: "+5939" + r.choice("6789") + _digits(r, 7),
    "HT": lambda r: "+509" + r.choice("34") + _digits(r, 7),
    "CU": lambda r: "+535" + _digits(r, 7),
    "PA": lambda r: "+5076" + _digits(r, 7),
    "CR": lambda r: "+506" + r.choice("678") + _digits(r, 7),
    "NI": lambda r: "+5058" + _digits(r, 7),
    "HN": lambda r: "+504" + r.choice("389") + _digits(r, 7),
    "GT": lambda r: "+502" + r.choice("345") + _digits(r, 7),
    "MX": lambda r: "+52" + r.choice(("962", "899", "55", "656")) + _digits(r, 7),
    "US": lambda r: "+1" + r.choice(("713", "832", "281", "956")) + str(r.randrange(2, 10)) + _digits(r, 6),
    "IN": lambda r: "+91" + r.choice("6789") + _digits(r, 9),
    "CN": lambda r: "+861" + r.choice("3578") + _digits(r, 9),
    "SN": lambda r: "+221" + r.choice(("77", "78", "76", "70")) + _digits(r, 7),
}


def luhn_digit(body: str) -> str:
    """The Luhn check digit of ``body`` (the 15th digit of an IMEI)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


TACS = ("35391110", "35875209", "86769204", "35332811", "35679511", "86072305", "35290611")


@dataclass
class Tower:
    cell_id: str
    lat: float
    lon: float
    offset: int  # minutes from UTC


@dataclass
class Account:
    account_id: str
    country: str
    holder: str  # person_id


@dataclass
class Person:
    pid: str
    name: str
    dob: str
    nationality: str
    gender: str
    function: str
    org: int
    cell: int | None  # index into ROUTE, for cell members
    role: str  # the role the graph must show: suspect, victim, witness, unknown
    explicit_id: bool = True
    aliases: list[str] = field(default_factory=list)
    phones: list[tuple[int, str]] = field(default_factory=list)  # (from epoch second, E.164), in order
    towers: list[tuple[int, Tower]] = field(default_factory=list)  # (from epoch second, tower), in order
    accounts: list[Account] = field(default_factory=list)
    t0: int = 0  # victims: when the journey started
    interdiction: Event | None = None  # victims: the interdiction that identified them
    recruiter: Person | None = None  # victims: who recruited them and takes their payments

    def phone_at(self, when: int) -> str:
        current = self.phones[0][1]
        for start, number in self.phones:
            if when >= start:
                current = number
        return current

    def tower_at(self, when: int) -> Tower:
        current = self.towers[0][1]
        for start, tower in self.towers:
            if when >= start:
                current = tower
        return current


@dataclass
class Event:
    arrest_id: str
    when: int
    place: Place
    operation: str
    people: list[tuple[Person, str, str, str]]  # (person, role, charges, name as written: '' = usual)


@dataclass
class Pair:
    a: Person
    b: Person | None  # None: a hub number
    hub: str | None
    weight: float
    since: int
    until: int


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
            body = self.rng.choice(TACS) + _digits(self.rng, 6)
            imei = body + luhn_digit(body)
            if imei not in self.imeis:
                self.imeis.add(imei)
                return imei

    def account(self, country: str, holder: Person, kind: str = "bank") -> Account:
        while True:
            if kind == "mobile_money":
                account_id = f"MM{country}{_digits(self.rng, 10)}"
            elif kind == "hawala":
                account_id = f"HWL{country}{_digits(self.rng, 6)}"
            else:
                account_id = (
                    f"{country}{_digits(self.rng, 2)}{self.rng.choice(BANKS[country])}{_digits(self.rng, 12)}"
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


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def _iso_time(epoch: int, offset_min: int) -> str:
    return datetime.fromtimestamp(epoch, timezone(timedelta(minutes=offset_min))).isoformat()


def _iso_day(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()


# --- one organisation --------------------------------------------------------------------------------


class Org:
    """One smuggling organisation: a cell per route place, brokers, a launderer, its victims and contacts."""

    def __init__(self, ctx: Context, index: int) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.index = index
        self.people: list[Person] = []
        self.cells: list[list[Person]] = [[] for _ in ROUTE]
        self.leaders: list[Person] = []
        self.brokers: list[tuple[Person, list[int]]] = []
        self.victims: list[Person] = []
        self.relatives: list[Person] = []
        self.witnesses: list[Person] = []
        self.events: list[Event] = []
        self.pairs: list[Pair] = []
        self.id_rows: list[dict[str, str]] = []
        self.towers: list[list[Tower]] = []
        self.launderer: Person | None = None
        self.unregistered: set[str] = set()  # the burner and the swapped-in SIM: no register knows them
        self.silent: tuple[Person | None, int] = (None, 0)
        self.seq = 0
        self.sub_seq = 0
        for place_index, place in enumerate(ROUTE):
            towers = []
            for t in range(5):
                angle = 2 * math.pi * t / 5
                towers.append(
                    Tower(
                        f"{place.mcc}-{1 + t % 3:02d}-{10_000 + place_index * 100 + index % 97}-{1000 + t}",
                        round(place.lat + 0.03 * math.cos(angle), 5),
                        round(place.lon + 0.03 * math.sin(angle), 5),
                        OFFSET_MIN[place.country],
                    )
                )
            self.towers.append(towers)

    def cell_id(self, place_index: int) -> str:
        return f"O{self.index + 1:03d}-{place_index + 1:02d}-{ROUTE[place_index].country}"

    def new_person(
        self, nationality: str, function: str, role: str, cell: int | None, age: tuple[int, int]
    ) -> Person:
        rng = self.rng
        gender = "F" if rng.random() < (0.45 if role == "victim" else 0.25) else "M"
        while True:
            name = random_name(rng, nationality, gender)
            born = _day_between(rng, date(2024 - age[1], 1, 1), date(2024 - age[0], 12, 28)).isoformat()
            key = (name_key(name), born)
            if key not in self.ctx.name_keys:
                self.ctx.name_keys.add(key)
                break
        self.seq += 1
        person = Person(
            f"PER-{self.index + 1:03d}-{self.seq:04d}",
            name,
            born,
            nationality,
            gender,
            function,
            self.index,
            cell,
            role,
        )
        self.people.append(person)
        return person

    def give_phone(self, person: Person, country: str, home: Tower) -> str:
        number = self.ctx.number(country)
        person.phones.append((0, number))
        person.towers.append((0, home))
        self.ctx.device_of[number] = [(0, self.ctx.imei())]
        return number

    # -- the people ---------------------------------------------------------------------------------
    def build(self) -> None:
        rng = self.rng
        for place_index, place in enumerate(ROUTE):
            staff = ("leader", *STAFF[place.stage]) + (("recruiter",) if place_index == NI_INDEX else ())
            for function in staff:
                nationality = place.country
                if place.country == "US":
                    nationality = "MX" if rng.random() < 0.6 else "US"
                person = self.new_person(nationality, function, "suspect", place_index, (20, 58))
                arrested = function in ("leader", "collector") or rng.random() < 0.65
                person.role = "suspect" if arrested else "unknown"
                if rng.random() < 0.4:
                    person.aliases.append(rng.choice(ALIASES))
                self.give_phone(person, place.country, rng.choice(self.towers[place_index]))
                self.cells[place_index].append(person)
                if function == "leader":
                    self.leaders.append(person)
        for span in BROKER_SPANS:
            country = ROUTE[span[0]].country if rng.random() < 0.5 else ROUTE[span[-1]].country
            broker = self.new_person(country, "broker", "suspect", None, (28, 60))
            broker.aliases.append(rng.choice(ALIASES))
            self.give_phone(broker, ROUTE[span[0]].country, rng.choice(self.towers[span[0]]))
            self.brokers.append((broker, list(span)))
        launderer = self.new_person(
            "PA" if rng.random() < 0.5 else "CO", "launderer", "suspect", None, (30, 65)
        )
        self.give_phone(launderer, "PA", rng.choice(self.towers[4]))
        self.launderer = launderer
        nationalities = [n for n, _ in VICTIM_NATIONALITIES]
        weights = [w for _, w in VICTIM_NATIONALITIES]
        for _ in range(80):
            nationality = rng.choices(nationalities, weights)[0]
            victim = self.new_person(nationality, "victim", "victim", None, (15, 45))
            victim.explicit_id = rng.random() >= 0.15
            recruit_cell = RECRUITING_CELL[nationality]
            home_country = nationality if nationality in MOBILE_PATTERNS and rng.random() < 0.7 else "CO"
            self.give_phone(victim, home_country, rng.choice(self.towers[recruit_cell]))
            self.victims.append(victim)
        for i in range(18):
            target = self.victims[i * 4] if i < 12 else self.cells[i % len(ROUTE)][0]  # see _relative_targets
            nationality = target.nationality if rng.random() < 0.6 else "US"
            relative = self.new_person(nationality, "relative", "unknown", None, (25, 70))
            country = nationality if nationality in MOBILE_PATTERNS else "US"
            home = 11 if country == "US" else RECRUITING_CELL.get(country, target.cell or 0)
            self.give_phone(relative, country, rng.choice(self.towers[home]))
            self.relatives.append(relative)
        for i in range(2):
            witness = self.new_person(ROUTE[4 + 5 * i].country, "witness", "witness", None, (25, 70))
            self.give_phone(witness, ROUTE[4 + 5 * i].country, rng.choice(self.towers[4 + 5 * i]))
            self.witnesses.append(witness)
        self._accounts()
        self._plant_lookalike()

    def _plant_lookalike(self) -> None:
        """A victim who shares a suspect's name and birth date: two people, never to be merged."""
        suspect = next(p for p in self.cells[VE_INDEX] if p.function == "recruiter")
        victim = next(v for v in self.victims if v.explicit_id and v.nationality == "VE")
        self.ctx.name_keys.discard((name_key(victim.name), victim.dob))
        victim.name, victim.dob = strip_accents_upper(suspect.name).title(), suspect.dob
        victim.gender = suspect.gender
        self.lookalike = suspect
        self.ctx.key["duplicates"]["victim_suspect_lookalikes"].append(
            {
                "victim": victim.pid,
                "suspect": suspect.pid,
                "names": [victim.name, suspect.name],
                "date_of_birth": suspect.dob,
            }
        )

    def _accounts(self) -> None:
        ctx = self.ctx
        for cell in self.cells:
            for person in cell:
                if person.function in ("leader", "collector", "recruiter") or person.cell in (
                    VE_INDEX,
                    MXS_INDEX,
                ):
                    country = ROUTE[person.cell or 0].country
                    ctx.account(country, person, "bank")
                    if person.function == "recruiter" and self.rng.random() < 0.5:
                        ctx.account(country, person, "mobile_money")
        for broker, span in self.brokers:
            ctx.account(ROUTE[span[-1]].country, broker, "bank")
        assert self.launderer is not None
        ctx.account("PA", self.launderer, "bank")
        ctx.account("US", self.launderer, "bank")
        for victim in self.victims:
            if victim.nationality in ("IN", "CN", "SN"):
                ctx.account(victim.nationality, victim, "hawala")
            else:
                region = phonenumbers.region_code_for_number(phonenumbers.parse(victim.phones[0][1])) or "CO"
                ctx.account(region, victim, "mobile_money")
        for relative in self.relatives:
            ctx.account("US" if relative.nationality == "US" else relative.nationality, relative, "bank")

    # -- arrests -----------------------------------------------------------------------------------
    def _operation(self, place: Place, when: int) -> str:
        return f"{place.operation} {datetime.fromtimestamp(when, UTC).year}"

    def _event(self, place_index: int, when: int) -> Event:
        place = ROUTE[place_index]
        event = Event(
            f"A-{self.index + 1:03d}-{len(self.events) + 1:03d}",
            when,
            place,
            self._operation(place, when),
            [],
        )
        self.events.append(event)
        return event

    def plan_events(self) -> None:
        rng, ctx = self.rng, self.ctx
        cells = [c for c, _ in INTERDICTION_CELLS]
        weights = [w for _, w in INTERDICTION_CELLS]
        interdictions: list[Event] = []
        for _ in range(24):
            place_index = rng.choices(cells, weights)[0]
            when = ctx.epoch(_day_between(rng, date(2023, 3, 1), date(2024, 12, 20))) + rng.randrange(DAY)
            event = self._event(place_index, when)
            carriers = [p for p in self.cells[place_index] if p.function in ("driver", "guide")]
            carrier = rng.choice(carriers)
            carrier.role = "suspect"
            event.people.append((carrier, "suspect", "tráfico de migrantes", ""))
            interdictions.append(event)
        for victim in self.victims:
            recruit_cell = RECRUITING_CELL[victim.nationality]
            options = [e for e in interdictions if ROUTE.index(e.place) >= recruit_cell]
            if not options:
                options = interdictions
            event = rng.choice(options)
            victim.interdiction = event
            victim.t0 = event.when - rng.randrange(10, 46) * DAY
            place_index = ROUTE.index(event.place)
            victim.towers.append((victim.t0 + 3 * DAY, rng.choice(self.towers[place_index])))
            event.people.append((victim, "victim", "", ""))
        for place_index, cell in enumerate(self.cells):
            when = ctx.epoch(_day_between(rng, date(2023, 6, 1), date(2024, 12, 15))) + rng.randrange(DAY)
            event = self._event(place_index, when)
            for person in cell:
                if person.role == "suspect":
                    charges = "tráfico de migrantes;concierto para delinquir"
                    if person.function == "collector":
                        charges += ";lavado de activos"
                    if person.function == "leader" and rng.random() < 0.5:
                        charges += ";trata de personas"
                    event.people.append((person, "suspect", charges, ""))
            if place_index in (4, 9):
                event.people.append((self.witnesses[0 if place_index == 4 else 1], "witness", "", ""))
        for broker, span in self.brokers:
            when = ctx.epoch(_day_between(rng, date(2023, 9, 1), date(2024, 12, 15))) + rng.randrange(DAY)
            event = self._event(span[-1], when)
            event.people.append((broker, "suspect", "tráfico de migrantes;concierto para delinquir", ""))
        assert self.launderer is not None
        when = ctx.epoch(_day_between(rng, date(2024, 2, 1), date(2024, 12, 15)))
        event = self._event(4, when)
        event.operation = f"Operación Dinero Limpio {datetime.fromtimestamp(when, UTC).year}"
        event.people.append((self.launderer, "suspect", "lavado de activos", ""))
        self._plant_rearrest()
        self.events.sort(key=lambda e: (e.when, e.arrest_id))

    def _plant_rearrest(self) -> None:
        """A suspect arrested again months later, written without accents and without person_id."""
        rng, ctx = self.rng, self.ctx
        last: dict[str, int] = {}
        for event in self.events:
            for person, role, _, _ in event.people:
                if role == "suspect":
                    last[person.pid] = max(last.get(person.pid, 0), event.when)
        limit = ctx.epoch(date(2024, 9, 1))
        options = [
            p
            for cell in self.cells[3:]
            for p in cell
            if p.pid in last and last[p.pid] < limit and p.nationality in ES_NATS and p.function != "leader"
        ]
        person = rng.choice(options)
        when = last[person.pid] + rng.randrange(60, 120) * DAY
        place_index = person.cell if person.cell is not None else CO_INDEX
        event = self._event(place_index, when)
        variant = strip_accents_upper(person.name)
        event.people.append((person, "suspect", "tráfico de migrantes", variant))
        ctx.key["duplicates"]["merge_on_load"].append(
            {
                "person_id": person.pid,
                "names": [person.name, variant],
                "date_of_birth": person.dob,
                "rule": "re-arrest without person_id, case and accents",
                "files": ["arrests.csv"],
            }
        )

    # -- planted phone patterns ---------------------------------------------------------------------
    def plant_phone_patterns(self) -> None:
        rng, ctx = self.rng, self.ctx
        # Handset swap: a VE recruiter's handset takes a new SIM; the old number falls silent.
        recruiter = next(p for p in self.cells[VE_INDEX] if p.function == "recruiter")
        old = recruiter.phones[0][1]
        imei = ctx.device_of[old][0][1]
        swap_at = ctx.epoch(_day_between(rng, date(2023, 8, 1), date(2023, 11, 30)))
        new = ctx.number("VE")
        self.unregistered.add(new)
        recruiter.phones.append((swap_at, new))
        ctx.device_of[new] = [(swap_at, imei)]
        ctx.key["handset_swaps"].append(
            {"imei": imei, "numbers": [old, new], "person_id": recruiter.pid, "swap_date": _iso_day(swap_at)}
        )
        # Device change: a Necoclí guide keeps the number and moves it into a new handset.
        guide = next(p for p in self.cells[CO_INDEX] if p.function == "guide")
        number = guide.phones[0][1]
        change_at = ctx.epoch(_day_between(rng, date(2024, 1, 10), date(2024, 3, 20)))
        old_imei = ctx.device_of[number][0][1]
        new_imei = ctx.imei()
        ctx.device_of[number].append((change_at, new_imei))
        ctx.key["device_changes"].append(
            {
                "number": number,
                "imeis": [old_imei, new_imei],
                "person_id": guide.pid,
                "date": _iso_day(change_at),
            }
        )
        # Burner: the Tapachula leader's number goes silent in May 2024; an unregistered one takes over.
        leader = self.cells[MXS_INDEX][0]
        burned = leader.phones[0][1]
        silent_at = ctx.epoch(_day_between(rng, date(2024, 5, 5), date(2024, 5, 25)))
        burner = ctx.number("MX")
        self.unregistered.add(burner)
        leader.phones.append((silent_at, burner))
        ctx.device_of[burner] = [(silent_at, ctx.imei())]
        ctx.key["burners"].append(
            {
                "old": burned,
                "new": burner,
                "person_id": leader.pid,
                "silent_from": _iso_day(silent_at),
                "gap_days": 3,
            }
        )
        self.silent = (leader, silent_at)

    # -- who calls whom ------------------------------------------------------------------------------
    def plan_contacts(self) -> None:
        rng = self.rng
        whole = (int(START.timestamp()), int(END.timestamp()))
        pairs = self.pairs
        for cell in self.cells:
            leader = cell[0]
            for member in cell[1:]:
                pairs.append(Pair(leader, member, None, 6.0, *whole))
            for i, a in enumerate(cell[1:]):
                for b in cell[i + 2 :]:
                    if rng.random() < 0.5:
                        pairs.append(Pair(a, b, None, 2.0, *whole))
        for broker, span in self.brokers:
            for place_index in span:
                pairs.append(Pair(broker, self.cells[place_index][0], None, 5.0, *whole))
                for member in rng.sample(self.cells[place_index][1:], 2):
                    pairs.append(Pair(broker, member, None, 1.5, *whole))
        if self.ctx.prev_co_leader is not None:
            broker = self.brokers[0][0]
            pairs.append(Pair(broker, self.ctx.prev_co_leader, None, 2.0, *whole))
        assert self.launderer is not None
        for place_index in (VE_INDEX, MXS_INDEX):
            collector = next(p for p in self.cells[place_index] if p.function == "collector")
            pairs.append(Pair(self.launderer, collector, None, 2.0, *whole))
        pairs.append(Pair(self.launderer, self.cells[MXS_INDEX][0], None, 1.0, *whole))
        for victim in self.victims:
            recruit_cell = RECRUITING_CELL[victim.nationality]
            recruiter = rng.choice([p for p in self.cells[recruit_cell] if p.function == "recruiter"])
            victim.function = "victim"
            pairs.append(Pair(victim, recruiter, None, 3.0, victim.t0 - 35 * DAY, victim.t0 + 2 * DAY))
            # The cell's driver takes them to the border; on the road they travel without their own phone
            # contacts with the transit cells (they meet the carrier in person: the co-arrest shows it).
            driver = next(p for p in self.cells[recruit_cell] if p.function in ("driver", "guide"))
            pairs.append(Pair(victim, driver, None, 1.0, victim.t0 - 5 * DAY, victim.t0 + 3 * DAY))
            victim.recruiter = recruiter
        for relative, target in zip(self.relatives, self._relative_targets(), strict=True):
            pairs.append(Pair(relative, target, None, 2.0, *whole))
        for person in list(self.people):
            for (number, _), chance in zip(HUBS, HUB_CALL_PROBABILITY, strict=True):
                if rng.random() < chance:
                    pairs.append(Pair(person, None, number, 0.5, *whole))

    def _relative_targets(self) -> list[Person]:
        """The person each relative calls and supports: a victim, or a cell leader."""
        return [
            self.victims[i * 4] if i < 12 else self.cells[i % len(ROUTE)][0]
            for i in range(len(self.relatives))
        ]

    # -- rows ----------------------------------------------------------------------------------------
    def arrest_rows(self) -> Iterator[dict[str, str]]:
        rng, ctx = self.rng, self.ctx
        for event in self.events:
            place = event.place
            for person, role, charges, written_name in event.people:
                phones = ""
                if person.role == "victim" or rng.random() < 0.7:
                    phones = ctx.written(person.phones[0][1])
                accounts = ""
                if person.function in ("collector", "launderer", "victim"):
                    accounts = ";".join(a.account_id for a in person.accounts)
                yield {
                    "arrest_id": event.arrest_id,
                    "arrest_date": _iso_day(event.when),
                    "full_name": written_name or person.name,
                    "person_id": person.pid if person.explicit_id and not written_name else "",
                    "aliases": ";".join(person.aliases),
                    "date_of_birth": person.dob,
                    "gender": person.gender,
                    "nationality": person.nationality,
                    "role": role,
                    "charges": charges,
                    "operation": event.operation,
                    "agency": place.agency,
                    "city": place.city,
                    "country": place.country,
                    "latitude": f"{place.lat:.4f}",
                    "longitude": f"{place.lon:.4f}",
                    "phones": phones,
                    "accounts": accounts,
                }

    def _id_row(self, kind: str, value: str, person: Person, **extra: str) -> None:
        row = {
            "identifier_type": kind,
            "identifier": value,
            "person_id": person.pid,
            "full_name": person.name,
            "date_of_birth": person.dob,
            "nationality": person.nationality,
            "valid_from": "",
            "valid_to": "",
            "source": "",
        }
        row.update(extra)
        self.id_rows.append(row)

    def identifier_rows(self) -> Iterator[dict[str, str]]:
        rng, ctx = self.rng, self.ctx
        carrier = {"CO": "Claro Colombia", "VE": "Movistar Venezuela", "MX": "Telcel", "US": "AT&T"}
        for person in self.people:
            if person.role == "victim":
                if person.nationality in ("IN", "CN", "SN", "HT") and person.explicit_id:
                    self._id_row(
                        "passport",
                        f"{person.nationality}{_digits(rng, 7)}",
                        person,
                        source="Migración Panamá, registro biométrico",
                    )
                continue
            for i, (start, number) in enumerate(person.phones):
                if number in self.unregistered:
                    continue
                until = person.phones[i + 1][0] if i + 1 < len(person.phones) else 0
                region = phonenumbers.region_code_for_number(phonenumbers.parse(number)) or "CO"
                self._id_row(
                    "phone",
                    ctx.written(number),
                    person,
                    valid_from=_iso_day(start) if start else "2022-01-01",
                    valid_to=_iso_day(until) if until else "",
                    source=f"Registro de abonados {carrier.get(region, 'operador ' + region)}",
                )
            for account in person.accounts:
                shown = account.account_id
                if rng.random() < 0.2:
                    shown = " ".join(shown[i : i + 4] for i in range(0, len(shown), 4)).lower()
                self._id_row("account", shown, person, source="UIF, debida diligencia (KYC)")
            if person.role == "suspect" and rng.random() < 0.35:
                imei = ctx.device_of[person.phones[0][1]][0][1]
                self._id_row("imei", imei, person, source="Incautación, acta de cadena de custodia")
            if person.function in ("leader", "broker") and rng.random() < 0.5:
                user = name_key(person.name).replace(" ", ".")[:20]
                self._id_row(
                    "email",
                    f"{user}{rng.randrange(10, 99)}@gmail.com",
                    person,
                    source="Orden judicial, proveedor de correo",
                )
        self._plant_duplicates()
        yield from self.id_rows

    def _plant_duplicates(self) -> None:
        rng, ctx = self.rng, self.ctx
        dup = ctx.key["duplicates"]
        # Same person, same birth date: the register writes capitals without accents, no person_id.
        arrested = [
            p
            for p in self.people
            if p.role == "suspect" and p.explicit_id and p.nationality in ES_NATS and p is not self.lookalike
        ]
        for person in rng.sample(arrested, 3):
            variant = strip_accents_upper(person.name)
            if rng.random() < 0.5:
                variant = variant.lower().title()
            row = {
                "identifier_type": "phone",
                "identifier": ctx.formats(person.phones[0][1])[0],
                "person_id": "",
                "full_name": variant,
                "date_of_birth": person.dob,
                "nationality": person.nationality,
                "valid_from": "2022-06-01",
                "valid_to": "",
                "source": "Registro de abonados, segundo operador",
            }
            self.id_rows.append(row)
            dup["merge_on_load"].append(
                {
                    "person_id": person.pid,
                    "names": [person.name, variant],
                    "date_of_birth": person.dob,
                    "rule": "case and accents",
                    "files": ["arrests.csv", "identifiers.csv"],
                }
            )
        # Victims known only by name and birth date: their passport row joins the derived person.
        for victim in [v for v in self.victims if not v.explicit_id][:2]:
            derived = derived_person_id(name_key(victim.name), victim.dob, victim.nationality)
            variant = victim.name.lower()
            self.id_rows.append(
                {
                    "identifier_type": "passport",
                    "identifier": f"{victim.nationality}{_digits(rng, 7)}",
                    "person_id": "",
                    "full_name": variant,
                    "date_of_birth": victim.dob,
                    "nationality": victim.nationality,
                    "valid_from": "",
                    "valid_to": "",
                    "source": "Migración Panamá, registro biométrico",
                }
            )
            dup["merge_on_load"].append(
                {
                    "person_id": derived,
                    "names": [victim.name, variant],
                    "date_of_birth": victim.dob,
                    "rule": "no person_id: derived key",
                    "files": ["arrests.csv", "identifiers.csv"],
                }
            )
        # Fuzzy candidates: another register lists a typo, a transliteration or the surnames first.
        co_guides = [p for p in self.cells[CO_INDEX] if p.function in ("guide", "driver")]
        ht_cell = self.cells[HT_INDEX]
        candidates = [
            (
                rng.choice([p for p in self.cells[VE_INDEX + 3] if p.nationality in ES_NATS] or co_guides),
                "typo",
            ),
            (next((p for p in ht_cell if transliterate(p.name)), ht_cell[0]), "transliteration"),
            (co_guides[-1], "word order"),
        ]
        for person, kind in candidates:
            if kind == "typo":
                variant = typo(rng, person.name)
            elif kind == "transliteration":
                variant = transliterate(person.name) or typo(rng, person.name)
            else:
                variant = surnames_first(person.name).upper()
            self.sub_seq += 1
            twin = Person(
                f"SUB-{self.index + 1:03d}-{self.sub_seq:03d}",
                variant,
                person.dob,
                person.nationality,
                person.gender,
                "duplicate record",
                self.index,
                None,
                "unknown",
            )
            ctx.name_keys.add((name_key(variant), person.dob))
            self.people.append(twin)
            self._id_row(
                "phone",
                ctx.written(person.phones[0][1]),
                twin,
                valid_from="2023-01-15",
                source="Registro de abonados, operador prepago",
            )
            dup["fuzzy_pairs"].append(
                {
                    "person_ids": [person.pid, twin.pid],
                    "names": [person.name, variant],
                    "kind": kind,
                    "date_of_birth": person.dob,
                    "shared_phone": person.phones[0][1],
                }
            )

    def call_rows(self, n_calls: int) -> Iterator[dict[str, str]]:
        rng, ctx = self.rng, self.ctx
        cumulative: list[float] = []
        total = 0.0
        for pair in self.pairs:
            total += pair.weight
            cumulative.append(total)
        leader, silent_at = self.silent
        hours = list(range(24))
        hour_cumulative = list(itertools.accumulate(HOUR_WEIGHTS))
        calls: list[tuple[int, Person, Person | None, str, str]] = []
        for pair in rng.choices(self.pairs, cum_weights=cumulative, k=n_calls):
            day = rng.randrange(pair.since // DAY, max(pair.since // DAY + 1, pair.until // DAY))
            when = day * DAY + rng.choices(hours, cum_weights=hour_cumulative)[0] * 3600 + rng.randrange(3600)
            when = min(max(when, pair.since), pair.until)
            if pair.b is None:
                caller, callee_person = pair.a, None
            elif rng.random() < 0.5:
                caller, callee_person = pair.a, pair.b
            else:
                caller, callee_person = pair.b, pair.a
            for person in (caller, callee_person):
                if person is leader and silent_at <= when < silent_at + 3 * DAY:
                    when += 3 * DAY  # the burner starts three days after the old number falls silent
            caller_number = caller.phone_at(when)
            callee_number = pair.hub if callee_person is None else callee_person.phone_at(when)
            assert callee_number is not None
            calls.append((when, caller, callee_person, caller_number, callee_number))
        calls.sort(key=lambda c: c[0])
        for when, caller, callee_person, caller_number, callee_number in calls:
            tower = caller.tower_at(when)
            sms = rng.random() < 0.25
            duration = 0 if sms else min(3600, max(5, int(rng.lognormvariate(4.0, 1.0))))
            ctx.call_seq += 1
            callee_cell = callee_person.tower_at(when).cell_id if callee_person is not None else ""
            yield {
                "call_id": f"CDR-{ctx.call_seq:09d}",
                "caller": ctx.written(caller_number),
                "callee": ctx.written(callee_number),
                "start_time": _iso_time(when, tower.offset),
                "duration_s": str(duration),
                "call_type": "sms" if sms else "voice",
                "caller_imei": _imei_at(ctx.device_of[caller_number], when),
                "callee_imei": "",
                "caller_cell": tower.cell_id,
                "callee_cell": callee_cell,
                "caller_lat": f"{tower.lat:.5f}",
                "caller_lon": f"{tower.lon:.5f}",
            }

    def transfer_rows(self, n_transfers: int) -> Iterator[dict[str, str]]:
        rng, ctx = self.rng, self.ctx
        rows: list[tuple[int, dict[str, str]]] = []
        seq = 0

        def add(
            sender: Account,
            receiver: Account,
            cents: int,
            currency: str,
            when: int,
            channel: str,
            reference: str,
            by: Person,
            to: Person,
        ) -> str:
            nonlocal seq
            seq += 1
            tx = f"TX-{self.index + 1:03d}-{seq:05d}"
            offset = OFFSET_MIN.get(sender.country, 0)
            sender_name = by.name if rng.random() < 0.7 else strip_accents_upper(by.name)
            rows.append(
                (
                    when,
                    {
                        "transaction_id": tx,
                        "sender_account": sender.account_id,
                        "receiver_account": receiver.account_id,
                        "amount": f"{cents // 100}.{cents % 100:02d}",
                        "currency": currency,
                        "timestamp": _iso_time(when, offset),
                        "channel": channel,
                        "sender_name": sender_name,
                        "receiver_name": to.name,
                        "sender_country": sender.country,
                        "receiver_country": receiver.country,
                        "reference": reference,
                    },
                )
            )
            return tx

        # Victims pay their recruiter before the journey.
        for victim in self.victims:
            recruiter = victim.recruiter
            assert recruiter is not None
            target = recruiter.accounts[-1]
            for _ in range(rng.choice((1, 1, 2))):
                when = victim.t0 - rng.randrange(1, 20) * DAY - rng.randrange(DAY)
                channel = (
                    "hawala"
                    if victim.accounts[0].account_id.startswith("HWL")
                    else rng.choice(("remittance", "mobile_money"))
                )
                cents = rng.randrange(300, 3500) * 100
                add(victim.accounts[0], target, cents, "USD", when, channel, "viaje", victim, recruiter)
        # Recruiters pass the money to their cell's collector.
        for place_index in (0, 1, 2, NI_INDEX):
            collector = next(p for p in self.cells[place_index] if p.function == "collector")
            for recruiter in [p for p in self.cells[place_index] if p.function == "recruiter"]:
                for _ in range(3):
                    when = ctx.epoch(_day_between(rng, date(2023, 2, 1), date(2024, 12, 20)))
                    add(
                        recruiter.accounts[0],
                        collector.accounts[0],
                        rng.randrange(1000, 4000) * 100,
                        "USD",
                        when,
                        "bank",
                        "abono",
                        recruiter,
                        collector,
                    )
        # Structuring: deposits just under the threshold into two collectors, then on to another country.
        assert self.launderer is not None
        laundering = self.launderer.accounts
        for place_index, destination in ((VE_INDEX, laundering[0]), (MXS_INDEX, laundering[1])):
            collector = next(p for p in self.cells[place_index] if p.function == "collector")
            account = collector.accounts[0]
            payers = [p for p in self.cells[place_index] if p.accounts and p is not collector]
            start = ctx.epoch(_day_between(rng, date(2023, 4, 1), date(2024, 9, 1)))
            tx_in: list[str] = []
            tx_out: list[str] = []
            for i in range(12):
                payer = payers[i % len(payers)]
                when = start + i * DAY + rng.randrange(DAY)
                cents = rng.randrange(STRUCTURING_MIN_CENTS // 100, STRUCTURING_MAX_CENTS // 100 + 1) * 100
                cents += rng.randrange(100) if rng.random() < 0.3 else 0
                cents = min(cents, STRUCTURING_MAX_CENTS)
                tx_in.append(
                    add(payer.accounts[0], account, cents, "USD", when, "bank", "depósito", payer, collector)
                )
            for i in range(8):
                when = start + (14 + i) * DAY + rng.randrange(DAY)
                cents = rng.randrange(STRUCTURING_MIN_CENTS // 100, STRUCTURING_MAX_CENTS // 100 + 1) * 100
                tx_out.append(
                    add(
                        account,
                        destination,
                        cents,
                        "USD",
                        when,
                        "wire",
                        "servicios",
                        collector,
                        self.launderer,
                    )
                )
            ctx.key["structuring"].append(
                {
                    "account_id": account.account_id,
                    "person_id": collector.pid,
                    "onward_account": destination.account_id,
                    "onward_country": destination.country,
                    "deposits": tx_in,
                    "onward": tx_out,
                }
            )
        # The launderer pays the organisation's leaders and brokers.
        for paid in [self.cells[0][0], self.cells[MXS_INDEX][0], self.brokers[2][0]]:
            when = ctx.epoch(_day_between(rng, date(2023, 9, 1), date(2024, 12, 20)))
            add(
                laundering[1],
                paid.accounts[0],
                rng.randrange(20_000, 50_000) * 100,
                "USD",
                when,
                "wire",
                "consultoría",
                self.launderer,
                paid,
            )
        ctx.key["launderers"]["person_ids"].append(self.launderer.pid)
        ctx.key["launderers"]["account_ids"].extend(a.account_id for a in laundering)
        # Ordinary remittances: relatives send money home to the one person they support.
        supported = list(zip(self.relatives, self._relative_targets(), strict=True))
        while len(rows) < n_transfers:
            by, to = rng.choice(supported)
            when = ctx.epoch(_day_between(rng, date(2023, 1, 1), date(2024, 12, 30))) + rng.randrange(DAY)
            currency = rng.choice(("USD", "USD", "USD", "COP", "MXN"))
            units = {"USD": (50, 900), "COP": (200_000, 3_000_000), "MXN": (1_000, 15_000)}[currency]
            add(
                by.accounts[0],
                to.accounts[0],
                rng.randrange(*units) * 100,
                currency,
                when,
                rng.choice(("remittance", "remittance", "mobile_money", "bank")),
                "familia",
                by,
                to,
            )
        rows.sort(key=lambda r: (r[0], r[1]["transaction_id"]))
        for _, row in rows:
            yield row

    def answer(self) -> None:
        key = self.ctx.key
        for person in self.people:
            pid = (
                person.pid
                if person.explicit_id
                else derived_person_id(name_key(person.name), person.dob, person.nationality)
            )
            entry: dict[str, Any] = {
                "name": person.name,
                "date_of_birth": person.dob,
                "nationality": person.nationality,
                "role": person.role,
                "function": person.function,
                "org": person.org + 1,
                "explicit_id": person.explicit_id,
            }
            if person.cell is not None:
                entry["cell"] = self.cell_id(person.cell)
                key["cells"][pid] = {"cell": self.cell_id(person.cell), "country": ROUTE[person.cell].country}
            key["people"][pid] = entry
            if person.role == "victim":
                key["victims"].append(pid)
            for _, number in person.phones:
                key["phones"][number] = pid
        for place_index, cell in enumerate(self.cells):
            place = ROUTE[place_index]
            key["cell_info"][self.cell_id(place_index)] = {
                "country": place.country,
                "city": place.city,
                "stage": place.stage,
                "org": self.index + 1,
                "leader": cell[0].pid,
                "members": [p.pid for p in cell],
            }
            key["cell_leaders"].append(cell[0].pid)
        for i, (broker, span) in enumerate(self.brokers):
            cells = [self.cell_id(c) for c in span]
            if i == 0 and self.ctx.prev_co_leader is not None:
                prev = self.ctx.prev_co_leader
                cells.append(f"O{prev.org + 1:03d}-{CO_INDEX + 1:02d}-CO")
            key["brokers"].append(
                {
                    "person_id": broker.pid,
                    "cells": cells,
                    "countries": sorted({ROUTE[c].country for c in span}),
                }
            )
        self.ctx.prev_co_leader = self.cells[CO_INDEX][0]


ES_NATS = ("VE", "CO", "EC", "PA", "CR", "NI", "HN", "GT", "MX", "US", "CU")


def _imei_at(timeline: list[tuple[int, str]], when: int) -> str:
    current = timeline[0][1]
    for start, imei in timeline:
        if when >= start:
            current = imei
    return current


# --- writing ---------------------------------------------------------------------------------------


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def _writer(handle: TextIO, columns: tuple[str, ...]) -> csv.DictWriter[str]:
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    return writer


def generate(out_dir: Path, scale: Scale, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Write the four CSV files and ``answer_key.json`` into ``out_dir``; return the answer key.

    Organisations are generated and written one at a time, so memory grows with the people (for the
    answer key), not with the calls or transfers. Files are written under temporary names and renamed
    at the end: a present ``answer_key.json`` means a complete dataset.
    """
    try:
        return _generate(out_dir, scale, seed)
    except OSError as exc:
        raise InputError(
            f"cannot write the demo files in {out_dir}: {exc.strerror or exc}",
            "choose a writable folder with --out",
        ) from exc


def _generate(out_dir: Path, scale: Scale, seed: int) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = Context(seed, scale)
    paths = {kind: out_dir / name for kind, (name, _) in FILES.items()}
    temps = {kind: path.with_suffix(".csv.part") for kind, path in paths.items()}
    (out_dir / ANSWER_KEY).unlink(missing_ok=True)
    handles = {kind: open(temps[kind], "w", encoding="utf-8", newline="") for kind in FILES}
    try:
        writers = {kind: _writer(handles[kind], FILES[kind][1]) for kind in FILES}
        for index in range(scale.orgs):
            org = Org(ctx, index)
            org.build()
            org.plan_events()
            org.plant_phone_patterns()
            org.plan_contacts()
            for kind, rows in (
                ("arrests", org.arrest_rows()),
                ("identifiers", org.identifier_rows()),
                ("calls", org.call_rows(_share(scale.calls, scale.orgs, index))),
                ("transfers", org.transfer_rows(_share(scale.transfers, scale.orgs, index))),
            ):
                for row in rows:
                    writers[kind].writerow(row)
                    ctx.counts[kind] += 1
            org.answer()
    finally:
        for handle in handles.values():
            handle.close()
    for kind in FILES:
        os.replace(temps[kind], paths[kind])
    key = ctx.key
    key["counts"] = {"people": len(key["people"]), "rows": dict(ctx.counts), "phones": len(key["phones"])}
    with open(out_dir / ANSWER_KEY, "w", encoding="utf-8") as handle:
        json.dump(key, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return key


def read_answer_key(out_dir: Path) -> dict[str, Any] | None:
    """The answer key of a complete dataset in ``out_dir``, or None when there is none."""
    path = out_dir / ANSWER_KEY
    if not path.exists():
        return None
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def ensure_generated(out_dir: Path, scale: Scale, seed: int = DEFAULT_SEED) -> tuple[dict[str, Any], bool]:
    """The dataset in ``out_dir``, generated unless the same version, scale and seed is already there."""
    key = read_answer_key(out_dir)
    if (
        key is not None
        and key.get("generator_version") == GENERATOR_VERSION
        and key.get("scale") == scale.name
        and key.get("seed") == seed
        and all((out_dir / name).exists() for name, _ in FILES.values())
    ):
        return key, False
    return generate(out_dir, scale, seed), True


def demo_files(out_dir: Path) -> list[tuple[str, Path]]:
    """The dataset's files in load order: (kind, path)."""
    return [(kind, out_dir / FILES[kind][0]) for kind in LOAD_ORDER]


def planted_summary(key: dict[str, Any]) -> dict[str, int]:
    """How many of each planted pattern the answer key holds (for the CLI summary)."""
    duplicates = key["duplicates"]
    return {
        "people": len(key["people"]),
        "cells": len(key["cell_info"]),
        "brokers": len(key["brokers"]),
        "victims": len(key["victims"]),
        "launderers": len(key["launderers"]["person_ids"]),
        "structuring accounts": len(key["structuring"]),
        "handset swaps": len(key["handset_swaps"]),
        "device changes": len(key["device_changes"]),
        "burner replacements": len(key["burners"]),
        "merges on load": len(duplicates["merge_on_load"]),
        "fuzzy duplicate pairs": len(duplicates["fuzzy_pairs"]),
        "victim/suspect look-alikes": len(duplicates["victim_suspect_lookalikes"]),
        "ordinary hub numbers": len(key["hub_numbers"]),
    }


def load_demo(graph: Graph, out_dir: Path, *, progress: bool = True) -> list[LoadSummary]:
    """Load the dataset in ``out_dir`` with the loaders: arrests, identifiers, calls, transfers."""
    from loaders.pipeline import load_file

    return [
        load_file(graph, kind, path, region=PHONE_REGION, source_name=f"demo {kind}", progress=progress)
        for kind, path in demo_files(out_dir)
    ]
