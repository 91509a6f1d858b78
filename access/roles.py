"""The three roles and what each may do: viewer ⊂ analyst ⊂ admin (docs/security.md)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from graph.errors import InputError


class Permission(StrEnum):
    """An action that a role may or may not take; checked where the action happens."""

    SEARCH = "search"
    EXPLORE = "explore"
    ANALYSES = "analyses"  # read the written-back rankings, communities, money and phone patterns
    IMPORT = "import"
    ANALYZE = "analyze"
    PACKAGE = "package"
    EXPORT = "export"
    IDENTITY = "identity"  # merge or separate records (identity decisions)
    REVEAL_VICTIMS = "reveal_victims"
    CONSOLE = "console"
    ACCOUNTS = "accounts"
    AUDIT = "audit"
    CASES = "cases"  # save cases, write notes, grade sources


class Role(StrEnum):
    VIEWER = "viewer"
    ANALYST = "analyst"
    ADMIN = "admin"


_VIEWER: Final = frozenset({Permission.SEARCH, Permission.EXPLORE, Permission.ANALYSES})
_ANALYST: Final = _VIEWER | {
    Permission.IMPORT,
    Permission.ANALYZE,
    Permission.PACKAGE,
    Permission.EXPORT,
    Permission.IDENTITY,
    Permission.REVEAL_VICTIMS,
    Permission.CASES,
}
GRANTS: Final[dict[Role, frozenset[Permission]]] = {
    Role.VIEWER: _VIEWER,
    Role.ANALYST: _ANALYST,
    Role.ADMIN: _ANALYST | {Permission.CONSOLE, Permission.ACCOUNTS, Permission.AUDIT},
}
# What each permission is called in a refusal ("may not <this>").
DOING: Final[dict[Permission, str]] = {
    Permission.SEARCH: "search",
    Permission.EXPLORE: "explore the network",
    Permission.ANALYSES: "read the analyses",
    Permission.IMPORT: "import files",
    Permission.ANALYZE: "run an analysis",
    Permission.PACKAGE: "build target packages",
    Permission.EXPORT: "export data",
    Permission.IDENTITY: "decide on identities",
    Permission.REVEAL_VICTIMS: "see victims' identities",
    Permission.CONSOLE: "use the Cypher console",
    Permission.ACCOUNTS: "manage accounts",
    Permission.AUDIT: "read the audit trail",
    Permission.CASES: "save cases, write notes or grade sources",
}


def allows(role: Role, permission: Permission) -> bool:
    return permission in GRANTS[role]


def least_role(permission: Permission) -> Role:
    """The lowest role granted ``permission`` (what to ask an administrator for)."""
    return next(r for r in (Role.VIEWER, Role.ANALYST, Role.ADMIN) if permission in GRANTS[r])


def parse_role(text: str) -> Role:
    """A role from its name, or one line saying which roles exist."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        raise InputError(f"no role {text!r}", f"choose among {', '.join(r.value for r in Role)}") from None
