"""The target package as plain dataclasses: what every renderer (HTML, PDF, JSON) and the UI read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

SECTION_TITLES: tuple[str, ...] = (
    "Cover",
    "Identity",
    "Position in the network",
    "Associates",
    "Phone activity",
    "Money",
    "Arrests and operations",
    "Network picture",
    "Suggested hidden links (inference, not evidence)",
    "Evidence",
)
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_MARKING = "RESTRICTED — LAW ENFORCEMENT USE ONLY"


@dataclass
class PersonRef:
    """A person as the package shows them: a victim is a pseudonym unless victims are included."""

    label: str
    person_id: str
    role: str
    victim: bool
    community: int | None = None


@dataclass
class Cover:
    subject: str
    person_id: str
    generated_at: datetime
    data_as_of: datetime | None
    latest_event: Any
    analysis_id: str | None
    analysis_run_at: Any
    marking: str
    victims_included: bool
    victims_notice: str


@dataclass
class Identifier:
    kind: str
    value: str
    detail: str
    valid_from: Any
    valid_to: Any
    shared_with: list[str]
    evidence: list[str]


@dataclass
class Identity:
    name: str
    aliases: list[str]
    date_of_birth: date | None
    nationality: list[str]
    gender: str | None
    role: str
    roles: list[str]
    identifiers: list[Identifier]
    evidence: list[str]


@dataclass
class Measure:
    name: str
    value: Any
    rank: int | None
    of: int | None
    percentile: float | None
    higher_is_more_central: bool = True


@dataclass
class CommunitySummary:
    community: int
    size: int
    victims: int
    key_players: int
    nationalities: dict[str, int]
    top_members: list[str]


@dataclass
class Position:
    analysed: bool
    note: str
    analysis_id: str | None = None
    measures: list[Measure] = field(default_factory=list)
    key_player: bool | None = None
    kpp_rank: int | None = None
    community: CommunitySummary | None = None
    removal_effect: str = ""


@dataclass
class MoneyTotal:
    direction: str  # "out" (subject pays) or "in" (subject receives)
    currency: str
    total: Decimal
    transfers: int


@dataclass
class Associate:
    person: PersonRef
    calls: int = 0
    call_duration_s: int = 0
    first_call: datetime | None = None
    last_call: datetime | None = None
    money: list[MoneyTotal] = field(default_factory=list)
    co_arrests: int = 0
    shared_identifiers: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def strength(self) -> int:
        """Records that link the two people: calls, transfers, common arrests and shared identifiers."""
        transfers = sum(m.transfers for m in self.money)
        return self.calls + transfers + self.co_arrests + len(self.shared_identifiers)


@dataclass
class PhoneLine:
    number: str
    calls: int
    outgoing: int
    incoming: int
    duration_s: int
    first: datetime | None
    last: datetime | None
    devices: list[str]
    evidence: list[str]


@dataclass
class Contact:
    number: str
    users: list[str]
    via: str
    calls: int
    outgoing: int
    duration_s: int
    first: datetime | None
    last: datetime | None
    evidence: list[str]


@dataclass
class Flag:
    """An analytical finding (an inference, not a recorded fact)."""

    kind: str
    text: str


@dataclass
class PhoneActivity:
    phones: list[PhoneLine]
    contacts: list[Contact]
    heatmap: list[list[int]]  # 7 weekdays (Monday first) x 24 hours
    flags: list[Flag]
    note: str


@dataclass
class Flow:
    account: str
    counterparty: str
    counterparty_holder: str
    direction: str
    currency: str
    transfers: int
    total: Decimal
    first: datetime | None
    last: datetime | None
    evidence: list[str]


@dataclass
class Money:
    accounts: list[str]
    flows: list[Flow]
    totals: list[MoneyTotal]
    trails: list[str]
    flags: list[Flag]
    note: str


@dataclass
class ArrestEntry:
    arrest_id: str
    date: date | None
    operation: str | None
    operation_arrests: int
    place: str
    agency: str | None
    role: str | None
    charges: list[str]
    with_people: list[str]
    evidence: list[str]


@dataclass
class EgoNode:
    label: str
    victim: bool
    subject: bool
    community: int | None
    hop: int


@dataclass
class EgoEdge:
    a: int
    b: int
    kinds: list[str]
    weight: int


@dataclass
class EgoNetwork:
    hops: int
    nodes: list[EgoNode]
    edges: list[EgoEdge]
    truncated: bool


@dataclass
class LikelyLink:
    person: PersonRef
    score: float | None
    analysis_id: str | None


@dataclass
class EvidenceEntry:
    ref: str
    section: str
    fact: str
    source_id: str
    file_name: str
    kind: str
    loaded_at: Any
    rows: list[int]
    grade: str = ""  # the source's Admiralty grade (values.grading), blank when ungraded


@dataclass
class NoteEntry:
    """An analyst's graded note on the subject (graph.cases)."""

    text: str
    grade: str
    created_by: str
    created_at: Any
    changed_by: str
    changed_at: Any


@dataclass
class TargetPackage:
    cover: Cover
    identity: Identity
    position: Position
    associates: list[Associate]
    linked_victims: list[Associate]
    phones: PhoneActivity
    money: Money
    arrests: list[ArrestEntry]
    network: EgoNetwork
    picture_png: bytes
    likely_links: list[LikelyLink]
    evidence: list[EvidenceEntry]
    build_seconds: float = 0.0
    notes: list[NoteEntry] = field(default_factory=list)
