"""The audit trail: an append-only log of hash-chained JSON lines, safe across processes and threads."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from access.audit_chain import (
    FIELDS,
    GENESIS,
    VerifyReport,
    check_chain,
    head_path,
    line_hash,
    parse_line,
    read_head,
    write_head,
)
from graph.errors import AuditTampered, InputError
from graph.settings import load_settings

ACTIONS: tuple[str, ...] = (
    "login",
    "login_failed",
    "logout",
    "search",
    "view_entity",
    "reveal_victim",
    "package",
    "export",
    "import",
    "analyze",
    "identity_decision",
    "console_query",
    "account_change",
    "case",  # a saved case opened, saved or deleted (details: did)
    "note",  # a note on an entity added, changed or deleted
    "source_grade",
)
ENV_VAR = "HILOROJO_AUDIT_LOG"
FILE_NAME = "audit.jsonl"
TAMPERED_HINT = "the log was edited, cut or reordered; keep this copy as evidence and restore from backup"
_CHUNK = 4096


def log_path(path: Path | None = None) -> Path:
    """The log's path: ``path``, else ``$HILOROJO_AUDIT_LOG``, else ``$HILOROJO_HOME/audit.jsonl``."""
    if path is not None:
        return Path(path)
    configured = os.environ.get(ENV_VAR)
    if not configured:
        settings = load_settings()  # also reads .env, which may set HILOROJO_AUDIT_LOG
        configured = os.environ.get(ENV_VAR)
        if not configured:
            return settings.home / FILE_NAME
    return Path(configured).expanduser()


def tampered(log: Path, bad_line: int, reason: str) -> AuditTampered:
    """The one-line error for a broken trail."""
    return AuditTampered(f"audit trail broken at line {bad_line} of {log}: {reason}", TAMPERED_HINT)


def record(
    action: str,
    *,
    user: str,
    role: str,
    subjects: Sequence[str] = (),
    details: Mapping[str, Any] | None = None,
    path: Path | None = None,
) -> dict[str, Any]:
    """Append one entry and return it as written.

    Refuses (AuditTampered) to extend a log whose end does not match its head file, since appending
    would rewrite the head and hide that lines were cut off.
    """
    if action not in ACTIONS:
        raise InputError(f"unknown audit action {action!r}", f"use one of: {', '.join(ACTIONS)}")
    if isinstance(subjects, str | bytes):
        raise InputError("audit subjects must be a list of ids, not one string", "pass [id] for one subject")
    body = {"subjects": [str(s) for s in subjects], "details": dict(details or {})}
    _dumps(body)  # fails here, before the lock, when details hold something JSON cannot represent
    log = log_path(path)
    log.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _locked(log, write=True) as fd:
        assert fd is not None
        size = os.fstat(fd).st_size
        seq, prev = _tail(fd, size, log)
        entry = {
            "seq": seq + 1,
            "at": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "user": user,
            "role": role,
            "action": action,
            **body,
            "prev": prev,
        }
        line = _dumps(entry).encode("utf-8")
        try:
            written = os.write(fd, line + b"\n")
            if written != len(line) + 1:
                raise OSError(f"short write to {log} ({written} of {len(line) + 1} bytes)")
            os.fsync(fd)
        except BaseException:
            os.ftruncate(fd, size)  # no half line stays behind to break the chain
            raise
        write_head(log, seq + 1, line_hash(line))
    result: dict[str, Any] = json.loads(line)
    return result


def verify(path: Path | None = None) -> VerifyReport:
    """Check every line parses, seq counts 1, 2, …, each ``prev`` chains, and the head matches the end."""
    log = log_path(path)
    with _locked(log, write=False) as fd:
        data = _read_all(fd) if fd is not None else b""
        return check_chain(data, log)


