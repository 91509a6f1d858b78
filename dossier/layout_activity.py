"""The package's activity sections: associates, phone activity, money, arrests and operations."""

from __future__ import annotations

from dossier.blocks import DASH, Heatmap, Section, Table, Text, amount, duration, money_cells, refs, when
from dossier.document import TargetPackage


def associates_section(title: str, pkg: TargetPackage) -> Section:
    """Non-victims linked to the subject, most links first, then the linked victims unranked."""
    associates = Section(
        title,
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
                        money_cells(a.money),
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
                        money_cells(a.money),
                        str(a.co_arrests),
                        refs(a.evidence),
                    ]
                    for a in pkg.linked_victims
                ],
                widths=[1.4, 0.6, 0.8, 2.4, 0.9, 0.8],
                caption="Victims linked to the subject (not ranked).",
            )
        )
    return associates


def phones_section(title: str, pkg: TargetPackage) -> Section:
    """The subject's phones, the numbers in contact with them, the weekday/hour heatmap, flags."""
    ph = pkg.phones
    phones = Section(
        title,
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
    return phones


def money_section(title: str, pkg: TargetPackage) -> Section:
    """Money totals and flows by counterparty, trails and flags."""
    mo = pkg.money
    money = Section(
        title,
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
    return money


def arrests_section(title: str, pkg: TargetPackage) -> Section:
    """Every arrest of the subject with its operation, place, charges and co-arrested people."""
    arrests = Section(
        title,
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
    return arrests
