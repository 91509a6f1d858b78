"""Results tables of the web app: the shared vocabulary, blanks for missing values, rows open entities."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from graph.connection import Graph
from graph.protected import HIDDEN, MINOR, VICTIM
from ui import casework
from ui.columns import AMOUNT, INT, MEASURE, SHARE, cell, describe
from ui.web.common import frame

NOTES = "entity_notes"  # the column saying how many notes each row's entity has (ui.columns)
# the query parameter naming each kind of entity in a shareable link, and the node label it names
KINDS = {"person": "Person", "phone": "Phone", "account": "Account", "device": "Device", "arrest": "Arrest"}
KIND_OF = {label: kind for kind, label in KINDS.items()}


@dataclass(frozen=True)
class Ref:
    """An entity a table row points at: its kind (a key of KINDS) and key (person_id, number, …)."""

    kind: str
    key: str

    @property
    def label(self) -> str:
        return KINDS[self.kind]


# What a shielded view writes in place of a protected entity's key or name.
PLACEHOLDERS = frozenset({HIDDEN, MINOR, VICTIM})


def readable(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows as a DataFrame whose cells are shown as the vocabulary says (rounded measures, dates)."""
    df = frame([{k: cell(k, v) for k, v in r.items()} for r in rows], list(columns) if columns else None)
    return df


def column_config(columns: Sequence[str], labels: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Streamlit's column settings: the vocabulary's name and, on hover, what the column means."""
    config: dict[str, Any] = {}
    for col in columns:
        c = describe(str(col))
        label = (labels or {}).get(str(col), c.label)
        if c.kind == MEASURE:
            config[col] = st.column_config.NumberColumn(label, help=c.help or None, format="%.3g")
        elif c.kind in (SHARE, AMOUNT):
            config[col] = st.column_config.NumberColumn(label, help=c.help or None, format="%.2f")
        elif c.kind == INT:
            config[col] = st.column_config.NumberColumn(label, help=c.help or None, format="%d")
        else:
            config[col] = st.column_config.Column(label, help=c.help or None)
    return config


def show(
    data: pd.DataFrame | Sequence[Mapping[str, Any]],
    key: str,
    columns: Sequence[str] | None = None,
    entity: Callable[[Mapping[str, Any]], Ref | None] | None = None,
    labels: Mapping[str, str] | None = None,
    notes: Graph | None = None,
) -> Ref | None:
    """Show a table; with ``entity`` (row -> the entity it names), a row can be selected, and the entity
    of a newly selected row goes into the page's address (``?person=P1``) for the panel to open; with
    ``notes`` too (the page's graph), a Notes column says how many notes each row's entity has."""
    df = data if isinstance(data, pd.DataFrame) else readable(data, columns)
    if columns is not None and isinstance(data, pd.DataFrame):
        df = df[[c for c in columns if c in df.columns]]
    if entity is not None and notes is not None:
        df = with_notes(notes, df, entity)
    config = column_config([str(c) for c in df.columns], labels)
    if entity is None:
        st.dataframe(df, hide_index=True, width="stretch", column_config=config, placeholder="", key=key)
        return None
    state = st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_config=config,
        placeholder="",
        key=key,
        on_select="rerun",
        selection_mode="single-row",
    )
    rows = list(getattr(getattr(state, "selection", None), "rows", None) or [])
    picked = entity(df.iloc[rows[0]].to_dict()) if rows and rows[0] < len(df) else None
    last_key = f"{key}-selected"
    if st.session_state.get(last_key) != picked:
        # the analyst changed this table's selection: the address follows it (a cleared row closes the panel)
        st.session_state[last_key] = picked
        if picked is not None:
            select(picked)
        else:
            clear()
    return picked


def with_notes(g: Graph, df: pd.DataFrame, entity: Callable[[Mapping[str, Any]], Ref | None]) -> pd.DataFrame:
    """The table with a Notes column (``2 · B2``: two notes, the newest graded B2; blank when none) after
    the names, or else after the column naming the entity; read for all its rows in one query."""
    rows = [{str(k): v for k, v in row.items()} for row in df.to_dict("records")]
    refs = [entity(row) for row in rows]
    marks = casework.note_marks(g, [(r.label, r.key) for r in refs if r is not None])
    out = df.copy()
    out.insert(
        _notes_position(out, rows, refs), NOTES, [marks.get((r.label, r.key)) if r else None for r in refs]
    )
    return out


def _notes_position(df: pd.DataFrame, rows: list[dict[str, Any]], refs: list[Ref | None]) -> int:
    columns = [str(c) for c in df.columns]
    if "name" in columns:
        return columns.index("name") + 1
    first = next(((row, r) for row, r in zip(rows, refs, strict=True) if r is not None), None)
    if first is not None:
        row, ref = first
        for i, c in enumerate(columns):
            if str(row.get(c)) == ref.key:
                return i + 1
    return len(columns)


def clear() -> None:
    """Take any entity out of the page's address."""
    for kind in KINDS:
        if kind in st.query_params:
            del st.query_params[kind]


def select(ref: Ref) -> None:
    """Put an entity in the page's address (one entity at a time)."""
    clear()
    st.query_params[ref.kind] = ref.key


def selected() -> Ref | None:
    """The entity named in the page's address, if any."""
    for kind in KINDS:
        value = st.query_params.get(kind)
        if value:
            return Ref(kind, str(value))
    return None


def person(column: str = "person_id") -> Callable[[Mapping[str, Any]], Ref | None]:
    """Rows that name a person in ``column``."""
    return by("person", column)


def by(kind: str, column: str) -> Callable[[Mapping[str, Any]], Ref | None]:
    """Rows that name an entity of ``kind`` in ``column``; a cell a shielded view replaced ("(protected)")
    names none, so its row opens nothing."""

    def ref(row: Mapping[str, Any]) -> Ref | None:
        value = row.get(column)
        if value in (None, "") or value != value or str(value) in PLACEHOLDERS:
            return None
        return Ref(kind, str(value))

    return ref
