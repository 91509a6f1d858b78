"""The generator's records: cell towers, accounts, people, arrest events, calling pairs; date helpers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from loaders.demo.route import Place


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


def day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def iso_time(epoch: int, offset_min: int) -> str:
    return datetime.fromtimestamp(epoch, timezone(timedelta(minutes=offset_min))).isoformat()


def iso_day(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).date().isoformat()
