"""Victim protection: pseudonyms ("Victim 1") for victims' names and identifiers, one mapping per package."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from dossier.document import PersonRef


def is_victim(person: Mapping[str, Any]) -> bool:
    return person.get("role") == "victim"


class Redactor:
    """Hands out one stable pseudonym per victim, in order of first appearance in the package.

    With ``include_victims`` names and identifiers pass through unchanged (and the cover says so).
    A victim's identifier is replaced when every person known to use it is a victim; an identifier
    that a non-victim also uses is that person's identifier too and stays.
    """

    def __init__(self, include_victims: bool = False) -> None:
        self.include_victims = include_victims
        self._pseudonyms: dict[str, str] = {}
        self._identifiers: dict[str, str] = {}
        self._per_victim: dict[str, int] = {}
        self.hidden: set[str] = set()  # the real names, aliases and identifiers replaced

    def pseudonym(self, person: Mapping[str, Any]) -> str:
        pid = str(person.get("person_id"))
        if pid not in self._pseudonyms:
            self._pseudonyms[pid] = f"Victim {len(self._pseudonyms) + 1}"
            self.hidden.update(str(v) for v in (person.get("name"), pid, *(person.get("aliases") or [])) if v)
        return self._pseudonyms[pid]

    def person(self, person: Mapping[str, Any]) -> PersonRef:
        """The person as shown in this package."""
        victim = is_victim(person)
        pid = str(person.get("person_id"))
        community = person.get("community")
        if victim and not self.include_victims:
            label = self.pseudonym(person)
            return PersonRef(label=label, person_id=label, role="victim", victim=True, community=community)
        name = str(person.get("name") or pid)
        label = f"{name} (victim)" if victim else name
        return PersonRef(
            label=label,
            person_id=pid,
            role=str(person.get("role") or "unknown"),
            victim=victim,
            community=community,
        )

    def label(self, person: Mapping[str, Any]) -> str:
        return self.person(person).label

    def identifier(self, kind: str, value: str, users: Sequence[Mapping[str, Any]]) -> str:
        """``value`` as shown: a pseudonym like "phone of Victim 1 (1)" when only victims use it."""
        if self.include_victims or not users or not all(is_victim(u) for u in users):
            return value
        if value not in self._identifiers:
            owner = self.pseudonym(users[0])
            key = owner + "|" + kind
            self._per_victim[key] = self._per_victim.get(key, 0) + 1
            self._identifiers[value] = f"[{kind} of {owner} #{self._per_victim[key]}]"
            self.hidden.add(value)
        return self._identifiers[value]

    @property
    def victims(self) -> int:
        """How many victims this package mentions under a pseudonym."""
        return len(self._pseudonyms)
