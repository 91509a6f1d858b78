"""Victims in an export: "Victim 1", … for their records, their own identifiers withheld, their names
scrubbed from every text the export carries."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from exchange.network import Identifier, Link, Network

# What a victim's record keeps in an export: the role and the groups the analysis put them in.
KEPT = ("role", "community", "organisation")
MIN_SCRUBBED = 3  # shorter strings (initials) are not searched for in free text


def _scrubber(secrets: Mapping[str, str]) -> Any:
    words = sorted((s for s in secrets if len(s) >= MIN_SCRUBBED), key=len, reverse=True)
    if not words:
        return lambda value: value
    # whole words only: a victim called "Ana" leaves "Anabel" alone
    alternatives = "|".join(re.escape(w) for w in words)
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
    lower = {k.lower(): v for k, v in secrets.items()}

    def scrub(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(lambda m: lower.get(m.group(0).lower(), "(protected)"), value)
        if isinstance(value, list | tuple):
            return type(value)(scrub(v) for v in value)
        if isinstance(value, dict):
            return {k: scrub(v) for k, v in value.items()}
        return value

    return scrub


def _victims(network: Network) -> tuple[list[str], dict[str, str], dict[str, str]]:
    """The victims in person_id order, their pseudonymous ids, and the texts that name them (name,
    aliases, id, birth date) with what replaces each."""
    victims = sorted(pid for pid, p in network.people.items() if p.get("role") == "victim")
    new_pid: dict[str, str] = {}
    secrets: dict[str, str] = {}
    for n, pid in enumerate(victims, 1):
        p = network.people[pid]
        new_pid[pid] = f"victim-{n}"
        for text in (p.get("name"), *(p.get("aliases") or [])):
            if text:
                secrets[str(text)] = f"Victim {n}"
        secrets[pid] = f"victim-{n}"
        if p.get("date_of_birth"):
            secrets[str(p["date_of_birth"])] = "(protected)"
    return victims, new_pid, secrets


def _withheld(network: Network, secrets: dict[str, str]) -> dict[tuple[str, str], str]:
    """A placeholder for each identifier only victims use (its key, digits, number and holder's name
    added to ``secrets``)."""
    new_key: dict[tuple[str, str], str] = {}
    counts: dict[str, int] = {}
    for (label, key), ident in network.identifiers.items():
        if ident.protected:
            counts[ident.kind] = counts.get(ident.kind, 0) + 1
            placeholder = f"victim-{ident.kind}-{counts[ident.kind]}"
            new_key[(label, key)] = placeholder
            secrets[key] = placeholder
            for text in (
                ident.props.get("digits"),
                ident.props.get("number"),
                ident.props.get("holder_name"),
            ):
                if text:
                    secrets.setdefault(str(text), placeholder)
    return new_key


def pseudonymise(network: Network) -> Network:
    """The network with each victim shown as "Victim N" (in person_id order), the phones, handsets,
    accounts, documents and e-mail addresses that only victims use replaced by placeholders, and
    every victim's name, aliases, id, birth date and withheld identifier removed from all text."""
    victims, new_pid, secrets = _victims(network)
    new_key = _withheld(network, secrets)
    people: dict[str, dict[str, Any]] = {}
    scrub = _scrubber(secrets)
    for pid, p in network.people.items():
        if pid in new_pid:
            number = new_pid[pid].split("-")[1]
            people[new_pid[pid]] = {
                "person_id": new_pid[pid],
                "name": f"Victim {number}",
                **{k: p[k] for k in KEPT if p.get(k) is not None},
            }
        else:
            people[pid] = scrub(p)
    identifiers: dict[tuple[str, str], Identifier] = {}
    for (label, key), ident in network.identifiers.items():
        if (label, key) in new_key:
            identifiers[(label, new_key[(label, key)])] = Identifier(label, new_key[(label, key)], {}, True)
        else:
            identifiers[(label, key)] = Identifier(label, key, scrub(ident.props), False)
    links = [
        Link(
            new_pid.get(lk.person_id, lk.person_id),
            lk.rel,
            lk.label,
            new_key.get((lk.label, lk.key), lk.key),
            lk.valid_from,
            lk.valid_to,
            lk.source_rows,
        )
        for lk in network.links
    ]

    def ends(row: dict[str, Any], label: str, sides: tuple[str, str]) -> dict[str, Any]:
        out = scrub(row)
        for side in sides:
            out[side] = new_key.get((label, row[side]), row[side])
        return out

    arrests = []
    for a in network.arrests:
        involved = [
            {**i, "person_id": new_pid[i["person_id"]], "charges": []}
            if i["person_id"] in new_pid
            else scrub(i)
            for i in a["involved"]
        ]
        arrests.append({**scrub(a), "involved": involved})
    return replace(
        network,
        people=people,
        identifiers=identifiers,
        links=links,
        calls=[ends(c, "Phone", ("caller", "callee")) for c in network.calls],
        transfers=[ends(t, "Account", ("sender", "receiver")) for t in network.transfers],
        arrests=arrests,
        # a victim is never presented as a target: no predicted link of theirs is exported
        likely=[lk for lk in network.likely if lk["a"] not in new_pid and lk["b"] not in new_pid],
        sources=scrub(network.sources),
        victims_included=False,
        victims=len(victims),
    )
