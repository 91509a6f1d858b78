"""Search of entities by identifier and by name: exact matches first, then full-text hits."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from access import session
from access.roles import Permission
from graph.connection import Graph
from graph.errors import InputError

SEARCH_LABELS: Final[tuple[str, ...]] = ("Person", "Phone", "Device", "Account", "Document", "Email")
LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')
FULLTEXT_QUERY = """
CALL db.index.fulltext.queryNodes('entity_search', $query, {limit: $limit}) YIELD node, score
RETURN elementId(node) AS id, [l IN labels(node) WHERE l IN $labels][0] AS label,
       coalesce(node.person_id, node.number, node.imei, node.account_id, node.doc_id, node.address) AS key,
       coalesce(node.name, node.number, node.imei, node.account_id, node.doc_id,
                node.address) AS name,
       node.role AS role, node.aliases AS aliases, score
"""
EXACT_QUERY = """
CALL () {
  MATCH (n:Phone) WHERE n.number IN $candidates OR n.digits IN $candidates RETURN n
  UNION
  MATCH (n:Device) WHERE n.imei IN $candidates RETURN n
  UNION
  MATCH (n:Account) WHERE n.account_id = $account RETURN n
  UNION
  MATCH (n:Document) WHERE n.number = $text OR n.doc_id = $text RETURN n
  UNION
  MATCH (n:Email) WHERE n.address = $email RETURN n
  UNION
  MATCH (n:Person) WHERE n.person_id = $text RETURN n
}
RETURN elementId(n) AS id, [l IN labels(n) WHERE l IN $labels][0] AS label,
       coalesce(n.person_id, n.number, n.imei, n.account_id, n.doc_id, n.address) AS key,
       coalesce(n.name, n.number, n.imei, n.account_id, n.doc_id, n.address) AS name,
       n.role AS role, n.aliases AS aliases, 100.0 AS score
"""


def lucene_query(text: str) -> str:
    """A full-text query for ``text``: every word escaped; words of letters also match fuzzily (``~``)."""
    words = [w for w in text.lower().split() if any(c.isalnum() for c in w)]
    terms = [(LUCENE_SPECIAL.sub(r"\\\1", w), w.isalpha() and len(w) >= 3) for w in words]
    return " AND ".join(f"({t}^2 OR {t}~)" if fuzzy else t for t, fuzzy in terms)


def search(
    graph: Graph, text: str, phone_candidates: Iterable[str] = (), limit: int = 25
) -> list[dict[str, Any]]:
    """Entities matching ``text``: exact identifiers first, then full-text hits on names and aliases.
    The search text goes to the audit trail."""
    session.require(Permission.SEARCH)
    text = text.strip()
    if not text:
        raise InputError("nothing to search for", "type a name, alias, phone number, IMEI or account")
    session.record("search", text=text)
    digits = re.sub(r"\D", "", text)
    candidates = sorted({text, digits, *phone_candidates} - {""})
    exact = graph.read(
        EXACT_QUERY,
        {
            "candidates": candidates,
            "account": re.sub(r"\s", "", text).upper(),
            "email": text.lower(),
            "text": text,
            "labels": list(SEARCH_LABELS),
        },
    )
    rows = list(exact)
    query = lucene_query(text)
    if query:
        rows += graph.read(FULLTEXT_QUERY, {"query": query, "limit": limit, "labels": list(SEARCH_LABELS)})
    seen: set[str] = set()
    found = []
    for row in rows:
        if row["id"] not in seen and row["label"]:
            seen.add(row["id"])
            found.append(row)
    return found[:limit]
