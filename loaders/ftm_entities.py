"""FollowTheMoney entities read from JSON lines (plain or gzip), fragments of one id merged."""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from followthemoney import model
from followthemoney.exc import FollowTheMoneyException
from followthemoney.proxy import EntityProxy

from graph.errors import InputError
from loaders.readers import RawRow


@dataclass
class Entity:
    """One entity read, with the line that gave it (the first line, when fragments were merged)."""

    proxy: EntityProxy
    line: int

    def first(self, prop: str) -> str:
        return str(self.proxy.first(prop, quiet=True) or "")

    def values(self, prop: str) -> list[str]:
        return [str(v) for v in self.proxy.get(prop, quiet=True)]

    @property
    def keywords(self) -> set[str]:
        return {k.lower() for k in self.values("keywords")}

    def raw(self) -> RawRow:
        caption = str(self.proxy.caption or "")
        return RawRow.of(
            self.line, {"id": str(self.proxy.id), "schema": self.proxy.schema.name, "caption": caption}
        )


def read_entities(path: Path) -> tuple[dict[str, Entity], list[tuple[RawRow, str]], int]:
    """The entities of a JSON lines file by id (fragments of one id merged), the unreadable lines with
    their reason, and the number of lines read."""
    try:
        with path.open("rb") as probe:
            gz = probe.read(2) == b"\x1f\x8b"
        handle = gzip.open(path, "rt", encoding="utf-8") if gz else path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read {path}", "check the path and its permissions") from exc
    found: dict[str, Entity] = {}
    bad: list[tuple[RawRow, str]] = []
    lines = 0
    with handle:
        for number, text in enumerate(handle, 1):
            if not text.strip():
                continue
            lines += 1
            try:
                data = json.loads(text)
                if not isinstance(data, dict):
                    raise ValueError
            except ValueError:
                bad.append((RawRow.of(number, {"id": "", "schema": "", "caption": ""}), "not a JSON object"))
                continue
            ident = str(data.get("id") or "")
            schema = str(data.get("schema") or "")
            raw = RawRow.of(number, {"id": ident, "schema": schema, "caption": ""})
            if model.get(schema) is None:
                bad.append((raw, f"unknown FollowTheMoney schema {schema!r}"))
                continue
            try:
                proxy = model.get_proxy(data, cleaned=False)
            except (FollowTheMoneyException, TypeError, ValueError) as exc:
                bad.append((raw, f"not a valid entity: {exc}"))
                continue
            if not proxy.id:
                bad.append((raw, "entity without an id"))
                continue
            if proxy.id in found:
                try:
                    found[proxy.id].proxy.merge(proxy)
                except FollowTheMoneyException as exc:
                    bad.append((raw, f"fragment of {proxy.id} does not merge: {exc}"))
                continue
            found[proxy.id] = Entity(proxy, number)
    return found, bad, lines
