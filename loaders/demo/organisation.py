"""One organisation's state: its cells and towers, people, events, calling pairs and identifier rows."""

from __future__ import annotations

import math
from datetime import date

from loaders.demo.context import Context
from loaders.demo.model import Event, Pair, Person, Tower, day_between
from loaders.demo.names import random_name
from loaders.demo.route import OFFSET_MIN, ROUTE
from values.name import name_key


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
        self.lookalike: Person | None = None  # the suspect a victim shares name and birth date with
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
            born = day_between(rng, date(2024 - age[1], 1, 1), date(2024 - age[0], 12, 28)).isoformat()
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

    def relative_targets(self) -> list[Person]:
        """The person each relative calls and supports: a victim, or a cell leader."""
        return [
            self.victims[i * 4] if i < 12 else self.cells[i % len(ROUTE)][0]
            for i in range(len(self.relatives))
        ]
