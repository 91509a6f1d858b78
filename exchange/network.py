"""The network an export carries: people, their identifiers, calls, transfers and arrests, as plain rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

# Labels of identifier nodes and the kind each is called in an export.
KIND_OF_LABEL: dict[str, str] = {
    "Phone": "phone",
    "Device": "device",
    "Account": "account",
    "Document": "document",
    "Email": "email",
}


@dataclass(frozen=True)
class Selection:
    """What to export: everyone, one cell or organisation, or the people around one person; the layers
    of links, and a window of whole days."""

    community: int | None = None
    level: str = "cell"  # 'cell' (property community) or 'organisation'
    people: tuple[str, ...] | None = None  # these person_ids (what a page shows)
    around: str | None = None
    hops: int = 1
    layers: tuple[str, ...] = ("calls", "money", "arrests", "identifiers")
    since: date | None = None
    until: date | None = None

    def describe(self) -> str:
        """One line saying what was selected (the audit trail, file headers)."""
        if self.community is not None:
            who = f"{self.level} {self.community}"
        elif self.people is not None:
            who = f"{len(self.people)} people chosen"
        elif self.around is not None:
            who = f"{self.hops} hop(s) around {self.around}"
        else:
            who = "whole network"
        window = ""
        if self.since or self.until:
            window = f", {self.since or '...'} to {self.until or '...'}"
        return f"{who}; layers {','.join(self.layers)}{window}"


@dataclass(frozen=True)
class Identifier:
    """A phone, handset, account, document or e-mail address; ``protected`` when only victims use it."""

    label: str
    key: str
    props: dict[str, Any]
    protected: bool = False

    @property
    def kind(self) -> str:
        return KIND_OF_LABEL.get(self.label, self.label.lower())


@dataclass(frozen=True)
class Link:
    """A person's use or holding of an identifier (USES, HOLDS, HAS_DOCUMENT, HAS_EMAIL), with provenance."""

    person_id: str
    rel: str
    label: str
    key: str
    valid_from: Any
    valid_to: Any
    source_rows: tuple[str, ...]


@dataclass
class Network:
    """One export's content. People by person_id; identifiers by (label, key); events as query rows."""

    selection: Selection
    people: dict[str, dict[str, Any]]
    identifiers: dict[tuple[str, str], Identifier]
    links: list[Link]
    calls: list[dict[str, Any]]
    transfers: list[dict[str, Any]]
    arrests: list[dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    likely: list[dict[str, Any]] = field(default_factory=list)  # predicted links (a, b, score, analysis_id)
    victims_included: bool = False
    victims: int = 0  # victims shown by pseudonym
    notes: list[str] = field(default_factory=list)

    def users(self, label: str, key: str) -> list[str]:
        """The person_ids of this export who use or hold the identifier."""
        return sorted({lk.person_id for lk in self.links if lk.label == label and lk.key == key})

    def owners(self) -> dict[tuple[str, str], list[str]]:
        """(label, key) -> the person_ids of this export who use or hold it."""
        out: dict[tuple[str, str], set[str]] = {}
        for lk in self.links:
            out.setdefault((lk.label, lk.key), set()).add(lk.person_id)
        return {k: sorted(v) for k, v in out.items()}

    def origin(self, source_id: str | None, row: Any) -> str:
        """``file:row`` of an event (the source id when its file is unknown)."""
        src = self.sources.get(str(source_id)) or {}
        return f"{src.get('file_name') or source_id}:{row}"

    def origins(self, source_rows: tuple[str, ...] | list[str]) -> list[str]:
        """``file:row`` of each ``source_id:row`` reference."""
        out = []
        for ref in source_rows:
            sid, _, row = str(ref).rpartition(":")
            out.append(self.origin(sid, row))
        return out
