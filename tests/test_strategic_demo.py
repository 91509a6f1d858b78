"""The strategic report on the small demo: the planted exploitation and justice chain, read back from
the generated files with the csv module."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from analytics.strategic import movers, strategic_report
from graph import strategic
from graph.connection import Graph

CHARGED = {"charged", "prosecuted", "convicted", "acquitted"}


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_demo_report_shows_planted_facts(
    demo_graph: tuple[Graph, dict[str, Any]], demo_dataset: tuple[Path, dict[str, Any]]
) -> None:
    g, _ = demo_graph
    folder, _ = demo_dataset
    involvements = strategic.involvements(g)
    moved = movers(involvements, {})
    report = strategic_report(
        involvements,
        strategic.outcomes(g),
        threshold=1,
        call_rows=strategic.call_places(g, moved),
        money_rows=strategic.money_places(g, moved),
    )
    outcomes = rows(folder, "outcomes.csv")
    reached: dict[str, set[str]] = {}
    for row in outcomes:
        reached.setdefault(row["person_id"], set()).add(row["stage"])
    suspects = {r["person_id"] for r in rows(folder, "arrests.csv") if r["role"] == "suspect"} - {""}
    total = report.funnel.records()[-1]
    assert total["operation"] == "Total" and total["arrested"] == len(suspects)
    assert total["charged"] == sum(1 for s in reached.values() if s & CHARGED)
    assert total["convicted"] == sum(1 for s in reached.values() if "convicted" in s) > 0
    assert total["acquitted"] == sum(1 for s in reached.values() if "acquitted" in s) > 0
    # victims by form: a victim is one name and birth date (some victims are written without person_id)
    victims: dict[str, set[tuple[str, str]]] = {}
    for r in rows(folder, "arrests.csv"):
        if r["role"] == "victim" and r["exploitation"]:
            victims.setdefault(r["exploitation"], set()).add((r["full_name"], r["date_of_birth"]))
    forms = {row["exploitation"]: row["total"] for row in report.exploitation.records()}
    assert forms["sexual_exploitation"] == len(victims["explotación sexual"]) > 0
    assert forms["forced_labour"] == len(victims["trabajo forzoso"]) > 0
    # trafficking: the victims of the arrests where anyone was charged with "trata de personas"
    arrests = rows(folder, "arrests.csv")
    trata = {r["arrest_id"] for r in arrests if "trata de personas" in r["charges"]}
    trafficked = {
        (r["full_name"], r["date_of_birth"])
        for r in arrests
        if r["role"] == "victim" and r["arrest_id"] in trata
    }
    crimes = {(row["crime"], row["role"]): row["total"] for row in report.crimes.records()}
    assert crimes[("trafficking", "victim")] == len(trafficked) > 0
    people = {(row["operation"], row["role"]): row for row in report.people.records()}
    assert people[("Total", "victim")]["girls"] + people[("Total", "victim")]["boys"] > 0
    assert report.corridors.rows and report.trend.rows
    # victims' phones and accounts show countries between their nationality and their interdiction
    corridors = report.corridors.records()
    assert any(c["transit"] and "calls" in c["evidence"] for c in corridors), corridors
    assert corridors[-1]["origin"] == "Total"
