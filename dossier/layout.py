"""The package laid out as titled sections of text, tables and images, for the HTML and PDF renderers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dossier.document import SECTION_TITLES, WEEKDAYS, MoneyTotal, TargetPackage
from dossier.evidence import row_ranges

DASH = "—"


@dataclass
class Text:
    text: str
    style: str = "body"  # body | note | inference | warning


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative column widths
    caption: str = ""


@dataclass
class Heatmap:
    matrix: list[list[int]]


@dataclass
class Image:
    png: bytes
    caption: str


@dataclass
class Section:
    title: str
    blocks: list[Text | Table | Heatmap | Image] = field(default_factory=list)


def when(value: Any) -> str:
    if value is None:
        return DASH
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def duration(seconds: int) -> str:
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def amount(value: Decimal, currency: str) -> str:
    return f"{value:,} {currency}"


def refs(items: list[str]) -> str:
    return ", ".join(items) if items else DASH


def number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return DASH if value is None else str(value)


def _money_cells(money: list[MoneyTotal]) -> str:
    parts = [
        f"{'paid' if m.direction == 'out' else 'received'} {amount(m.total, m.currency)} ({m.transfers})"
        for m in money
    ]
    return "; ".join(parts) if parts else DASH


def sections(pkg: TargetPackage) -> list[Section]:
    """Every section of the package, in order, with the titles of ``SECTION_TITLES``."""
    t = dict(enumerate(SECTION_TITLES))
    c = pkg.cover
    cover = Section(
        t[0],
        [
            Table(
                ["", ""],
                [
                    ["Subject", f"{c.subject} ({c.person_id})"],
                    ["Generated at", when(c.generated_at)],
                    ["Data as of (latest load)", when(c.data_as_of)],
                    ["Latest event in the data", when(c.latest_event)],
                    [
                        "Analysis run used",
                        f"{c.analysis_id} (run at {when(c.analysis_run_at)})"
                        if c.analysis_id
                        else "none: no network analysis includes this person",
                    ],
                    ["Handling", c.marking],
                ],
                widths=[1, 3],
            ),
            Text(c.victims_notice, "warning" if c.victims_included else "note"),
            Text(
                "Facts in this package come from the database, each traced in the Evidence section to its "
                "source file and row. Analytical findings (measures, flags, suggested links) are "
                "inferences and are labelled as such.",
                "note",
            ),
        ],
    )

    i = pkg.identity
    identity = Section(
        t[1],
        [
            Table(
                ["", ""],
                [
                    ["Name", i.name],
                    ["Aliases", ", ".join(i.aliases) or DASH],
                    ["Date of birth", when(i.date_of_birth)],
                    ["Nationality", ", ".join(i.nationality) or DASH],
                    ["Gender", i.gender or DASH],
                    ["Recorded roles", ", ".join(i.roles) or i.role],
                    ["Evidence", refs(i.evidence)],
                ],
                widths=[1, 3],
            ),
            Table(
                ["Type", "Identifier", "Detail", "Valid", "Also used by", "Evidence"],
                [
                    [
                        x.kind,
                        x.value,
                        x.detail or DASH,
                        f"{when(x.valid_from)} to {when(x.valid_to)}" if x.valid_from or x.valid_to else DASH,
                        ", ".join(x.shared_with) or DASH,
                        refs(x.evidence),
                    ]
                    for x in i.identifiers
                ]
                or [["", "no identifiers recorded", "", "", "", ""]],
                widths=[1, 2, 1.6, 1.6, 1.6, 0.8],
            ),
        ],
    )

    p = pkg.position
    position = Section(t[2], [Text(p.note, "inference" if p.analysed else "note")])
    if p.analysed:
        position.blocks.append(
            Table(
                ["Measure", "Value", "Rank", "Percentile"],
                [
                    [
                        m.name.replace("_", " ")
                        + ("" if m.higher_is_more_central else " (lower = more brokerage)"),
                        number(m.value),
                        f"{m.rank} of {m.of}" if m.rank else DASH,
                        f"{m.percentile:.1f}" if m.percentile is not None else DASH,
                    ]
                    for m in p.measures
                ],
                widths=[2.5, 1, 1, 1],
            )
        )
        kp = "yes" if p.key_player else "no"
        position.blocks.append(Text(f"Key player: {kp}; key-player rank: {number(p.kpp_rank)}.", "inference"))
        if p.community is not None:
            cs = p.community
            nat = ", ".join(f"{k} {v}" for k, v in cs.nationalities.items()) or DASH
            position.blocks.append(
                Text(
                    f"Community {cs.community}: {cs.size} people ({cs.victims} victims, "
                    f"{cs.key_players} key players); "
                    f"nationalities: {nat}; most central members: {', '.join(cs.top_members) or DASH}.",
                    "inference",
                )
            )
    if p.removal_effect:
        position.blocks.append(Text(p.removal_effect, "inference"))

    associates = Section(
        t[3],
        [
            Table(
                [
                    "Associate",
                    "Calls",
                    "Call time",
                    "First / last call",
                    "Money",
                    "Co-arrests",
                    "Shared identifiers",
                    "Evidence",
                ],
                [
                    [
                        a.person.label,
                        str(a.calls),
                        duration(a.call_duration_s) if a.calls else DASH,
                        f"{when(a.first_call)} / {when(a.last_call)}" if a.calls else DASH,
                        _money_cells(a.money),
                        str(a.co_arrests),
                        ", ".join(a.shared_identifiers) or DASH,
                        refs(a.evidence),
                    ]
                    for a in pkg.associates
                ]
                or [["no associates recorded", "", "", "", "", "", "", ""]],
                widths=[1.6, 0.6, 0.8, 2, 2, 0.7, 1.5, 0.8],
                caption="Non-victims linked to the subject, most links first (calls + transfers + "
                "arrests together + shared identifiers).",
            ),
        ],
    )
    if pkg.linked_victims:
        associates.blocks.append(
            Table(
                ["Victim", "Calls", "Call time", "Money", "Arrests together", "Evidence"],
                [
                    [
                        a.person.label,
                        str(a.calls),
                        duration(a.call_duration_s) if a.calls else DASH,
                        _money_cells(a.money),
                        str(a.co_arrests),
                        refs(a.evidence),
                    ]
                    for a in pkg.linked_victims
                ],
                widths=[1.4, 0.6, 0.8, 2.4, 0.9, 0.8],
                caption="Victims linked to the subject (not ranked).",
            )
        )

    ph = pkg.phones
    phones = Section(
        t[4],
        [
            Table(
                ["Number", "Calls", "Out", "In", "Call time", "First", "Last", "Handsets", "Evidence"],
                [
                    [
                        x.number,
                        str(x.calls),
                        str(x.outgoing),
                        str(x.incoming),
                        duration(x.duration_s),
                        when(x.first),
                        when(x.last),
                        ", ".join(x.devices) or DASH,
                        refs(x.evidence),
                    ]
                    for x in ph.phones
                ]
                or [["no phone recorded", "", "", "", "", "", "", "", ""]],
                widths=[1.5, 0.5, 0.5, 0.5, 0.8, 1.5, 1.5, 1.5, 0.7],
                caption="The subject's phones.",
            ),
            Table(
                [
                    "Contact number",
                    "Used by",
                    "From",
                    "Calls",
                    "Out",
                    "Call time",
                    "First / last",
                    "Evidence",
                ],
                [
                    [
                        x.number,
                        ", ".join(x.users) or "(unknown)",
                        x.via,
                        str(x.calls),
                        str(x.outgoing),
                        duration(x.duration_s),
                        f"{when(x.first)} / {when(x.last)}",
                        refs(x.evidence),
                    ]
                    for x in ph.contacts
                ]
                or [["no calls recorded", "", "", "", "", "", "", ""]],
                widths=[1.5, 1.5, 1.4, 0.5, 0.5, 0.8, 2.2, 0.7],
                caption="Numbers in contact with the subject's phones.",
            ),
            Text("Calls by weekday and hour (each call at its recorded local time).", "note"),
            Heatmap(ph.heatmap),
        ],
    )
    for flag in ph.flags:
        phones.blocks.append(Text(f"Inference ({flag.kind}): {flag.text}", "inference"))
    phones.blocks.append(Text(ph.note, "note"))

    mo = pkg.money
    money = Section(
        t[5],
        [
            Table(
                ["Direction", "Currency", "Transfers", "Total"],
                [
                    [
                        "paid out" if m.direction == "out" else "received",
                        m.currency,
                        str(m.transfers),
                        amount(m.total, m.currency),
                    ]
                    for m in mo.totals
                ]
                or [["no transfers recorded", "", "", ""]],
                widths=[1, 1, 1, 2],
                caption="Totals with other people's accounts (exact sums of the recorded amounts).",
            ),
            Table(
                [
                    "Account",
                    "Direction",
                    "Counterparty",
                    "Holder",
                    "Transfers",
                    "Total",
                    "First / last",
                    "Evidence",
                ],
                [
                    [
                        f.account,
                        "out" if f.direction == "out" else "in",
                        f.counterparty,
                        f.counterparty_holder,
                        str(f.transfers),
                        amount(f.total, f.currency),
                        f"{when(f.first)} / {when(f.last)}",
                        refs(f.evidence),
                    ]
                    for f in mo.flows
                ]
                or [["", "", "no transfers recorded", "", "", "", "", ""]],
                widths=[1.3, 0.6, 1.3, 1.4, 0.7, 1.3, 2.2, 0.7],
                caption="By counterparty and currency.",
            ),
        ],
    )
    for trail in mo.trails:
        money.blocks.append(Text(trail, "body"))
    for flag in mo.flags:
        money.blocks.append(Text(f"Inference ({flag.kind}): {flag.text}", "inference"))
    money.blocks.append(Text(mo.note, "note"))

    arrests = Section(
        t[6],
        [
            Table(
                ["Date", "Arrest", "Operation", "Place", "Agency", "Role", "Charges", "With", "Evidence"],
                [
                    [
                        when(a.date),
                        a.arrest_id,
                        f"{a.operation} ({a.operation_arrests} arrests)" if a.operation else DASH,
                        a.place or DASH,
                        a.agency or DASH,
                        a.role or DASH,
                        ", ".join(a.charges) or DASH,
                        ", ".join(a.with_people) or DASH,
                        refs(a.evidence),
                    ]
                    for a in pkg.arrests
                ]
                or [["", "no arrest recorded", "", "", "", "", "", "", ""]],
                widths=[0.9, 0.9, 1.4, 1.2, 0.9, 0.7, 1.3, 1.8, 0.7],
            ),
        ],
    )

    net = pkg.network
    picture = Section(
        t[7],
        [
            Image(
                pkg.picture_png,
                f"People within {net.hops} hops of the subject: {len(net.nodes)} people, "
                f"{len(net.edges)} links"
                + (" (the most strongly linked are shown)" if net.truncated else "")
                + ". Colours are communities from the analysis; squares with a red outline are victims.",
            ),
        ],
    )

    likely = Section(
        t[8],
        [
            Text(
                "INFERENCE, NOT EVIDENCE: links predicted by the network analysis from the structure of the "
                "network. They are leads to check, not facts.",
                "inference",
            ),
            Table(
                ["Possibly linked to", "Score", "Analysis"],
                [[x.person.label, number(x.score), x.analysis_id or DASH] for x in pkg.likely_links]
                or [["no suggested links", "", ""]],
                widths=[2, 1, 2],
            ),
        ],
    )

    evidence = Section(
        t[9],
        [
            Table(
                ["Ref", "Section", "Fact", "Source file", "Load", "Rows"],
                [
                    [
                        e.ref,
                        e.section,
                        e.fact,
                        e.file_name,
                        f"{e.source_id} ({when(e.loaded_at)})",
                        row_ranges(e.rows) or "(whole record)",
                    ]
                    for e in pkg.evidence
                ]
                or [["", "", "no sourced facts", "", "", ""]],
                widths=[0.5, 1.1, 3, 1.5, 1.8, 1],
            ),
        ],
    )
    return [cover, identity, position, associates, phones, money, arrests, picture, likely, evidence]


def heat_colour(value: int, peak: int) -> tuple[int, int, int]:
    """White to dark red, by share of the busiest cell."""
    if peak <= 0 or value <= 0:
        return (255, 255, 255)
    share = value / peak
    return (int(255 - 75 * share), int(235 - 200 * share), int(225 - 190 * share))


WEEKDAY_LABELS = WEEKDAYS
