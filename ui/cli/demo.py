"""`hilorojo demo`: write the synthetic demo dataset with its answer key, and load it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from graph.connection import get_graph
from graph.settings import load_settings
from loaders.demo import (
    ANSWER_KEY,
    DEFAULT_SEED,
    SCALES,
    demo_files,
    ensure_generated,
    load_demo,
    planted_summary,
)
from ui.cli.output import console, print_json, print_table


@click.command("demo")
@click.option(
    "--scale",
    type=click.Choice(list(SCALES)),
    default="small",
    show_default=True,
    help="small ≈ 200 people; medium ≈ 5,000 people, 100k calls; large ≈ 100k people, 2M calls.",
)
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True, help="Same seed, same files.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the files (default $HILOROJO_HOME/demo/<scale>-<seed>).",
)
@click.option("--no-load", is_flag=True, help="Only write the files.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def demo(scale: str, seed: int, out_dir: Path | None, no_load: bool, as_json: bool) -> None:
    """Write the demo dataset (arrests, calls, identifiers, transfers, outcomes, answer_key.json); load it."""
    settings = load_settings()
    out = out_dir or settings.home / "demo" / f"{scale}-{seed}"
    started = time.perf_counter()
    if as_json:
        key, generated = ensure_generated(out, SCALES[scale], seed)
    else:
        with console.status(f"Writing the {scale} demo dataset (seed {seed}) to {out}..."):
            key, generated = ensure_generated(out, SCALES[scale], seed)
    written_s = time.perf_counter() - started
    loads: list[dict[str, Any]] = []
    if not no_load:
        for summary in load_demo(get_graph(settings), out, progress=not as_json):
            loads.append(
                {
                    "kind": summary.kind,
                    "file": summary.file_name,
                    "rows_read": summary.rows_read,
                    "rows_loaded": summary.rows_loaded,
                    "rows_rejected": summary.rows_rejected,
                    "source_id": summary.source_id,
                }
            )
    planted = planted_summary(key)
    if as_json:
        print_json(
            {
                "out_dir": str(out),
                "scale": scale,
                "seed": seed,
                "generated": generated,
                "generate_seconds": round(written_s, 3),
                "files": {kind: str(path) for kind, path in demo_files(out)}
                | {"answer_key": str(out / ANSWER_KEY)},
                "rows": key["counts"]["rows"],
                "planted": planted,
                "loads": loads,
            }
        )
        return
    verb = "wrote" if generated else "reused"
    console.print(f"{verb} the {scale} demo (seed {seed}) in {out} ({written_s:.1f} s)")
    rows = key["counts"]["rows"]
    if loads:
        print_table(loads, ["kind", "file", "rows_read", "rows_loaded", "rows_rejected"], title="Loaded")
    else:
        print_table(
            [{"kind": k, "file": str(p.name), "rows": rows[k]} for k, p in demo_files(out)], title="Files"
        )
    print_table(
        [{"planted": k, "count": v} for k, v in planted.items()], title=f"Answer key: {out / ANSWER_KEY}"
    )
