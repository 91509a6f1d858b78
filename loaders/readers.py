"""Stream rows from CSV (any delimiter, UTF-8/BOM/Latin-1, gzip), Excel .xlsx and JSON lines files."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, NamedTuple

from graph.errors import InputError

SAMPLE_BYTES = 256 * 1024
# The longest value a cell may hold: 2,000 characters stay under Neo4j's 8 kB index key even at four
# bytes a character (a longer indexed value makes Neo4j refuse the whole file). Longer cells reject their row.
MAX_FIELD_CHARS = 2_000
# Control characters other than tab and line breaks (NUL among them) are never part of a value.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DELIMITERS = ",;\t|"
UNCLOSED_QUOTE = "a quote opens a cell that does not close on its line"
csv.field_size_limit(10 * 1024 * 1024)


class RawRow(NamedTuple):
    """One record as read: its line (CSV header = line 1, xlsx row, JSON line), cells, or why unreadable.

    ``fields`` are the cells as read and ``names`` their columns (a CSV or xlsx file's header, the
    same tuple for every row); ``values`` pairs them only when asked, as call records are read by
    column and a dict per row would cost the reading thread time for nothing. A named tuple is cheaper
    to make than a frozen dataclass, and tuples of text, unlike lists, leave the cycle collector's
    watch once it has seen them. Measured by `python -m bench.ingest`.
    """

    line: int
    fields: Sequence[str]
    names: Sequence[str]
    error: str | None = None

    @property
    def values(self) -> dict[str, str]:
        """Column -> value (fields beyond the named columns are not in it)."""
        return dict(zip(self.names, self.fields, strict=False))

    @classmethod
    def of(cls, line: int, values: dict[str, str], error: str | None = None) -> RawRow:
        """The row of ``values`` (column -> value)."""
        return cls(line, list(values.values()), list(values), error)


@dataclass
class Table:
    """An open input file: its format, encoding, column names and a one-pass row iterator."""

    format: str
    encoding: str | None
    columns: list[str]
    rows: Iterator[RawRow]


def _open_binary(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]
    return path.open("rb")


# A sample is read as Latin-1 (cp1252) only when it has no valid UTF-8 multi-byte character and at
# least this many lines that are not UTF-8: a Latin-1 file has accented names on many lines, a UTF-8
# file with a damaged line has one or two (rejected one by one, with their reason).
LATIN1_LINES = 3


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), unless the sample reads as Latin-1 text (``LATIN1_LINES``)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.isascii():
        return "utf-8"
    lines = sample.split(b"\n")[:-1] or [sample]  # the last piece may be a line cut by the sample
    good = bad = 0
    for line in lines:
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad += 1
    return "cp1252" if good == 0 and bad >= LATIN1_LINES else "utf-8"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == time(0) and value.tzinfo is None
            else value.isoformat()
        )
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(_text(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _header(names: list[str], path: Path) -> list[str]:
    columns = [name.strip().lstrip("\ufeff").strip() for name in names]
    if not any(columns):
        raise InputError(f"{path.name}: the first line holds no column names", "add a header line")
    seen: set[str] = set()
    for i, name in enumerate(columns):
        if not name:
            columns[i] = name = f"column_{i + 1}"
        if name in seen:
            raise InputError(
                f"{path.name}: column {name!r} appears twice in the header", "rename one of them"
            )
        seen.add(name)
    return columns


_SURROGATES = re.compile("[\udc80-\udcff]")


def field_problem(fields: Sequence[str], names: Sequence[str], text: str) -> str | None:
    """Why a row's cells cannot be values (``text``: the cells joined), or None: a cell longer than
    MAX_FIELD_CHARS, or a control character."""
    if len(text) > MAX_FIELD_CHARS:
        for name, field in zip(names, fields, strict=False):
            if len(field) > MAX_FIELD_CHARS:
                return f"{name} has {len(field):,} characters (at most {MAX_FIELD_CHARS:,})"
    bad = _CONTROL.search(text)
    if bad is not None:
        column = next((n for n, f in zip(names, fields, strict=False) if _CONTROL.search(f)), "a cell")
        return f"control character U+{ord(bad.group()):04X} in {column}"
    return None


def _has_surrogates(text: str) -> bool:
    return not text.isascii() and _SURROGATES.search(text) is not None


def _swallowed(lines: list[str], delimiter: str, columns: int) -> bool:
    """Whether the lines of one multi-line record look like a quote that never closed: an odd count of
    quotes (still open at the end of the file), or a later line with a whole record's delimiters (a
    line break inside a note rarely comes before that many)."""
    if sum(line.count('"') for line in lines) % 2:
        return True
    return any(line.count(delimiter) >= columns - 1 for line in lines[1:])


def _csv_records(
    lines: Iterable[str], first: int, delimiter: str, names: tuple[str, ...], enc: str
) -> Iterator[RawRow]:
    """The records of CSV ``lines`` (``first``: the number of the first line), checked.

    A quoted cell may hold line breaks, so a record may span lines. When such a record is bad, the
    likelier story is a quote that never closes (``"Ana`` for ``Ana``), which swallowed the lines after
    it: its first line is rejected for that, and the lines it swallowed are read again as records. So
    is a good-looking record that ``_swallowed`` says hides lines.
    """
    taken: list[str] = []

    def feed() -> Iterator[str]:
        for line in lines:
            taken.append(line)
            yield line

    number = first
    records = csv.reader(feed(), delimiter=delimiter)
    while True:
        try:
            fields = next(records)
        except StopIteration:
            return
        except csv.Error as exc:
            raise csv.Error(f"line {number}: {exc}") from exc
        start, span = number, len(taken)
        number += span
        text = "".join(fields)
        if not text or text.isspace():  # an empty line, or one of empty fields only
            taken.clear()
            continue
        if _has_surrogates(text):
            reason: str | None = f"not valid {enc} (give --encoding, e.g. cp1252)"
        elif len(fields) != len(names):
            reason = f"{len(fields)} fields where the header has {len(names)}"
        else:
            reason = field_problem(fields, names, text)
        if span > 1 and (reason is not None or _swallowed(taken, delimiter, len(names))):
            broken, swallowed = taken[0].rstrip("\r\n"), taken[1:]
            taken.clear()
            yield RawRow(start, [broken], names, UNCLOSED_QUOTE)
            yield from _csv_records(swallowed, start + 1, delimiter, names, enc)
            continue
        if reason is not None and taken and taken[0].count('"') % 2:
            reason = UNCLOSED_QUOTE
        taken.clear()
        yield RawRow(start, tuple(fields) if reason is None else fields, names, reason)


def _read_csv(path: Path, encoding: str | None) -> Table:
    binary = _open_binary(path)
    try:
        sample = binary.read(SAMPLE_BYTES)
    except (OSError, EOFError) as exc:
        binary.close()
        raise InputError(
            f"{path.name}: cannot read the file ({exc})", "check that it is not truncated"
        ) from exc
    enc = encoding or detect_encoding(sample)
    try:
        codecs.lookup(enc)
    except LookupError as exc:
        binary.close()
        raise InputError(f"unknown encoding {enc!r}", "give one such as utf-8 or latin-1") from exc
    if enc.replace("_", "-").lower() in ("utf-8", "utf8") and sample.startswith(codecs.BOM_UTF8):
        enc = "utf-8-sig"
    binary.seek(0)
    stream = io.TextIOWrapper(binary, encoding=enc, errors="surrogateescape", newline="")
    head = sample.decode(enc, errors="replace").lstrip("\ufeff")
    first_lines = "\n".join(head.splitlines()[:20])
    try:
        delimiter = csv.Sniffer().sniff(first_lines, delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = first_lines.splitlines()[0] if first_lines else ""
        delimiter = max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","
    reader = csv.reader(stream, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        stream.close()
        raise InputError(f"{path.name} is empty", "give a file with a header line and rows") from None
    columns = _header(header, path)
    names = tuple(columns)

    def rows() -> Iterator[RawRow]:
        try:
            yield from _csv_records(stream, reader.line_num + 1, delimiter, names, enc)
        except csv.Error as exc:
            raise InputError(f"{path.name}: malformed CSV ({exc})") from exc
        except (OSError, EOFError) as exc:
            raise InputError(f"{path.name}: cannot read the whole file ({exc})") from exc
        finally:
            stream.close()

    return Table("csv", enc, columns, rows())


def _read_xlsx(path: Path) -> Table:
    import openpyxl  # imported here: only xlsx loads pay for it

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on a bad file
        raise InputError(f"{path.name}: not a readable .xlsx file ({exc})") from exc
    sheet = book.worksheets[0]
    it = sheet.iter_rows(values_only=True)
    try:
        header = next(it)
    except StopIteration:
        book.close()
        raise InputError(f"{path.name} is empty", "put a header row in the first sheet") from None
    width = max((i + 1 for i, v in enumerate(header) if v not in (None, "")), default=0)
    columns = _header([_text(v) for v in header[:width]], path)
    names = tuple(columns)

    def rows() -> Iterator[RawRow]:
        try:
            for number, cells in enumerate(it, start=2):
                fields = [_text(v) for v in cells]
                if all(not f.strip() for f in fields):
                    continue
                extra = [f for f in fields[width:] if f.strip()]
                if extra:
                    yield RawRow(number, fields[:width], names, f"values beyond the {width} named columns")
                else:
                    kept = tuple(fields[:width])
                    yield RawRow(number, kept, names, field_problem(kept, names, "".join(kept)))
        finally:
            book.close()

    return Table("xlsx", None, columns, rows())


def _read_jsonl(path: Path, encoding: str | None) -> Table:
    binary = _open_binary(path)
    stream = io.TextIOWrapper(binary, encoding=encoding or "utf-8-sig", errors="surrogateescape")
    columns: list[str] = []
    pending: list[tuple[int, str]] = []
    for number, text in enumerate(stream, start=1):
        pending.append((number, text))
        if text.strip():
            try:
                first = json.loads(text)
            except ValueError:
                break
            if isinstance(first, dict):
                columns = _header([str(k) for k in first], path)
            break
    if not columns:
        stream.close()
        raise InputError(f"{path.name}: the first JSON line is not an object", "one JSON object per line")

    def parse(number: int, text: str) -> RawRow | None:
        if not text.strip():
            return None
        if _has_surrogates(text):
            return RawRow(number, (), (), "undecodable bytes (JSON lines must be UTF-8)")
        try:
            obj = json.loads(text)
        except ValueError as exc:
            return RawRow(number, (), (), f"invalid JSON ({exc.args[0].split(':')[0]})")
        if not isinstance(obj, dict):
            return RawRow(number, (), (), "JSON line is not an object")
        nested = next((str(k) for k, v in obj.items() if isinstance(v, dict)), None)
        values = {str(k): _text(v) for k, v in obj.items()}
        if nested is not None:
            return RawRow.of(number, values, f"{nested} holds a JSON object, not a value")
        cells = list(values.values())
        return RawRow.of(number, values, field_problem(cells, list(values), "".join(cells)))

    def rows() -> Iterator[RawRow]:
        try:
            for number, text in pending:
                row = parse(number, text)
                if row is not None:
                    yield row
            for number, text in enumerate(stream, start=len(pending) + 1):
                row = parse(number, text)
                if row is not None:
                    yield row
        finally:
            stream.close()

    return Table("jsonl", "utf-8", columns, rows())


def open_table(path: Path, encoding: str | None = None) -> Table:
    """Open an input file by its content and name: gzip by magic bytes, .xlsx, .jsonl/.ndjson, else CSV."""
    if not path.is_file():
        raise InputError(f"no file {path}", "check the path")
    name = path.name.lower().removesuffix(".gz")
    with path.open("rb") as probe:
        magic = probe.read(4)
    if name.endswith(".xlsx") or magic == b"PK\x03\x04":
        return _read_xlsx(path)
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return _read_jsonl(path, encoding)
    return _read_csv(path, encoding)
