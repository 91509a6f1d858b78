"""Writing a dataset: organisations one at a time into the five CSV files, then the answer key."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any, TextIO

from graph.errors import InputError
from loaders.demo.answer_key import ANSWER_KEY, add_to_answer_key, read_answer_key
from loaders.demo.arrests import arrest_rows, plan_events
from loaders.demo.calls import call_rows, plan_contacts, plant_phone_patterns
from loaders.demo.context import Context
from loaders.demo.dataset import DEFAULT_SEED, FILES, GENERATOR_VERSION, LOAD_ORDER, Scale
from loaders.demo.identifiers import identifier_rows
from loaders.demo.money import transfer_rows
from loaders.demo.organisation import Org
from loaders.demo.outcomes import outcome_rows
from loaders.demo.people import build_people


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


def _writer(handle: TextIO, columns: tuple[str, ...]) -> csv.DictWriter[str]:
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    return writer


def generate(out_dir: Path, scale: Scale, seed: int = DEFAULT_SEED) -> dict[str, Any]:
    """Write the five CSV files and ``answer_key.json`` into ``out_dir``; return the answer key.

    Organisations are generated and written one at a time, so memory grows with the people (for the
    answer key), not with the calls or transfers. Files are written under temporary names and renamed
    at the end: a present ``answer_key.json`` means a complete dataset.
    """
    try:
        return _generate(out_dir, scale, seed)
    except OSError as exc:
        raise InputError(
            f"cannot write the demo files in {out_dir}: {exc.strerror or exc}",
            "choose a writable folder with --out",
        ) from exc


def _generate(out_dir: Path, scale: Scale, seed: int) -> dict[str, Any]:
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = Context(seed, scale)
    paths = {kind: out_dir / name for kind, (name, _) in FILES.items()}
    temps = {kind: path.with_suffix(".csv.part") for kind, path in paths.items()}
    (out_dir / ANSWER_KEY).unlink(missing_ok=True)
    handles = {kind: open(temps[kind], "w", encoding="utf-8", newline="") for kind in FILES}
    try:
        writers = {kind: _writer(handles[kind], FILES[kind][1]) for kind in FILES}
        for index in range(scale.orgs):
            org = Org(ctx, index)
            build_people(org)
            plan_events(org)
            plant_phone_patterns(org)
            plan_contacts(org)
            for kind, rows in (
                ("arrests", arrest_rows(org)),
                ("identifiers", identifier_rows(org)),
                ("calls", call_rows(org, _share(scale.calls, scale.orgs, index))),
                ("transfers", transfer_rows(org, _share(scale.transfers, scale.orgs, index))),
                ("outcomes", outcome_rows(org)),
            ):
                for row in rows:
                    writers[kind].writerow(row)
                    ctx.counts[kind] += 1
            add_to_answer_key(org)
    finally:
        for handle in handles.values():
            handle.close()
    for kind in FILES:
        os.replace(temps[kind], paths[kind])
    key = ctx.key
    key["counts"] = {"people": len(key["people"]), "rows": dict(ctx.counts), "phones": len(key["phones"])}
    with open(out_dir / ANSWER_KEY, "w", encoding="utf-8") as handle:
        json.dump(key, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    return key


def ensure_generated(out_dir: Path, scale: Scale, seed: int = DEFAULT_SEED) -> tuple[dict[str, Any], bool]:
    """The dataset in ``out_dir``, generated unless the same version, scale and seed is already there."""
    key = read_answer_key(out_dir)
    if (
        key is not None
        and key.get("generator_version") == GENERATOR_VERSION
        and key.get("scale") == scale.name
        and key.get("seed") == seed
        and all((out_dir / name).exists() for name, _ in FILES.values())
    ):
        return key, False
    return generate(out_dir, scale, seed), True


def demo_files(out_dir: Path) -> list[tuple[str, Path]]:
    """The dataset's files in load order: (kind, path)."""
    return [(kind, out_dir / FILES[kind][0]) for kind in LOAD_ORDER]
