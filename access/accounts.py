"""Local accounts: argon2 password hashes in a 0600 file, a delay and a lock-out after failed logins."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from access import audit, session
from access.roles import Permission, Role, parse_role
from access.session import Principal
from graph.errors import InputError, LoginFailed, NotFound
from graph.settings import load_settings

MIN_PASSWORD: Final = 12
# Consecutive failures that lock an account, and for how long.
MAX_FAILURES: Final = 5
LOCK_SECONDS: Final = 15 * 60
# Each failed login waits this many seconds per consecutive failure (at most 5 of them): guessing slows down.
FAILURE_DELAY_S: Final = float(os.environ.get("HILOROJO_LOGIN_DELAY", "1.0"))
_HASHER: Final = PasswordHasher()
# Verified when the user does not exist, so that an unknown name costs as long as a wrong password.
_DUMMY_HASH: Final = _HASHER.hash("not a password of anyone")


@dataclass
class Account:
    """One account. ``oidc`` accounts log in through the identity provider and have no password."""

    user: str
    role: str
    password_hash: str | None
    created: str
    oidc: bool = False
    failures: int = 0
    locked_until: float = 0.0
    last_login: str | None = None

    def public(self) -> dict[str, Any]:
        """The account without its hash, for listings."""
        out = asdict(self)
        out.pop("password_hash")
        out["locked"] = self.locked_until > time.time()
        out.pop("locked_until")
        return out


def accounts_path() -> Path:
    """HILOROJO_ACCOUNTS, else ``$HILOROJO_HOME/accounts.json``."""
    env = os.environ.get("HILOROJO_ACCOUNTS")
    return Path(env).expanduser() if env else load_settings().home / "accounts.json"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check_name(user: str) -> str:
    name = user.strip()
    if not name or len(name) > 200 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise InputError(
            f"user name {user!r} is not usable", "use one word, e.g. ana.gomez or an e-mail address"
        )
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise InputError(
            f"the password has {len(password)} characters", f"use at least {MIN_PASSWORD} (a passphrase)"
        )


class AccountStore:
    """The accounts file; every change is read-modify-write under an exclusive lock, then an atomic
    replace, so several web sessions and commands can use it at once."""

    def __init__(
        self,
        path: Path | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path or accounts_path()
        self.sleep = sleep
        self.clock = clock

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Account]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(f"{self.path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX)
            accounts = self._read()
            before = json.dumps({k: asdict(v) for k, v in accounts.items()}, sort_keys=True)
            yield accounts
            if json.dumps({k: asdict(v) for k, v in accounts.items()}, sort_keys=True) != before:
                self._write(accounts)
        finally:
            os.close(lock_fd)

    def _read(self) -> dict[str, Account]:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {name: Account(**row) for name, row in data.items()}
        except (ValueError, TypeError) as exc:
            raise InputError(
                f"the accounts file {self.path} is damaged ({exc})", "restore it from a backup"
            ) from exc

    def _write(self, accounts: dict[str, Account]) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({k: asdict(v) for k, v in sorted(accounts.items())}, handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)
        os.chmod(self.path, 0o600)

    def any(self) -> bool:
        """Whether any account exists (then the web UI requires a login)."""
        return bool(self._read())

    def list(self) -> list[dict[str, Any]]:
        session.require(Permission.ACCOUNTS)
        return [a.public() for _, a in sorted(self._read().items())]

    def get(self, user: str) -> Account:
        account = self._read().get(user)
        if account is None:
            raise NotFound(f"no account {user!r}", "see `hilorojo users list`")
        return account

    def add(self, user: str, role: str, password: str | None, oidc: bool = False) -> Account:
        """A new account; a password for local accounts, none for identity-provider (OIDC) accounts."""
        session.require(Permission.ACCOUNTS)
        name = _check_name(user)
        parsed = parse_role(role)
        if oidc and password is not None:
            raise InputError("an OIDC account has no password here", "leave --password out with --oidc")
        if not oidc:
            if password is None:
                raise InputError(f"no password for {name!r}", "give a password, or --oidc")
            _check_password(password)
        with self._locked() as accounts:
            if name in accounts:
                raise InputError(f"account {name!r} already exists", "use `hilorojo users passwd` or `role`")
            account = Account(
                name, parsed.value, None if oidc else _HASHER.hash(password or ""), _now(), oidc=oidc
            )
            accounts[name] = account
        return account

    def remove(self, user: str) -> None:
        session.require(Permission.ACCOUNTS)
        with self._locked() as accounts:
            if accounts.pop(user, None) is None:
                raise NotFound(f"no account {user!r}", "see `hilorojo users list`")

    def set_password(self, user: str, password: str) -> None:
        session.require(Permission.ACCOUNTS)
        _check_password(password)
        with self._locked() as accounts:
            account = accounts.get(user)
            if account is None:
                raise NotFound(f"no account {user!r}", "see `hilorojo users list`")
            account.password_hash = _HASHER.hash(password)
            account.oidc = False
            account.failures = 0
            account.locked_until = 0.0

    def set_role(self, user: str, role: str) -> None:
        session.require(Permission.ACCOUNTS)
        parsed = parse_role(role)
        with self._locked() as accounts:
            account = accounts.get(user)
            if account is None:
                raise NotFound(f"no account {user!r}", "see `hilorojo users list`")
            account.role = parsed.value

    def authenticate(self, user: str, password: str) -> Principal:
        """The account's principal when ``password`` is right; otherwise LoginFailed after a delay that
        grows with consecutive failures. After MAX_FAILURES failures the account is locked for
        LOCK_SECONDS (even the right password is refused). Both outcomes go to the audit trail."""
        name = user.strip()
        with self._locked() as accounts:
            account = accounts.get(name)
            now = self.clock()
            if account is not None and account.locked_until > now:
                until = datetime.fromtimestamp(account.locked_until, UTC).strftime("%H:%M UTC")
                audit.record("login_failed", user=name, role=account.role, details={"reason": "locked"})
                raise LoginFailed(
                    f"account {name!r} is locked after {MAX_FAILURES} failed logins until {until}",
                    "wait, or ask an administrator to set a new password",
                )
            ok = False
            stored = account.password_hash if account is not None and not account.oidc else None
            try:
                ok = _HASHER.verify(stored or _DUMMY_HASH, password) and stored is not None
            except (VerificationError, InvalidHashError):
                ok = False
            if account is not None and ok:
                account.failures = 0
                account.locked_until = 0.0
                account.last_login = _now()
                if _HASHER.check_needs_rehash(stored or ""):
                    account.password_hash = _HASHER.hash(password)
                audit.record("login", user=name, role=account.role)
                return Principal(name, Role(account.role))
            failures = 1
            if account is not None:
                account.failures += 1
                failures = account.failures
                if account.failures >= MAX_FAILURES:
                    account.locked_until = now + LOCK_SECONDS
            audit.record(
                "login_failed",
                user=name,
                role=account.role if account is not None else "",
                details={
                    "reason": "unknown user" if account is None else "wrong password",
                    "failures": failures,
                },
            )
        self.sleep(FAILURE_DELAY_S * min(failures, MAX_FAILURES))
        raise LoginFailed("wrong user name or password", "try again; accounts lock after 5 failures")

    def oidc_principal(self, email: str) -> Principal:
        """The principal of a user the identity provider vouched for: their account's role."""
        account = self._read().get(email)
        if account is None:
            audit.record("login_failed", user=email, role="", details={"reason": "no account (OIDC)"})
            raise LoginFailed(
                f"{email} has no Hilo Rojo account", "ask an administrator: `hilorojo users add EMAIL --oidc`"
            )
        audit.record("login", user=email, role=account.role, details={"via": "oidc"})
        return Principal(email, Role(account.role))
