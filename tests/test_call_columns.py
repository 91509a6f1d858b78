"""Call records normalised column by column equal those of the row-by-row rules (no database needed)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone
from itertools import product
from typing import Any

import pytest

from loaders.call_columns import CallColumns, CallNormaliser
from loaders.kinds import Context, call_record
from loaders.mapping import Mapping
from loaders.readers import RawRow
from values.dates import zone
from values.errors import BadValue

# Cells of every kind a calls file holds: good ones in several spellings and blanks (first list), and
# bad ones (second list), drawn one time in twenty.
POOLS: dict[str, tuple[list[str], list[str]]] = {
    "call_id": (["CDR-1", "CDR-2", " CDR-3 ", "", "  ", "id  with   spaces", "Ñandú-7"], []),
    "caller": (
        ["+57 300 123 4567", "0057 3001234567", "3001234567", " +52 962 124 6124 ", "00584240249364",
         "12-34", "+1 (212) 555-0100"],
        ["", " ", "n/a"],
    ),
    "start_time": (
        ["2023-01-01T18:11:14-04:00", "2023-01-01T18:11:14", " 2023-01-01T10:00:00Z ",
         "2023-01-01T10:00:00+00:00", "2023-01-01T10:00:00.250000-05:00", "2023-01-01", "01/01/2023 10:00"],
        ["2023-13-01T00:00:00", "", "yesterday"],
    ),
    "duration_s": (["9", " 12 ", "1:02", "0:01:15", "7.0", ""], ["-3", "3.5", "abc"]),
    "call_type": (["voice", "SMS", "Llamada", " datos ", ""], ["fax"]),
    "caller_imei": (
        ["356795119430184", "35-679511-943018-4", "3567951194301845", "35679511943018", "",
         "356795119430185"],
        ["12345", "35 6795 x"],
    ),
    "caller_cell": (["734-01-10000-1000", "  a  b ", "", "Cañón 4", "Can\u0303o\u0301n"], []),
    "caller_lat": (["7.79690", "7,5", "", "-90"], ["95", "x"]),
    "caller_lon": (["-72.22500", "", "-180", "1e2"], ["181"]),
}  # fmt: skip
POOLS["callee"] = POOLS["caller"]
POOLS["callee_imei"] = POOLS["caller_imei"]
POOLS["callee_cell"] = POOLS["caller_cell"]


def _rows(seed: int, n: int, extra: bool) -> list[RawRow]:
    rng = random.Random(seed)
    rows = []
    for line in range(2, n + 2):
        values = {
            column: rng.choice(bad if bad and rng.random() < 0.05 else good)
            for column, (good, bad) in POOLS.items()
        }
        if extra and rng.random() < 0.3:
            values["Notas del operador"] = rng.choice(["", "  ver  informe ", "x"])
        error = "3 fields where the header has 12" if rng.random() < 0.02 else None
        rows.append(RawRow.of(line, values, error))
    return rows


def _plain(value: Any) -> Any:
    """Values compared exactly: a datetime by its text (== alone equates the same instant in two zones)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _one_by_one(rows: list[RawRow], ctx: Context) -> tuple[dict[int, Any], dict[int, str]]:
    """The reference: ``call_record`` on each row, as a load did row by row."""
    made: dict[int, Any] = {}
    refused: dict[int, str] = {}
    for raw in rows:
        if raw.error is not None:
            refused[raw.line] = raw.error
            continue
        try:
            record = call_record(ctx.mapping.rename(raw.values), ctx)
        except BadValue as exc:
            refused[raw.line] = str(exc)
            continue
        record["line"] = raw.line
        made[raw.line] = _plain(record)
    return made, refused


def _by_columns(
    rows: list[RawRow], ctx: Context, size: int, header: list[str] | None
) -> tuple[dict[int, Any], dict[int, str]]:
    uniform = ctx.mapping.canonical_columns(header) if header else None
    normalise = CallNormaliser(ctx, None if ctx.mapping.is_identity else ctx.mapping.rename, uniform)
    made: dict[int, Any] = {}
    refused: dict[int, str] = {}
    for start in range(0, len(rows), size):
        columns, rejected = normalise(rows[start : start + size])
        assert [raw.line for raw, _ in rejected] == sorted(raw.line for raw, _ in rejected)
        refused.update((raw.line, reason) for raw, reason in rejected)
        for record in map(columns.record, range(len(columns))):
            made[record["line"]] = _plain(record)
    return made, refused


