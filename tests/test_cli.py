"""The `hilorojo` command group: every command resolves, and a command imports only what it needs."""

from __future__ import annotations

import subprocess
import sys

import click
from click.testing import CliRunner

from tests.conftest import ROOT
from ui.cli.main import COMMANDS, cli

IMPORTED_BY_DB_HELP = """
import sys
from ui.cli.main import main
try:
    main(["db", "--help"])
except SystemExit:
    pass
heavy = ("analytics.pipeline", "sklearn", "igraph", "followthemoney")
print("heavy:" + ",".join(m for m in heavy if m in sys.modules))
"""


def test_every_command_resolves_under_its_own_name() -> None:
    ctx = click.Context(cli)
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name
    assert cli.get_command(ctx, "no-such-command") is None
    listing = CliRunner().invoke(cli, ["--help"]).output
    assert all(f"  {name} " in listing for name in COMMANDS)


def test_a_database_command_does_not_import_the_analytics() -> None:
    out = subprocess.run(
        [sys.executable, "-c", IMPORTED_BY_DB_HELP], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert "Usage:" in out.stdout
    assert out.stdout.splitlines()[-1] == "heavy:"
