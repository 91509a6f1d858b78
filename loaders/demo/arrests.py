"""Arrests: interdictions of victims with their carrier, cell round-ups, a re-arrest; their CSV rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from loaders.demo.model import Event, Place, day_between, iso_day
from loaders.demo.names import ES_NATS, strip_accents_upper
from loaders.demo.organisation import Org
from loaders.demo.outcomes import TRAFFICKING_FORMS, exploitation_forms
from loaders.demo.route import CO_INDEX, DAY, INTERDICTION_CELLS, RECRUITING_CELL, ROUTE


def _operation(org: Org, place: Place, when: int) -> str:
    return f"{place.operation} {datetime.fromtimestamp(when, UTC).year}"


def _event(org: Org, place_index: int, when: int) -> Event:
    place = ROUTE[place_index]
    event = Event(
        f"A-{org.index + 1:03d}-{len(org.events) + 1:03d}",
        when,
        place,
        _operation(org, place, when),
        [],
    )
    org.events.append(event)
    return event


def plan_events(org: Org) -> None:
    """The arrest events: interdictions with their victims, one round-up per cell, brokers, the launderer."""
    rng, ctx = org.rng, org.ctx
    cells = [c for c, _ in INTERDICTION_CELLS]
    weights = [w for _, w in INTERDICTION_CELLS]
    interdictions: list[Event] = []
    for _ in range(24):
        place_index = rng.choices(cells, weights)[0]
        when = ctx.epoch(day_between(rng, date(2023, 3, 1), date(2024, 12, 20))) + rng.randrange(DAY)
        event = _event(org, place_index, when)
        carriers = [p for p in org.cells[place_index] if p.function in ("driver", "guide")]
        carrier = rng.choice(carriers)
        carrier.role = "suspect"
        event.people.append((carrier, "suspect", "tráfico de migrantes", ""))
        interdictions.append(event)
    for victim in org.victims:
        recruit_cell = RECRUITING_CELL[victim.nationality]
        options = [e for e in interdictions if ROUTE.index(e.place) >= recruit_cell]
        if not options:
            options = interdictions
        event = rng.choice(options)
        victim.interdiction = event
        victim.t0 = event.when - rng.randrange(10, 46) * DAY
        place_index = ROUTE.index(event.place)
        victim.towers.append((victim.t0 + 3 * DAY, rng.choice(org.towers[place_index])))
        event.people.append((victim, "victim", "", ""))
    for place_index, cell in enumerate(org.cells):
        when = ctx.epoch(day_between(rng, date(2023, 6, 1), date(2024, 12, 15))) + rng.randrange(DAY)
        event = _event(org, place_index, when)
        for person in cell:
            if person.role == "suspect":
                charges = "tráfico de migrantes;concierto para delinquir"
                if person.function == "collector":
                    charges += ";lavado de activos"
                if person.function == "leader" and rng.random() < 0.5:
                    charges += ";trata de personas"
                event.people.append((person, "suspect", charges, ""))
        if place_index in (4, 9):
            event.people.append((org.witnesses[0 if place_index == 4 else 1], "witness", "", ""))
    for broker, span in org.brokers:
        when = ctx.epoch(day_between(rng, date(2023, 9, 1), date(2024, 12, 15))) + rng.randrange(DAY)
        event = _event(org, span[-1], when)
        event.people.append((broker, "suspect", "tráfico de migrantes;concierto para delinquir", ""))
    assert org.launderer is not None
    when = ctx.epoch(day_between(rng, date(2024, 2, 1), date(2024, 12, 15)))
    event = _event(org, 4, when)
    event.operation = f"Operación Dinero Limpio {datetime.fromtimestamp(when, UTC).year}"
    event.people.append((org.launderer, "suspect", "lavado de activos", ""))
    _plant_rearrest(org)
    org.events.sort(key=lambda e: (e.when, e.arrest_id))


def _plant_rearrest(org: Org) -> None:
    """A suspect arrested again months later, written without accents and without person_id."""
    rng, ctx = org.rng, org.ctx
    last: dict[str, int] = {}
    for event in org.events:
        for person, role, _, _ in event.people:
            if role == "suspect":
                last[person.pid] = max(last.get(person.pid, 0), event.when)
    limit = ctx.epoch(date(2024, 9, 1))
    options = [
        p
        for cell in org.cells[3:]
        for p in cell
        if p.pid in last and last[p.pid] < limit and p.nationality in ES_NATS and p.function != "leader"
    ]
    person = rng.choice(options)
    when = last[person.pid] + rng.randrange(60, 120) * DAY
    place_index = person.cell if person.cell is not None else CO_INDEX
    event = _event(org, place_index, when)
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


def arrest_rows(org: Org) -> Iterator[dict[str, str]]:
    """One ``arrests.csv`` row per person per event, in event order."""
    rng, ctx = org.rng, org.ctx
    forms = exploitation_forms(org)
    for event in org.events:
        place = event.place
        # a victim exploited for sex or labour makes the interdiction's carrier a trafficker too
        exploited = any(
            role == "victim" and forms.get(p.pid) in TRAFFICKING_FORMS for p, role, _, _ in event.people
        )
        for person, role, charges, written_name in event.people:
            if exploited and role == "suspect":
                charges += ";trata de personas"
            phones = ""
            if person.role == "victim" or rng.random() < 0.7:
                phones = ctx.written(person.phones[0][1])
            accounts = ""
            if person.function in ("collector", "launderer", "victim"):
                accounts = ";".join(a.account_id for a in person.accounts)
            yield {
                "arrest_id": event.arrest_id,
                "arrest_date": iso_day(event.when),
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
                "exploitation": forms.get(person.pid, "") if role == "victim" else "",
            }
