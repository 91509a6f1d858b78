"""Calls: the planted phone patterns (handset swap, device change, burner), who calls whom, CDR rows."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date

from loaders.demo.model import Pair, Person, day_between, iso_day, iso_time
from loaders.demo.organisation import Org
from loaders.demo.route import (
    CO_INDEX,
    DAY,
    END,
    HOUR_WEIGHTS,
    HUB_CALL_PROBABILITY,
    HUBS,
    MXS_INDEX,
    RECRUITING_CELL,
    START,
    VE_INDEX,
)


def plant_phone_patterns(org: Org) -> None:
    """The phone patterns the answer key lists: a handset swap, a device change, a burner."""
    rng, ctx = org.rng, org.ctx
    # Handset swap: a VE recruiter's handset takes a new SIM; the old number falls silent.
    recruiter = next(p for p in org.cells[VE_INDEX] if p.function == "recruiter")
    old = recruiter.phones[0][1]
    imei = ctx.device_of[old][0][1]
    swap_at = ctx.epoch(day_between(rng, date(2023, 8, 1), date(2023, 11, 30)))
    new = ctx.number("VE")
    org.unregistered.add(new)
    recruiter.phones.append((swap_at, new))
    ctx.device_of[new] = [(swap_at, imei)]
    ctx.key["handset_swaps"].append(
        {"imei": imei, "numbers": [old, new], "person_id": recruiter.pid, "swap_date": iso_day(swap_at)}
    )
    # Device change: a Necoclí guide keeps the number and moves it into a new handset.
    guide = next(p for p in org.cells[CO_INDEX] if p.function == "guide")
    number = guide.phones[0][1]
    change_at = ctx.epoch(day_between(rng, date(2024, 1, 10), date(2024, 3, 20)))
    old_imei = ctx.device_of[number][0][1]
    new_imei = ctx.imei()
    ctx.device_of[number].append((change_at, new_imei))
    ctx.key["device_changes"].append(
        {
            "number": number,
            "imeis": [old_imei, new_imei],
            "person_id": guide.pid,
            "date": iso_day(change_at),
        }
    )
    # Burner: the Tapachula leader's number goes silent in May 2024; an unregistered one takes over.
    leader = org.cells[MXS_INDEX][0]
    burned = leader.phones[0][1]
    silent_at = ctx.epoch(day_between(rng, date(2024, 5, 5), date(2024, 5, 25)))
    burner = ctx.number("MX")
    org.unregistered.add(burner)
    leader.phones.append((silent_at, burner))
    ctx.device_of[burner] = [(silent_at, ctx.imei())]
    ctx.key["burners"].append(
        {
            "old": burned,
            "new": burner,
            "person_id": leader.pid,
            "silent_from": iso_day(silent_at),
            "gap_days": 3,
        }
    )
    org.silent = (leader, silent_at)


def plan_contacts(org: Org) -> None:
    """Who calls whom, how often and when: the weighted pairs the call records are drawn from."""
    rng = org.rng
    whole = (int(START.timestamp()), int(END.timestamp()))
    pairs = org.pairs
    for cell in org.cells:
        leader = cell[0]
        for member in cell[1:]:
            pairs.append(Pair(leader, member, None, 6.0, *whole))
        for i, a in enumerate(cell[1:]):
            for b in cell[i + 2 :]:
                if rng.random() < 0.5:
                    pairs.append(Pair(a, b, None, 2.0, *whole))
    for broker, span in org.brokers:
        for place_index in span:
            pairs.append(Pair(broker, org.cells[place_index][0], None, 5.0, *whole))
            for member in rng.sample(org.cells[place_index][1:], 2):
                pairs.append(Pair(broker, member, None, 1.5, *whole))
    if org.ctx.prev_co_leader is not None:
        broker = org.brokers[0][0]
        pairs.append(Pair(broker, org.ctx.prev_co_leader, None, 2.0, *whole))
    assert org.launderer is not None
    for place_index in (VE_INDEX, MXS_INDEX):
        collector = next(p for p in org.cells[place_index] if p.function == "collector")
        pairs.append(Pair(org.launderer, collector, None, 2.0, *whole))
    pairs.append(Pair(org.launderer, org.cells[MXS_INDEX][0], None, 1.0, *whole))
    for victim in org.victims:
        recruit_cell = RECRUITING_CELL[victim.nationality]
        recruiter = rng.choice([p for p in org.cells[recruit_cell] if p.function == "recruiter"])
        victim.function = "victim"
        pairs.append(Pair(victim, recruiter, None, 3.0, victim.t0 - 35 * DAY, victim.t0 + 2 * DAY))
        # The cell's driver takes them to the border; on the road they travel without their own phone
        # contacts with the transit cells (they meet the carrier in person: the co-arrest shows it).
        driver = next(p for p in org.cells[recruit_cell] if p.function in ("driver", "guide"))
        pairs.append(Pair(victim, driver, None, 1.0, victim.t0 - 5 * DAY, victim.t0 + 3 * DAY))
        victim.recruiter = recruiter
    for relative, target in zip(org.relatives, org.relative_targets(), strict=True):
        pairs.append(Pair(relative, target, None, 2.0, *whole))
    for person in list(org.people):
        for (number, _), chance in zip(HUBS, HUB_CALL_PROBABILITY, strict=True):
            if rng.random() < chance:
                pairs.append(Pair(person, None, number, 0.5, *whole))


def call_rows(org: Org, n_calls: int) -> Iterator[dict[str, str]]:
    """``n_calls`` call records drawn from the pairs, in time order."""
    rng, ctx = org.rng, org.ctx
    cumulative: list[float] = []
    total = 0.0
    for pair in org.pairs:
        total += pair.weight
        cumulative.append(total)
    leader, silent_at = org.silent
    hours = list(range(24))
    hour_cumulative = list(itertools.accumulate(HOUR_WEIGHTS))
    calls: list[tuple[int, Person, Person | None, str, str]] = []
    for pair in rng.choices(org.pairs, cum_weights=cumulative, k=n_calls):
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
            "start_time": iso_time(when, tower.offset),
            "duration_s": str(duration),
            "call_type": "sms" if sms else "voice",
            "caller_imei": _imei_at(ctx.device_of[caller_number], when),
            "callee_imei": "",
            "caller_cell": tower.cell_id,
            "callee_cell": callee_cell,
            "caller_lat": f"{tower.lat:.5f}",
            "caller_lon": f"{tower.lon:.5f}",
        }


def _imei_at(timeline: list[tuple[int, str]], when: int) -> str:
    current = timeline[0][1]
    for start, imei in timeline:
        if when >= start:
            current = imei
    return current
