"""Who is acting: the principal of this process or web session, its permission checks and audit lines."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Any

from access import audit
from access.roles import DOING, Permission, Role, allows, least_role
from graph.errors import PermissionDenied


@dataclass(frozen=True)
class Principal:
    """A user and role; ``reveal`` is an analyst's audited choice to see victims' identities."""

    user: str
    role: Role
    reveal: bool = False

    def may(self, permission: Permission) -> bool:
        return allows(self.role, permission)

    @property
    def sees_victims(self) -> bool:
        """Whether victims' names and identifiers may be shown to this principal."""
        return self.reveal and self.may(Permission.REVEAL_VICTIMS)


def local_principal() -> Principal:
    """Whoever runs a command on this machine: the operating-system user, as admin (they hold the
    database password and the files already; docs/security.md)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Principal(f"{user}@{socket.gethostname()}", Role.ADMIN, reveal=True)


_current: ContextVar[Principal | None] = ContextVar("hilorojo_principal", default=None)


def current() -> Principal:
    """The principal acting now: the web session's user, or the local principal for commands."""
    principal = _current.get()
    return principal if principal is not None else local_principal()


def set_current(principal: Principal | None) -> None:
    """Make ``principal`` act for the rest of this context (a web page run sets its session's user)."""
    _current.set(principal)


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    """Run a block as ``principal`` (tests, and work done on behalf of a web user)."""
    token = _current.set(principal)
    try:
        yield principal
    finally:
        _current.reset(token)


def require(permission: Permission) -> Principal:
    """The current principal if it may take ``permission``; otherwise PermissionDenied, one line."""
    who = current()
    if not who.may(permission):
        raise PermissionDenied(
            f"{who.user} ({who.role}) may not {DOING[permission]}",
            f"ask an administrator for the {least_role(permission)} role",
        )
    return who


def with_reveal(principal: Principal, reveal: bool) -> Principal:
    """The same principal with victims' identities revealed or hidden (refused below analyst)."""
    if reveal and not principal.may(Permission.REVEAL_VICTIMS):
        raise PermissionDenied(
            f"{principal.user} ({principal.role}) may not {DOING[Permission.REVEAL_VICTIMS]}",
            f"ask an administrator for the {least_role(Permission.REVEAL_VICTIMS)} role",
        )
    return replace(principal, reveal=reveal)


def record(action: str, subjects: Sequence[str] = (), **details: Any) -> None:
    """One audit line for the current principal (access.audit)."""
    who = current()
    audit.record(action, user=who.user, role=str(who.role), subjects=list(subjects), details=_plain(details))


def _plain(details: Mapping[str, Any]) -> dict[str, Any]:
    """Details as JSON values: dates and other objects as text, None dropped."""
    out: dict[str, Any] = {}
    for key, value in details.items():
        if value is None:
            continue
        out[key] = value if isinstance(value, str | int | float | bool | list | dict) else str(value)
    return out
