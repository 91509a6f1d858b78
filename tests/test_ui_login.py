"""The web app's door (AppTest on app.py, real Neo4j): login, failed logins, expiry, the open mode."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from access import accounts, audit
from access.accounts import AccountStore
from graph.connection import Graph
from tests.test_ui_network import build_ui_network
from ui.web import login

APP = Path(__file__).resolve().parent.parent / "ui" / "web" / "app.py"
PASSWORD = "a long enough passphrase"


@pytest.fixture
def site(empty_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HILOROJO_ACCOUNTS", str(tmp_path / "accounts.json"))
    monkeypatch.setenv("HILOROJO_AUDIT_LOG", str(tmp_path / "audit.jsonl"))
    monkeypatch.setattr(accounts, "FAILURE_DELAY_S", 0.0)
    build_ui_network(empty_graph)
    st.cache_data.clear()
    return tmp_path


def app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sidebar_text(at: AppTest) -> str:
    return " ".join(str(getattr(e, "value", "")) for e in at.sidebar.children.values())


def log_in(at: AppTest, user: str, password: str) -> AppTest:
    at.text_input(key="login_user").input(user)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_login_failed_login_and_expiry(site: Path) -> None:
    AccountStore().add("ana", "analyst", PASSWORD)
    at = app()
    # nothing but the login form before a login: no page, no metrics
    assert not at.metric and at.text_input(key="login_password")
    log_in(at, "ana", "not the password")
    refused = "wrong user name or password -- try again; accounts lock after 5 failures"
    assert [e.value for e in at.error] == [refused]
    assert not at.metric
    log_in(at, "ana", PASSWORD)
    assert {m.label for m in at.metric} >= {"People", "Calls"}  # the Overview page
    assert "Logged in as **ana** (analyst)" in sidebar_text(at)
    assert [(e["user"], e["action"]) for e in audit.read()] == [("ana", "login_failed"), ("ana", "login")]
    # an hour without a page run: the session has expired and the login form is back
    at.session_state["seen_at"] = at.session_state["seen_at"] - 3600
    at.run()
    assert not at.metric and any("expired" in i.value for i in at.info)
    assert [e["action"] for e in audit.read()][-1] == "logout"


def test_open_mode_on_loopback_warns_on_every_page(site: Path) -> None:
    # no accounts, and the project's .streamlit/config.toml listens on 127.0.0.1
    at = app()
    assert {m.label for m in at.metric} >= {"People", "Calls"}
    assert login.OPEN_WARNING in [w.value for w in at.sidebar.warning]


def test_a_login_is_required_off_loopback() -> None:
    assert login.login_required("0.0.0.0", has_accounts=False, oidc=False)
    assert login.login_required("10.1.2.3", has_accounts=False, oidc=False)
    assert not login.login_required("127.0.0.1", has_accounts=False, oidc=False)
    assert not login.login_required("::1", has_accounts=False, oidc=False)
    assert login.login_required("127.0.0.1", has_accounts=True, oidc=False)
    assert login.login_required("127.0.0.1", has_accounts=False, oidc=True)
