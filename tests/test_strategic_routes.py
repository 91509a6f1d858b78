"""Corridors with transit countries from calls and money, on hand-made files, and the secondary
suppression of the trend, corridor and justice-chain tables; every count worked out by hand."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from access.roles import Role
from access.session import Principal
from analytics.strategic import Table, strategic_report
from graph import strategic
from graph.connection import Graph
from graph.settings import Settings
from loaders.pipeline import load_file
from tests.conftest import run_cli, server_env
from tests.test_strategic import HEADER, files, loaded  # noqa: F401  (fixtures)
from tests.test_ui_strategic import open_page
from ui.strategic import report_of
from values.cell import cell_country

# W1, a witness from Venezuela, is arrested with the smugglers in Mexico after A2.
WITNESS = HEADER + "country,exploitation,gender\nA4,2024-02-20,Wilmer Testigo,W1,1990-03-03,M,VE,witness,,"
WITNESS += "Tapachula,MX,,\n"
IDENTIFIERS = """identifier_type,identifier,person_id
phone,+57 300 111 2222,V1
phone,+504 9999 0000,V5
phone,+507 6123 4567,W1
account,CO-ACC-3,V3
account,US-ACC-6,V6
"""
# K1: V1's Colombian number on 5 January (before A1 in Panama on the 10th); K4: V1 called in a Panamanian
# cell; K2: V5 in a Guatemalan cell (MCC 704) on 1 February, calling a US number (whom one calls is not
# where one is); K3: V5 in a US cell (MCC 310) after A2 (15 February): not before the destination;
# K5: W1's Panamanian number and cell on 10 February.
CALLS = """call_id,caller,callee,start_time,duration_s,call_type,caller_cell,callee_cell
K1,+573001112222,+50499990000,2024-01-05T10:00:00-05:00,60,voice,,
K2,+50499990000,+12125550100,2024-02-01T09:00:00-06:00,60,voice,704-01-10100-1001,
K3,+50499990000,+12125550100,2024-03-01T09:00:00-06:00,60,voice,310-260-2000-7,
K4,+12125550100,+573001112222,2024-01-20T08:00:00-05:00,30,voice,,714-01-10400-1003
K5,+50761234567,+12125550100,2024-02-10T11:00:00-05:00,30,sms,714-01-10400-1003,
"""
# T1: V3's Colombian account receives from an uncle's US account on 3 January (before A1 in Panama);
# the uncle's country is not where V3 was. T2: V6's US account, first used after A2: not a transit.
TRANSFERS = """transaction_id,sender_account,receiver_account,amount,currency,timestamp,sender_name,\
receiver_name,sender_country,receiver_country
T1,US-ACC-9,CO-ACC-3,200.00,USD,2024-01-03T12:00:00-05:00,Tio Rico,,US,CO
T2,GT-ACC-1,US-ACC-6,150.00,USD,2024-03-10T12:00:00-06:00,Madre Seis,,GT,US
"""


@pytest.fixture
def moved(loaded: Graph, tmp_path: Path) -> Graph:  # noqa: F811
    for kind, text in (
        ("arrests", WITNESS),
        ("identifiers", IDENTIFIERS),
        ("calls", CALLS),
        ("transfers", TRANSFERS),
    ):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        summary = load_file(loaded, kind, path, progress=False)
        assert summary.rows_rejected == 0, kind
    return loaded


def test_cell_country_from_the_cell_global_identity() -> None:
    assert cell_country("732-101-10300-1004") == "CO"
    assert cell_country("714 01 10400 1003") == "PA"
    assert cell_country("310-260-2000-7") == "US"
    assert cell_country("340-01-1-1") is None  # the French Antilles share 340: no one country
    assert cell_country("7320110300") is None and cell_country("12345") is None and cell_country(None) is None


def test_corridors_take_transit_from_calls_and_money(moved: Graph) -> None:
    r = report_of(moved, threshold=5)
    # V1 VE: CO (her number, 5 Jan), PA (A1 10 Jan; her cell 20 Jan), arrested in MX → VE → CO → PA → MX
    # V2 VE: A1 PA, A3 MX → VE → PA → MX; W1 VE: PA (number and cell, 10 Feb), A4 MX → VE → PA → MX
    # V3 EC: CO (account, 3 Jan), A1 PA → EC → CO → PA; V4 VE: A1 PA → VE → PA
    # V5 HN: HN number (origin), GT cell 1 Feb, A2 MX; the US cell of 1 March is after → HN → GT → MX
    # V6 GT: US account first used after A2 → GT → MX; V7 MX arrested in MX: no corridor
    # sorted by people, then origin, transit, destination; W1 is among the others
    assert r.corridors.columns == [
        "origin",
        "transit",
        "destination",
        "evidence",
        "victims",
        "others",
        "people",
    ]
    assert [row[:4] for row in r.corridors.rows] == [
        ["VE", "PA", "MX", "nationality, arrest, calls"],
        ["EC", "CO", "PA", "nationality, arrest, money"],
        ["GT", "", "MX", "nationality, arrest"],
        ["HN", "GT", "MX", "nationality, arrest, calls"],
        ["VE", "", "PA", "nationality, arrest"],
        ["VE", "CO → PA", "MX", "nationality, arrest, calls"],
        ["Total", "", "", ""],
    ]
    counts = report_of(moved, threshold=1).corridors.rows
    assert [row[4:] for row in counts] == [[1, 1, 2], *[[1, 0, 1]] * 5, [6, 1, 7]]
    # at the default threshold every corridor is under 5; in the total row the 1 other is hidden, and the
    # 6 victims with it (7 - 6 would give it away), shown as <5 like any hidden count; the 7 people stay
    assert [row[4:] for row in r.corridors.rows] == [
        ["<5", "<5", "<5"],
        *[["<5", 0, "<5"]] * 5,
        ["<5", "<5", 7],
    ]


def test_call_and_money_places_read_from_the_graph(moved: Graph) -> None:
    calls = strategic.call_places(moved, ["V1", "V5"])
    # no cell recorded (K1): the row of the phone's calls without one
    assert sorted((c["person_id"], c["region"], c["cell"] or "", c["first"].isoformat()) for c in calls) == [
        ("V1", "CO", "", "2024-01-05T10:00:00-05:00"),
        ("V1", "CO", "714-01-10400-1003", "2024-01-20T08:00:00-05:00"),
        ("V5", "HN", "", "2024-01-05T10:00:00-05:00"),
        ("V5", "HN", "310-260-2000-7", "2024-03-01T09:00:00-06:00"),
        ("V5", "HN", "704-01-10100-1001", "2024-02-01T09:00:00-06:00"),
    ]
    money = strategic.money_places(moved, ["V3", "V6", "V1"])
    assert [(m["person_id"], m["country"], m["first"].date()) for m in money] == [
        ("V3", "CO", date(2024, 1, 3)),
        ("V6", "US", date(2024, 3, 10)),
    ]


def row(person: str, role: str, on: date, country: str, nationality: str, op: str) -> dict[str, Any]:
    return {
        "person_id": person,
        "role": role,
        "sex": "M",
        "born": date(1980, 1, 1),
        "nationality": nationality,
        "arrest_id": f"A-{op}-{on}",
        "arrest_date": on,
        "country": country,
        "operations": [op],
        "charges": [],
        "exploitation": None,
    }


def hidden(table: Table, columns: list[str]) -> list[tuple[int, int]]:
    at = [table.columns.index(c) for c in columns]
    return [(r, c) for r, cells in enumerate(table.rows) for c in at if cells[c] == "<5"]


def solutions(
    table: Table, columns: list[str], lines: list[list[tuple[int, int]]], bound: int = 20
) -> list[dict[tuple[int, int], int]]:
    """Every value of the hidden cells (1 to ``bound``: zeros are shown) that agrees with the shown cells
    of each line, whose last cell is its total: worked out without the code under test."""
    cells = hidden(table, columns)
    out = []
    for values in itertools.product(range(1, bound + 1), repeat=len(cells)):
        guess = dict(zip(cells, values, strict=True))

        def value(r: int, c: int, guess: dict[tuple[int, int], int] = guess) -> int:
            return guess.get((r, c), table.rows[r][c])

        if all(sum(value(*cell) for cell in line[:-1]) == value(*line[-1]) for line in lines):
            out.append(guess)
    return out


def columns_of(table: Table, columns: list[str]) -> list[list[tuple[int, int]]]:
    return [[(r, table.columns.index(c)) for r in range(len(table.rows))] for c in columns]


def test_trend_hides_a_second_month_against_the_total() -> None:
    # suspects: 6 in January, 2 in February, 7 in March (15); victims 5 a month (15)
    rows = []
    for month, suspects in ((1, 6), (2, 2), (3, 7)):
        on = date(2024, month, 10)
        rows += [row(f"S{month}-{i}", "suspect", on, "MX", "MX", "Op") for i in range(suspects)]
        rows += [row(f"V{month}-{i}", "victim", on, "MX", "VE", "Op") for i in range(5)]
    trend = strategic_report(rows, [], threshold=5).trend
    # February's 2 is hidden, and January's 6 with it: shown, 15 - 7 would give February away
    assert trend.rows == [
        ["2024-01", 5, "<5", None, None, None, None],
        ["2024-02", 5, "<5", 0, 0.0, None, None],
        ["2024-03", 5, 7, 0, 0.0, None, None],
        ["Total", 15, 15, None, None, None, None],
    ]
    found = solutions(trend, ["suspects"], columns_of(trend, ["suspects"]))
    assert len(found) == 7 and {g[(1, 2)] for g in found} == set(range(1, 8))  # January + February = 8


def test_corridors_hide_a_second_corridor_against_the_totals() -> None:
    # 8 victims VE → CO → MX (a Colombian cell before the arrest), 6 VE → MX, 2 HN → GT → MX (money)
    rows, calls, money = [], [], []
    on = date(2024, 5, 1)
    for i in range(8):
        rows.append(row(f"A{i}", "victim", on, "MX", "VE", "Op"))
        calls.append({"person_id": f"A{i}", "region": "VE", "cell": "732-101-1-1", "first": date(2024, 4, 1)})
    rows += [row(f"B{i}", "victim", on, "MX", "VE", "Op") for i in range(6)]
    for i in range(2):
        rows.append(row(f"C{i}", "victim", on, "MX", "HN", "Op"))
        money.append({"person_id": f"C{i}", "country": "GT", "first": date(2024, 4, 20)})
    corridors = strategic_report(rows, [], threshold=5, call_rows=calls, money_rows=money).corridors
    # HN → GT → MX's 2 is hidden; VE → MX's 6 with it, or 16 - 8 - 6 would give it away
    assert corridors.rows == [
        ["VE", "CO", "MX", "nationality, arrest, calls", 8, 0, 8],
        ["VE", "", "MX", "nationality, arrest", "<5", 0, "<5"],
        ["HN", "GT", "MX", "nationality, arrest, money", "<5", 0, "<5"],
        ["Total", "", "", "", 16, 0, 16],
    ]
    people = ["victims", "others", "people"]
    lines = [[(r, c) for c in range(4, 7)] for r in range(4)] + columns_of(corridors, people)
    found = solutions(corridors, people, lines)
    assert {g[(2, 4)] for g in found} == set(range(1, 8))  # HN → GT → MX: anything from 1 to 7


def test_funnel_hides_a_second_operation_against_the_total() -> None:
    # arrested: 6 in Op1 (all charged), 2 in Op2 (none), 7 in Op3 (5 charged)
    rows, outcomes = [], []
    for op, arrested, charged in (("Op1", 6, 6), ("Op2", 2, 0), ("Op3", 7, 5)):
        rows += [row(f"{op}-{i}", "suspect", date(2024, 1, 1), "MX", "MX", op) for i in range(arrested)]
        outcomes += [{"person_id": f"{op}-{i}", "stage": "charged"} for i in range(charged)]
    funnel = strategic_report(rows, outcomes, threshold=5).funnel
    assert funnel.rows == [
        ["Op1", "<5", 6, 0, 0, 0, 0],
        ["Op2", "<5", 0, 0, 0, 0, 0],
        ["Op3", 7, 5, 0, 0, 0, 0],
        ["Total", 15, 11, 0, 0, 0, 0],
    ]
    found = solutions(funnel, ["arrested"], columns_of(funnel, ["arrested"]))
    # arrested at least charged: Op1 6 or 7, so Op2 2 or 1; never one answer
    found = [g for g in found if g[(0, 1)] >= 6]
    assert sorted(g[(1, 1)] for g in found) == [1, 2]


def test_cli_and_page_show_transit(moved: Graph, neo4j_settings: Settings) -> None:
    proc = run_cli(
        ["report", "strategic", "--format", "json"], server_env(neo4j_settings.home, neo4j_settings.port)
    )
    assert proc.returncode == 0, proc.stderr
    corridors = next(t for t in json.loads(proc.stdout)["tables"] if t["title"] == "Corridors")
    assert ["VE", "CO → PA", "MX", "nationality, arrest, calls", "<5", 0, "<5"] in corridors["rows"]
    at = open_page(Principal("vera", Role.VIEWER))
    table = at.dataframe[4].value
    assert table.iloc[5].tolist()[:3] == ["VE", "CO → PA", "MX"]
    chart = next(c for c in at.get("vega_lite_chart") if "Corridors" in c.proto.spec)
    legs = [
        pa.ipc.open_stream(d.data.data).read_pandas()  # the layers' data as the page hands it to Vega
        for d in chart.proto.datasets
    ]
    drawn = [
        (r["corridor"], r["lat"], r["lat2"])
        for frame in legs
        if "corridor" in frame
        for _, r in frame.iterrows()
    ]
    assert len({leg for leg in drawn if leg[0] == "VE → CO → PA → MX"}) == 3  # VE-CO, CO-PA, PA-MX
