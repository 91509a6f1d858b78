"""Mapping files (YAML) that turn another file layout into the canonical columns of a kind."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from graph.errors import InputError

KNOWN_KEYS = (
    "columns",
    "date_format",
    "datetime_format",
    "decimal_separator",
    "region",
    "timezone",
    "encoding",
    "constants",
    "values",
)


@lru_cache(maxsize=1 << 14)  # a column holds few distinct words (call types, roles, channels)
def value_key(text: str) -> str:
    """Case-, accent- and space-insensitive form of a cell value, for value maps."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


@dataclass(frozen=True)
class Mapping:
    """How to read one layout: column renames, formats, defaults, constants and value translations."""

    columns: dict[str, str] = field(default_factory=dict)  # source column -> canonical column
    date_format: str | None = None
    datetime_format: str | None = None
    decimal_separator: str | None = None
    region: str | None = None
    timezone: str | None = None
    encoding: str | None = None
    constants: dict[str, str] = field(default_factory=dict)  # canonical column -> value for every row
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical column -> raw -> canonical
    text: str = ""  # canonical JSON of the mapping (stored on the Source, hashed into its id)

    @property
    def is_identity(self) -> bool:
        """Whether rows keep their columns and values as they are (no renames, constants or translations)."""
        return not (self.columns or self.constants or self.values)

    def rename(self, row: dict[str, str]) -> dict[str, str]:
        """The row with canonical column names, constants filled in and values translated."""
        if self.is_identity:
            return row  # no --map: nothing to rename, fill in or translate
        out: dict[str, str] = {}
        for column, value in row.items():
            out[self.columns.get(column, column)] = value
        for column, value in self.constants.items():
            if not out.get(column, "").strip():
                out[column] = value
        for column, table in self.values.items():
            cell = out.get(column)
            if cell is not None and cell.strip():
                out[column] = table.get(value_key(cell), cell)
        return out

    def canonical_columns(self, columns: list[str]) -> list[str]:
        """The canonical names of a file's columns, plus the constants' columns."""
        renamed = [self.columns.get(c, c) for c in columns]
        return renamed + [c for c in self.constants if c not in renamed]


def _str_dict(value: Any, where: str, path: Path) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(
            f"mapping {path.name}: {where} must be a table of name: value", "see docs/input-formats.md"
        )
    return {str(k).strip(): "" if v is None else str(v).strip() for k, v in value.items()}


def load_mapping(path: Path | None) -> Mapping:
    """Read and check a mapping file; no file gives the identity mapping."""
    if path is None:
        return Mapping()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise InputError(f"cannot read mapping {path}", "check the path") from exc
    except yaml.YAMLError as exc:
        raise InputError(f"mapping {path.name} is not valid YAML ({exc})".splitlines()[0]) from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(f"mapping {path.name} must be a YAML table", "see docs/input-formats.md")
    unknown = sorted(set(map(str, data)) - set(KNOWN_KEYS))
    if unknown:
        raise InputError(
            f"mapping {path.name}: unknown key(s) {', '.join(unknown)}",
            f"allowed keys: {', '.join(KNOWN_KEYS)}",
        )
    values_raw = data.get("values") or {}
    if not isinstance(values_raw, dict):
        raise InputError(f"mapping {path.name}: values must be a table of column: {{raw: canonical}}")
    values = {
        str(col): {value_key(k): v for k, v in _str_dict(table, f"values.{col}", path).items()}
        for col, table in values_raw.items()
    }
    sep = data.get("decimal_separator")
    if sep is not None and str(sep) not in (".", ","):
        raise InputError(f"mapping {path.name}: decimal_separator must be '.' or ','")
    scalars = {k: (None if data.get(k) in (None, "") else str(data[k])) for k in KNOWN_KEYS[1:7]}
    mapping = Mapping(
        columns=_str_dict(data.get("columns"), "columns", path),
        date_format=scalars["date_format"],
        datetime_format=scalars["datetime_format"],
        decimal_separator=scalars["decimal_separator"],
        region=scalars["region"].upper() if scalars["region"] else None,
        timezone=scalars["timezone"],
        encoding=scalars["encoding"],
        constants=_str_dict(data.get("constants"), "constants", path),
        values=values,
    )
    text = json.dumps(
        {k: getattr(mapping, k) for k in KNOWN_KEYS},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return Mapping(**{**{k: getattr(mapping, k) for k in KNOWN_KEYS}, "text": text})
