"""Who uses this web session: the identity provider's login, a local account, or nobody on loopback."""

from __future__ import annotations

import ipaddress
import os
import time
from typing import Any

import streamlit as st

from access import session
from access.accounts import AccountStore
from access.roles import Permission, Role
from access.session import Principal
from graph.errors import HiloRojoError

# A session ends after this long without a page run, and in any case this long after the login.
IDLE_MINUTES = float(os.environ.get("HILOROJO_SESSION_IDLE_MINUTES", "30"))
MAX_HOURS = float(os.environ.get("HILOROJO_SESSION_HOURS", "12"))
OPEN_WARNING = (
    "No accounts: anyone who can reach this machine's loopback address uses Hilo Rojo as admin. "
    "Create one with `hilorojo users add NAME --role admin` to require a login."
)


def is_loopback(address: str) -> bool:
    """Whether the server listens only on this machine (127.0.0.0/8, ::1, localhost)."""
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def oidc_configured() -> bool:
    """Whether `.streamlit/secrets.toml` configures an identity provider (an ``[auth]`` section)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file: Streamlit raises its own error type
        return False


def login_required(address: str, has_accounts: bool, oidc: bool) -> bool:
    """A login is required when accounts or an identity provider exist. Without either, the UI may run
    only on loopback; elsewhere it refuses to start (InputError-like one line from the caller)."""
    return has_accounts or oidc or not is_loopback(address)


def _expired(state: Any, now: float) -> bool:
    seen = float(state.get("seen_at", 0.0))
    since = float(state.get("login_at", 0.0))
    return now - seen > IDLE_MINUTES * 60 or now - since > MAX_HOURS * 3600


def _logout(reason: str | None = None) -> None:
    principal = st.session_state.pop("principal", None)
    for key in ("login_at", "seen_at"):
        st.session_state.pop(key, None)
    if principal is not None:
        with session.acting_as(principal):
            session.record("logout", reason=reason or "asked")
    if reason:
        st.session_state["login_message"] = reason


def _login_form(store: AccountStore) -> None:
    st.title("Hilo Rojo")
    message = st.session_state.pop("login_message", None)
    if message:
        st.info(message)
    with st.form("login"):
        user = st.text_input("User name", key="login_user")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        try:
            principal = store.authenticate(user, password)
        except HiloRojoError as exc:
            st.error(str(exc))
            return
        now = time.time()
        st.session_state.update(principal=principal, login_at=now, seen_at=now)
        st.rerun()


def _oidc_login(store: AccountStore) -> Principal | None:
    user = getattr(st, "user", None)
    if user is None or not user.get("is_logged_in"):
        st.title("Hilo Rojo")
        st.button("Log in with the organisation's account", on_click=st.login, type="primary")
        return None
    email = str(user.get("email") or "")
    try:
        return store.oidc_principal(email)
    except HiloRojoError as exc:
        st.error(str(exc))
        st.button("Log out", on_click=st.logout)
        return None


def gate(address: str, store: AccountStore | None = None) -> Principal | None:
    """The principal of this session, or None when the page must stop (login form shown, or the UI
    refuses to serve). The principal acts for the rest of this run (access.session)."""
    store = store or AccountStore()
    has_accounts = store.any()
    oidc = oidc_configured()
    st.session_state["open_mode"] = not login_required(address, has_accounts, oidc)
    if st.session_state["open_mode"]:
        principal = st.session_state.get("principal") or Principal("local", Role.ADMIN)
        st.session_state["principal"] = principal
        session.set_current(principal)
        return principal
    if not has_accounts and not oidc:
        st.error(
            f"Hilo Rojo refuses to serve on {address} without accounts: anyone on the network would see "
            "everything -- create one with `hilorojo users add NAME --role admin`, or listen on 127.0.0.1."
        )
        return None
    now = time.time()
    principal = st.session_state.get("principal")
    if principal is not None and _expired(st.session_state, now):
        _logout("Your session expired: log in again.")
        principal = None
    if principal is None:
        if oidc:
            principal = _oidc_login(store)
            if principal is not None:
                st.session_state.update(principal=principal, login_at=now)
        else:
            _login_form(store)
    if principal is None:
        return None
    st.session_state["seen_at"] = now
    session.set_current(principal)
    return principal


def sidebar(principal: Principal) -> None:
    """Who is logged in (or the warning that nobody needs to), the victims' reveal switch for analysts,
    and the logout button."""
    open_mode = bool(st.session_state.get("open_mode"))
    with st.sidebar:
        if open_mode:
            st.warning(OPEN_WARNING)
        else:
            st.caption(f"Logged in as **{principal.user}** ({principal.role}).")
        if principal.may(Permission.REVEAL_VICTIMS):
            reveal = st.toggle(
                "Show victims' identities",
                value=principal.reveal,
                key="reveal_victims",
                help="Recorded in the audit trail. Victims are never ranked or shown as suspects.",
            )
            if reveal != principal.reveal:
                principal = session.with_reveal(principal, reveal)
                st.session_state["principal"] = principal
                session.set_current(principal)
                session.record("reveal_victim", shown=reveal)
        if not open_mode and st.button("Log out", icon=":material/logout:", key="logout"):
            _logout("You are logged out.")
            if oidc_configured():
                st.logout()
            st.rerun()
