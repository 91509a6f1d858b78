"""The audit trail: hash chain, file modes, tamper detection, concurrent appends, filters and the CLI."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import stat
import subprocess
import sys
import threading
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from access import audit
from graph.errors import AuditTampered, InputError

ROOT = Path(__file__).resolve().parent.parent
ZEROS = "0" * 64
FIELDS = ["seq", "at", "user", "role", "action", "subjects", "details", "prev"]
HINT = "the log was edited, cut or reordered; keep this copy as evidence and restore from backup"


def sha(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def lines_of(path: Path) -> list[bytes]:
    data = path.read_bytes()
    assert data.endswith(b"\n")
    return data[:-1].split(b"\n")


def head_of(path: Path) -> Path:
    return path.with_name(path.name + ".head")


def write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def hand_log(path: Path, entries: list[dict[str, Any]]) -> list[bytes]:
    """Write a chained log and its head from entries (seq and prev filled in here, hashed with hashlib)."""
    lines: list[bytes] = []
    prev = ZEROS
    for seq, entry in enumerate(entries, 1):
        obj = {"seq": seq, **entry, "prev": prev}
        line = json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        lines.append(line)
        prev = sha(line)
    write_lines(path, lines)
    head_of(path).write_text(f"{len(lines)} {prev}", encoding="ascii")
    return lines


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "audit.jsonl"
    monkeypatch.setenv("HILOROJO_AUDIT_LOG", str(path))
    monkeypatch.setenv("HILOROJO_HOME", str(tmp_path / "home"))
    return path


def three(path: Path | None = None) -> list[dict[str, Any]]:
    return [
        audit.record("login", user="ana", role="analyst", path=path),
        audit.record(
            "search",
            user="ana",
            role="analyst",
            subjects=["P-1", "P-2"],
            details={"text": "Garcia"},
            path=path,
        ),
        audit.record(
            "package", user="ana", role="analyst", subjects=["P-1"], details={"format": "pdf"}, path=path
        ),
    ]


def test_chain_of_three(log: Path) -> None:
    returned = [
        audit.record("login", user="ana", role="analyst"),
        audit.record("search", user="ana", role="analyst", subjects=["P-1"], details={"text": "Peña"}),
        audit.record(
            "reveal_victim", user="bo", role="supervisor", subjects=["V-9"], details={"include_victims": True}
        ),
    ]
    lines = lines_of(log)
    assert len(lines) == 3
    parsed = [json.loads(line) for line in lines]
    assert parsed == returned
    for line, obj in zip(lines, parsed, strict=True):
        assert list(obj) == FIELDS
        # Compact separators and non-ASCII kept as UTF-8, exactly as specified.
        assert line == json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", obj["at"])
    assert "Peña".encode() in lines[1]
    assert [o["seq"] for o in parsed] == [1, 2, 3]
    assert parsed[0]["prev"] == ZEROS
    assert parsed[1]["prev"] == sha(lines[0])
    assert parsed[2]["prev"] == sha(lines[1])
    assert parsed[0]["subjects"] == [] and parsed[0]["details"] == {}
    assert parsed[2]["user"] == "bo" and parsed[2]["role"] == "supervisor"
    assert parsed[2]["action"] == "reveal_victim" and parsed[2]["details"] == {"include_victims": True}
    assert head_of(log).read_text(encoding="ascii").split() == ["3", sha(lines[2])]
    assert audit.verify() == audit.VerifyReport(ok=True, lines=3, bad_line=None, reason="")


def test_modes_and_missing_parent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "not" / "yet" / "audit.jsonl"
    monkeypatch.setenv("HILOROJO_AUDIT_LOG", str(path))
    audit.record("login", user="ana", role="analyst")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(head_of(path).stat().st_mode) == 0o600
    assert not head_of(path).with_name("audit.jsonl.head.tmp").exists()


def test_default_path_is_in_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("HILOROJO_AUDIT_LOG", raising=False)
    monkeypatch.setenv("HILOROJO_HOME", str(tmp_path / "home"))
    audit.record("logout", user="ana", role="analyst")
    assert len(lines_of(tmp_path / "home" / "audit.jsonl")) == 1
    assert audit.verify().ok


def test_empty_or_missing_log_is_ok(log: Path) -> None:
    assert audit.verify() == audit.VerifyReport(ok=True, lines=0, bad_line=None, reason="")
    assert audit.read() == []
    log.write_bytes(b"")
    assert audit.verify() == audit.VerifyReport(ok=True, lines=0, bad_line=None, reason="")


def test_edited_line_fails(log: Path) -> None:
    three()
    lines = lines_of(log)
    assert lines[1].count(b"Garcia") == 1
    lines[1] = lines[1].replace(b"Garcia", b"Garcio")
    write_lines(log, lines)
    report = audit.verify()
    assert not report.ok
    assert report.bad_line in (2, 3)
    assert report.reason


def test_deleted_middle_line_fails(log: Path) -> None:
    three()
    lines = lines_of(log)
    write_lines(log, [lines[0], lines[2]])
    report = audit.verify()
    assert not report.ok
    assert report.bad_line == 2  # its seq is 3 where 2 belongs
    assert report.reason


def test_last_line_cut_off_fails(log: Path) -> None:
    three()
    write_lines(log, lines_of(log)[:2])
    report = audit.verify()
    assert not report.ok
    assert report.lines == 2
    assert "head" in report.reason
    # Appending would hide the cut by rewriting the head, so it is refused.
    with pytest.raises(AuditTampered):
        audit.record("logout", user="ana", role="analyst")
    assert len(lines_of(log)) == 2


def test_reordered_pair_fails(log: Path) -> None:
    three()
    lines = lines_of(log)
    write_lines(log, [lines[0], lines[2], lines[1]])
    report = audit.verify()
    assert not report.ok
    assert report.bad_line == 2
    assert report.reason


def test_missing_head_and_partial_line_fail(log: Path) -> None:
    three()
    data = log.read_bytes()
    head = head_of(log).read_bytes()
    head_of(log).unlink()
    report = audit.verify()
    assert (report.ok, report.reason) == (False, "head file missing")
    head_of(log).write_bytes(head)
    log.write_bytes(data[:-5])  # a torn last line
    report = audit.verify()
    assert not report.ok and report.bad_line == 3
    with pytest.raises(AuditTampered):
        audit.record("logout", user="ana", role="analyst")


def test_head_one_line_behind(log: Path) -> None:
    three()
    lines = lines_of(log)
    # As after a crash between the append of line 3 and the head update.
    head_of(log).write_text(f"2 {sha(lines[1])}", encoding="ascii")
    report = audit.verify()
    assert (report.ok, report.bad_line) == (False, 3)
    entry = audit.record("logout", user="ana", role="analyst")
    assert (entry["seq"], entry["prev"]) == (4, sha(lines[2]))
    assert audit.verify().ok


def test_hand_built_log_verifies(log: Path) -> None:
    base = {"user": "u", "role": "r", "action": "search", "subjects": [], "details": {}}
    hand_log(log, [{"at": "2026-01-01T00:00:00+00:00", **base}, {"at": "2026-01-02T00:00:00+00:00", **base}])
    assert audit.verify() == audit.VerifyReport(ok=True, lines=2, bad_line=None, reason="")
    entry = audit.record("logout", user="u", role="r")
    lines = lines_of(log)
    assert entry["seq"] == 3
    assert entry["prev"] == sha(lines[1])


def _append_many(path: str, worker: int, count: int) -> None:
    for i in range(count):
        audit.record(
            "search",
            user=f"w{worker}",
            role="analyst",
            subjects=[f"P{worker}-{i}"],
            details={"i": i},
            path=Path(path),
        )


def check_chain(path: Path, expected: int) -> list[dict[str, Any]]:
    lines = lines_of(path)
    assert len(lines) == expected
    parsed = [json.loads(line) for line in lines]
    assert [o["seq"] for o in parsed] == list(range(1, expected + 1))
    prevs = [ZEROS] + [sha(line) for line in lines[:-1]]
    assert [o["prev"] for o in parsed] == prevs
    assert head_of(path).read_text(encoding="ascii").split() == [str(expected), sha(lines[-1])]
    return parsed


def test_four_processes_append_safely(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_append_many, args=(str(path), w, 25)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    parsed = check_chain(path, 100)
    for w in range(4):
        mine = [o["details"]["i"] for o in parsed if o["user"] == f"w{w}"]
        assert mine == list(range(25))  # each worker's own appends stay in its order
    assert audit.verify(path) == audit.VerifyReport(ok=True, lines=100, bad_line=None, reason="")


def test_threads_append_safely(tmp_path: Path) -> None:
    path = tmp_path / "audit.jsonl"
    threads = [threading.Thread(target=_append_many, args=(str(path), w, 10)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    check_chain(path, 40)
    assert audit.verify(path).ok


def test_read_filters(log: Path) -> None:
    def entry(at: str, user: str, action: str, subjects: list[str]) -> dict[str, Any]:
        return {
            "at": at,
            "user": user,
            "role": "analyst",
            "action": action,
            "subjects": subjects,
            "details": {},
        }

    hand_log(
        log,
        [
            entry("2026-03-01T09:00:00+00:00", "ana", "search", ["P-1"]),
            entry("2026-03-02T23:59:59+00:00", "bo", "view_entity", ["P-2", "P-1"]),
            entry("2026-03-03T00:00:00+00:00", "ana", "view_entity", []),
            entry("2026-03-04T12:00:00+00:00", "bo", "package", ["P-2"]),
        ],
    )

    def seqs(**filters: Any) -> list[int]:
        return [e["seq"] for e in audit.read(**filters)]

    assert seqs() == [1, 2, 3, 4]
    assert seqs(user="ana") == [1, 3]
    assert seqs(subject="P-1") == [1, 2]
    assert seqs(subject="P-") == []  # whole ids only
    assert seqs(action="view_entity") == [2, 3]
    assert seqs(since=date(2026, 3, 3)) == [3, 4]
    assert seqs(since=datetime(2026, 3, 2, 23, 59, 59)) == [2, 3, 4]  # naive is UTC
    assert seqs(user="bo", subject="P-2", since=date(2026, 3, 3)) == [4]
    assert audit.read(log, user="nobody") == []


def test_unknown_action_refused(log: Path) -> None:
    with pytest.raises(InputError):
        audit.record("delete_everything", user="ana", role="analyst")
    with pytest.raises(InputError):
        audit.read(action="delete_everything")
    assert not log.exists()
    assert "login" in audit.ACTIONS and len(audit.ACTIONS) == 16


def run_audit(args: list[str], tmp_path: Path, log: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "HILOROJO_"))}
    env.update(HILOROJO_HOME=str(tmp_path), HILOROJO_AUDIT_LOG=str(log), COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "ui.cli.main", "audit", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli(tmp_path: Path) -> None:
    log = tmp_path / "trail" / "audit.jsonl"
    three(log)
    expected = [json.loads(line) for line in lines_of(log)]

    listed = run_audit(["--json"], tmp_path, log)
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == expected

    newest = run_audit(["--json", "--limit", "2", "--subject", "P-1"], tmp_path, log)
    assert newest.returncode == 0, newest.stderr
    assert [e["seq"] for e in json.loads(newest.stdout)] == [2, 3]

    table = run_audit([], tmp_path, log)
    assert table.returncode == 0, table.stderr
    assert "package" in table.stdout and "format=pdf" in table.stdout

    good = run_audit(["verify"], tmp_path, log)
    assert good.returncode == 0, good.stderr
    assert good.stdout.strip() == "audit trail intact: 3 lines"

    lines = lines_of(log)
    lines[1] = lines[1].replace(b"Garcia", b"Garcio")
    write_lines(log, lines)
    bad = run_audit(["verify"], tmp_path, log)
    assert bad.returncode == 9
    assert "Traceback" not in bad.stderr
    message = bad.stderr.strip()
    assert "\n" not in message
    assert re.fullmatch(
        rf"hilorojo: audit trail broken at line [23] of {re.escape(str(log))}: .+ -- {re.escape(HINT)}",
        message,
    )

    bad_json = run_audit(["verify", "--json"], tmp_path, log)
    assert bad_json.returncode == 9
    report = json.loads(bad_json.stdout)
    assert report["ok"] is False and report["bad_line"] in (2, 3)


def test_since_today_and_tomorrow(log: Path) -> None:
    three()
    today = datetime.now().astimezone().date()
    # The entries were written now; a day before today (in any zone) includes them, two days after excludes.
    assert len(audit.read(since=today - timedelta(days=1))) == 3
    assert audit.read(since=today + timedelta(days=2)) == []
