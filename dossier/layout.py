"""The package laid out as titled sections of text, tables and images, for the HTML and PDF renderers."""

from __future__ import annotations

from collections.abc import Callable

from dossier.blocks import DASH, Image, Section, Table, Text, number, refs, when
from dossier.document import SECTION_TITLES, TargetPackage
from dossier.evidence import row_ranges
from dossier.layout_activity import arrests_section, associates_section, money_section, phones_section


def sections(pkg: TargetPackage) -> list[Section]:
    """Every section of the package, in order, with the titles of ``SECTION_TITLES``."""
    return [build(title, pkg) for build, title in zip(SECTION_BUILDERS, SECTION_TITLES, strict=True)]


def _cover(title: str, pkg: TargetPackage) -> Section:
    """The cover: subject, dates, analysis run, handling, the victims notice."""
    c = pkg.cover
    cover = Section(
        title,
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
    return cover


def _identity(title: str, pkg: TargetPackage) -> Section:
    """Who the subject is: name, aliases, birth, nationality, roles, and every identifier."""
    i = pkg.identity
    identity = Section(
        title,
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
    return identity


def _position(title: str, pkg: TargetPackage) -> Section:
    """The subject's place in the network: measures, key-player rank, community (inferences)."""
    p = pkg.position
    position = Section(title, [Text(p.note, "inference" if p.analysed else "note")])
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
    return position


def _picture(title: str, pkg: TargetPackage) -> Section:
    """The ego-network picture."""
    net = pkg.network
    picture = Section(
        title,
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
    return picture


def _likely_links(title: str, pkg: TargetPackage) -> Section:
    """Links the analysis predicts: leads to check, labelled as inference."""
    likely = Section(
        title,
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
    return likely


def _evidence(title: str, pkg: TargetPackage) -> Section:
    """Each fact traced to its source file, load and rows."""
    evidence = Section(
        title,
        [
            Table(
                ["Ref", "Section", "Fact", "Source file", "Load", "Rows", "Grade"],
                [
                    [
                        e.ref,
                        e.section,
                        e.fact,
                        e.file_name,
                        f"{e.source_id} ({when(e.loaded_at)})",
                        row_ranges(e.rows) or "(whole record)",
                        e.grade or "ungraded",
                    ]
                    for e in pkg.evidence
                ]
                or [["", "", "no sourced facts", "", "", "", ""]],
                widths=[0.5, 1.1, 2.6, 1.4, 1.7, 0.9, 0.6],
            ),
        ],
    )
    if pkg.notes:
        evidence.blocks.append(
            Table(
                ["Analyst's note", "Grade", "Written by", "Last changed"],
                [
                    [
                        n.text,
                        n.grade,
                        f"{n.created_by} ({when(n.created_at)})",
                        f"{n.changed_by} ({when(n.changed_at)})",
                    ]
                    for n in pkg.notes
                ],
                widths=[4.2, 0.6, 2, 2],
                caption="Analysts' notes on the subject, graded (source reliability A-F, credibility 1-6).",
            )
        )
    return evidence


# One builder per entry of SECTION_TITLES, in the same order.
SECTION_BUILDERS: tuple[Callable[[str, TargetPackage], Section], ...] = (
    _cover,
    _identity,
    _position,
    associates_section,
    phones_section,
    money_section,
    arrests_section,
    _picture,
    _likely_links,
    _evidence,
)
