"""The audit trail: an append-only log of hash-chained JSON lines, safe across processes and threads."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

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
FIELDS: tuple[str, ...] = ("seq", "at", "user", "role", "action", "subjects", "details", "prev")
GENESIS = "0" * 64
ENV_VAR = "HILOROJO_AUDIT_LOG"
FILE_NAME = "audit.jsonl"
TAMPERED_HINT = "the log was edited, cut or reordered; keep this copy as evidence and restore from backup"
_CHUNK = 4096


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify`: ``bad_line`` (1-based) and ``reason`` say where and why it failed."""

    ok: bool
    lines: int
    bad_line: int | None
    reason: str


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


def head_path(log: Path) -> Path:
    """The head file beside the log: ``<seq> <sha256 of the last line>``, so a cut end shows."""
    return log.with_name(log.name + ".head")


def line_hash(line: bytes) -> str:
    """SHA-256 hex of one line's exact bytes, without its newline."""
    return hashlib.sha256(line).hexdigest()


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
        _write_head(log, seq + 1, line_hash(line))
    result: dict[str, Any] = json.loads(line)
    return result


def verify(path: Path | None = None) -> VerifyReport:
    """Check every line parses, seq counts 1, 2, …, each ``prev`` chains, and the head matches the end."""
    log = log_path(path)
    with _locked(log, write=False) as fd:
        data = _read_all(fd) if fd is not None else b""
        return _check(data, log)


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
        entry = _parse(line)
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
        head = _read_head(log)
    except ValueError:
        head = (-1, "")
    if size == 0:
        if head is None or head == (0, GENESIS):
            return 0, GENESIS
        raise _broken(fd, log)
    if _pread(fd, 1, size - 1) != b"\n":
        raise _broken(fd, log)
    line = _last_line(fd, size)
    entry = _parse(line) or {}
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
    report = _check(_pread(fd, os.fstat(fd).st_size, 0), log)
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


def _parse(line: bytes) -> dict[str, Any] | None:
    try:
        entry = json.loads(line.decode("utf-8"))
    except ValueError:  # also UnicodeDecodeError
        return None
    return entry if isinstance(entry, dict) else None


def _check(data: bytes, log: Path) -> VerifyReport:
    """Verify the log's bytes ``data`` against the chain rules and the head file (read under the lock)."""
    try:
        head = _read_head(log)
        head_error = ""
    except ValueError as exc:
        head, head_error = None, str(exc)
    pieces = data.split(b"\n")
    complete, partial = pieces[:-1], pieces[-1]
    total = len(complete) + (1 if partial else 0)
    prev = GENESIS
    for number, line in enumerate(complete, 1):
        problem = _line_problem(line, number, prev)
        if problem:
            return VerifyReport(False, total, number, problem)
        prev = line_hash(line)
    count = len(complete)
    if partial:
        return VerifyReport(False, total, total, "the last line is incomplete (no newline at its end)")
    if head_error:
        return VerifyReport(False, count, max(count, 1), head_error)
    if head is None:
        if count:
            return VerifyReport(False, count, count, "head file missing")
        return VerifyReport(True, 0, None, "")
    problem_line, problem = _head_problem(head, count, prev)
    if problem:
        return VerifyReport(False, count, problem_line, problem)
    return VerifyReport(True, count, None, "")


def _line_problem(line: bytes, number: int, prev: str) -> str:
    """Why line ``number`` breaks the chain, or "" when it holds."""
    entry = _parse(line)
    if entry is None:
        return "line is not a JSON object"
    if tuple(entry) != FIELDS:
        return f"fields are {', '.join(entry)}, expected {', '.join(FIELDS)}"
    seq = entry["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq != number:
        return f"seq is {seq!r}, expected {number}"
    if entry["prev"] != prev:
        if number == 1:
            return "prev of the first line is not 64 zeros"
        return f"prev does not match the hash of line {number - 1}"
    return ""


def _head_problem(head: tuple[int, str], count: int, last_hash: str) -> tuple[int, str]:
    """(line, reason) when the head file disagrees with a log of ``count`` lines ending in ``last_hash``."""
    head_seq, head_hash = head
    if head_seq == count and head_hash == last_hash:
        return 0, ""
    if head_seq > count:
        return count + 1, f"head file says {head_seq} lines but the log ends at line {count} (lines cut off)"
    if head_seq < count:
        return head_seq + 1, f"head file says {head_seq} lines but the log has {count}"
    return count, f"head file hash does not match line {count}"


def _read_head(log: Path) -> tuple[int, str] | None:
    """The head file's (seq, hash), None when it is missing; ValueError when it is malformed."""
    try:
        text = head_path(log).read_text(encoding="ascii")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"head file unreadable: {exc}") from exc
    parts = text.split()
    if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
        raise ValueError("head file malformed (expected '<seq> <sha256>')")
    return int(parts[0]), parts[1]


def _write_head(log: Path, seq: int, digest: str) -> None:
    """Replace the head file atomically (temp file, fsync, rename); called under the log's lock."""
    head = head_path(log)
    tmp = head.with_name(head.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, f"{seq} {digest}".encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, head)
    dir_fd = os.open(log.parent, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(dir_fd)  # makes the rename (and a new log's directory entry) durable
    finally:
        os.close(dir_fd)
