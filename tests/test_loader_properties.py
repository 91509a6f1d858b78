"""Property: whatever rows a file holds, in any format, each bad row is rejected with its line and a
reason, each good row is in the graph, and no exception escapes (hypothesis, real Neo4j)."""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import LiteralString

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.connection import Graph
from loaders.pipeline import load_file
from loaders.readers import MAX_FIELD_CHARS, UNCLOSED_QUOTE
from loaders.rejects import rejects_path_for

CLEAR = "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS"
COLUMNS = ("arrest_id", "arrest_date", "full_name", "role", "latitude")
LETTERS = st.characters(whitelist_categories=("Lu", "Ll"), max_codepoint=0x24F)
WORD = st.text(LETTERS, min_size=1, max_size=12)
GOOD_NAME = st.builds(lambda a, b: f"{a} {b}", WORD, WORD)
GOOD_DATE = st.dates().map(lambda d: d.isoformat())
GOOD_ROLE = st.sampled_from(["", "suspect", "victim", "witness", "Suspect "])
GOOD_LATITUDE = st.one_of(st.just(""), st.floats(-90, 90, allow_nan=False).map(lambda x: f"{x:.5f}"))
# Values no row may carry: each makes its row a rejected one, whatever the format.
BAD_NAME = st.sampled_from(["", "¡¿ ** ?!", "Ana\x00Nul", "X" * (MAX_FIELD_CHARS + 1), "\x07Bell Ringer"])
BAD_DATE = st.sampled_from(["", "2025-02-30", "31/31/2025", "99999-01-01", "1e309", "NaN", "yesterday"])
BAD_ROLE = st.sampled_from(["chief", "victim; suspect?", "∞"])
BAD_LATITUDE = st.sampled_from(["1e309", "NaN", "inf", "91", "-90.5", "north"])


@dataclass(frozen=True)
class Row:
    values: tuple[str, str, str, str, str]  # in COLUMNS order, without the id
    bad: bool


@st.composite
def rows(draw: st.DrawFn) -> Row:
    """A row, good or with one to all of its values bad (the test knows which: its oracle)."""
    good = [draw(GOOD_DATE), draw(GOOD_NAME), draw(GOOD_ROLE), draw(GOOD_LATITUDE)]
    bad_values = [BAD_DATE, BAD_NAME, BAD_ROLE, BAD_LATITUDE]
    spoiled = draw(st.sets(st.integers(0, 3), max_size=4))
    for i in spoiled:
        good[i] = draw(bad_values[i])
    return Row(("", *good), bool(spoiled))  # type: ignore[arg-type]


def write(path: Path, fmt: str, table: list[list[str]]) -> Path:
    return write_table(path, fmt, COLUMNS, table)


def write_table(path: Path, fmt: str, columns: tuple[str, ...], table: list[list[str]]) -> Path:
    """``table`` under a header of ``columns``, in ``fmt`` (csv, csv.gz, jsonl or xlsx)."""
    if fmt in ("csv", "csv.gz"):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([list(columns), *table])
        data = buffer.getvalue().encode("utf-8")
        path.write_bytes(gzip.compress(data) if fmt == "csv.gz" else data)
    elif fmt == "jsonl":
        lines = [json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False) for row in table]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(list(columns))
        for row in table:
            sheet.append(row)
        book.save(path)
    return path


def rejected_lines(path: Path) -> dict[int, str]:
    out = rejects_path_for(path)
    if not out.exists():
        return {}
    with out.open(encoding="utf-8", newline="") as handle:
        return {int(r["line"]): r["reason"] for r in csv.DictReader(handle)}


