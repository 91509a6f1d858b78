"""The data model as data: labels, their keys, relationship types, roles, and the person keys."""

from __future__ import annotations

import hashlib
from typing import Final

# label -> key property (docs/data-model.md); labels and types in queries come from here, never from input
NODE_KEYS: Final[dict[str, str]] = {
    "Person": "person_id",
    "Phone": "number",
    "Device": "imei",
    "Account": "account_id",
    "Document": "doc_id",
    "Email": "address",
    "Arrest": "arrest_id",
    "Operation": "name",
    "Country": "code",
    "Source": "source_id",
    "Analysis": "analysis_id",
    "Case": "case_id",
}
# An analyst's work kept beside the evidence (graph/cases.py): not entities of the network, never drawn.
WORKBENCH_KEYS: Final[dict[str, str]] = {"SavedCase": "saved_case_id", "Note": "note_id"}
RELATIONSHIP_TYPES: Final[tuple[str, ...]] = (
    "USES",
    "IN_DEVICE",
    "HOLDS",
    "HAS_DOCUMENT",
    "HAS_EMAIL",
    "INVOLVED_IN",
    "PART_OF",
    "NATIONAL_OF",
    "IN_COUNTRY",
    "CALLED",
    "TRANSFERRED",
    "LIKELY_LINKED",
    "SAME_AS",
    "NOT_SAME_AS",
    "IN_CASE",
)
ROLES: Final[tuple[str, ...]] = ("victim", "suspect", "witness", "unknown")  # most protective first
IDENTIFIER_TYPES: Final[tuple[str, ...]] = ("phone", "imei", "account", "email", "passport", "national_id")


def derived_person_id(key: str, date_of_birth: str | None, nationality: str | None) -> str:
    """Deterministic ``person_id`` for a person given without one: from name key, birth date, nationality."""
    text = "|".join((key, date_of_birth or "", nationality or ""))
    return "P-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def protective_role(roles: list[str]) -> str:
    """The most protective of the roles recorded for a person (victim > suspect > witness > unknown)."""
    for role in ROLES:
        if role in roles:
            return role
    return "unknown"
