"""The strategic picture: people by sex and age group, crimes, exploitation, corridors, trend, justice."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from analytics.disclosure import shown, suppress
from graph.model import ROLES
from values.cell import cell_country

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
    labels: list[list[Any]],
    grid: list[list[int]],
    threshold: int,
    total_row: bool,
    total_column: bool = True,
) -> list[list[Any]]:
    hidden = suppress(grid, threshold, total_row, total_column)
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


def _change(now: Any, before: Any) -> tuple[Any, Any]:
    """The change from one shown count to the next, in people and in % (None when either is hidden)."""
    if not isinstance(now, int) or not isinstance(before, int):
        return None, None
    return now - before, (round(100 * (now - before) / before, 1) if before else None)


def trend_table(involvements: Sequence[Involvement], threshold: int) -> Table:
    """Distinct victims and suspects per month (every month from the first to the last) and over the
    window, and the change against the month before (shown when both counts are). Each column's months
    are suppressed with their complements against its total (``analytics.disclosure.suppress``)."""
    columns = ["month", "victims", "suspects", "victims_change", "victims_change_pct"]
    columns += ["suspects_change", "suspects_change_pct"]
    if not involvements:
        return Table("Month by month", columns, [])
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for inv in involvements:
        people[(inv.values("month")[0], inv.role)].add(inv.person_id)
        people[(TOTAL, inv.role)].add(inv.person_id)
    months = _months(min(i.on for i in involvements), max(i.on for i in involvements))
    roles = ("victim", "suspect")
    grid = [[len(people[(month, role)]) for role in roles] for month in [*months, TOTAL]]
    counts = _grid_rows([[m] for m in [*months, TOTAL]], grid, threshold, True, total_column=False)
    rows: list[list[Any]] = []
    for i, row in enumerate(counts):
        changes: list[Any] = []
        for j in (1, 2):
            before = counts[i - 1][j] if 0 < i < len(months) else None
            changes += _change(row[j], before)
        rows.append(row + changes)
    return Table(
        "Month by month",
        columns,
        rows,
        "Change against the month before; % when it had any. Total: distinct people over the window.",
    )


@dataclass(frozen=True)
class Sighting:
    """A country where a person's own calls or money were active, first seen on ``on``."""

    person_id: str
    country: str
    on: date
    evidence: str  # "calls" or "money"


def _day(at: Any) -> date:
    return at.date() if isinstance(at, datetime) else at


def sightings(
    call_rows: Iterable[Mapping[str, Any]], money_rows: Iterable[Mapping[str, Any]]
) -> list[Sighting]:
    """The countries of ``graph.strategic.call_places`` rows (the number's country by its prefix, and
    each cell's by the mobile country code of its Cell Global Identity) and of ``money_places`` rows
    (the country of an account the person holds), each first seen on the day of its earliest event."""
    first: dict[tuple[str, str, str], date] = {}

    def seen(person: str, country: str | None, at: Any, evidence: str) -> None:
        if country and at is not None:
            key = (person, country, evidence)
            day = _day(at)
            first[key] = min(first.get(key, day), day)

    for row in call_rows:
        seen(row["person_id"], row["region"], row["first"], "calls")
        seen(row["person_id"], cell_country(row["cell"]), row["first"], "calls")
    for row in money_rows:
        seen(row["person_id"], row["country"], row["first"], "money")
    return [Sighting(p, c, on, e) for (p, c, e), on in sorted(first.items())]


@dataclass(frozen=True)
class Corridor:
    """One person's route: origin, the transit countries in the order first seen, destination, and the
    kinds of evidence its countries rest on (nationality, arrest, calls, money)."""

    origin: str
    transit: tuple[str, ...]
    destination: str
    evidence: frozenset[str]


def corridor_of(steps: Sequence[Involvement], seen: Iterable[Sighting]) -> Corridor | None:
    """A person's corridor from their arrests (in date order) and the countries their calls and money
    were seen in. Origin is the nationality, destination the country of the last arrest; transit is
    every other country of an earlier arrest or seen in calls or money on or before the last arrest,
    ordered by the day first seen (then by code). None when the person has no nationality, no arrest
    country, or ends in their own country (a return is no corridor)."""
    arrested = [s for s in steps if s.country]
    origin = steps[0].nationality if steps else None
    if not origin or not arrested or arrested[-1].country == origin:
        return None
    last = arrested[-1]
    destination = last.country or ""
    places = [(s.on, s.country or "", "arrest") for s in arrested[:-1]]
    places += [(s.on, s.country, s.evidence) for s in seen if s.on <= last.on]
    firsts: dict[str, date] = {}
    evidence = {"nationality", "arrest"}
    for on, country, kind in places:
        if country in (origin, destination):
            continue
        firsts[country] = min(firsts.get(country, on), on)
        evidence.add(kind)
    transit = tuple(sorted(firsts, key=lambda c: (firsts[c], c)))
    return Corridor(origin, transit, destination, frozenset(evidence))


EVIDENCE = ("nationality", "arrest", "calls", "money")
OTHER_CORRIDORS = "(other corridors)"


