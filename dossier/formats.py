"""Render a target package in one of its formats (HTML, PDF, JSON), with file suffix and media type."""

from __future__ import annotations

from collections.abc import Callable

from access import session
from dossier.document import TargetPackage
from dossier.render_html import render_html
from dossier.render_json import render_json
from dossier.render_pdf import render_pdf
from graph.errors import InputError

RENDERERS: dict[str, Callable[[TargetPackage], bytes]] = {
    "html": render_html,
    "pdf": render_pdf,
    "json": render_json,
}
MEDIA_TYPES: dict[str, str] = {"html": "text/html", "pdf": "application/pdf", "json": "application/json"}


def render(pkg: TargetPackage, fmt: str) -> bytes:
    """The package's bytes in ``fmt`` (html, pdf or json); each rendering goes to the audit trail as an
    export of the package, with its format and whether it names victims."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise InputError(f"unknown package format {fmt!r}", "use html, pdf or json")
    data = renderer(pkg)
    session.record(
        "export",
        [pkg.cover.person_id],
        what="target package",
        format=fmt,
        include_victims=pkg.cover.victims_included,
        bytes=len(data),
    )
    return data


def file_name(pkg: TargetPackage, fmt: str) -> str:
    """A safe default file name: ``package-<person_id>.<fmt>``."""
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in pkg.cover.person_id)
    return f"package-{safe}.{fmt}"
