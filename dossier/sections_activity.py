"""The sections on the subject's activity: phones and their contacts, money, arrests and operations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from dossier import findings
from dossier.assembly import Assembly, decimal_sum, earliest, latest
from dossier.document import ArrestEntry, Contact, Flow, Money, MoneyTotal, PhoneActivity, PhoneLine
from graph import dossier as queries


class ActivitySections(Assembly):
    """Phone activity, money and arrests; each records the associates it meets."""

    def phones(self) -> PhoneActivity:
        lines = []
        for row in queries.phone_summary(self.graph, self.pid):
            devices = [d["imei"] for d in row["devices"]]
            refs: list[str] = []
            for d in row["devices"]:
                refs += self.book.add(
                    "Phone activity",
                    f"Phone {row['number']} seen in handset {d['imei']}",
                    source_rows=d["source_rows"],
                    source_ids=[] if d["source_rows"] else d["source_ids"],
                )
            lines.append(
                PhoneLine(
                    row["number"],
                    int(row["calls"]),
                    int(row["outgoing"]),
                    int(row["calls"]) - int(row["outgoing"]),
                    int(row["duration_s"]),
                    row["first"],
                    row["last"],
                    devices,
                    refs,
                )
            )
        contacts = []
        for row in queries.call_contacts(self.graph, self.pid):
            owners = row["owners"]
            number = self.redactor.identifier("phone", str(row["other"]), owners)
            users = [self.redactor.label(o) for o in owners]
            refs = self.book.add(
                "Phone activity",
                f"{row['calls']} calls between {row['mine']} and {number}",
                pairs=row["rows"],
            )
            contacts.append(
                Contact(
                    number,
                    users,
                    str(row["mine"]),
                    int(row["calls"]),
                    int(row["outgoing"]),
                    int(row["duration_s"]),
                    row["first"],
                    row["last"],
                    refs,
                )
            )
            for owner in owners:
                link = self.link(owner)
                a = link.associate
                a.calls += int(row["calls"])
                a.call_duration_s += int(row["duration_s"])
                a.first_call = earliest(a.first_call, row["first"])
                a.last_call = latest(a.last_call, row["last"])
                link.call_rows += row["rows"]
        heatmap = findings.activity_matrix(self.graph, self.pid)
        partners: dict[str, set[str]] = {ln.number: set() for ln in lines}
        for c in contacts:
            partners.setdefault(c.via, set()).add(c.number)
        # calls between two of the subject's phones: each is the other's contact
        for caller, callee in queries.own_call_pairs(self.graph, self.pid):
            partners.setdefault(caller, set()).add(callee)
            partners.setdefault(callee, set()).add(caller)
        activity = [(ln.number, ln.first, ln.last, ln.calls, len(partners[ln.number])) for ln in lines]
        flags, note = findings.phone_flags(
            self.graph, [ln.number for ln in lines], self.devices, activity, self.redactor
        )
        return PhoneActivity(lines, contacts, heatmap, flags, note)

    def money(self, accounts: list[str]) -> Money:
        flows: list[Flow] = []
        totals: dict[tuple[str, str], list[Any]] = {}
        for row in queries.transfers(self.graph, self.pid):
            owners = row["owners"]
            direction = "out" if row["outgoing"] else "in"
            currency = str(row["currency"] or "?")
            total = decimal_sum(row["amounts"])
            if row["own"]:
                counterparty, holder = str(row["other"]), "(subject's own account)"
            else:
                counterparty = self.redactor.identifier("account", str(row["other"]), owners)
                labels = [self.redactor.label(o) for o in owners]
                holder = ", ".join(labels) if labels else str(row["holder_name"] or "(holder unknown)")
                if counterparty != row["other"]:
                    holder = ", ".join(labels)
                bucket = totals.setdefault((direction, currency), [Decimal(0), 0])
                bucket[0] += total
                bucket[1] += int(row["transfers"])
            arrow = "to" if direction == "out" else "from"
            refs = self.book.add(
                "Money",
                f"{row['transfers']} transfers {arrow} {counterparty} ({currency} {total})",
                pairs=row["rows"],
            )
            flows.append(
                Flow(
                    str(row["mine"]),
                    counterparty,
                    holder,
                    direction,
                    currency,
                    int(row["transfers"]),
                    total,
                    row["first"],
                    row["last"],
                    refs,
                )
            )
            if not row["own"]:
                for owner in owners:
                    link = self.link(owner)
                    m = link.money.setdefault((direction, currency), [Decimal(0), 0])
                    m[0] += total
                    m[1] += int(row["transfers"])
                    link.money_rows += row["rows"]
        money_totals = [MoneyTotal(d, c, v[0], v[1]) for (d, c), v in sorted(totals.items())]
        trails, flags, note = findings.money_findings(self.graph, self.pid, accounts, self.redactor)
        return Money(accounts, flows, money_totals, trails, flags, note)

    def arrests(self) -> list[ArrestEntry]:
        out = []
        for row in queries.arrests(self.graph, self.pid):
            a = row["arrest"]
            people = []
            for other in row["others"]:
                label = self.redactor.label(other)
                people.append(f"{label} ({other['arrest_role']})" if other.get("arrest_role") else label)
                link = self.link(other)
                link.associate.co_arrests += 1
                link.arrest_rows += other["source_rows"]
            refs = self.book.add(
                "Arrests and operations",
                f"{self.name} involved in arrest {a['arrest_id']}"
                + (f" ({row['role']})" if row["role"] else ""),
                source_rows=row["source_rows"],
                source_ids=[] if row["source_rows"] else row["source_ids"],
            )
            place = ", ".join(str(v) for v in (a.get("city"), a.get("country")) if v)
            out.append(
                ArrestEntry(
                    str(a["arrest_id"]),
                    a.get("arrest_date"),
                    row["operation"],
                    int(row["operation_arrests"]),
                    place,
                    a.get("agency"),
                    row["role"],
                    list(row["charges"]),
                    people,
                    refs,
                )
            )
        return out
