"""Synthetic smuggling and trafficking network on the Americas routes, as files with its answer key."""

# One module per layer of the generator: route (places, staffing, time zones), names and devices (values
# as registers write them), people (cells, brokers, victims), arrests, calls, identifiers, money,
# answer_key; writing runs them organisation by organisation into the files.

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from graph.connection import Graph
from loaders.demo.answer_key import planted_summary, read_answer_key
from loaders.demo.dataset import (
    ANSWER_KEY,
    DEFAULT_SEED,
    FILES,
    GENERATOR_VERSION,
    LOAD_ORDER,
    PHONE_REGION,
    SCALES,
    THRESHOLD_USD,
    Scale,
    scale_for_calls,
)
from loaders.demo.writing import demo_files, ensure_generated, generate

if TYPE_CHECKING:
    from loaders.pipeline import LoadSummary

__all__ = [
    "ANSWER_KEY",
    "DEFAULT_SEED",
    "FILES",
    "GENERATOR_VERSION",
    "LOAD_ORDER",
    "PHONE_REGION",
    "SCALES",
    "THRESHOLD_USD",
    "Scale",
    "demo_files",
    "ensure_generated",
    "generate",
    "load_demo",
    "planted_summary",
    "read_answer_key",
    "scale_for_calls",
]


def load_demo(graph: Graph, out_dir: Path, *, progress: bool = True) -> list[LoadSummary]:
    """Load the dataset in ``out_dir`` with the loaders: arrests, identifiers, calls, transfers, outcomes."""
    from loaders.pipeline import load_file

    return [
        load_file(graph, kind, path, region=PHONE_REGION, source_name=f"demo {kind}", progress=progress)
        for kind, path in demo_files(out_dir)
    ]
