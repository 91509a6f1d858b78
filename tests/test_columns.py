"""The shared column vocabulary: human headers, rounding, blanks and dates, in the CLI's tables too."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rich.console import Console

from ui import columns
from ui.cli import output


def test_cells_are_rounded_blank_and_dated() -> None:
    assert columns.cell("betweenness", 0.123456) == 0.123  # 3 significant digits
    assert columns.cell("constraint", 0.000123456) == 0.000123
    assert columns.cell("total", "9500.004") == 9500.0  # amounts to the cent
    assert columns.cell("jaccard", 0.66666) == 0.67
    assert columns.cell("kpp_rank", None) is None
    assert columns.cell("arrest_date", date(2025, 5, 2)) == "2025-05-02"
    assert columns.cell("timestamp", "2025-03-04T12:00:00+00:00") == "2025-03-04 12:00"
    assert columns.cell("at", datetime(2025, 1, 10, 8, 0, tzinfo=UTC)) == "2025-01-10 08:00"
    assert columns.cell("key_player", True) == "yes" and columns.cell("key_player", False) == ""
    assert columns.cell("name", "José") == "José"
    assert columns.describe("kpp_rank").label == "Key-player rank"
    assert columns.describe("rows_loaded").label == "Rows loaded"
    assert columns.describe("some_new_column").label == "some new column"


def test_cli_table_has_human_headers_and_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    console = Console(width=200, record=True, highlight=False)
    monkeypatch.setattr(output, "console", console)
    output.print_table(
        [
            {"person_id": "P1", "betweenness": 0.123456, "constraint": None, "kpp_rank": 2},
            {"person_id": "P2", "betweenness": 0.5, "constraint": 0.25, "kpp_rank": None},
        ],
        ["person_id", "betweenness", "constraint", "kpp_rank"],
    )
    lines = console.export_text().splitlines()
    header = next(line for line in lines if "Person ID" in line)
    assert "Betweenness" in header and "Constraint (Burt)" in header and "Key-player rank" in header
    first = next(line for line in lines if "P1" in line)
    assert "0.123" in first and "0.1234" not in first and "None" not in first
    second = next(line for line in lines if "P2" in line)
    assert [c.strip() for c in second.split("│")[1:-1]] == ["P2", "0.5", "0.25", ""]
