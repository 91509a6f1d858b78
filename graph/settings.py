"""Settings from the environment (and a ``.env`` file): Neo4j connection and local server home."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

from graph.errors import ConfigError

DEFAULT_URI = "bolt://127.0.0.1:7687"
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build them with :func:`load_settings`."""

    uri: str
    user: str
    password: str | None = field(repr=False)  # kept out of repr(), so out of logs and tracebacks
    database: str
    home: Path
    cache: Path
    heap: str
    pagecache: str
    # How long a transaction is retried on transient errors (a deadlock, a cluster leader switch, a
    # server restarting) before the user is told.
    retry_s: float = 30.0

    @property
    def host(self) -> str:
        return urlsplit(self.uri).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        return urlsplit(self.uri).port or 7687

    @property
    def is_local(self) -> bool:
        """True when the URI names a plain Bolt address on this machine (a server Hilo Rojo may run)."""
        scheme = urlsplit(self.uri).scheme
        return scheme in ("bolt", "neo4j") and self.host in LOOPBACK_HOSTS

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    def effective_password(self) -> str | None:
        """NEO4J_PASSWORD, else the password the local server generated in its home, else None."""
        if self.password is not None:
            return self.password
        if self.password_file.exists():
            return self.password_file.read_text(encoding="utf-8").strip()
        return None


def load_settings(env_file: str | os.PathLike[str] | None = ".env") -> Settings:
    """Read settings from the process environment; a ``.env`` file fills in what is not set."""
    if env_file is not None and Path(env_file).is_file():
        load_dotenv(env_file, override=False)
    uri = os.environ.get("NEO4J_URI", DEFAULT_URI).strip() or DEFAULT_URI
    parts = urlsplit(uri)
    if parts.username is not None or parts.password is not None:
        # A password in the URI would be echoed by every message that names the address: refuse it
        # without repeating the URI.
        raise ConfigError(
            "NEO4J_URI contains a user name or password",
            "remove them from the address and set NEO4J_USER and NEO4J_PASSWORD instead",
        )
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ConfigError(
            f"NEO4J_URI={uri!r} is not a Neo4j address",
            "use the form bolt://HOST:PORT or neo4j+s://HOST (default bolt://127.0.0.1:7687)",
        )
    try:
        _ = parts.port
    except ValueError as exc:
        raise ConfigError(f"NEO4J_URI={uri!r} has a bad port", "use a port number 1-65535") from exc
    home = Path(os.environ.get("HILOROJO_HOME", "~/.hilorojo")).expanduser().resolve()
    cache_default = Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "hilorojo"
    cache = Path(os.environ.get("HILOROJO_CACHE", str(cache_default))).expanduser().resolve()
    return Settings(
        uri=uri,
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD") or None,
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
        home=home,
        cache=cache,
        heap=os.environ.get("HILOROJO_HEAP", "4g"),
        pagecache=os.environ.get("HILOROJO_PAGECACHE", "2g"),
        retry_s=_seconds("HILOROJO_RETRY_S", 30.0),
    )


def _seconds(name: str, default: float) -> float:
    """A positive number of seconds from the environment variable ``name``."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 86_400:
        raise ConfigError(f"{name}={text!r} is not a number of seconds", f"give e.g. {name}={default:g}")
    return value
