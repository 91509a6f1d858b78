"""The audit trail's hash chain: each line's hash, the head file, and the check of a whole log."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FIELDS: tuple[str, ...] = ("seq", "at", "user", "role", "action", "subjects", "details", "prev")
GENESIS = "0" * 64


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify`: ``bad_line`` (1-based) and ``reason`` say where and why it failed."""

    ok: bool
    lines: int
    bad_line: int | None
    reason: str


def head_path(log: Path) -> Path:
    """The head file beside the log: ``<seq> <sha256 of the last line>``, so a cut end shows."""
    return log.with_name(log.name + ".head")


def line_hash(line: bytes) -> str:
    """SHA-256 hex of one line's exact bytes, without its newline."""
    return hashlib.sha256(line).hexdigest()


def parse_line(line: bytes) -> dict[str, Any] | None:
    """One line as a JSON object, or None when it is not one."""
    try:
        entry = json.loads(line.decode("utf-8"))
    except ValueError:  # also UnicodeDecodeError
        return None
    return entry if isinstance(entry, dict) else None


def check_chain(data: bytes, log: Path) -> VerifyReport:
    """Verify the log's bytes ``data`` against the chain rules and the head file (read under the lock)."""
    try:
        head = read_head(log)
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
    entry = parse_line(line)
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


def read_head(log: Path) -> tuple[int, str] | None:
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


def write_head(log: Path, seq: int, digest: str) -> None:
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
