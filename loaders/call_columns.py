"""Normalise call records a batch at a time, column by column, and the rows that need it row by row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from itertools import compress, repeat
from operator import attrgetter, eq, itemgetter
from typing import Any

from graph.ingest import CALL_COLUMNS
from loaders.cells import duration, optional, required
from loaders.kinds import (
    CALL_TYPE,
    CALLER_LAT,
    CALLER_LON,
    KINDS,
    Context,
    Record,
    call_digest,
    call_record,
    extras,
)
from loaders.readers import RawRow
from values.dates import normalize_datetime
from values.errors import BadValue
from values.imei import normalize_imei
from values.phone import PhoneNumber, normalize_phone
from values.text import clean_text

# The properties of a call besides its time and id, in the order ``WRITE_CALL_BATCH`` takes them.
PROPERTIES = tuple(column for column in CALL_COLUMNS if column != "call_id")
# Distinct cell values remembered per column kind before the memo starts again (bounds memory on a
# file of any size; a column's values mostly repeat, so a fresh memo fills again within a batch).
MEMO_LIMIT = 1 << 18
_number = attrgetter("number")
_tzinfo = attrgetter("tzinfo")
_fields = attrgetter("fields")


@dataclass
class CallColumns:
    """The call records of one batch that were not rejected, one list per field, in file order.

    ``lines`` are the records' lines; ``caller``/``callee`` their PhoneNumbers; ``start_time`` aware
    datetimes; ``call_id`` and the ``PROPERTIES`` as ``call_record`` gives them in ``props``;
    ``caller_luhn``/``callee_luhn`` the IMEIs' check-digit results; ``extra`` the extra columns of
    each record, or None when no record has any. ``conflict_lines`` is filled when the batch is
    prepared: records repeating an earlier record id of the batch with other content.
    """

    lines: list[int]
    caller: list[PhoneNumber]
    callee: list[PhoneNumber]
    start_time: list[datetime]
    call_id: list[str]
    properties: dict[str, list[Any]]
    caller_luhn: list[bool | None]
    callee_luhn: list[bool | None]
    extra: list[dict[str, str]] | None
    conflict_lines: list[int] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def record(self, i: int) -> Record:
        """Record ``i`` in the form ``call_record`` gives (with its ``line``)."""
        props: Record = {"start_time": self.start_time[i]}
        props.update((name, values[i]) for name, values in self.properties.items())
        if self.extra is not None:
            props.update(self.extra[i])
        props["call_id"] = self.call_id[i]
        return {
            "caller": self.caller[i],
            "callee": self.callee[i],
            "caller_luhn": self.caller_luhn[i],
            "callee_luhn": self.callee_luhn[i],
            "props": props,
            "line": self.lines[i],
        }

    def keep(self, kept: list[bool]) -> CallColumns:
        """The records where ``kept`` is true (same conflict lines)."""

        def pick(values: list[Any]) -> list[Any]:
            return list(compress(values, kept))

        return CallColumns(
            pick(self.lines),
            pick(self.caller),
            pick(self.callee),
            pick(self.start_time),
            pick(self.call_id),
            {name: pick(values) for name, values in self.properties.items()},
            pick(self.caller_luhn),
            pick(self.callee_luhn),
            None if self.extra is None else pick(self.extra),
            self.conflict_lines,
        )


class CallNormaliser:
    """Turns batches of raw call rows into ``CallColumns`` and rejects, as ``call_record`` would row by row.

    Each column is converted with C-level ``map`` calls, each distinct cell value once per load
    (a memo per column kind: numbers, handsets, cells and durations repeat all through a file).
    A row for which any quick conversion fails, whose ends are one number, or (with a mapping's
    ``datetime_format``) whose time needs the format, goes through ``call_record`` itself, which
    gives either its record or the reason it is rejected. The quick conversions are the same
    functions ``call_record`` calls, on the same stripped values, so a row gives the same record
    either way (``tests/test_call_columns.py`` compares them on rows of every kind).
    """

    def __init__(
        self,
        ctx: Context,
        rename: Callable[[dict[str, str]], dict[str, str]] | None = None,
        columns: list[str] | None = None,
    ) -> None:
        """``rename`` maps a row to canonical columns (None: they are); ``columns``, when given, are the
        (canonical) columns that every readable row has and no row goes beyond (CSV and xlsx rows)."""
        self.ctx = ctx
        self.rename = rename
        self.columns = list(dict.fromkeys(columns)) if columns else None
        self.row_values = itemgetter(*self.columns) if self.columns and len(self.columns) > 1 else None
        self.memos: dict[str, dict[str | None, Any]] = {}
        self.memo_limit = MEMO_LIMIT
        self.known = KINDS["calls"].known
        region = ctx.region

        def phone(cell: str | None) -> PhoneNumber:
            return normalize_phone(required(cell, "phone"), region)

        self.converters: dict[str, Callable[[str | None], Any]] = {
            "phone": phone,
            "imei": lambda cell: optional(cell, normalize_imei),
            "duration_s": lambda cell: optional(cell, duration),
            "call_type": lambda cell: optional(cell, CALL_TYPE),
            "cell": lambda cell: optional(cell, clean_text),
            "caller_lat": lambda cell: optional(cell, CALLER_LAT),
            "caller_lon": lambda cell: optional(cell, CALLER_LON),
        }

    def _fields_table(self, raws: list[RawRow]) -> dict[str, tuple[str, ...]] | None:
        """The rows' fields column by column, when they are the ``columns``' cells as read (else None)."""
        if self.rename is not None or self.columns is None or not raws:
            return None
        names = raws[0].names
        if list(names) != self.columns or any(raw.names is not names for raw in raws):
            return None
        fields = list(map(_fields, raws))
        if set(map(len, fields)) != {len(names)}:
            return None
        return dict(zip(self.columns, zip(*fields, strict=True), strict=True))

    def _table(self, rows: list[dict[str, str]]) -> dict[str, tuple[str, ...]] | None:
        """The rows' cells column by column, when every row has the ``columns`` (else None)."""
        if self.row_values is None or self.columns is None or not rows:
            return None
        try:
            return dict(zip(self.columns, zip(*map(self.row_values, rows), strict=True), strict=True))
        except KeyError:  # a row without some column: the caller takes the cells row by row
            return None

    def _convert(self, memo_name: str, cells: Sequence[str | None], slow: set[int]) -> list[Any]:
        """Each cell converted by the converter ``memo_name``; indices of cells it refused go to ``slow``."""
        memo = self.memos.setdefault(memo_name, {})
        if len(memo) > self.memo_limit:
            memo.clear()
        convert = self.converters[memo_name]
        refused = set()
        for cell in set(cells).difference(memo):
            try:
                memo[cell] = convert(cell)
            except BadValue:
                refused.add(cell)
        if refused:
            slow.update(i for i, cell in enumerate(cells) if cell in refused)
        return list(map(memo.get, cells))

    def _times(self, cells: Sequence[str | None], slow: set[int]) -> list[datetime | None]:
        ctx = self.ctx
        fmt = ctx.mapping.datetime_format
        times: list[datetime | None]
        if fmt is None:
            try:
                times = list(map(datetime.fromisoformat, cells))  # type: ignore[arg-type]
            except (TypeError, ValueError):
                times = [_isoformat_or_none(cell) for cell in cells]
                slow.update(i for i, t in enumerate(times) if t is None)
            if set(map(type, map(_tzinfo, filter(None, times)))) <= {timezone}:
                return times  # every time has its own offset: normalize_datetime keeps them as they are
        else:
            times = [None] * len(cells)
        for i, cell in enumerate(cells):
            if i in slow or (times[i] is not None and type(times[i].tzinfo) is timezone):  # type: ignore[union-attr]
                continue
            try:
                times[i] = normalize_datetime(required(cell, "start_time"), ctx.tz, fmt)
            except BadValue:
                slow.add(i)
        return times

    def __call__(self, raws: list[RawRow]) -> tuple[CallColumns, list[tuple[RawRow, str]]]:
        """The batch's call records, and its rejected rows with their reasons, in line order."""
        rejected: list[tuple[RawRow, str]] = [(raw, raw.error) for raw in raws if raw.error is not None]
        readable = [raw for raw in raws if raw.error is None] if rejected else raws
        rows: Sequence[dict[str, str]]
        table = self._fields_table(readable)
        if table is None:
            rows = [raw.values for raw in readable]
            if self.rename is not None:
                rows = list(map(self.rename, rows))
            table = self._table(rows)
        else:  # the rows' dicts are made only for the rows that need them
            rows = _LazyRows(readable)

        def cells(column: str) -> Sequence[str | None]:
            if table is None:
                return list(map(dict.get, rows, repeat(column)))
            return table.get(column) or [None] * len(rows)

        slow: set[int] = set()  # rows that go through call_record
        caller = self._convert("phone", cells("caller"), slow)
        callee = self._convert("phone", cells("callee"), slow)
        caller_numbers = [p.number if p is not None else None for p in caller]
        callee_numbers = [p.number if p is not None else None for p in callee]
        if any(map(eq, caller_numbers, callee_numbers)):  # calls to oneself (or two missing ends)
            same = map(eq, caller_numbers, callee_numbers)
            slow.update(i for i, is_same in enumerate(same) if is_same)
        start_time = self._times(cells("start_time"), slow)
        caller_imei = self._convert("imei", cells("caller_imei"), slow)
        callee_imei = self._convert("imei", cells("callee_imei"), slow)
        properties = {
            "duration_s": self._convert("duration_s", cells("duration_s"), slow),
            "call_type": self._convert("call_type", cells("call_type"), slow),
            "caller_imei": [x[0] if x else None for x in caller_imei],
            "callee_imei": [x[0] if x else None for x in callee_imei],
            "caller_cell": self._convert("cell", cells("caller_cell"), slow),
            "callee_cell": self._convert("cell", cells("callee_cell"), slow),
            "caller_lat": self._convert("caller_lat", cells("caller_lat"), slow),
            "caller_lon": self._convert("caller_lon", cells("caller_lon"), slow),
        }
        plain = self.known.issuperset(table) if table is not None else all(map(self.known.issuperset, rows))
        extra = None if plain else [extras(KINDS["calls"], r) for r in rows]
        columns = CallColumns(
            [raw.line for raw in readable],
            caller,
            callee,
            start_time,  # type: ignore[arg-type]  # None only in rows that go through call_record
            _ids(cells("call_id")),
            properties,
            [x[1] if x else None for x in caller_imei],
            [x[1] if x else None for x in callee_imei],
            extra,
        )
        kept = [True] * len(rows)
        for i in sorted(slow):
            try:
                _put(columns, i, call_record(rows[i], self.ctx))
            except BadValue as exc:
                kept[i] = False
                rejected.append((readable[i], str(exc)))
        for i, call_id in enumerate(columns.call_id):
            if not call_id and i not in slow:  # no call_id: a digest of the record, as call_record makes it
                record = columns.record(i)
                del record["props"]["call_id"]
                ends = record["caller"].number, record["callee"].number
                columns.call_id[i] = call_digest(record["props"], *ends)
        if len(slow) > 0 and not all(kept):
            columns = columns.keep(kept)
        rejected.sort(key=lambda pair: pair[0].line)
        return columns, rejected


