"""Cluster and Aura settings against the real local server: routing scheme, TLS settings, database name."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from graph.connection import Graph
from graph.errors import ConfigError, DatabaseUnavailable
from graph.settings import Settings, load_settings
from loaders.pipeline import load_file
from tests.conftest import CLEAR_QUERY, run_cli, server_env

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
# tests/fixtures/loaders/calls.csv: lines 2, 3, 5, 6 are distinct calls (line 4 repeats line 3), two
# handsets (tests/test_load_calls.py counts the same file).
CALLS_IN_FIXTURE = 4
COUNT_CALLS = "MATCH ()-[c:CALLED]->() RETURN count(c) AS n"
MARK = "CREATE (:Person {person_id: $name})"
READ_MARK = "MATCH (p:Person {person_id: $name}) RETURN count(p) AS n"
DROP_MARK = "MATCH (p:Person {person_id: 'bookmark-test'}) DELETE p"


def routed(settings: Settings) -> Settings:
    """The same server through the routing scheme: neo4j://HOST:PORT."""
    return replace(settings, uri=f"neo4j://{settings.host}:{settings.port}")


def test_routing_scheme_loads_and_reads_what_it_loaded(graph: Graph) -> None:
    settings = routed(graph.settings)
    assert settings.routing and not graph.settings.routing
    via_routing = Graph(settings)
    try:
        via_routing.run_in_batches(CLEAR_QUERY)
        load_file(via_routing, "calls", FIXTURES / "calls.csv", region="CO", progress=False)
        # The read goes in a READ session, which the routing driver sends to a reader of the routing
        # table: on one server that is the server itself.
        assert via_routing.read_one(COUNT_CALLS) == {"n": CALLS_IN_FIXTURE}
        assert graph.read_one(COUNT_CALLS) == {"n": CALLS_IN_FIXTURE}  # the direct address sees it too
        via_routing.verify()
    finally:
        via_routing.run_in_batches(CLEAR_QUERY)
        via_routing.close()


def test_read_right_after_a_write_carries_its_bookmark(graph: Graph) -> None:
    fresh = Graph(routed(graph.settings))
    try:
        assert graph.bookmarks is None  # one server (bolt://) sees its own commits: nothing to wait for
        assert fresh.bookmarks is not None and fresh.bookmarks.get_bookmarks() == set()
        fresh.write(MARK, {"name": "bookmark-test"})
        written = fresh.bookmarks.get_bookmarks()
        assert len(written) == 1  # the write's commit is the bookmark every later session waits for
        assert fresh.read_one(READ_MARK, {"name": "bookmark-test"}) == {"n": 1}
        assert fresh.bookmarks.get_bookmarks() == written  # a read commits nothing new
        fresh.write(DROP_MARK)
        assert len(fresh.bookmarks.get_bookmarks()) == 1 and fresh.bookmarks.get_bookmarks() != written
        fresh.bookmarks.forget()  # what a database behind the bookmarks (a restore) leads to
        assert fresh.bookmarks.get_bookmarks() == set()
        assert fresh.read_one(READ_MARK, {"name": "bookmark-test"}) == {"n": 0}
    finally:
        fresh.write(DROP_MARK)
        fresh.close()


def test_unknown_database_is_one_line_naming_it(graph: Graph) -> None:
    other = Graph(replace(graph.settings, database="nosuchdb"))
    try:
        with pytest.raises(ConfigError) as err:
            other.read_one("RETURN 1 AS one")
        assert "'nosuchdb'" in str(err.value) and "\n" not in str(err.value)
    finally:
        other.close()
    # The system database exists on every server: naming it reaches it (it has no Person label).
    system = Graph(replace(graph.settings, database="system"))
    try:
        rows = system.read("SHOW DATABASES YIELD name RETURN collect(DISTINCT name) AS names")
        assert sorted(rows[0]["names"]) == ["neo4j", "system"]
    finally:
        system.close()


def test_cli_refuses_unknown_database_and_tls_with_a_tls_scheme(graph: Graph, tmp_path: Path) -> None:
    env = server_env(graph.settings.home, graph.settings.port)
    cases: list[tuple[dict[str, str], int, str]] = [
        ({"NEO4J_DATABASE": "nosuchdb"}, ConfigError.exit_code, "no database 'nosuchdb'"),
        (
            {"NEO4J_URI": f"neo4j+s://127.0.0.1:{graph.settings.port}", "NEO4J_ENCRYPTED": "true"},
            ConfigError.exit_code,
            "already sets encryption",
        ),
        ({"NEO4J_TRUSTED_CA": str(tmp_path / "missing.pem")}, ConfigError.exit_code, "cannot be read"),
    ]
    for extra, code, words in cases:
        done: subprocess.CompletedProcess[str] = run_cli(["db", "status"], env | extra, timeout=120)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == code, (extra, done.stderr)
        assert len(lines) == 1 and words in lines[0], (extra, done.stderr)
        assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"NEO4J_ENCRYPTED": "maybe"}, "is not true or false"),
        ({"NEO4J_URI": "bolt+ssc://db.example:7687", "NEO4J_TRUSTED_CA": "/x.pem"}, "already sets"),
        ({"NEO4J_TRUSTED_CA": "{pem}", "NEO4J_ENCRYPTED": "false"}, "NEO4J_ENCRYPTED=false"),
        ({"NEO4J_TRUSTED_CA": "{text}"}, "holds no PEM certificate"),
        ({"NEO4J_DATABASE": "a"}, "is not a Neo4j database name"),
        ({"NEO4J_DATABASE": "crimes;drop"}, "is not a Neo4j database name"),
    ],
)
def test_wrong_tls_and_database_settings_are_refused(
    env: dict[str, str], words: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pem, text = tmp_path / "ca.pem", tmp_path / "ca.txt"
    pem.write_text("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    text.write_text("not a certificate\n")
    for name in ("NEO4J_URI", "NEO4J_ENCRYPTED", "NEO4J_TRUSTED_CA", "NEO4J_DATABASE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value.format(pem=pem, text=text))
    with pytest.raises(ConfigError) as err:
        load_settings(env_file=None)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_trusted_ca_reaches_the_driver(graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real self-signed CA (openssl): the settings turn encryption on, and the driver then speaks TLS
    to the local server, whose Bolt has TLS off, so the connection fails as unreachable (exit 3)."""
    key, cert = tmp_path / "ca.key", tmp_path / "ca.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=test-ca",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    for name, value in server_env(graph.settings.home, graph.settings.port).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NEO4J_TRUSTED_CA", str(cert))
    monkeypatch.delenv("NEO4J_ENCRYPTED", raising=False)
    settings = load_settings(env_file=None)
    assert settings.encrypted is True and settings.trusted_ca == cert.resolve()
    assert not settings.is_local  # Hilo Rojo's own server has no TLS: it is not the one meant
    tls = Graph(replace(settings, retry_s=1.0))
    try:
        with pytest.raises(DatabaseUnavailable):
            tls.verify()
    finally:
        tls.close()
    plain = Graph(replace(settings, encrypted=None, trusted_ca=None, retry_s=1.0))
    try:
        plain.verify()  # the same address without TLS answers
    finally:
        plain.close()
