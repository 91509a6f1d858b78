"""Benchmark of target packages on the loaded network: seconds per package against a raw-read baseline."""

from __future__ import annotations

import argparse
import time

from analytics import phones as phone_analytics
from dossier import build_package, render
from graph import dossier as queries
from graph.connection import get_graph

TARGET_SECONDS = 5.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=5, help="the N busiest non-victims")
    parser.add_argument("--format", default="pdf", choices=["html", "pdf", "json"])
    args = parser.parse_args()
    graph = get_graph()
    people = queries.busiest_people(graph, args.people)
    if not people:
        raise SystemExit("the database holds no person: load data first (hilorojo demo --scale medium)")
    build_package(graph, people[0]["person_id"])  # warm-up: query plans, fonts, matplotlib
    print(f"{'person':<24}{'calls':>8}{'baseline s':>12}{'package s':>11}{'ratio':>8}{'under 5 s':>11}")
    worst = 0.0
    for row in people:
        pid = row["person_id"]
        t = time.perf_counter()
        phone_analytics.profile(graph, pid)  # baseline: reading the person's calls once
        baseline = time.perf_counter() - t
        t = time.perf_counter()
        render(build_package(graph, pid), args.format)
        seconds = time.perf_counter() - t
        worst = max(worst, seconds)
        ok = "yes" if seconds < TARGET_SECONDS else "NO"
        print(
            f"{pid:<24}{row['calls']:>8}{baseline:>12.2f}{seconds:>11.2f}{seconds / baseline:>8.1f}{ok:>11}"
        )
    print(f"worst package: {worst:.2f} s ({args.format}); target {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
