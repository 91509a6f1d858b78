"""Settings from the environment (and a ``.env`` file): Neo4j connection, TLS, database, local server home."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import load_dotenv

from graph.errors import ConfigError

DEFAULT_URI = "bolt://127.0.0.1:7687"
SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Schemes whose suffix already sets encryption and trust (+s: system CAs, +ssc: any certificate): the
# driver refuses an explicit encryption setting beside them.
TLS_SCHEMES = ("bolt+s", "bolt+ssc", "neo4j+s", "neo4j+ssc")
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
# Neo4j's rule for database names: 3 to 63 characters, ASCII letters, digits, dots and dashes, a letter
# first (https://neo4j.com/docs/operations-manual/5/database-administration/standard-databases/naming-databases/).
DATABASE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9.\-]{2,62}")


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
    # TLS for plain bolt:// and neo4j:// addresses: NEO4J_ENCRYPTED and NEO4J_TRUSTED_CA (a PEM file of
    # the certificate authorities to trust). None leaves the driver's default (unencrypted, or what a
    # +s/+ssc scheme says).
    encrypted: bool | None = None
    trusted_ca: Path | None = None

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
        return scheme in ("bolt", "neo4j") and self.host in LOOPBACK_HOSTS and not self.encrypted

    @property
    def routing(self) -> bool:
        """True for neo4j:// addresses: the driver asks the cluster for its members and sends reads to
        secondaries, writes to the leader."""
        return urlsplit(self.uri).scheme.startswith("neo4j")

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
    encrypted, trusted_ca = _tls(parts.scheme)
    database = os.environ.get("NEO4J_DATABASE", "").strip() or "neo4j"
    if not DATABASE_NAME.fullmatch(database):
        raise ConfigError(
            f"NEO4J_DATABASE={database!r} is not a Neo4j database name",
            "use 3-63 letters, digits, dots or dashes starting with a letter (default neo4j)",
        )
    home = Path(os.environ.get("HILOROJO_HOME", "~/.hilorojo")).expanduser().resolve()
    cache_default = Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "hilorojo"
    cache = Path(os.environ.get("HILOROJO_CACHE", str(cache_default))).expanduser().resolve()
    return Settings(
        uri=uri,
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD") or None,
        database=database,
        home=home,
        cache=cache,
        heap=os.environ.get("HILOROJO_HEAP", "4g"),
        pagecache=os.environ.get("HILOROJO_PAGECACHE", "2g"),
        retry_s=_seconds("HILOROJO_RETRY_S", 30.0),
        encrypted=encrypted,
        trusted_ca=trusted_ca,
    )


def _tls(scheme: str) -> tuple[bool | None, Path | None]:
    """NEO4J_ENCRYPTED and NEO4J_TRUSTED_CA, checked against the URI's scheme and the file system."""
    flag = os.environ.get("NEO4J_ENCRYPTED", "").strip().lower()
    ca_text = os.environ.get("NEO4J_TRUSTED_CA", "").strip()
    if flag and flag not in TRUE_WORDS + FALSE_WORDS:
        raise ConfigError(
            f"NEO4J_ENCRYPTED={flag!r} is not true or false", "set NEO4J_ENCRYPTED=true or false"
        )
    encrypted = None if not flag else flag in TRUE_WORDS
    if scheme in TLS_SCHEMES and (flag or ca_text):
        given = " and ".join(n for n, v in (("NEO4J_ENCRYPTED", flag), ("NEO4J_TRUSTED_CA", ca_text)) if v)
        raise ConfigError(
            f"NEO4J_URI's scheme {scheme}:// already sets encryption, so {given} cannot be used with it",
            f"unset {given}, or use {scheme.split('+')[0]}:// with NEO4J_ENCRYPTED=true and "
            "NEO4J_TRUSTED_CA=FILE",
        )
    if not ca_text:
        return encrypted, None
    if encrypted is False:
        raise ConfigError(
            "NEO4J_TRUSTED_CA is set but NEO4J_ENCRYPTED=false", "unset one of them (a CA file needs TLS)"
        )
    ca = Path(ca_text).expanduser()
    try:
        pem = ca.read_text(encoding="ascii", errors="replace")
    except OSError as exc:
        raise ConfigError(
            f"NEO4J_TRUSTED_CA={ca_text!r} cannot be read ({exc.strerror or exc})",
            "give the path of a PEM file of the certificate authorities to trust",
        ) from exc
    if "-----BEGIN CERTIFICATE-----" not in pem:
        raise ConfigError(
            f"NEO4J_TRUSTED_CA={ca_text!r} holds no PEM certificate",
            "give a PEM file (lines -----BEGIN CERTIFICATE----- ...) of the certificate authorities",
        )
    return True, ca.resolve()


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
