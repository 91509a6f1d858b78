"""Strategic facts: each victim's form of exploitation, and the justice chain of every suspect arrested."""

from __future__ import annotations

import random
from collections.abc import Iterator

from graph.model import derived_person_id
from loaders.demo.model import Person, iso_day
from loaders.demo.organisation import Org
from loaders.demo.route import DAY
from values.name import name_key

# Forms of exploitation as the arrest records write them; "" is a victim whose form no one recorded
# (most smuggled migrants).
# The forms whose victims make their interdiction a trafficking case (the carrier is charged with it).
TRAFFICKING_FORMS = ("explotación sexual", "trabajo forzoso")
FORMS = (
    ("explotación sexual", 30),
    ("trabajo forzoso", 25),
    ("forced criminality", 8),
    ("otro", 4),
    ("", 33),
)


def _rng(org: Org, what: str) -> random.Random:
    """A generator of its own for ``what``: the other files stay as they are without these facts."""
    return random.Random(f"{org.ctx.seed}:{org.index}:{what}")


def exploitation_forms(org: Org) -> dict[str, str]:
    """Each victim's form of exploitation, by person id ("" when not recorded)."""
    rng = _rng(org, "exploitation")
    forms = [f for f, _ in FORMS]
    weights = [w for _, w in FORMS]
    return {victim.pid: rng.choices(forms, weights)[0] for victim in org.victims}


def graph_id(person: Person) -> str:
    """The person's id in the graph: theirs, or the one the loaders derive when the files give none."""
    if person.explicit_id:
        return person.pid
    return derived_person_id(name_key(person.name), person.dob, person.nationality)


def outcome_rows(org: Org) -> Iterator[dict[str, str]]:
    """One ``outcomes.csv`` row per stage each suspect reached in the case opened by their arrest:
    investigated; charged (3 in 4) or else sometimes dismissed; tried (7 in 10 of those charged); then
    convicted (2 in 3) or acquitted."""
    rng = _rng(org, "outcomes")
    for event in org.events:
        court = f"Juzgado Penal de {event.place.city}"
        for person, role, _, _ in event.people:
            if role != "suspect":
                continue
            day = event.when + rng.randrange(1, 10) * DAY
            stages = [("investigation", day)]
            if rng.random() < 0.75:
                day += rng.randrange(20, 60) * DAY
                stages.append(("charged", day))
                if rng.random() < 0.7:
                    day += rng.randrange(60, 180) * DAY
                    stages.append(("prosecuted", day))
                    day += rng.randrange(90, 240) * DAY
                    stages.append(("convicted" if rng.random() < 2 / 3 else "acquitted", day))
            elif rng.random() < 0.5:
                stages.append(("dismissed", day + rng.randrange(30, 120) * DAY))
            for stage, when in stages:
                yield {
                    "case_id": f"K-{event.arrest_id}",
                    "person_id": graph_id(person),
                    "full_name": person.name,
                    "date_of_birth": person.dob,
                    "stage": stage,
                    "date": iso_day(when),
                    "court": court if stage != "investigation" else "",
                }
