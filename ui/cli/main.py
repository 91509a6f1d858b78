"""The `hilorojo` entry point: commands, and errors shown as one line with a non-zero exit code."""

from __future__ import annotations

import logging
import sys

import click

from graph.errors import HiloRojoError
from ui.cli.analytics import register as register_analytics
from ui.cli.arrests import arrests_group
from ui.cli.audit import audit_group
from ui.cli.db import db
from ui.cli.demo import demo
from ui.cli.duplicates import duplicates_group
from ui.cli.export import export
from ui.cli.load import load
from ui.cli.money import money_group
from ui.cli.output import err_console
from ui.cli.package import package
from ui.cli.phones import phones_group
from ui.cli.report import report_group
from ui.cli.users import users
from ui.cli.web import ui


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="hilorojo")
def cli() -> None:
    """Hilo Rojo: link analysis of criminal networks on Neo4j."""


cli.add_command(db)
cli.add_command(demo)
cli.add_command(load)
register_analytics(cli)
cli.add_command(package)
cli.add_command(export)
cli.add_command(money_group)
cli.add_command(phones_group)
cli.add_command(arrests_group)
cli.add_command(duplicates_group)
cli.add_command(report_group)
cli.add_command(audit_group)
cli.add_command(users)
cli.add_command(ui)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; project errors become one line on stderr and their exit code."""
    # The driver logs each retry; the user sees our one-line error instead.
    neo4j_log = logging.getLogger("neo4j")
    neo4j_log.addHandler(logging.NullHandler())
    neo4j_log.propagate = False
    try:
        cli.main(args=argv, prog_name="hilorojo", standalone_mode=False)
    except HiloRojoError as exc:
        err_console.print(f"hilorojo: {exc}", markup=False)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        err_console.print("hilorojo: interrupted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("hilorojo: interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
