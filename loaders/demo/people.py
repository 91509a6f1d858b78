"""An organisation's people: a cell per route place, brokers, a launderer, victims, relatives, witnesses."""

from __future__ import annotations

import phonenumbers

from loaders.demo.devices import MOBILE_PATTERNS
from loaders.demo.names import ALIASES, strip_accents_upper
from loaders.demo.organisation import Org
from loaders.demo.route import (
    BROKER_SPANS,
    MXS_INDEX,
    NI_INDEX,
    RECRUITING_CELL,
    ROUTE,
    STAFF,
    VE_INDEX,
    VICTIM_NATIONALITIES,
)
from values.name import name_key


def build_people(org: Org) -> None:
    """The people, cell by cell along the route, then brokers, launderer, victims, relatives, witnesses."""
    rng = org.rng
    for place_index, place in enumerate(ROUTE):
        staff = ("leader", *STAFF[place.stage]) + (("recruiter",) if place_index == NI_INDEX else ())
        for function in staff:
            nationality = place.country
            if place.country == "US":
                nationality = "MX" if rng.random() < 0.6 else "US"
            person = org.new_person(nationality, function, "suspect", place_index, (20, 58))
            arrested = function in ("leader", "collector") or rng.random() < 0.65
            person.role = "suspect" if arrested else "unknown"
            if rng.random() < 0.4:
                person.aliases.append(rng.choice(ALIASES))
            org.give_phone(person, place.country, rng.choice(org.towers[place_index]))
            org.cells[place_index].append(person)
            if function == "leader":
                org.leaders.append(person)
    for span in BROKER_SPANS:
        country = ROUTE[span[0]].country if rng.random() < 0.5 else ROUTE[span[-1]].country
        broker = org.new_person(country, "broker", "suspect", None, (28, 60))
        broker.aliases.append(rng.choice(ALIASES))
        org.give_phone(broker, ROUTE[span[0]].country, rng.choice(org.towers[span[0]]))
        org.brokers.append((broker, list(span)))
    launderer = org.new_person("PA" if rng.random() < 0.5 else "CO", "launderer", "suspect", None, (30, 65))
    org.give_phone(launderer, "PA", rng.choice(org.towers[4]))
    org.launderer = launderer
    nationalities = [n for n, _ in VICTIM_NATIONALITIES]
    weights = [w for _, w in VICTIM_NATIONALITIES]
    for _ in range(80):
        nationality = rng.choices(nationalities, weights)[0]
        victim = org.new_person(nationality, "victim", "victim", None, (15, 45))
        victim.explicit_id = rng.random() >= 0.15
        recruit_cell = RECRUITING_CELL[nationality]
        home_country = nationality if nationality in MOBILE_PATTERNS and rng.random() < 0.7 else "CO"
        org.give_phone(victim, home_country, rng.choice(org.towers[recruit_cell]))
        org.victims.append(victim)
    for i in range(18):
        target = org.victims[i * 4] if i < 12 else org.cells[i % len(ROUTE)][0]  # see Org.relative_targets
        nationality = target.nationality if rng.random() < 0.6 else "US"
        relative = org.new_person(nationality, "relative", "unknown", None, (25, 70))
        country = nationality if nationality in MOBILE_PATTERNS else "US"
        home = 11 if country == "US" else RECRUITING_CELL.get(country, target.cell or 0)
        org.give_phone(relative, country, rng.choice(org.towers[home]))
        org.relatives.append(relative)
    for i in range(2):
        witness = org.new_person(ROUTE[4 + 5 * i].country, "witness", "witness", None, (25, 70))
        org.give_phone(witness, ROUTE[4 + 5 * i].country, rng.choice(org.towers[4 + 5 * i]))
        org.witnesses.append(witness)
    _open_accounts(org)
    _plant_lookalike(org)


def _plant_lookalike(org: Org) -> None:
    """A victim who shares a suspect's name and birth date: two people, never to be merged."""
    suspect = next(p for p in org.cells[VE_INDEX] if p.function == "recruiter")
    victim = next(v for v in org.victims if v.explicit_id and v.nationality == "VE")
    org.ctx.name_keys.discard((name_key(victim.name), victim.dob))
    victim.name, victim.dob = strip_accents_upper(suspect.name).title(), suspect.dob
    victim.gender = suspect.gender
    org.lookalike = suspect
    org.ctx.key["duplicates"]["victim_suspect_lookalikes"].append(
        {
            "victim": victim.pid,
            "suspect": suspect.pid,
            "names": [victim.name, suspect.name],
            "date_of_birth": suspect.dob,
        }
    )


def _open_accounts(org: Org) -> None:
    ctx = org.ctx
    for cell in org.cells:
        for person in cell:
            if person.function in ("leader", "collector", "recruiter") or person.cell in (
                VE_INDEX,
                MXS_INDEX,
            ):
                country = ROUTE[person.cell or 0].country
                ctx.account(country, person, "bank")
                if person.function == "recruiter" and org.rng.random() < 0.5:
                    ctx.account(country, person, "mobile_money")
    for broker, span in org.brokers:
        ctx.account(ROUTE[span[-1]].country, broker, "bank")
    assert org.launderer is not None
    ctx.account("PA", org.launderer, "bank")
    ctx.account("US", org.launderer, "bank")
    for victim in org.victims:
        if victim.nationality in ("IN", "CN", "SN"):
            ctx.account(victim.nationality, victim, "hawala")
        else:
            region = phonenumbers.region_code_for_number(phonenumbers.parse(victim.phones[0][1])) or "CO"
            ctx.account(region, victim, "mobile_money")
    for relative in org.relatives:
        ctx.account("US" if relative.nationality == "US" else relative.nationality, relative, "bank")