def read(
    path: Path | None = None,
    *,
    user: str | None = None,
    subject: str | None = None,
    action: str | None = None,
    since: date | datetime | None = None,
) -> list[dict[str, Any]]:
    """Entries matching every filter given, oldest first; ``since`` is a UTC day or a moment."""
    if action is not None and action not in ACTIONS:
        raise InputError(f"unknown audit action {action!r}", f"use one of: {', '.join(ACTIONS)}")
    start = _moment(since)
    log = log_path(path)
    with _locked(log, write=False) as fd:
        data = _read_all(fd) if fd is not None else b""
    pieces = data.split(b"\n")
    if pieces[-1]:
        raise tampered(log, len(pieces), "the last line is incomplete (no newline at its end)")
    found: list[dict[str, Any]] = []
    for number, line in enumerate(pieces[:-1], 1):
        entry = parse_line(line)
        if entry is None:
            raise tampered(log, number, "line is not a JSON object")
        if user is not None and entry.get("user") != user:
            continue
        if action is not None and entry.get("action") != action:
            continue
        if subject is not None and subject not in (entry.get("subjects") or ()):
            continue
        if start is not None:
            try:
                at = _moment(datetime.fromisoformat(str(entry.get("at"))))
            except ValueError as exc:
                raise tampered(log, number, f"time {entry.get('at')!r} is not ISO-8601") from exc
            if at is None or at < start:
                continue
        found.append(entry)
    return found


def _dumps(obj: Any) -> str:
    try:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_default)
    except (TypeError, ValueError) as exc:
        raise InputError(f"audit details cannot be written as JSON: {exc}", "pass strings, numbers") from exc


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} {value!r} is not JSON")


def _moment(value: date | datetime | None) -> datetime | None:
    """A UTC datetime: a day is its midnight, a naive datetime is taken as UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return datetime.combine(value, time(), UTC)


@contextlib.contextmanager
def _locked(log: Path, *, write: bool) -> Iterator[int | None]:
    """The log's descriptor under flock: exclusive to append, shared to read; None if a read finds no log.

    flock locks belong to the open file description, so each call's own ``os.open`` also excludes
    other threads of this process.
    """
    flags = (os.O_RDWR | os.O_APPEND | os.O_CREAT) if write else os.O_RDONLY
    try:
        fd = os.open(log, flags | os.O_CLOEXEC, 0o600)
    except FileNotFoundError:
        if write:
            raise
        fd = -1
    except OSError as exc:
        raise InputError(f"cannot open the audit log {log}: {exc.strerror}", "check its permissions") from exc
    if fd < 0:
        yield None
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if write else fcntl.LOCK_SH)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def _tail(fd: int, size: int, log: Path) -> tuple[int, str]:
    """The last line's seq and hash ((0, 64 zeros) for an empty log), checked against the head file.

    Only the end of the log is read; the whole log is read to name the broken line when this check fails.
    """
    try:
        head = read_head(log)
    except ValueError:
        head = (-1, "")
    if size == 0:
        if head is None or head == (0, GENESIS):
            return 0, GENESIS
        raise _broken(fd, log)
    if _pread(fd, 1, size - 1) != b"\n":
        raise _broken(fd, log)
    line = _last_line(fd, size)
    entry = parse_line(line) or {}
    seq = entry.get("seq")
    if head is None or not isinstance(seq, int) or isinstance(seq, bool):
        raise _broken(fd, log)
    digest = line_hash(line)
    # A head exactly one line behind, with the last line chained onto it, is a crash between the
    # append and the head update; this append rewrites the head.
    if head != (seq, digest) and head != (seq - 1, entry.get("prev")):
        raise _broken(fd, log)
    return seq, digest


def _broken(fd: int, log: Path) -> AuditTampered:
    """The error naming where the log held by ``fd`` (locked by this caller) breaks."""
    report = check_chain(_pread(fd, os.fstat(fd).st_size, 0), log)
    if report.ok:
        return tampered(log, report.lines, "head file does not match the last line")
    return tampered(log, report.bad_line or report.lines, report.reason)


def _last_line(fd: int, size: int) -> bytes:
    """The bytes of the line before the final newline, read backwards in chunks."""
    pieces: list[bytes] = []
    end = size - 1
    while end > 0:
        start = max(0, end - _CHUNK)
        data = _pread(fd, end - start, start)
        newline = data.rfind(b"\n")
        if newline >= 0:
            pieces.append(data[newline + 1 :])
            break
        pieces.append(data)
        end = start
    return b"".join(reversed(pieces))


def _pread(fd: int, length: int, offset: int) -> bytes:
    chunks: list[bytes] = []
    while length > 0:
        data = os.pread(fd, length, offset)
        if not data:
            break
        chunks.append(data)
        length -= len(data)
        offset += len(data)
    return b"".join(chunks)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


# The chain's names that callers read from here.
__all__ = [
    "ACTIONS",
    "FIELDS",
    "GENESIS",
    "VerifyReport",
    "head_path",
    "line_hash",
    "log_path",
    "read",
    "record",
    "tampered",
    "verify",
]
