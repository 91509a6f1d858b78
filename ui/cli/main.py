"""The `hilorojo` entry point: commands, and errors shown as one line with a non-zero exit code."""

from __future__ import annotations

import importlib
import logging
import sys

import click

from graph.errors import HiloRojoError
from ui.cli.output import err_console

# Each command and the module attribute that defines it: a command's module (and what it imports, such
# as the analytics' numerical libraries) is imported only when that command runs or help lists it.
COMMANDS: dict[str, tuple[str, str]] = {
    "db": ("ui.cli.db", "db"),
    "demo": ("ui.cli.demo", "demo"),
    "load": ("ui.cli.load", "load"),
    "analyze": ("ui.cli.analytics", "analyze"),
    "brokers": ("ui.cli.results", "brokers"),
    "communities": ("ui.cli.results", "communities_cmd"),
    "keyplayers": ("ui.cli.results", "keyplayers_cmd"),
    "links": ("ui.cli.results", "links"),
    "path": ("ui.cli.results", "path"),
    "package": ("ui.cli.package", "package"),
    "export": ("ui.cli.export", "export"),
    "money": ("ui.cli.money", "money_group"),
    "phones": ("ui.cli.phones", "phones_group"),
    "arrests": ("ui.cli.arrests", "arrests_group"),
    "duplicates": ("ui.cli.duplicates", "duplicates_group"),
    "report": ("ui.cli.report", "report_group"),
    "audit": ("ui.cli.audit", "audit_group"),
    "users": ("ui.cli.users", "users"),
    "cases": ("ui.cli.cases", "cases_group"),
    "ui": ("ui.cli.web", "ui"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported from :data:`COMMANDS` when first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module}.{attribute} is not a click command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option("0.1.0", prog_name="hilorojo")
def cli() -> None:
    """Hilo Rojo: link analysis of criminal networks on Neo4j."""


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
