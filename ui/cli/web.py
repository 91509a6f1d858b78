"""The `hilorojo ui` command: start the Streamlit web app locally, offline, without usage statistics."""

from __future__ import annotations

import os
import sys
import time
import tomllib
from pathlib import Path

import click

from access.accounts import AccountStore
from graph.connection import get_graph
from graph.dossier import plan_package_queries
from graph.errors import HiloRojoError, InputError
from ui.cli.output import console
from ui.web.login import is_loopback

SECRETS = Path(".streamlit") / "secrets.toml"

APP = Path(__file__).resolve().parent.parent / "web" / "app.py"
# Settings that keep the app local and quiet: no browser opened, no usage statistics, no file watcher.
SETTINGS = (
    "--server.headless=true",
    "--browser.gatherUsageStats=false",
    "--server.fileWatcherType=none",
    "--client.toolbarMode=minimal",
    "--client.showErrorDetails=none",
    "--theme.base=light",
    "--theme.primaryColor=#b91c1c",
)


def streamlit_command(port: int, address: str) -> list[str]:
    """The `streamlit run` command line of the app."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        *SETTINGS,
        f"--server.address={address}",
        f"--server.port={port}",
        f"--browser.serverAddress={address}",
    ]


def prepare_query_plans() -> None:
    """Have the database plan the target package's queries before the app opens (seconds once, instead
    of on the first package built); an unreachable database is left for the app to report."""
    started = time.perf_counter()
    try:
        plan_package_queries(get_graph())
    except HiloRojoError as exc:
        console.print(f"query plans not prepared: {exc}")
        return
    console.print(f"query plans prepared in {time.perf_counter() - started:.1f} s")


@click.command("ui")
@click.option("--port", default=8501, show_default=True, type=int, help="Port of the web app.")
@click.option(
    "--address",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; keep 127.0.0.1 unless others must reach the app.",
)
def ui(port: int, address: str) -> None:
    """Start the web UI (Streamlit) at http://ADDRESS:PORT; Ctrl-C stops it."""
    if not 0 < port < 65536:
        raise InputError(f"--port {port} is not a port number", "use a port between 1 and 65535")
    if not is_loopback(address) and not AccountStore().any() and not _oidc_configured():
        raise InputError(
            f"the web UI will not listen on {address} without accounts: anyone on the network would see "
            "everything",
            "create the first admin with `hilorojo users add NAME --role admin` (or configure OIDC in "
            ".streamlit/secrets.toml), or keep --address 127.0.0.1",
        )
    prepare_query_plans()
    console.print(f"Hilo Rojo web UI on http://{address}:{port} (Ctrl-C to stop)")
    sys.stdout.flush()
    command = streamlit_command(port, address)
    os.execv(command[0], command)  # streamlit takes over this process: signals reach it directly


def _oidc_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures an identity provider (an ``[auth]`` table)."""
    try:
        return "auth" in tomllib.loads(SECRETS.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return False