@pytest.mark.parametrize("fmt", ["csv", "csv.gz", "jsonl", "xlsx"])
def test_every_row_is_loaded_or_rejected_with_its_reason(graph: Graph, tmp_path: Path, fmt: str) -> None:
    # xlsx cannot hold control characters at all: that format gets the other bad values
    names = BAD_NAME.filter(lambda n: "\x00" not in n and "\x07" not in n) if fmt == "xlsx" else BAD_NAME

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(rows(), min_size=1, max_size=12), names)
    def check(drawn: list[Row], bad_name: str) -> None:
        graph.run_in_batches(CLEAR)
        if fmt == "xlsx":
            drawn = [Row((r.values[0], r.values[1], bad_name, *r.values[3:]), True) if "\x00" in r.values[2]
                     or "\x07" in r.values[2] else r for r in drawn]  # fmt: skip
        table = [[f"A{i}", *row.values[1:]] for i, row in enumerate(drawn)]
        path = write(tmp_path / f"arrests.{fmt}", fmt, table)
        summary = load_file(graph, "arrests", path, progress=False)
        rejected = rejected_lines(path)
        # line numbers: a CSV or sheet's header is line 1; JSON lines have no header
        first = 1 if fmt == "jsonl" else 2
        expected_bad = {i + first for i, row in enumerate(drawn) if row.bad}
        assert set(rejected) == expected_bad, (rejected, drawn)
        assert all(reason.strip() for reason in rejected.values())
        loaded = {r["id"] for r in graph.read("MATCH (a:Arrest) RETURN a.arrest_id AS id")}
        assert loaded == {f"A{i}" for i, row in enumerate(drawn) if not row.bad}
        assert (summary.rows_read, summary.rows_loaded, summary.rows_rejected) == (
            len(drawn),
            len(drawn) - len(expected_bad),
            len(expected_bad),
        )

    check()


def test_a_quote_that_never_closes_costs_only_its_own_line(graph: Graph, tmp_path: Path) -> None:
    """A cell opened by a quote that does not close on its line would swallow the lines after it (the
    CSV rules let a quoted cell span lines): that line is rejected, every other row loads."""

    good = st.builds(lambda *v: Row(("", *v), False), GOOD_DATE, GOOD_NAME, GOOD_ROLE, GOOD_LATITUDE)

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.tuples(good, st.booleans()), min_size=1, max_size=12))
    def check(drawn: list[tuple[Row, bool]]) -> None:
        graph.run_in_batches(CLEAR)
        lines = [",".join(COLUMNS)]
        for i, (row, broken) in enumerate(drawn):
            date, name, role, latitude = row.values[1:]
            name = f'"{name}' if broken else name  # e.g. "Ana Pérez, with no quote after it
            lines.append(",".join([f"A{i}", date, name, role, latitude]))
        path = tmp_path / "arrests.csv"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        load_file(graph, "arrests", path, progress=False)
        rejected = rejected_lines(path)
        assert set(rejected) == {i + 2 for i, (_, broken) in enumerate(drawn) if broken}, (rejected, lines)
        assert set(rejected.values()) <= {UNCLOSED_QUOTE}
        loaded = {r["id"] for r in graph.read("MATCH (a:Arrest) RETURN a.arrest_id AS id")}
        assert loaded == {f"A{i}" for i, (_, broken) in enumerate(drawn) if not broken}

    check()


# -- the other kinds: calls, transfers, identifiers ----------------------------------------------------

GOOD_TIME = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2030, 12, 31)).map(
    lambda t: t.strftime("%Y-%m-%d %H:%M:%S")
)
BAD_TIME = st.sampled_from(["", "2025-02-30 10:00:00", "2025-13-01 10:00:00", "yesterday", "1e309", "NaN"])
NUMBER = st.integers(0, 9_999_999)


@dataclass(frozen=True)
class Kind:
    """What a random row of one kind is made of: its id column, good values, and per column the values
    that make its row bad (the test's oracle); ``loaded`` reads back the ids of the rows in the graph."""

    columns: tuple[str, ...]
    good: st.SearchStrategy[dict[str, str]]
    bad: dict[str, st.SearchStrategy[str]]
    loaded: LiteralString


def _call(a: int, b: int, start: str, duration: str) -> dict[str, str]:
    return {
        "caller": f"+57300{a:07d}",
        "callee": f"+57300{b:07d}",
        "start_time": start,
        "duration_s": duration,
    }


def _transfer(a: int, b: int, cents: int, currency: str, at: str) -> dict[str, str]:
    amount = f"{cents // 100}.{cents % 100:02d}"
    return {"sender_account": f"ACC-{a:07d}", "receiver_account": f"ACC-{b:07d}", "amount": amount,
            "currency": currency, "timestamp": at}  # fmt: skip


