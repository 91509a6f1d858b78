"""The strategic picture: people by sex and age group, crimes, exploitation, corridors, trend, justice."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from analytics.disclosure import shown, suppress
from graph.model import ROLES

# UNODC's Global Report on Trafficking in Persons counts women, men, girls and boys; "unknown" keeps
# apart anyone whose sex (F/M) or age at the event is not recorded.
GROUPS = ("women", "men", "girls", "boys", "unknown")
BY = ("operation", "country", "nationality", "month")
DEFAULT_THRESHOLD = 5  # cells counting 1 to 4 people are shown as "<5"
ADULT_AGE = 18  # anyone younger at the event is a child
NOT_RECORDED = "(not recorded)"
TOTAL = "Total"
CRIMES = ("trafficking", "smuggling", "other")
EXPLOITATION = ("sexual_exploitation", "forced_labour", "forced_criminality", "other", NOT_RECORDED)
STAGES = ("investigation", "charged", "prosecuted", "convicted", "acquitted", "dismissed")
# The stages that imply an earlier one: a person prosecuted was charged; convicted or acquitted, tried.
REACHED = {
    "charged": {"charged", "prosecuted", "convicted", "acquitted"},
    "prosecuted": {"prosecuted", "convicted", "acquitted"},
    "convicted": {"convicted"},
    "acquitted": {"acquitted"},
    "dismissed": {"dismissed"},
}
TOP_CORRIDORS = 10

# Charges read after lower-casing and removing accents. Spanish "trata de personas" is trafficking in
# persons; "tráfico de migrantes" (and Mexico's "tráfico de personas") is migrant smuggling.
TRAFFICKING = re.compile(
    r"\btrata\b|human trafficking|trafficking (in|of) (persons|people|human)|people trafficking"
    r"|(sex|labou?r) trafficking"
)
SMUGGLING = re.compile(r"smuggl|trafico (ilicito )?de (migrantes|personas)|migrant trafficking")
_FOLD = str.maketrans("áéíóúüñ", "aeiouun")


def age_at(born: date, on: date) -> int:
    """Whole years from ``born`` to ``on``."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def age_group(sex: str | None, born: date | None, on: date | None) -> str:
    """women, men, girls or boys by sex and age at the event (under 18: a child); otherwise unknown."""
    if sex not in ("F", "M") or born is None or on is None or born > on:
        return "unknown"
    child = age_at(born, on) < ADULT_AGE
    if sex == "F":
        return "girls" if child else "women"
    return "boys" if child else "men"


def crimes_of(charges: Iterable[str]) -> set[str]:
    """'trafficking' and/or 'smuggling' as the charges name them; {'other'} when they name neither."""
    found: set[str] = set()
    for charge in charges:
        text = charge.lower().translate(_FOLD)
        if TRAFFICKING.search(text):
            found.add("trafficking")
        if SMUGGLING.search(text):
            found.add("smuggling")
    return found or {"other"}


@dataclass
class Table:
    """One table of the report: column names, and rows of labels then counts (int, or "<5" hidden)."""

    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass
class Involvement:
    """One person's part in one arrest (``graph.strategic.involvements`` rows)."""

    person_id: str
    role: str
    group: str
    nationality: str | None
    arrest_id: str
    on: date
    country: str | None
    operations: tuple[str, ...]
    charges: tuple[str, ...]
    exploitation: str | None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Involvement:
        on = row["arrest_date"]
        return cls(
            person_id=row["person_id"],
            role=row["role"] or "unknown",
            group=age_group(row["sex"], row["born"], on),
            nationality=row["nationality"],
            arrest_id=row["arrest_id"],
            on=on,
            country=row["country"],
            operations=tuple(row["operations"] or ()),
            charges=tuple(row["charges"] or ()),
            exploitation=row["exploitation"],
        )

    def values(self, by: str) -> tuple[str, ...]:
        """The values of dimension ``by`` this involvement counts under."""
        if by == "operation":
            return self.operations or (NOT_RECORDED,)
        if by == "country":
            return (self.country or NOT_RECORDED,)
        if by == "nationality":
            return (self.nationality or NOT_RECORDED,)
        return (f"{self.on.year:04d}-{self.on.month:02d}",)


@dataclass
class StrategicReport:
    """Every table of the strategic report, its window and its suppression threshold."""

    by: str
    since: date | None
    until: date | None
    threshold: int
    people: Table
    crimes: Table
    exploitation: Table
    trend: Table
    corridors: Table
    funnel: Table
    notes: list[str] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [self.people, self.crimes, self.exploitation, self.trend, self.corridors, self.funnel]

    def as_dict(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "threshold": self.threshold,
            "tables": [
                {"title": t.title, "columns": t.columns, "rows": t.rows, "note": t.note}
                for t in self.tables()
            ],
            "notes": self.notes,
        }


