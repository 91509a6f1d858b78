"""Identifier registers: phones, accounts, IMEIs, e-mails, passports, and the planted duplicate records."""

from __future__ import annotations

from collections.abc import Iterator

import phonenumbers

from graph.model import derived_person_id
from loaders.demo.devices import digits
from loaders.demo.model import Person, iso_day
from loaders.demo.names import ES_NATS, strip_accents_upper, surnames_first, transliterate, typo
from loaders.demo.organisation import Org
from loaders.demo.route import CO_INDEX, HT_INDEX, VE_INDEX
from values.name import name_key


def _id_row(org: Org, kind: str, value: str, person: Person, **extra: str) -> None:
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
    org.id_rows.append(row)


def identifier_rows(org: Org) -> Iterator[dict[str, str]]:
    """The registers' rows: phones, accounts, IMEIs, e-mails, passports, then the planted duplicates."""
    rng, ctx = org.rng, org.ctx
    carrier = {"CO": "Claro Colombia", "VE": "Movistar Venezuela", "MX": "Telcel", "US": "AT&T"}
    for person in org.people:
        if person.role == "victim":
            if person.nationality in ("IN", "CN", "SN", "HT") and person.explicit_id:
                _id_row(
                    org,
                    "passport",
                    f"{person.nationality}{digits(rng, 7)}",
                    person,
                    source="Migración Panamá, registro biométrico",
                )
            continue
        for i, (start, number) in enumerate(person.phones):
            if number in org.unregistered:
                continue
            until = person.phones[i + 1][0] if i + 1 < len(person.phones) else 0
            region = phonenumbers.region_code_for_number(phonenumbers.parse(number)) or "CO"
            _id_row(
                org,
                "phone",
                ctx.written(number),
                person,
                valid_from=iso_day(start) if start else "2022-01-01",
                valid_to=iso_day(until) if until else "",
                source=f"Registro de abonados {carrier.get(region, 'operador ' + region)}",
            )
        for account in person.accounts:
            shown = account.account_id
            if rng.random() < 0.2:
                shown = " ".join(shown[i : i + 4] for i in range(0, len(shown), 4)).lower()
            _id_row(org, "account", shown, person, source="UIF, debida diligencia (KYC)")
        if person.role == "suspect" and rng.random() < 0.35:
            imei = ctx.device_of[person.phones[0][1]][0][1]
            _id_row(org, "imei", imei, person, source="Incautación, acta de cadena de custodia")
        if person.function in ("leader", "broker") and rng.random() < 0.5:
            user = name_key(person.name).replace(" ", ".")[:20]
            _id_row(
                org,
                "email",
                f"{user}{rng.randrange(10, 99)}@gmail.com",
                person,
                source="Orden judicial, proveedor de correo",
            )
    _plant_duplicates(org)
    yield from org.id_rows


def _plant_duplicates(org: Org) -> None:
    """The planted duplicates: register variants to merge on load, derived-key passports, fuzzy pairs."""
    _plant_register_variants(org)
    _plant_derived_passports(org)
    _plant_fuzzy_pairs(org)


def _plant_register_variants(org: Org) -> None:
    """Same person, same birth date: the register writes capitals without accents, no person_id."""
    rng, ctx = org.rng, org.ctx
    dup = ctx.key["duplicates"]
    arrested = [
        p
        for p in org.people
        if p.role == "suspect" and p.explicit_id and p.nationality in ES_NATS and p is not org.lookalike
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
        org.id_rows.append(row)
        dup["merge_on_load"].append(
            {
                "person_id": person.pid,
                "names": [person.name, variant],
                "date_of_birth": person.dob,
                "rule": "case and accents",
                "files": ["arrests.csv", "identifiers.csv"],
            }
        )


def _plant_derived_passports(org: Org) -> None:
    """Victims known only by name and birth date: their passport row joins the derived person."""
    rng, ctx = org.rng, org.ctx
    dup = ctx.key["duplicates"]
    for victim in [v for v in org.victims if not v.explicit_id][:2]:
        derived = derived_person_id(name_key(victim.name), victim.dob, victim.nationality)
        variant = victim.name.lower()
        org.id_rows.append(
            {
                "identifier_type": "passport",
                "identifier": f"{victim.nationality}{digits(rng, 7)}",
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


def _plant_fuzzy_pairs(org: Org) -> None:
    """Fuzzy candidates: another register lists a typo, a transliteration or the surnames first."""
    rng, ctx = org.rng, org.ctx
    dup = ctx.key["duplicates"]
    co_guides = [p for p in org.cells[CO_INDEX] if p.function in ("guide", "driver")]
    ht_cell = org.cells[HT_INDEX]
    candidates = [
        (
            rng.choice([p for p in org.cells[VE_INDEX + 3] if p.nationality in ES_NATS] or co_guides),
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
        org.sub_seq += 1
        twin = Person(
            f"SUB-{org.index + 1:03d}-{org.sub_seq:03d}",
            variant,
            person.dob,
            person.nationality,
            person.gender,
            "duplicate record",
            org.index,
            None,
            "unknown",
        )
        ctx.name_keys.add((name_key(variant), person.dob))
        org.people.append(twin)
        _id_row(
            org,
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
