"""Start one real Neo4j for the whole test run (fresh home, free port) and stop it at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from graph import connection, local_server
from graph.connection import Graph, get_graph, reset_graph
from graph.migrations import migrate
from graph.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
CLEAR_QUERY = "MATCH (n) WHERE NOT n:Migration CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(home: Path, port: int) -> dict[str, str]:
    """The environment of a hilorojo process that uses the local server in ``home`` on ``port``."""
    private = ("HILOROJO_AUDIT_LOG", "HILOROJO_ACCOUNTS")  # a developer's own log and accounts stay out
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_") and k not in private}
    env.update(
        HILOROJO_HOME=str(home),
        NEO4J_URI=f"bolt://127.0.0.1:{port}",
        HILOROJO_HEAP=os.environ.get("HILOROJO_TEST_HEAP", "2g"),
        HILOROJO_PAGECACHE=os.environ.get("HILOROJO_TEST_PAGECACHE", "512m"),
    )
    return env


@pytest.fixture(scope="session")
def neo4j_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("neo4j-home")
    saved = dict(os.environ)
    env = server_env(home, free_port())  # from the saved environment: PATH, HOME and the test heap stay
    os.environ.clear()
    os.environ.update(env)
    settings = load_settings(env_file=None)
    try:
        local_server.start(settings)
        yield settings
    finally:
        reset_graph()
        local_server.stop(settings)
        os.environ.clear()
        os.environ.update(saved)


@dataclass(frozen=True)
class SpareServer:
    """A second local server with a small store of its own, started once by the real `hilorojo db start`."""

    settings: Settings
    env: dict[str, str]
    started: str  # what `db start` printed


@pytest.fixture(scope="session")
def spare_server(tmp_path_factory: pytest.TempPathFactory, graph: Graph) -> Iterator[SpareServer]:
    """A server that tests may stop, start, back up and restore: its store holds only their own data, so
    a restart or a backup does not pay for every earlier test's transaction logs, and the session's
    server keeps running (and answering) meanwhile."""
    env = server_env(tmp_path_factory.mktemp("spare-home"), free_port()) | {
        "HILOROJO_HEAP": "1g",
        "HILOROJO_PAGECACHE": "128m",
    }
    started = run_cli(["db", "start"], env)
    if started.returncode != 0:
        raise RuntimeError(f"the spare server did not start: {started.stderr}")
    settings = settings_from(env)
    try:
        spare = Graph(settings)
        migrate(spare)
        spare.close()
        yield SpareServer(settings, env, started.stdout)
    finally:
        local_server.stop(settings)


def settings_from(env: dict[str, str]) -> Settings:
    """The settings a process started with exactly ``env`` reads."""
    saved = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        return load_settings(env_file=None)
    finally:
        os.environ.clear()
        os.environ.update(saved)


@contextmanager
def process_graph(settings: Settings, env: dict[str, str]) -> Iterator[Graph]:
    """Make ``env``'s database the process's own for a while (what pages reach through ``get_graph``
    and the environment), then give the session's environment and graph back, the latter unclosed."""
    saved_graph, saved_env = connection._graph, dict(os.environ)
    connection._graph = None
    os.environ.clear()
    os.environ.update(env)
    try:
        yield get_graph(settings)
    finally:
        reset_graph()
        os.environ.clear()
        os.environ.update(saved_env)
        connection._graph = saved_graph


@pytest.fixture
def spare_graph(spare_server: SpareServer) -> Iterator[Graph]:
    """The spare server's database, emptied, as the process's graph for the test's length."""
    with process_graph(spare_server.settings, spare_server.env) as spare:
        spare.run_in_batches(CLEAR_QUERY)
        yield spare


@pytest.fixture(scope="session")
def graph(neo4j_settings: Settings) -> Graph:
    g = get_graph(neo4j_settings)
    migrate(g)
    return g


@pytest.fixture
def empty_graph(graph: Graph) -> Graph:
    """The session's database with every node removed (the schema stays)."""
    graph.run_in_batches(CLEAR_QUERY)
    return graph


@pytest.fixture(scope="session")
def output_dir() -> Path:
    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT


def run_cli(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run the real `hilorojo` command in a subprocess."""
    exe = Path(sys.executable).parent / "hilorojo"
    return subprocess.run(
        [str(exe), *args], env=env, capture_output=True, text=True, timeout=timeout, check=False, cwd=ROOT
    )


DEMO_SOURCES_QUERY = "MATCH (s:Source) RETURN s.kind AS kind, s.sha256 AS sha256"
DEMO_SIZE_QUERY = """
MATCH (n) WHERE NOT n:Migration AND NOT n:Analysis
WITH count(n) AS nodes
OPTIONAL MATCH ()-[r]->() WHERE NOT r:LIKELY_LINKED
RETURN nodes, count(r) AS rels
"""
_demo_loaded: dict[str, int] = {}


@pytest.fixture(scope="session")
def demo_dataset(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The small demo dataset with the default seed, written once per run: (folder, answer key)."""
    from loaders.demo import DEFAULT_SEED, SCALES, generate

    out = tmp_path_factory.mktemp("demo") / f"small-{DEFAULT_SEED}"
    return out, generate(out, SCALES["small"], DEFAULT_SEED)


@pytest.fixture
def demo_graph(graph: Graph, demo_dataset: tuple[Path, dict[str, Any]]) -> tuple[Graph, dict[str, Any]]:
    """The database holding exactly the small demo (loaded only when it holds something else) and its key."""
    import hashlib

    from loaders.demo import demo_files, load_demo

    out, key = demo_dataset
    wanted = sorted((kind, hashlib.sha256(path.read_bytes()).hexdigest()) for kind, path in demo_files(out))
    held = sorted((r["kind"], r["sha256"] or "") for r in graph.read(DEMO_SOURCES_QUERY))
    size = graph.read_one(DEMO_SIZE_QUERY) or {}
    if held != wanted or size != _demo_loaded:
        graph.run_in_batches(CLEAR_QUERY)
        load_demo(graph, out, progress=False)
        _demo_loaded.clear()
        _demo_loaded.update(graph.read_one(DEMO_SIZE_QUERY) or {})
    return graph, key