CONTEXTS = {
    "no region, UTC": Context(Mapping(), None, UTC),
    "Colombia, Bogota": Context(Mapping(), "CO", zone("America/Bogota")),
    "fixed offset": Context(Mapping(), "MX", timezone(timedelta(hours=-6))),
    "datetime format": Context(Mapping(datetime_format="%d/%m/%Y %H:%M"), "CO", zone("America/Bogota")),
    "renamed columns": Context(
        Mapping(
            columns={"caller_cell": "callee_cell", "callee_cell": "caller_cell"},
            constants={"call_type": "sms"},
        ),
        "CO",
        UTC,
    ),
}


@pytest.mark.parametrize("name", CONTEXTS)
@pytest.mark.parametrize("extra", [False, True])
def test_columns_give_the_records_and_reasons_of_the_row_rules(name: str, extra: bool) -> None:
    ctx = CONTEXTS[name]
    rows = _rows(seed=len(name) * 7 + extra, n=3000, extra=extra)
    header = [*POOLS, "Notas del operador"] if extra else list(POOLS)
    # Rows as a CSV file gives them (every row has the header's fields, the same list of names), rows
    # of a header whose rows may lack a column (the normaliser must notice), rows of JSON lines.
    names = tuple(header)
    as_read = [raw._replace(fields=tuple(raw.values.get(c, "") for c in header), names=names) for raw in rows]
    cases = [(as_read, header), (rows, header), (rows, None)]
    for (sample, given), size in product(cases, (1, 97, 3000)):  # a memo kept across batches; one-row batches
        expected = _one_by_one(sample, ctx)
        assert 300 < len(expected[0]) < 2700, "the sample should hold both kinds of rows"
        made, refused = _by_columns(sample, ctx, size, given)
        assert refused == expected[1]
        assert made == expected[0]


def test_a_clean_batch_never_takes_the_row_by_row_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # The quick path must settle ordinary rows itself: call_record is not called for any of them.
    import loaders.call_columns as module

    def refuse(row: dict[str, str], ctx: Context) -> Any:
        raise AssertionError(f"row went row by row: {row}")

    monkeypatch.setattr(module, "call_record", refuse)
    raws = [
        RawRow.of(
            2 + i,
            {
                "call_id": f"C{i}",
                "caller": "+57 300 123 4567" if i % 2 else "0057 300 765 4321",
                "callee": "+52 962 124 6124",
                "start_time": f"2023-01-01T10:{i % 60:02d}:00-05:00",
                "duration_s": str(i),
                "call_type": "voice",
                "caller_imei": "356795119430184",
                "callee_imei": "",
                "caller_cell": "734-01",
                "callee_cell": "",
                "caller_lat": "7.5",
                "caller_lon": "-72.2",
            },
        )
        for i in range(200)
    ]
    columns, rejected = CallNormaliser(Context(Mapping(), "CO", UTC))(raws)
    assert rejected == [] and isinstance(columns, CallColumns) and len(columns) == 200
    first = columns.record(1)
    assert first["caller"].number == "+573001234567" and first["callee"].number == "+529621246124"
    assert first["props"]["start_time"] == datetime(2023, 1, 1, 10, 1, tzinfo=timezone(timedelta(hours=-5)))
    assert (first["props"]["caller_imei"], first["caller_luhn"]) == ("356795119430184", True)
    assert (first["props"]["callee_imei"], first["callee_luhn"]) == (None, None)
    assert (first["props"]["caller_lat"], first["props"]["duration_s"], first["props"]["call_id"]) == (
        7.5,
        1,
        "C1",
    )

    # Rows as a CSV file gives them (one header): read column by column, no row's dict is made.
    header = list(raws[0].names)
    names = tuple(header)
    as_read = [raw._replace(fields=tuple(raw.fields), names=names) for raw in raws]

    def no_dict(raw: RawRow) -> dict[str, str]:
        raise AssertionError(f"line {raw.line} was made a dict")

    monkeypatch.setattr(RawRow, "values", property(no_dict))
    by_fields, rejected = CallNormaliser(Context(Mapping(), "CO", UTC), None, header)(as_read)
    assert rejected == []
    assert list(map(_plain, map(by_fields.record, range(200)))) == list(
        map(_plain, map(columns.record, range(200)))
    )
