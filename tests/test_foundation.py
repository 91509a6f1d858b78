"""The foundation: local server start/stop/status, migrations, errors as one line, compose file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml

from graph import local_server
from graph.connection import Graph
from graph.errors import ConfigError
from graph.migrations import available, migrate
from graph.settings import Settings, load_settings
from tests.conftest import ROOT, SpareServer, free_port, run_cli, server_env

CONSTRAINTS = "SHOW CONSTRAINTS YIELD name RETURN count(*) AS n"
INDEXES = "SHOW INDEXES YIELD name RETURN count(*) AS n"


def test_status_reports_version_526_and_counts(graph: Graph, neo4j_settings: Settings) -> None:
    graph.write("CREATE (:Person {person_id: 'status-test'})")
    env = server_env(neo4j_settings.home, neo4j_settings.port)
    proc = run_cli(["db", "status", "--json"], env)
    assert proc.returncode == 0, proc.stderr
    import json

    info = json.loads(proc.stdout)
    assert info["version"].startswith("5.26.")
    assert info["edition"] == "community"
    assert info["database"] == "neo4j"
    assert info["nodes"]["Person"] >= 1
    assert info["schema_version"] == max(m.version for m in available())
    graph.write("MATCH (p:Person {person_id: 'status-test'}) DELETE p")


def test_migrations_twice_change_nothing(graph: Graph) -> None:
    before = (graph.read(CONSTRAINTS)[0]["n"], graph.read(INDEXES)[0]["n"])
    assert migrate(graph) == []
    after = (graph.read(CONSTRAINTS)[0]["n"], graph.read(INDEXES)[0]["n"])
    assert before == after
    versions = graph.read("MATCH (m:Migration) RETURN m.version AS v ORDER BY v")
    assert [r["v"] for r in versions] == [m.version for m in available()]
    # every node key of the data model is constrained
    rows = graph.read("SHOW CONSTRAINTS YIELD labelsOrTypes RETURN labelsOrTypes")
    labels = {label for row in rows for label in row["labelsOrTypes"]}
    for label in (
        "Person",
        "Phone",
        "Device",
        "Account",
        "Arrest",
        "Operation",
        "Country",
        "Source",
        "CALLED",
        "TRANSFERRED",
    ):
        assert label in labels


def test_password_file_is_private(neo4j_settings: Settings) -> None:
    mode = stat.S_IMODE(os.stat(neo4j_settings.password_file).st_mode)
    assert mode == 0o600


def test_wrong_password_is_one_line(neo4j_settings: Settings) -> None:
    env = server_env(neo4j_settings.home, neo4j_settings.port) | {"NEO4J_PASSWORD": "not-the-password"}
    proc = run_cli(["db", "status"], env)
    assert proc.returncode == 3
    assert "refused user 'neo4j'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_status_with_nothing_listening_is_one_line(tmp_path: Path) -> None:
    proc = run_cli(["db", "status"], server_env(tmp_path, free_port()))
    assert proc.returncode == 3
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "nothing listens on bolt://127.0.0.1:" in lines[0]
    assert "hilorojo db start" in lines[0]


def test_unreachable_remote_server_is_one_line(tmp_path: Path) -> None:
    env = server_env(tmp_path, 1) | {
        "NEO4J_URI": f"bolt://127.0.0.2:{free_port()}",
        "NEO4J_PASSWORD": "whatever1",
    }
    proc = run_cli(["db", "status"], env)
    assert proc.returncode == 3
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "cannot reach Neo4j" in proc.stderr


def test_bad_uri_is_one_line(tmp_path: Path) -> None:
    env = server_env(tmp_path, 1) | {"NEO4J_URI": "http//nonsense"}
    proc = run_cli(["db", "status"], env)
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith("hilorojo: NEO4J_URI='http//nonsense' is not a Neo4j address")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_bad_port_is_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:99999")
    with pytest.raises(ConfigError):
        load_settings(env_file=None)


def test_retry_time_is_a_positive_number_of_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HILOROJO_RETRY_S", "2.5")
    assert load_settings(env_file=None).retry_s == 2.5
    for bad in ("soon", "0", "-3", "nan"):
        monkeypatch.setenv("HILOROJO_RETRY_S", bad)
        with pytest.raises(ConfigError, match="HILOROJO_RETRY_S"):
            load_settings(env_file=None)
    monkeypatch.delenv("HILOROJO_RETRY_S")
    assert load_settings(env_file=None).retry_s == 30.0


def test_start_does_nothing_for_a_server_it_did_not_start(tmp_path: Path, neo4j_settings: Settings) -> None:
    # a user's own server elsewhere
    env = server_env(tmp_path, 1) | {"NEO4J_URI": "neo4j+s://graph.example.org"}
    proc = run_cli(["db", "start"], env)
    assert proc.returncode == 0
    assert "does not run; nothing to start" in proc.stdout
    # a server on this machine started from another home
    proc = run_cli(["db", "start"], server_env(tmp_path / "other", neo4j_settings.port))
    assert proc.returncode == 0
    assert "already listens" in proc.stdout
    assert not (tmp_path / "other" / "neo4j.pid").exists()


def test_local_conf_listens_on_loopback_with_auth(neo4j_settings: Settings) -> None:
    conf = local_server.neo4j_conf(neo4j_settings)
    assert f"server.bolt.listen_address=127.0.0.1:{neo4j_settings.port}" in conf
    assert "dbms.security.auth_enabled=true" in conf
    assert "dbms.usage_report.enabled=false" in conf


def test_second_instance_side_by_side_and_data_survives_restart(
    spare_server: SpareServer, graph: Graph
) -> None:
    """A second home on a second port runs beside the session's server; its data survives stop/start."""
    env = spare_server.env
    assert "listening on" in spare_server.started
    graph.verify()  # the first server still answers
    second = Graph(spare_server.settings)
    second.write("MERGE (:Person {person_id: 'survivor', name: 'Ana'})")
    second.close()
    try:
        assert run_cli(["db", "stop"], env).returncode == 0
        assert not (spare_server.settings.home / "neo4j.pid").exists()
        down = run_cli(["db", "status"], env)
        assert down.returncode == 3
    finally:
        assert run_cli(["db", "start"], env).returncode == 0
    again = Graph(spare_server.settings)
    rows = again.read("MATCH (p:Person {person_id: 'survivor'}) RETURN p.name AS name")
    again.write("MATCH (p:Person {person_id: 'survivor'}) DETACH DELETE p")
    again.close()
    assert rows == [{"name": "Ana"}]


def test_compose_file_matches_app_settings() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    neo = services["neo4j"]
    assert neo["image"].startswith("neo4j:5.26") and "community" in neo["image"]
    assert any(str(p).endswith(":7687") for p in neo["ports"])
    assert "healthcheck" in neo
    app = services["app"]
    env = app["environment"]
    assert env["NEO4J_URI"] == "bolt://neo4j:7687"
    assert "NEO4J_PASSWORD" in env
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert any(str(p).endswith(":8501") for p in app["ports"])
    assert set(compose["volumes"]) >= {v.split(":")[0] for v in neo["volumes"]}
    assert (ROOT / "Dockerfile").exists()


def test_a_writer_s_first_retry_delay_reaches_the_driver(graph: Graph) -> None:
    # graph.ingest.CallWriter retries a deadlocked batch after DEADLOCK_RETRY_S through the driver's
    # ``initial_retry_delay`` session option, which the driver's API reference does not list: if a
    # driver release drops or renames it, this fails instead of the loads silently waiting a second.
    with graph._session(read_only=False, first_retry_s=0.05) as session:
        assert session._config.initial_retry_delay == 0.05
    with graph._session(read_only=False) as session:
        assert session._config.initial_retry_delay == 1.0  # the driver's own default