def _identifier(kind: str, n: int, name: str) -> dict[str, str]:
    value = f"+57310{n:07d}" if kind == "phone" else f"user{n}@example.org"
    return {"identifier_type": kind, "identifier": value, "full_name": name}


KINDS = {
    "calls": Kind(
        ("call_id", "caller", "callee", "start_time", "duration_s"),
        st.builds(
            _call,
            NUMBER,
            NUMBER,
            GOOD_TIME,
            st.one_of(st.just(""), st.integers(0, 86_400).map(str), st.just("0:01:15")),
        ).filter(lambda r: r["caller"] != r["callee"]),
        {
            "caller": st.sampled_from(["", "telefono", "+-+"]),
            "start_time": BAD_TIME,
            "duration_s": st.sampled_from(["-5", "NaN", "1e309", "99999999999999999999", "1.5", "pronto"]),
        },
        "MATCH ()-[c:CALLED]->() RETURN c.call_id AS id",
    ),
    "transfers": Kind(
        ("transaction_id", "sender_account", "receiver_account", "amount", "currency", "timestamp"),
        st.builds(
            _transfer,
            NUMBER,
            NUMBER,
            st.integers(1, 10**11),
            st.sampled_from(["USD", "COP", "EUR"]),
            GOOD_TIME,
        ).filter(lambda r: r["sender_account"] != r["receiver_account"]),
        {
            "amount": st.sampled_from(["0", "-5", "1e309", "NaN", "inf", "99999999999999999999", "doce"]),
            "currency": st.sampled_from(["", "DOLAR", "US$"]),
            "timestamp": BAD_TIME,
        },
        "MATCH ()-[t:TRANSFERRED]->() RETURN t.transaction_id AS id",
    ),
    "identifiers": Kind(
        ("person_id", "identifier_type", "identifier", "full_name"),
        st.builds(_identifier, st.sampled_from(["phone", "email"]), NUMBER, GOOD_NAME),
        {
            "identifier_type": st.sampled_from(["", "fax", "12"]),
            "identifier": st.sampled_from(["", "X" * (MAX_FIELD_CHARS + 1), "tel\x00efono"]),
            "full_name": st.sampled_from(["Ana\x00Nul", "\x07Bell Ringer"]),
        },
        "MATCH (p:Person)-[:USES|HAS_EMAIL]->() RETURN DISTINCT p.person_id AS id",
    ),
}


@st.composite
def kind_rows(draw: st.DrawFn, kind: Kind) -> tuple[dict[str, str], bool]:
    """A row of ``kind``, good or with some of its values bad, and whether it is bad."""
    row = draw(kind.good)
    spoiled = draw(st.sets(st.sampled_from(sorted(kind.bad)), max_size=len(kind.bad)))
    for column in spoiled:
        row[column] = draw(kind.bad[column])
    return row, bool(spoiled)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_call_transfer_and_identifier_row_is_loaded_or_rejected(
    graph: Graph, tmp_path: Path, name: str, fmt: str
) -> None:
    kind = KINDS[name]

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(kind_rows(kind), min_size=1, max_size=10))
    def check(drawn: list[tuple[dict[str, str], bool]]) -> None:
        graph.run_in_batches(CLEAR)
        table = [[f"R{i}" if c == kind.columns[0] else row[c] for c in kind.columns] for i, (row, _) in
                 enumerate(drawn)]  # fmt: skip
        path = write_table(tmp_path / f"{name}.{fmt}", fmt, kind.columns, table)
        summary = load_file(graph, name, path, region="CO", progress=False)
        rejected = rejected_lines(path)
        first = 1 if fmt == "jsonl" else 2
        expected_bad = {i + first for i, (_, bad) in enumerate(drawn) if bad}
        assert set(rejected) == expected_bad, (rejected, drawn)
        loaded = {str(r["id"]) for r in graph.read(kind.loaded)}
        assert loaded == {f"R{i}" for i, (_, bad) in enumerate(drawn) if not bad}, (loaded, drawn)
        assert (summary.rows_loaded, summary.rows_rejected) == (
            len(drawn) - len(expected_bad),
            len(expected_bad),
        )

    check()
