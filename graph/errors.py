"""The project's small exception hierarchy: each error is one line saying what failed and what to do."""

from __future__ import annotations


class HiloRojoError(Exception):
    """Base of every error a user may see; ``str(error)`` is one line, ``hint`` says what to do."""

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = " ".join(self.message.split())
        if self.hint:
            text = f"{text} -- {' '.join(self.hint.split())}"
        return text


class ConfigError(HiloRojoError):
    """A setting is missing or malformed (for example NEO4J_URI)."""

    exit_code = 2


class DatabaseUnavailable(HiloRojoError):
    """Neo4j cannot be reached."""

    exit_code = 3


class AuthenticationFailed(HiloRojoError):
    """Neo4j refused the credentials."""

    exit_code = 3


class QueryFailed(HiloRojoError):
    """Neo4j rejected or failed a query."""

    exit_code = 4


class LocalServerError(HiloRojoError):
    """The local Neo4j could not be built, started or stopped."""

    exit_code = 5


class InputError(HiloRojoError):
    """An input file or argument is unusable (missing columns, unreadable file, bad option)."""

    exit_code = 6


class NotFound(HiloRojoError):
    """A person, phone, account or other entity named by the user does not exist."""

    exit_code = 7


class ComputationFailed(HiloRojoError):
    """An analysis computation failed outside the database (for example in its child process)."""

    exit_code = 8


class AuditTampered(HiloRojoError):
    """The audit trail's hash chain is broken: a line was edited, removed, reordered or cut off."""

    exit_code = 9


class PermissionDenied(HiloRojoError):
    """The user's role does not allow the action (access.roles)."""

    exit_code = 10


class LoginFailed(HiloRojoError):
    """A login was refused: wrong user name or password, a locked account, or no account."""

    exit_code = 11
