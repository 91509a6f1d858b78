"""`hilorojo users …`: the web UI's local accounts (add, list, remove, new password, role)."""

from __future__ import annotations

import sys

import click

from access import session
from access.accounts import AccountStore
from access.roles import Role
from ui.cli.output import console, print_json, print_table

ROLE_CHOICE = click.Choice([r.value for r in Role])
PASSWORD_STDIN = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (scripts); otherwise it is asked twice.",
)


def _password(from_stdin: bool) -> str:
    """The new password: from standard input for scripts, otherwise typed twice, never echoed."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.group("users", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def users(ctx: click.Context, as_json: bool) -> None:
    """Local accounts of the web UI (kept in $HILOROJO_HOME/accounts.json, mode 0600)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_users, as_json=as_json)


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def list_users(as_json: bool) -> None:
    """The accounts: user, role, how they log in, last login, whether locked (never the hashes)."""
    rows = AccountStore().list()
    if as_json:
        print_json(rows)
        return
    if not rows:
        console.print("no accounts: the web UI serves loopback only, as admin, without login")
        return
    for row in rows:
        row["login"] = "identity provider" if row.pop("oidc") else "password"
    print_table(rows, ["user", "role", "login", "created", "last_login", "failures", "locked"])


@users.command("add")
@click.argument("user")
@click.option("--role", type=ROLE_CHOICE, default=Role.VIEWER.value, show_default=True)
@click.option("--oidc", is_flag=True, help="The user logs in through the identity provider (no password).")
@PASSWORD_STDIN
def add(user: str, role: str, oidc: bool, password_stdin: bool) -> None:
    """Create an account (the first admin: `hilorojo users add NAME --role admin`)."""
    password = None if oidc else _password(password_stdin)
    account = AccountStore().add(user, role, password, oidc=oidc)
    session.record("account_change", [account.user], change="add", role=account.role, oidc=oidc)
    console.print(f"account {account.user!r} added ({account.role})")


@users.command("remove")
@click.argument("user")
def remove(user: str) -> None:
    """Delete an account."""
    AccountStore().remove(user)
    session.record("account_change", [user], change="remove")
    console.print(f"account {user!r} removed")


@users.command("passwd")
@click.argument("user")
@PASSWORD_STDIN
def passwd(user: str, password_stdin: bool) -> None:
    """Set a new password (also unlocks the account)."""
    store = AccountStore()
    store.get(user)  # an unknown user is refused before the password is asked
    store.set_password(user, _password(password_stdin))
    session.record("account_change", [user], change="password")
    console.print(f"new password set for {user!r}")


@users.command("role")
@click.argument("user")
@click.argument("role", type=ROLE_CHOICE)
def role(user: str, role: str) -> None:
    """Change an account's role."""
    AccountStore().set_role(user, role)
    session.record("account_change", [user], change="role", role=role)
    console.print(f"{user!r} is now {role}")
