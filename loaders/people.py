"""Decide which Person a row names: by person_id, else by name key + birth date + nationality + role."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.connection import Graph
from graph.ingest import account_holders, people_by_name_key
from graph.model import derived_person_id


@dataclass
class Known:
    """What the resolver knows of one person in the graph (or created earlier in this load)."""

    person_id: str
    name_key: str | None
    date_of_birth: date | None
    nationality: str | None
    roles: set[str] = field(default_factory=set)


def _clash(row_role: str | None, roles: set[str]) -> bool:
    """Victim and suspect are never joined by a name rule (only an exact person_id joins them)."""
    return (row_role == "victim" and "suspect" in roles) or (row_role == "suspect" and "victim" in roles)


class PersonResolver:
    """Assign a ``person_id`` to each person record of a load, consistently across batches.

    A record with ``person_id`` is that person. Otherwise it joins the known person with the same
    ``name_key`` and the same date of birth (both missing counts as the same), whose nationality is
    equal or missing on either side, and whose recorded roles do not clash (victim vs suspect);
    equal nationality first, then the smallest ``person_id``. With none, a new ``person_id`` is
    ``derived_person_id(name_key, date_of_birth, nationality)``, or — when that id already belongs
    to a person whose roles clash — the same function on ``"<role>:" + name_key``.
    """

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.by_key: dict[str, dict[str, Known]] = {}
        self.by_id: dict[str, Known] = {}
        self.holders: dict[tuple[str, str], str] = {}

    def prefetch(self, keys: set[str]) -> None:
        """Load the graph's people with these name keys (once per key)."""
        missing = sorted(k for k in keys if k not in self.by_key)
        if not missing:
            return
        for k in missing:
            self.by_key[k] = {}
        for row in people_by_name_key(self.graph, missing):
            dob = row["date_of_birth"]
            known = Known(
                row["person_id"],
                row["name_key"],
                dob.to_native() if hasattr(dob, "to_native") else dob,
                row["nationality"],
                set(row["roles"] or []),
            )
            self._remember(known)

    def _remember(self, known: Known) -> None:
        existing = self.by_id.get(known.person_id)
        if existing is not None:
            existing.roles |= known.roles
            existing.date_of_birth = existing.date_of_birth or known.date_of_birth
            existing.nationality = existing.nationality or known.nationality
            return
        self.by_id[known.person_id] = known
        if known.name_key is not None:
            self.by_key.setdefault(known.name_key, {})[known.person_id] = known

    def resolve(self, person: dict[str, Any]) -> str:
        """The person's id (set on the record too); call ``prefetch`` for its name key first."""
        role = person["role"]
        key = person["name_key"]
        pid = person.get("person_id")
        if pid is None:
            pid = self._match(key, person["date_of_birth"], person["nationality"], role)
        if pid is None:
            pid = derived_person_id(key, _iso(person["date_of_birth"]), person["nationality"])
            taken = self.by_id.get(pid)
            if taken is not None and _clash(role, taken.roles):
                pid = derived_person_id(f"{role}:{key}", _iso(person["date_of_birth"]), person["nationality"])
        person["person_id"] = pid
        self._remember(
            Known(pid, key, person["date_of_birth"], person["nationality"], {role} if role else set())
        )
        return str(pid)

    def _match(self, key: str, dob: date | None, nationality: str | None, role: str | None) -> str | None:
        found = [
            k
            for k in self.by_key.get(key, {}).values()
            if k.date_of_birth == dob
            and (nationality is None or k.nationality is None or k.nationality == nationality)
            and not _clash(role, k.roles)
        ]
        if not found:
            return None
        found.sort(key=lambda k: (k.nationality != nationality, k.person_id))
        return found[0].person_id

    def holder(self, account: str, key: str) -> str:
        """The person holding ``account`` under name ``key`` (call ``prefetch_holders`` first).

        With no such holder in the graph, a new person ``derived_person_id(key + "|account:" + account)``:
        a bare name without birth date is not enough to join anyone else.
        """
        return self.holders[(account, key)]

    def prefetch_holders(self, pairs: set[tuple[str, str]]) -> None:
        """Look up many (account, name key) pairs in one query."""
        missing = sorted(p for p in pairs if p not in self.holders)
        if not missing:
            return
        rows = account_holders(self.graph, [{"account": a, "name_key": k} for a, k in missing])
        for row in rows:
            self.holders.setdefault((row["account"], row["name_key"]), row["person_id"])
        for account, key in missing:
            self.holders.setdefault((account, key), derived_person_id(f"{key}|account:{account}", None, None))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
