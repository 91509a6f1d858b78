"""The target package as JSON for other systems: the same content as the HTML and PDF, picture included."""

from __future__ import annotations

import base64
import json
from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dossier.document import SECTION_TITLES, TargetPackage


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)  # exact, as recorded
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def package_dict(pkg: TargetPackage) -> dict[str, Any]:
    """Plain JSON-ready data: amounts as exact decimal strings, times as ISO 8601, the PNG as base64."""
    data = _plain(asdict(pkg))
    data["picture_png_base64"] = data.pop("picture_png")
    data["sections"] = list(SECTION_TITLES)
    data["format"] = "hilorojo-target-package/1"
    return dict(data)


def render_json(pkg: TargetPackage) -> bytes:
    return json.dumps(package_dict(pkg), ensure_ascii=False, indent=2).encode("utf-8")
