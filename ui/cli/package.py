"""`hilorojo package PERSON`: write a target package (HTML, PDF or JSON) on one person."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dossier import build_package, file_name, render
from graph.connection import get_graph
from ui.cli.output import console, print_json


@click.command("package")
@click.argument("person")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "pdf", "json"]),
    default="html",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Output file (default: package-<person_id>.<format>; '-' writes to standard output).",
)
@click.option(
    "--hops", type=click.IntRange(0, 4), default=2, show_default=True, help="Radius of the network picture."
)
@click.option(
    "--include-victims", is_flag=True, help="Show victims' names and identifiers (the cover says so)."
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary of what was written.")
def package(person: str, fmt: str, out: Path | None, hops: int, include_victims: bool, as_json: bool) -> None:
    """Write a target package on PERSON (person_id or full name): identity, position, associates,
    phones, money, arrests, network picture, suggested links and the evidence table."""
    pkg = build_package(get_graph(), person, hops=hops, include_victims=include_victims)
    data = render(pkg, fmt)
    if out is not None and str(out) == "-":
        sys.stdout.buffer.write(data)
        return
    path = out or Path(file_name(pkg, fmt))
    path.write_bytes(data)
    summary = {
        "file": str(path),
        "format": fmt,
        "bytes": len(data),
        "subject": pkg.cover.subject,
        "person_id": pkg.cover.person_id,
        "victims_included": pkg.cover.victims_included,
        "associates": len(pkg.associates),
        "evidence_entries": len(pkg.evidence),
        "seconds": pkg.build_seconds,
    }
    if as_json:
        print_json(summary)
        return
    console.print(
        f"wrote {path} ({fmt}, {len(data):,} bytes) on {pkg.cover.subject} in {pkg.build_seconds:.2f} s"
    )
    console.print(pkg.cover.victims_notice, markup=False)
