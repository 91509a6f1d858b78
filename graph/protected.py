"""Victims and children shielded: a view of the graph whose answers never carry their names or identifiers."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final

import neo4j.graph as ng

# Every victim and every child (under 18 at an arrest they were part of) with what identifies them:
# names, birth date, and the phones, handsets, accounts, documents and e-mail addresses that no one
# else but victims uses or holds.
PROTECTED_QUERY: Final = """
CALL () {
  MATCH (v:Person {role: 'victim'}) RETURN v
  UNION
  MATCH (v:Person)-[:INVOLVED_IN]->(a:Arrest)
  WHERE a.arrest_date < v.date_of_birth + duration({years: 18})
  RETURN v
}
OPTIONAL MATCH (v)-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]->(i)
WHERE NOT EXISTS {
  MATCH (i)<-[:USES|HOLDS|HAS_DOCUMENT|HAS_EMAIL]-(other:Person)
  WHERE other <> v AND coalesce(other.role, 'unknown') <> 'victim'
}
WITH v, collect(DISTINCT coalesce(i.number, i.imei, i.account_id, i.doc_id, i.address)) AS keys,
     collect(DISTINCT i.digits) AS digits
RETURN v.person_id AS person_id, v.name AS name, coalesce(v.aliases, []) AS aliases,
       toString(v.date_of_birth) AS date_of_birth, keys + digits AS identifiers, v.role = 'victim' AS victim
"""
VICTIM: Final = "Victim (protected)"
MINOR: Final = "Minor (protected)"
HIDDEN: Final = "(protected)"
# Properties of a victim's or a child's own record that are blanked (the rest, e.g. role and
# nationality, stay).
VICTIM_PROPERTIES: Final = ("name", "aliases", "aliases_text", "name_key", "date_of_birth", "gender")
# What the protected strings depend on, from the store's counts (one index seek for the victims): any
# load (a new Source), person, victim, arrest involvement or identifier changes it, and the strings are
# read again before the next answer is shielded.
PROTECTED_STAMP: Final = """
CALL () { MATCH (s:Source) RETURN count(s) AS sources }
CALL () { MATCH (p:Person) RETURN count(p) AS people }
CALL () { MATCH (v:Person {role: 'victim'}) RETURN count(v) AS victims }
CALL () { MATCH ()-[r:INVOLVED_IN]->() RETURN count(r) AS involved }
CALL () { MATCH ()-[r:USES]->() RETURN count(r) AS uses }
CALL () { MATCH ()-[r:HOLDS]->() RETURN count(r) AS holds }
CALL () { MATCH ()-[r:HAS_DOCUMENT]->() RETURN count(r) AS documents }
CALL () { MATCH ()-[r:HAS_EMAIL]->() RETURN count(r) AS emails }
RETURN [sources, people, victims, involved, uses, holds, documents, emails] AS stamp
"""
# Prefix a person_id among the protected strings (no text read from the graph starts with "\x00"): a
# child's (their record is blanked too), and every protected person's (what is written about them, such
# as analysts' notes, is withheld: ``withholds``).
CHILD_MARK: Final = "\x00child:"
PERSON_MARK: Final = "\x00person:"


class Protected:
    """The strings to withhold, read with ``read`` (a graph's unshielded read), and read again whenever
    the data they come from has changed (``PROTECTED_STAMP``), so that a victim loaded a moment ago is
    already withheld."""

    def __init__(self, read: Callable[[str], list[dict[str, Any]]]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._stamp: Any = None
        self._strings: dict[str, str] = {}

    def strings(self) -> dict[str, str]:
        """Each protected string and what is shown instead."""
        with self._lock:
            stamp = self._read(PROTECTED_STAMP)[0]["stamp"]
            if stamp != self._stamp:
                found: dict[str, str] = {}
                for row in self._read(PROTECTED_QUERY):
                    label = VICTIM if row["victim"] else MINOR
                    found[PERSON_MARK + str(row["person_id"])] = label
                    if not row["victim"]:  # a child not recorded as a victim: their record is blanked too
                        found[CHILD_MARK + str(row["person_id"])] = MINOR
                    for text in (row["name"], *row["aliases"]):
                        if text:
                            found[str(text)] = label
                    for text in (row["date_of_birth"], *row["identifiers"]):
                        if text:
                            found[str(text)] = HIDDEN
                self._strings = found
                self._stamp = stamp
            return self._strings


def shield(value: Any, strings: Mapping[str, str]) -> Any:
    """``value`` with every protected string replaced, and a victim's own record blanked, at any depth
    (rows, maps, lists, nodes, paths). A string that merely contains a protected one is replaced too."""
    if isinstance(value, str):
        if value in strings:
            return strings[value]
        return _within(value, strings) if ", " in value else value
    if isinstance(value, Mapping):
        out = {k: shield(v, strings) for k, v in value.items()}
        child = isinstance(value.get("person_id"), str) and CHILD_MARK + value["person_id"] in strings
        if out.get("role") == "victim" or child:
            for key in VICTIM_PROPERTIES:
                if out.get(key) not in (None, "", []):
                    out[key] = (MINOR if child else VICTIM) if key == "name" else HIDDEN
        return out
    if isinstance(value, list):
        return [shield(v, strings) for v in value]
    if isinstance(value, tuple):
        return tuple(shield(v, strings) for v in value)
    if isinstance(value, ng.Node | ng.Relationship):
        return shield(dict(value.items()), strings)
    if isinstance(value, ng.Path):
        return [shield(dict(n.items()), strings) for n in value.nodes]
    return value


def scrub(text: str, strings: Mapping[str, str]) -> str:
    """Free text (an analyst's note) with every protected string in it replaced, whatever its case:
    the longest first, so that a full name goes before a shorter alias inside it."""
    for secret in sorted(
        (s for s in strings if len(s) >= 3 and not s.startswith("\x00")), key=len, reverse=True
    ):
        text = re.sub(re.escape(secret), strings[secret], text, flags=re.IGNORECASE)
    return text


def withholds(strings: Mapping[str, str], label: str, key: str) -> bool:
    """Whether what is written about the entity ``label``/``key`` (notes on it) is withheld: a victim or a
    child, or a phone, handset, account, document or address that only they use."""
    return PERSON_MARK + key in strings if label == "Person" else key in strings


def _within(text: str, strings: Mapping[str, str]) -> str:
    """A list joined with commas (names, numbers) with its protected items replaced."""
    return ", ".join(strings.get(part, part) for part in text.split(", "))