class _LazyRows(Sequence[dict[str, str]]):
    """The rows of ``raws`` as dicts, each made when asked for."""

    def __init__(self, raws: list[RawRow]) -> None:
        self.raws = raws

    def __len__(self) -> int:
        return len(self.raws)

    def __getitem__(self, i: int) -> dict[str, str]:  # type: ignore[override]
        return self.raws[i].values


def _isoformat_or_none(cell: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(cell)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _ids(cells: Sequence[str | None]) -> list[str]:
    """``call_record``'s ``clean_text`` of each id cell; "" where there is none (its digest comes later)."""
    if None not in cells:
        text: Sequence[str] = cells  # type: ignore[assignment]
        if "".join(text).isascii():  # clean_text of ASCII text, at C speed
            return list(map(" ".join, map(str.split, text)))
    return [clean_text(cell) if cell is not None else "" for cell in cells]


def _put(columns: CallColumns, i: int, record: Record) -> None:
    """Write ``record`` (from ``call_record``) at position ``i`` of ``columns``."""
    props = record["props"]
    columns.caller[i] = record["caller"]
    columns.callee[i] = record["callee"]
    columns.start_time[i] = props["start_time"]
    columns.call_id[i] = props["call_id"]
    for name, values in columns.properties.items():
        values[i] = props[name]
    columns.caller_luhn[i] = record["caller_luhn"]
    columns.callee_luhn[i] = record["callee_luhn"]
    if columns.extra is not None:
        columns.extra[i] = {
            k: v for k, v in props.items() if k not in PROPERTIES and k not in ("start_time", "call_id")
        }
