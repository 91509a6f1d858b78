"""Accounts, roles and the principal acting: what each role may do, logins, delays and lock-outs."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from access import session
from access.accounts import LOCK_SECONDS, MAX_FAILURES, AccountStore
from access.roles import GRANTS, Permission, Role, allows
from access.session import Principal, acting_as, require, with_reveal
from graph.errors import InputError, LoginFailed, PermissionDenied

ROOT = Path(__file__).resolve().parent.parent
GOOD = "correct horse battery staple"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HILOROJO_HOME", str(tmp_path))
    monkeypatch.delenv("HILOROJO_ACCOUNTS", raising=False)
    monkeypatch.delenv("HILOROJO_AUDIT_LOG", raising=False)
    return tmp_path


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


def audit_lines(home: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (home / "audit.jsonl").read_text(encoding="utf-8").splitlines()]


def test_each_role_has_what_the_role_above_has_and_only_admins_administer() -> None:
    assert GRANTS[Role.VIEWER] < GRANTS[Role.ANALYST] < GRANTS[Role.ADMIN]
    assert GRANTS[Role.VIEWER] == {Permission.SEARCH, Permission.EXPLORE, Permission.ANALYSES}
    for p in (
        Permission.IMPORT,
        Permission.ANALYZE,
        Permission.PACKAGE,
        Permission.EXPORT,
        Permission.IDENTITY,
    ):
        assert not allows(Role.VIEWER, p) and allows(Role.ANALYST, p)
    for p in (Permission.CONSOLE, Permission.ACCOUNTS, Permission.AUDIT):
        assert not allows(Role.ANALYST, p) and allows(Role.ADMIN, p)


def test_refusals_are_one_line_naming_user_role_and_what_to_ask_for() -> None:
    with acting_as(Principal("vera", Role.VIEWER)):
        with pytest.raises(PermissionDenied) as exc:
            require(Permission.PACKAGE)
    assert (
        str(exc.value)
        == "vera (viewer) may not build target packages -- ask an administrator for the analyst role"
    )
    with acting_as(Principal("ana", Role.ANALYST)), pytest.raises(PermissionDenied, match="admin role"):
        require(Permission.CONSOLE)
    with pytest.raises(PermissionDenied):
        with_reveal(Principal("vera", Role.VIEWER), True)
    analyst = with_reveal(Principal("ana", Role.ANALYST), True)
    assert analyst.sees_victims and not Principal("ana", Role.ANALYST).sees_victims
    # a command run on this machine acts as its operating-system user, as admin
    assert session.current().role == Role.ADMIN


def test_accounts_file_keeps_hashes_only_with_mode_0600(home: Path) -> None:
    store = AccountStore()
    store.add("ana", "analyst", GOOD)
    path = home / "accounts.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="utf-8")
    assert GOOD not in text and "$argon2id$" in text
    assert [a["user"] for a in store.list()] == ["ana"] and "password_hash" not in store.list()[0]
    with pytest.raises(InputError, match="at least 12"):
        store.add("bob", "viewer", "short")
    with pytest.raises(InputError, match="no role"):
        store.add("bob", "chief", GOOD)
    with pytest.raises(InputError, match="already exists"):
        store.add("ana", "viewer", GOOD)


def test_login_delay_lock_out_and_audit(home: Path) -> None:
    clock = Clock()
    store = AccountStore(sleep=clock.sleep, clock=clock.time)
    store.add("ana", "analyst", GOOD)
    assert store.authenticate("ana", GOOD) == Principal("ana", Role.ANALYST)
    for attempt in range(1, MAX_FAILURES + 1):
        with pytest.raises(LoginFailed, match="wrong user name or password"):
            store.authenticate("ana", f"guess number {attempt}")
    # the delay grows by one step per consecutive failure: 1, 2, 3, 4, 5 steps
    steps = [s / clock.slept[0] for s in clock.slept]
    assert steps == [1, 2, 3, 4, 5]
    # locked: even the right password is refused until LOCK_SECONDS have passed
    with pytest.raises(LoginFailed, match="locked"):
        store.authenticate("ana", GOOD)
    clock.now += LOCK_SECONDS + 1
    assert store.authenticate("ana", GOOD).role == Role.ANALYST
    # an unknown name gets the same answer as a wrong password
    with pytest.raises(LoginFailed, match="wrong user name or password"):
        store.authenticate("nobody", GOOD)
    actions = [(e["user"], e["action"]) for e in audit_lines(home)]
    assert actions == [
        ("ana", "login"),
        *[("ana", "login_failed")] * MAX_FAILURES,
        ("ana", "login_failed"),
        ("ana", "login"),
        ("nobody", "login_failed"),
    ]
    assert all(GOOD not in json.dumps(e) for e in audit_lines(home))


def test_account_changes_need_the_admin_role(home: Path) -> None:
    store = AccountStore()
    store.add("ana", "analyst", GOOD)
    with acting_as(Principal("ana", Role.ANALYST)):
        for change in (
            lambda: store.add("eve", "admin", GOOD),
            lambda: store.set_role("ana", "admin"),
            lambda: store.set_password("ana", GOOD + "!"),
            lambda: store.remove("ana"),
            store.list,
        ):
            with pytest.raises(PermissionDenied, match="may not manage accounts"):
                change()
    assert store.get("ana").role == "analyst"


def run(args: list[str], home: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "HILOROJO_"))}
    env.update(HILOROJO_HOME=str(home), HILOROJO_LOGIN_DELAY="0")
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_users_command(home: Path) -> None:
    out = run(["users", "add", "ana", "--role", "analyst", "--password-stdin"], home, GOOD + "\n")
    assert out.returncode == 0, out.stderr
    out = run(["users", "add", "ana", "--password-stdin"], home, GOOD + "\n")
    assert out.returncode == 6 and out.stderr.strip().startswith("hilorojo: account 'ana' already exists")
    assert "Traceback" not in out.stderr
    assert run(["users", "role", "ana", "admin"], home).returncode == 0
    out = run(["users", "--json"], home)
    listed = json.loads(out.stdout)
    assert [(u["user"], u["role"], u["oidc"]) for u in listed] == [("ana", "admin", False)]
    assert "hash" not in out.stdout
    assert run(["users", "add", "olga@example.org", "--oidc", "--role", "viewer"], home).returncode == 0
    assert run(["users", "passwd", "ana", "--password-stdin"], home, GOOD + "2\n").returncode == 0
    store = AccountStore(home / "accounts.json")
    assert store.authenticate("ana", GOOD + "2").role == Role.ADMIN
    with pytest.raises(LoginFailed):
        store.authenticate("olga@example.org", "")  # an identity-provider account has no password here
    assert run(["users", "remove", "ana"], home).returncode == 0
    out = run(["users", "remove", "ana"], home)
    assert out.returncode == 7 and "no account 'ana'" in out.stderr
    changes = [e["details"] for e in audit_lines(home) if e["action"] == "account_change"]
    assert [c["change"] for c in changes] == ["add", "role", "add", "password", "remove"]


def test_ui_refuses_a_network_address_without_accounts(home: Path) -> None:
    out = run(["ui", "--address", "0.0.0.0", "--port", "8599"], home)
    assert out.returncode == 6
    assert "will not listen on 0.0.0.0 without accounts" in out.stderr and "Traceback" not in out.stderr
