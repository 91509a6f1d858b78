"""How much the cells depend on Leiden's random seed: their NMI against the demos' planted cells."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import numpy as np

from analytics import communities
from analytics.network import project
from bench import ranking_quality
from bench.ingest import local_neo4j
from graph.projection import parse_layers
from loaders.demo import DEFAULT_SEED, SCALES, generate, load_demo

CLEAR = "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.cell_seeds", description=__doc__)
    parser.add_argument("--scales", default="small,medium", help="demo scales, comma-separated")
    parser.add_argument("--seeds", type=int, default=20, help="seeds tried")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="hilorojo-bench-cells-"))
    try:
        with local_neo4j(home, "2g", "1g") as graph:
            for scale in args.scales.split(","):
                graph.run_in_batches(CLEAR)
                key = generate(home / scale, SCALES[scale], DEFAULT_SEED)
                load_demo(graph, home / scale, progress=False)
                net = project(graph, parse_layers(None), None, None, False)
                planted = {p: c["cell"] for p, c in key["cells"].items() if p in net.index}
                truth = list(planted.values())
                idx = [net.index[p] for p in planted]
                print(f"{scale} demo: {net.n:,} people, {net.m:,} links, {len(set(truth)):,} planted cells")
                values = np.array(
                    [
                        ranking_quality.nmi(truth, communities.cells(net, seed=seed).membership[idx].tolist())
                        for seed in range(args.seeds)
                    ]
                )
                default = ranking_quality.nmi(truth, communities.cells(net, seed=42).membership[idx].tolist())
                print(
                    f"  cells NMI over {args.seeds} seeds: mean {values.mean():.3f}, sd {values.std():.3f}, "
                    f"min {values.min():.3f}, max {values.max():.3f}; seed 42 (the analysis') {default:.3f}",
                    flush=True,
                )
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