def _roles(involvements: Sequence[Involvement]) -> list[str]:
    present = {i.role for i in involvements}
    return [r for r in ROLES if r in present]


def _first_groups(involvements: Iterable[Involvement]) -> dict[str, str]:
    """Each person's group at their first event among ``involvements`` (they come in date order)."""
    groups: dict[str, str] = {}
    for inv in involvements:
        groups.setdefault(inv.person_id, inv.group)
    return groups


def _group_row(groups: Iterable[str]) -> list[int]:
    counts = dict.fromkeys(GROUPS, 0)
    for g in groups:
        counts[g] += 1
    return [*counts.values(), sum(counts.values())]


def _grid_rows(
    labels: list[list[Any]], grid: list[list[int]], threshold: int, total_row: bool
) -> list[list[Any]]:
    hidden = suppress(grid, threshold, total_row)
    return [
        [*label, *(shown(n, h, threshold) for n, h in zip(counts, hide, strict=True))]
        for label, counts, hide in zip(labels, grid, hidden, strict=True)
    ]


def people_table(involvements: Sequence[Involvement], by: str, threshold: int) -> Table:
    """Distinct people per value of ``by`` and role, by sex and age group at their first event under
    that value; each role's last row counts its people once over all values."""
    rows: list[list[Any]] = []
    for role in _roles(involvements):
        mine = [i for i in involvements if i.role == role]
        per_value: dict[str, list[Involvement]] = defaultdict(list)
        for inv in mine:
            for value in inv.values(by):
                per_value[value].append(inv)
        values = sorted(per_value)
        labels = [[v, role] for v in values] + [[TOTAL, role]]
        grid = [_group_row(_first_groups(per_value[v]).values()) for v in values]
        grid.append(_group_row(_first_groups(mine).values()))
        rows += _grid_rows(labels, grid, threshold, total_row=True)
    return Table(f"People by {by}, sex and age group", [by, "role", *GROUPS, "total"], rows)


def crimes_table(involvements: Sequence[Involvement], threshold: int) -> Table:
    """Distinct people per crime (from the charges of everyone in the same arrest) and role."""
    by_arrest: dict[str, set[str]] = defaultdict(set)
    for inv in involvements:
        by_arrest[inv.arrest_id].update(inv.charges)
    crimes = {a: crimes_of(charges) for a, charges in by_arrest.items()}
    rows: list[list[Any]] = []
    for role in _roles(involvements):
        mine = [i for i in involvements if i.role == role]
        groups = _first_groups(mine)
        people: dict[str, set[str]] = defaultdict(set)
        for inv in mine:
            for crime in crimes[inv.arrest_id]:
                people[crime].add(inv.person_id)
        labels = [[crime, role] for crime in CRIMES]
        grid = [_group_row(groups[p] for p in people[crime]) for crime in CRIMES]
        rows += _grid_rows(labels, grid, threshold, total_row=False)
    return Table(
        "People by crime, sex and age group",
        ["crime", "role", *GROUPS, "total"],
        rows,
        "An arrest's crime comes from the charges of everyone arrested in it; a person in arrests of "
        "both crimes counts under both.",
    )


def exploitation_table(involvements: Sequence[Involvement], threshold: int) -> Table:
    """Distinct victims per form of exploitation recorded on any of their arrests ("not recorded" when
    none of them records one)."""
    victims = [i for i in involvements if i.role == "victim"]
    groups = _first_groups(victims)
    forms: dict[str, set[str]] = {p: set() for p in groups}
    for inv in victims:
        if inv.exploitation:
            forms[inv.person_id].add(inv.exploitation)
    people: dict[str, set[str]] = defaultdict(set)
    for person, recorded in forms.items():
        for form in recorded or {NOT_RECORDED}:
            people[form].add(person)
    labels: list[list[Any]] = [[form] for form in EXPLOITATION]
    grid = [_group_row(groups[p] for p in people[form]) for form in EXPLOITATION]
    return Table(
        "Victims by form of exploitation, sex and age group",
        ["exploitation", *GROUPS, "total"],
        _grid_rows(labels, grid, threshold, total_row=False),
    )


def _months(first: date, last: date) -> list[str]:
    out = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _change(now: int, before: int, now_hidden: bool, before_hidden: bool) -> tuple[Any, Any]:
    if now_hidden or before_hidden:
        return None, None
    return now - before, (round(100 * (now - before) / before, 1) if before else None)


