"""One Neo4j driver per process, managed transactions with retries, driver errors as project errors."""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, LiteralString, TypeVar, cast

import neo4j
from neo4j import exceptions as neo4j_errors

from graph.bookmarks import ProcessBookmarks
from graph.errors import (
    AuthenticationFailed,
    ConfigError,
    DatabaseUnavailable,
    HiloRojoError,
    QueryFailed,
)
from graph.protected import Protected, shield
from graph.settings import Settings, load_settings

T = TypeVar("T")
Row = dict[str, Any]
# What a server answers while it shuts down or starts: as much an outage as a refused connection.
DATABASE_UNAVAILABLE = "Neo.TransientError.General.DatabaseUnavailable"
DATABASE_NOT_FOUND = "Neo.ClientError.Database.DatabaseNotFound"
BOOKMARK_TIMEOUT = "Neo.TransientError.Transaction.BookmarkTimeout"


class Graph:
    """The project's only door to Neo4j: queries go in as constants, values as parameters."""

    # A shielded view (``shielded_view``) withholds victims' names and identifiers from what it reads.
    shielded = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._protected: Protected | None = None
        self._base = self
        password = settings.effective_password()
        auth = (settings.user, password) if password is not None else None
        tls: dict[str, Any] = {}
        if settings.encrypted is not None:
            tls["encrypted"] = settings.encrypted
        if settings.trusted_ca is not None:
            tls["trusted_certificates"] = neo4j.TrustCustomCAs(str(settings.trusted_ca))
        # On a cluster (a neo4j:// address) every session of this process shares one bookmark manager: a
        # read that follows a write, even in another session or thread, waits until the member it is
        # routed to has applied that write (causal consistency). One server sees its own commits at once.
        self.bookmarks = ProcessBookmarks() if settings.routing else None
        with self._errors():
            self.driver = neo4j.GraphDatabase.driver(
                settings.uri,
                auth=auth,
                connection_timeout=10.0,
                max_transaction_retry_time=settings.retry_s,
                user_agent="hilorojo/0.1",
                notifications_min_severity="OFF",
                **tls,
            )

    # -- error translation -------------------------------------------------------------------
    @contextmanager
    def _errors(self) -> Iterator[None]:
        uri = self.settings.uri
        try:
            yield
        except HiloRojoError:
            raise
        except neo4j_errors.AuthError as exc:
            raise AuthenticationFailed(
                f"Neo4j at {uri} refused user {self.settings.user!r}",
                "check NEO4J_USER and NEO4J_PASSWORD (the local server keeps its password in "
                f"{self.settings.password_file})",
            ) from exc
        except (neo4j_errors.ServiceUnavailable, neo4j_errors.SessionExpired, OSError) as exc:
            raise DatabaseUnavailable(
                f"cannot reach Neo4j at {uri}",
                "start the local server with `hilorojo db start`, or set NEO4J_URI to a running server",
            ) from exc
        except neo4j_errors.ConfigurationError as exc:
            raise ConfigError(f"bad Neo4j settings for {uri}: {exc}", "check NEO4J_URI") from exc
        except neo4j_errors.Neo4jError as exc:
            if exc.code == DATABASE_NOT_FOUND:
                raise ConfigError(
                    f"Neo4j at {uri} has no database {self.settings.database!r}",
                    "set NEO4J_DATABASE to one of its databases (`SHOW DATABASES`; Community has only neo4j)",
                ) from exc
            if exc.code == BOOKMARK_TIMEOUT and self.bookmarks is not None:
                self.bookmarks.forget()  # the next query does not wait for a write the database lost
                raise DatabaseUnavailable(
                    f"Neo4j at {uri} has not caught up with this process's last write "
                    "(a lagging cluster member, or a database restored from an older backup)",
                    "run the same command again",
                ) from exc
            if exc.code == DATABASE_UNAVAILABLE:  # the server is stopping or starting
                raise DatabaseUnavailable(
                    f"cannot reach Neo4j at {uri}: its database is not available (stopping or starting)",
                    "wait until `hilorojo db status` answers, then run the same command again",
                ) from exc
            message = (exc.message or str(exc)).splitlines()[0] if (exc.message or str(exc)) else ""
            raise QueryFailed(f"Neo4j refused the query: {message}", f"code {exc.code}") from exc
        except neo4j_errors.DriverError as exc:
            raise QueryFailed(f"Neo4j driver error: {exc}") from exc
        except ValueError as exc:  # the driver raises ValueError for malformed addresses
            raise ConfigError(f"bad Neo4j address {uri}: {exc}", "check NEO4J_URI") from exc

    # -- queries ----------------------------------------------------------------------------
    def _session(self, read_only: bool, first_retry_s: float | None = None) -> neo4j.Session:
        # ``initial_retry_delay`` is a session option of the driver (its WorkspaceConfig, in 5.x and
        # 6.x) that its API reference does not list: tests/test_foundation.py checks it still applies.
        options: dict[str, Any] = {} if first_retry_s is None else {"initial_retry_delay": first_retry_s}
        return self.driver.session(
            database=self.settings.database,
            default_access_mode=neo4j.READ_ACCESS if read_only else neo4j.WRITE_ACCESS,
            bookmark_manager=self.bookmarks,
            **options,
        )

    def verify(self) -> None:
        """Raise a project error unless the database answers."""
        with self._errors():
            self.driver.verify_connectivity()
            with self._session(read_only=True) as session:
                session.run("RETURN 1").consume()

    def read(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run a read query in a managed (retried) read transaction and return its rows as dicts."""

        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            return [record.data() for record in tx.run(query, dict(params or {}))]

        with self._errors(), self._session(read_only=True) as session:
            rows = session.execute_read(work)
        if self.shielded and self._protected is not None:
            strings = self._protected.strings()
            rows = [shield(row, strings) for row in rows]
        return rows

    def withheld(self) -> dict[str, str]:
        """The strings this view withholds and what it shows instead (none when it is not shielded)."""
        if self.shielded and self._protected is not None:
            return self._protected.strings()
        return {}

    def shielded_view(self) -> Graph:
        """This graph as a user who may not see victims receives it: the same driver and writes, but
        every read (``read``, ``read_one``) has victims' names and identifiers replaced
        (graph.protected). The protected strings are read once and shared by all views."""
        if self.shielded:
            return self
        if self._protected is None:
            self._protected = Protected(self.read)
        view = copy.copy(self)
        view.shielded = True
        view._base = self
        return view

    def unshielded(self) -> Graph:
        """The graph this view shields (itself when not shielded): for actions that read what they
        never display, or redact it themselves (loads, target packages)."""
        return self._base if self.shielded else self

    def read_one(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> Row | None:
        rows = self.read(query, params)
        return rows[0] if rows else None

    def stream(
        self, query: LiteralString, params: Mapping[str, Any] | None = None, fetch_size: int = 10_000
    ) -> Iterator[tuple[Any, ...]]:
        """Stream a large read as tuples, fetched in bulk from the server (not retried)."""
        with (
            self._errors(),
            self.driver.session(
                database=self.settings.database,
                default_access_mode=neo4j.READ_ACCESS,
                fetch_size=fetch_size,
                bookmark_manager=self.bookmarks,
            ) as session,
        ):
            result = session.run(query, dict(params or {}))
            for record in result:
                yield tuple(record.values())

    def write(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Run one write query in a managed (retried) write transaction."""

        def work(tx: neo4j.ManagedTransaction) -> list[Row]:
            return [record.data() for record in tx.run(query, dict(params or {}))]

        with self._errors(), self._session(read_only=False) as session:
            return session.execute_write(work)

    def write_many(self, steps: Sequence[tuple[LiteralString, Mapping[str, Any]]]) -> list[list[Row]]:
        """Run several write queries in one managed transaction: all of them commit, or none."""

        def work(tx: neo4j.ManagedTransaction) -> list[list[Row]]:
            return [[record.data() for record in tx.run(query, dict(params))] for query, params in steps]

        with self._errors(), self._session(read_only=False) as session:
            return session.execute_write(work)

    def transaction(
        self,
        work: Callable[[neo4j.ManagedTransaction], T],
        read_only: bool = False,
        first_retry_s: float | None = None,
    ) -> T:
        """Run ``work`` in one managed transaction (retried as a whole on transient errors).

        The driver waits about a second before the first retry, then twice as long each time;
        ``first_retry_s`` sets that first wait (for writers that expect transient deadlocks).
        """
        with self._errors(), self._session(read_only=read_only, first_retry_s=first_retry_s) as session:
            if read_only:
                return session.execute_read(work)
            return session.execute_write(work)

    def run_schema(self, statement: LiteralString) -> None:
        """Run a schema statement (constraint, index) in its own auto-commit transaction."""
        with self._errors(), self._session(read_only=False) as session:
            session.run(statement).consume()

    def run_in_batches(self, query: LiteralString, params: Mapping[str, Any] | None = None) -> None:
        """Run a ``CALL {…} IN TRANSACTIONS`` query, which needs an auto-commit transaction."""
        with self._errors(), self._session(read_only=False) as session:
            session.run(query, dict(params or {})).consume()

    def read_only_query(
        self,
        query: str,
        params: Mapping[str, Any] | None = None,
        limit: int = 1000,
        timeout: float | None = None,
    ) -> tuple[list[str], list[list[Any]]]:
        """Run a user's query in a READ transaction: the database itself refuses any write, and stops
        the transaction after ``timeout`` seconds."""

        @neo4j.unit_of_work(timeout=timeout)
        def work(tx: neo4j.ManagedTransaction) -> tuple[list[str], list[list[Any]]]:
            # A user's own query text: the READ access mode, not the text, is what keeps it read-only.
            result = tx.run(cast(LiteralString, query), dict(params or {}))
            keys = list(result.keys())
            rows = [list(record.values()) for _, record in zip(range(limit), result, strict=False)]
            return keys, rows

        with self._errors(), self._session(read_only=True) as session:
            return session.execute_read(work)

    def plan_operators(self, query: str) -> list[tuple[str, str]]:
        """The operators of a user's query plan (``EXPLAIN``, nothing runs): (type, details) pairs, the
        type without its ``@database`` suffix."""

        def walk(plan: Mapping[str, Any], out: list[tuple[str, str]]) -> list[tuple[str, str]]:
            details = (plan.get("args") or {}).get("Details")
            out.append((str(plan.get("operatorType", "")).split("@")[0], str(details or "")))
            for child in plan.get("children") or []:
                walk(child, out)
            return out

        with self._errors(), self._session(read_only=True) as session:
            # A user's own query text: EXPLAIN plans it without running it.
            plan = session.run(cast(LiteralString, "EXPLAIN " + query)).consume().plan
        return walk(plan or {}, [])

    def close(self) -> None:
        self.driver.close()


def batched(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split an iterable into lists of at most ``size`` items."""
    batch: list[T] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


_lock = threading.Lock()
_graph: Graph | None = None


def get_graph(settings: Settings | None = None) -> Graph:
    """The process's single :class:`Graph` (one driver per process)."""
    global _graph
    with _lock:
        if _graph is None or (settings is not None and settings != _graph.settings):
            if _graph is not None:
                _graph.close()
            _graph = Graph(settings or load_settings())
        return _graph


def reset_graph() -> None:
    """Close the process's driver (tests and settings changes)."""
    global _graph
    with _lock:
        if _graph is not None:
            _graph.close()
        _graph = None
