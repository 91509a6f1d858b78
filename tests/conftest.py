"""Start one real Neo4j for the whole test run (fresh home, free port) and stop it at the end."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import local_server
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
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
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
    os.environ.clear()
    os.environ.update(server_env(home, free_port()))
    settings = load_settings(env_file=None)
    try:
        local_server.start(settings)
        yield settings
    finally:
        reset_graph()
        local_server.stop(settings)
        os.environ.clear()
        os.environ.update(saved)


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