def trend_table(involvements: Sequence[Involvement], threshold: int) -> Table:
    """Distinct victims and suspects per month (every month from the first to the last), and the
    change against the month before (shown when both counts are)."""
    columns = ["month", "victims", "suspects", "victims_change", "victims_change_pct"]
    columns += ["suspects_change", "suspects_change_pct"]
    if not involvements:
        return Table("Month by month", columns, [])
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for inv in involvements:
        people[(inv.values("month")[0], inv.role)].add(inv.person_id)
    months = _months(min(i.on for i in involvements), max(i.on for i in involvements))
    rows: list[list[Any]] = []
    before: dict[str, tuple[int, bool]] = {}
    for month in months:
        row: list[Any] = [month]
        changes: list[Any] = []
        for role in ("victim", "suspect"):
            n = len(people[(month, role)])
            hide = 0 < n < threshold
            row.append(shown(n, hide, threshold))
            changes += _change(n, before[role][0], hide, before[role][1]) if role in before else (None, None)
            before[role] = (n, hide)
        rows.append(row + changes)
    return Table("Month by month", columns, rows, "Change against the month before; % when it had any.")


def _route(steps: list[Involvement]) -> tuple[str, ...]:
    """Nationality, then the countries of the arrests in date order, repeats in a row merged."""
    route: list[str] = []
    for country in [steps[0].nationality, *(s.country for s in steps)]:
        if country and (not route or route[-1] != country):
            route.append(country)
    return tuple(route)


def corridors_table(involvements: Sequence[Involvement], threshold: int) -> Table:
    """The top corridors origin → transit → destination by people moved (everyone not a suspect, with a
    nationality): origin is the nationality, destination the last country of arrest, transit those
    between; people who never left their country move along no corridor."""
    steps: dict[str, list[Involvement]] = defaultdict(list)
    for inv in involvements:
        if inv.role != "suspect" and inv.nationality:
            steps[inv.person_id].append(inv)
    counts: dict[tuple[str, ...], int] = defaultdict(int)
    for mine in steps.values():
        route = _route(mine)
        if len(route) > 1:
            counts[route] += 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CORRIDORS]
    rows = [[r[0], " → ".join(r[1:-1]), r[-1], shown(n, 0 < n < threshold, threshold)] for r, n in top]
    return Table("Corridors", ["origin", "transit", "destination", "people"], rows)


def funnel_table(
    involvements: Sequence[Involvement], outcomes: Sequence[Mapping[str, Any]], threshold: int
) -> Table:
    """Per operation, the suspects arrested and how many of them reached each stage in any case."""
    stages: dict[str, set[str]] = defaultdict(set)
    for o in outcomes:
        stages[o["person_id"]].add(o["stage"])
    suspects = [i for i in involvements if i.role == "suspect"]
    per_op: dict[str, set[str]] = defaultdict(set)
    for inv in suspects:
        for op in inv.values("operation"):
            per_op[op].add(inv.person_id)
    columns = ["operation", "arrested", "charged", "prosecuted", "convicted", "acquitted", "dismissed"]
    rows: list[list[Any]] = []
    everyone = {i.person_id for i in suspects}
    for op, people in [*sorted(per_op.items()), *([(TOTAL, everyone)] if everyone else [])]:
        counts = [len(people)]
        counts += [sum(1 for p in people if stages[p] & REACHED[s]) for s in columns[2:]]
        rows.append([op, *(shown(n, 0 < n < threshold, threshold) for n in counts)])
    return Table(
        "Justice chain",
        columns,
        rows,
        "Suspects arrested in each operation; a later stage implies the earlier ones (a conviction "
        "means charged and prosecuted).",
    )


def strategic_report(
    involvement_rows: Sequence[Mapping[str, Any]],
    outcome_rows: Sequence[Mapping[str, Any]],
    *,
    by: str = "operation",
    since: date | None = None,
    until: date | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    canon: Mapping[str, str] | None = None,
) -> StrategicReport:
    """Every table of the report from ``graph.strategic`` rows (involvements in date order). People an
    analyst merged (``canon``: person_id -> the id of its SAME_AS group) count as one."""
    canon = canon or {}
    involvement_rows = [
        {**r, "person_id": canon.get(r["person_id"], r["person_id"])} for r in involvement_rows
    ]
    outcome_rows = [{**o, "person_id": canon.get(o["person_id"], o["person_id"])} for o in outcome_rows]
    involvements = [Involvement.of(r) for r in involvement_rows]
    children = len({i.person_id for i in involvements if i.group in ("girls", "boys")})
    notes = [
        f"Counts from 1 to {threshold - 1} are shown as <{threshold}, with a second count of the same "
        "row or column where one alone could be worked out from a total.",
        "Children are people under 18 at the event; no table names anyone or shows an age.",
    ]
    if children:
        notes.append("The data holds children: share these tables only as they are shown here.")
    return StrategicReport(
        by=by,
        since=since,
        until=until,
        threshold=threshold,
        people=people_table(involvements, by, threshold),
        crimes=crimes_table(involvements, threshold),
        exploitation=exploitation_table(involvements, threshold),
        trend=trend_table(involvements, threshold),
        corridors=corridors_table(involvements, threshold),
        funnel=funnel_table(involvements, outcome_rows, threshold),
        notes=notes,
    )
