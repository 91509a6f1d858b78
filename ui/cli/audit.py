"""`hilorojo audit …`: who did what to whom, and a check that nobody edited, cut or reordered the trail."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

import click

from access import audit
from graph.errors import InputError
from ui.cli.output import console, print_json, print_table

JSON_OPTION = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
SUBJECTS_SHOWN = 3
DETAILS_WIDTH = 60


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"--since {value!r} is not a date", "write it as YYYY-MM-DD") from exc


def _subjects(subjects: Sequence[str]) -> str:
    """The first few subjects and how many more, so a long list keeps its row short."""
    shown = ", ".join(subjects[:SUBJECTS_SHOWN])
    more = len(subjects) - SUBJECTS_SHOWN
    return f"{shown} +{more} more" if more > 0 else shown


def _details(details: Mapping[str, Any]) -> str:
    """``key=value`` pairs on one line, cut to fit a terminal column."""
    parts = []
    for key, value in details.items():
        if isinstance(value, list):
            text = ",".join(str(v) for v in value)
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        parts.append(f"{key}={' '.join(text.split())}")
    summary = ", ".join(parts)
    return summary if len(summary) <= DETAILS_WIDTH else summary[: DETAILS_WIDTH - 1] + "…"


@click.group("audit", invoke_without_command=True)
@click.option("--user", default=None, help="Only this user's entries.")
@click.option("--subject", default=None, help="Only entries about this person id or record key.")
@click.option("--action", type=click.Choice(audit.ACTIONS), default=None, help="Only this action.")
@click.option("--since", default=None, help="Only entries on or after this day (YYYY-MM-DD, UTC).")
@click.option(
    "--limit", default=50, show_default=True, type=click.IntRange(min=1), help="Newest entries to show."
)
@JSON_OPTION
@click.pass_context
def audit_group(
    ctx: click.Context,
    user: str | None,
    subject: str | None,
    action: str | None,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """The audit trail: who did what, when, to whom (the newest entries, oldest first)."""
    if ctx.invoked_subcommand is not None:
        return
    entries = audit.read(user=user, subject=subject, action=action, since=_date(since))[-limit:]
    if as_json:
        print_json(entries)
        return
    if not entries:
        console.print("no audit entries")
        return
    rows = [
        {
            "seq": e.get("seq"),
            "at": str(e.get("at", "")).replace("T", " ").removesuffix("+00:00"),
            "user": e.get("user"),
            "role": e.get("role"),
            "action": e.get("action"),
            "subjects": _subjects([str(s) for s in e.get("subjects") or ()]),
            "details": _details(e.get("details") or {}),
        }
        for e in entries
    ]
    print_table(rows, title="audit trail (times in UTC)")


@audit_group.command("verify")
@JSON_OPTION
def verify_cmd(as_json: bool) -> None:
    """Check the hash chain and the head file; exit code 9 when the trail was edited, cut or reordered."""
    path = audit.log_path()
    report = audit.verify(path)
    if as_json:
        print_json({**asdict(report), "path": str(path)})
    if not report.ok:
        raise audit.tampered(path, report.bad_line or report.lines, report.reason)
    if not as_json:
        console.print(f"audit trail intact: {report.lines} line{'' if report.lines == 1 else 's'}")