def corridors_table(involvements: Sequence[Involvement], seen: Sequence[Sighting], threshold: int) -> Table:
    """The top corridors origin → transit → destination by people moved (everyone not a suspect: victims
    and others), each person on their own corridor (``corridor_of``), with the evidence any of its people's
    countries rest on; the corridors past the top ones in one row, and the total. Small counts are
    suppressed with their complements (``analytics.disclosure.suppress``)."""
    steps: dict[str, list[Involvement]] = defaultdict(list)
    for inv in involvements:
        if inv.role != "suspect":
            steps[inv.person_id].append(inv)
    sighted: dict[str, list[Sighting]] = defaultdict(list)
    for s in seen:
        sighted[s.person_id].append(s)
    people: dict[tuple[str, tuple[str, ...], str], list[int]] = defaultdict(lambda: [0, 0])
    evidence: dict[tuple[str, tuple[str, ...], str], set[str]] = defaultdict(set)
    for person, mine in steps.items():
        corridor = corridor_of(mine, sighted[person])
        if corridor is None:
            continue
        key = (corridor.origin, corridor.transit, corridor.destination)
        people[key][0 if mine[0].role == "victim" else 1] += 1
        evidence[key] |= corridor.evidence
    ranked = sorted(people.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    columns = ["origin", "transit", "destination", "evidence", "victims", "others", "people"]
    if not ranked:
        return Table("Corridors", columns, [])
    labels: list[list[Any]] = [
        [o, " → ".join(t), d, ", ".join(e for e in EVIDENCE if e in evidence[(o, t, d)])]
        for (o, t, d), _ in ranked[:TOP_CORRIDORS]
    ]
    grid = [[v, n, v + n] for _, (v, n) in ranked[:TOP_CORRIDORS]]
    rest = ranked[TOP_CORRIDORS:]
    if rest:
        labels.append([OTHER_CORRIDORS, "", "", ""])
        grid.append([sum(c[0] for _, c in rest), sum(c[1] for _, c in rest)])
        grid[-1].append(sum(grid[-1]))
    labels.append([TOTAL, "", "", ""])
    grid.append([sum(column) for column in zip(*grid, strict=True)])
    return Table(
        "Corridors",
        columns,
        _grid_rows(labels, grid, threshold, total_row=True),
        "Origin is the nationality, destination the country of the last arrest; transit the other "
        "countries of earlier arrests, of the person's own calls (cells, numbers) and money (accounts) "
        "up to that arrest, in the order first seen. Others: witnesses and people of unknown role.",
    )


def funnel_table(
    involvements: Sequence[Involvement], outcomes: Sequence[Mapping[str, Any]], threshold: int
) -> Table:
    """Per operation, the suspects arrested and how many of them reached each stage in any case. Each
    column's operations are suppressed with their complements against its total (a stage is no sum of
    the others, so rows have none)."""
    stages: dict[str, set[str]] = defaultdict(set)
    for o in outcomes:
        stages[o["person_id"]].add(o["stage"])
    suspects = [i for i in involvements if i.role == "suspect"]
    per_op: dict[str, set[str]] = defaultdict(set)
    for inv in suspects:
        for op in inv.values("operation"):
            per_op[op].add(inv.person_id)
    columns = ["operation", "arrested", "charged", "prosecuted", "convicted", "acquitted", "dismissed"]
    everyone = {i.person_id for i in suspects}
    groups = [*sorted(per_op.items()), *([(TOTAL, everyone)] if everyone else [])]
    grid = [
        [len(people), *(sum(1 for p in people if stages[p] & REACHED[s]) for s in columns[2:])]
        for _, people in groups
    ]
    rows = _grid_rows([[op] for op, _ in groups], grid, threshold, bool(groups), total_column=False)
    return Table(
        "Justice chain",
        columns,
        rows,
        "Suspects arrested in each operation; a later stage implies the earlier ones (a conviction "
        "means charged and prosecuted).",
    )


def movers(involvement_rows: Iterable[Mapping[str, Any]], canon: Mapping[str, str]) -> list[str]:
    """The person ids whose calls and money the corridors read: everyone not a suspect in
    ``involvement_rows``, and every record merged with one of them (``canon``)."""
    ids = {r["person_id"] for r in involvement_rows if r["role"] != "suspect"}
    groups = {canon[i] for i in ids if i in canon}
    return sorted(ids | {i for i, c in canon.items() if c in groups})


def strategic_report(
    involvement_rows: Sequence[Mapping[str, Any]],
    outcome_rows: Sequence[Mapping[str, Any]],
    *,
    by: str = "operation",
    since: date | None = None,
    until: date | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    canon: Mapping[str, str] | None = None,
    call_rows: Sequence[Mapping[str, Any]] = (),
    money_rows: Sequence[Mapping[str, Any]] = (),
) -> StrategicReport:
    """Every table of the report from ``graph.strategic`` rows (involvements in date order; the call
    and money places of the people ``movers`` names). People an analyst merged (``canon``: person_id
    -> the id of its SAME_AS group) count as one."""
    canon = canon or {}

    def merged(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        return [{**r, "person_id": canon.get(r["person_id"], r["person_id"])} for r in rows]

    involvements = [Involvement.of(r) for r in merged(involvement_rows)]
    outcome_rows = merged(outcome_rows)
    seen = sightings(merged(call_rows), merged(money_rows))
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
        corridors=corridors_table(involvements, seen, threshold),
        funnel=funnel_table(involvements, outcome_rows, threshold),
        notes=notes,
    )
