"""`hilorojo db …`: start, stop and inspect the local Neo4j, apply schema migrations."""

from __future__ import annotations

from pathlib import Path

import click

from graph import backup as backups
from graph import local_server
from graph.connection import get_graph
from graph.errors import DatabaseUnavailable
from graph.migrations import migrate
from graph.settings import load_settings
from graph.status import database_status
from ui.cli.output import console, print_json, print_table


@click.group("db")
def db() -> None:
    """Run and inspect the Neo4j database."""


@db.command("start")
def start() -> None:
    """Start the local Neo4j (built on first use) and wait until it answers."""
    settings = load_settings()
    with console.status("Starting Neo4j (the first start builds the launcher with Maven)..."):
        result = local_server.start(settings)
    console.print(result.message)
    if result.started:
        console.print(f"  bolt:  {settings.uri}")
        console.print(f"  home:  {settings.home}")
        console.print(f"  log:   {result.log}")
        migrate(get_graph(settings))


@db.command("stop")
def stop() -> None:
    """Stop the local Neo4j cleanly."""
    console.print(local_server.stop(load_settings()))


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def status(as_json: bool) -> None:
    """Print the server version, the database and counts per label and relationship type."""
    settings = load_settings()
    if settings.is_local and not local_server.port_open(settings.host, settings.port):
        raise DatabaseUnavailable(
            f"nothing listens on {settings.uri}",
            "start the local server with `hilorojo db start`, or set NEO4J_URI to a running server",
        )
    graph = get_graph(settings)
    graph.verify()
    info = database_status(graph)
    if as_json:
        print_json(info.as_dict())
        return
    pid = local_server.running_pid(settings)
    managed = f"local, pid {pid}, home {settings.home}" if pid else "not started by hilorojo"
    console.print(f"Neo4j {info.edition} {info.version} at {info.uri} ({managed})")
    console.print(f"database {info.database}, schema version {info.schema_version}")
    rows = [{"kind": "node", "name": k, "count": v} for k, v in info.nodes.items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in info.relationships.items()]
    if rows:
        print_table(rows, ["kind", "name", "count"])
    else:
        console.print("the database is empty")
    for warning in info.half_loaded:
        console.print(f"warning: {warning}", markup=False)


@db.command("backup")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
def backup_cmd(path: Path) -> None:
    """Write a backup of the local database to PATH (.tar.gz with checksums; the server pauses)."""
    settings = load_settings()
    with console.status("Stopping Neo4j, copying its store, starting it again..."):
        report = backups.backup(settings, path)
    console.print(
        f"backup {report.path}: {report.files} files, {report.bytes:,} bytes in {report.seconds:.1f} s"
        + (" (the server was stopped for the copy and is running again)" if report.restarted else "")
    )


@db.command("restore")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the current database.")
def restore_cmd(path: Path, yes: bool) -> None:
    """Replace the local database with the backup at PATH, after checking every file's checksum."""
    settings = load_settings()
    manifest = backups.verify(path)
    if not yes:
        click.confirm(f"Replace the database in {settings.home} with {path}?", abort=True)
    with console.status("Stopping Neo4j, restoring the store, starting it again..."):
        report = backups.restore(settings, path, manifest)
    console.print(f"restored {report.files} files from {report.path} in {report.seconds:.1f} s")


@db.command("migrate")
def migrate_cmd() -> None:
    """Apply the schema migrations the database lacks (safe to repeat)."""
    applied = migrate(get_graph())
    if applied:
        for m in applied:
            console.print(f"applied {m.version:04d}_{m.name}")
    else:
        console.print("schema is up to date")
