"""Neo4j's offline importer (`neo4j-admin database import full`), run from the local server's Maven jars."""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from graph import local_server
from graph.connection import Graph
from graph.errors import ConfigError, InputError, LocalServerError
from graph.model import NODE_KEYS, RELATIONSHIP_TYPES
from graph.settings import Settings

# The importer's entry point in neo4j-command-line (the jar `neo4j-admin` runs); its import command
# lives in neo4j-import-tool. Both come with the launcher's dependencies (graph/launcher/pom.xml).
ADMIN_TOOL = "org.neo4j.cli.AdminTool"
COUNT_LINE = re.compile(r"^\s*(\d+) (nodes|relationships|properties)\s*$")
# Any node besides the schema's bookkeeping (the Migration nodes `hilorojo db migrate` writes).
ANY_DATA = "MATCH (n) WHERE NOT n:Migration RETURN true AS found LIMIT 1"


@dataclass(frozen=True)
class ImportReport:
    """What the importer wrote, from its closing lines."""

    nodes: int
    relationships: int
    properties: int
    seconds: float


def import_full(
    settings: Settings,
    nodes: Sequence[tuple[str, Path]],
    relationships: Sequence[tuple[str, Path]],
    heap: str = "2g",
) -> ImportReport:
    """Write the local server's database ``settings.database`` from importer CSV files, replacing what
    it holds: ``nodes`` are (label, file) and ``relationships`` (type, file) pairs, labels and types of
    graph/model.py. The server must be stopped; afterwards `hilorojo db start` and `hilorojo db migrate`
    (the importer writes no constraints or indexes)."""
    if not settings.is_local:
        raise ConfigError(
            f"the offline importer writes a store on this machine, not the server at {settings.uri}",
            "use it for the local server only; a cluster imports with its own neo4j-admin",
        )
    pid = local_server.running_pid(settings)
    if pid is not None or local_server.port_open(settings.host, settings.port):
        raise LocalServerError(
            f"the local Neo4j is running on {settings.uri}: the importer needs it stopped",
            "run `hilorojo db stop` first",
        )
    for label, path in nodes:
        _check(label in NODE_KEYS, f"node label {label!r}", path)
    for rel_type, path in relationships:
        _check(rel_type in RELATIONSHIP_TYPES, f"relationship type {rel_type!r}", path)
    java = local_server._require("java", "run Neo4j's importer")
    launcher = local_server.build_launcher(settings)
    conf = settings.home / "conf" / "neo4j.conf"
    conf.parent.mkdir(parents=True, exist_ok=True)
    conf.write_text(local_server.neo4j_conf(settings), encoding="utf-8")
    cmd = [
        java,
        f"-Xmx{heap}",
        "-cp",
        f"{launcher / 'lib'}{os.sep}*",
        ADMIN_TOOL,
        "database",
        "import",
        "full",
        settings.database,  # before the file options, which each take several files
        "--overwrite-destination=true",
        f"--report-file={settings.home / 'logs' / 'import.report'}",
        *(f"--nodes={label}={path}" for label, path in nodes),
        *(f"--relationships={rel_type}={path}" for rel_type, path in relationships),
    ]
    (settings.home / "logs").mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_PASSWORD"}
    env.update(NEO4J_HOME=str(settings.home), NEO4J_CONF=str(conf.parent))
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    output = proc.stdout + proc.stderr
    counts = {m.group(2): int(m.group(1)) for m in map(COUNT_LINE.match, output.splitlines()) if m}
    if proc.returncode != 0 or "IMPORT DONE" not in output:
        raise LocalServerError(
            f"Neo4j's importer failed: {_first_error(output)}",
            f"check the files' headers (neo4j-admin import format); see {settings.home / 'logs'}",
        )
    return ImportReport(
        counts.get("nodes", 0), counts.get("relationships", 0), counts.get("properties", 0), seconds
    )


def holds_data(graph: Graph) -> bool:
    """Whether the database holds any node besides the schema's bookkeeping."""
    row = graph.read_one(ANY_DATA)
    return bool(row and row["found"])


def _check(ok: bool, what: str, path: Path) -> None:
    if not ok:
        raise InputError(f"{what} of {path} is not in the data model", "see graph/model.py")
    if not Path(path).is_file():
        raise InputError(f"{path} is not a file", "give the importer CSV files that exist")


def _first_error(output: str) -> str:
    """The importer's first line that says what went wrong (it prints a Java stack trace after it)."""
    for line in output.splitlines():
        text = line.strip()
        if ("Exception" in text or "Error" in text or "error" in text) and not text.startswith("at "):
            return text[:300]
    return output.strip().splitlines()[-1][:300] if output.strip() else "no output"
