"""The network as FollowTheMoney entities (JSON lines), built and cleaned by the followthemoney library."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from exchange.network import Identifier, Network
from loaders.ftm_conventions import (
    ARREST_KEYWORD,
    CO_ARREST,
    GENDERS,
    HANDSET_KEYWORD,
    IMEI_KEYWORD,
    OPERATION_KEYWORD,
    PREDICTED,
    ROLE_KEYWORD,
    UNKNOWN_HOLDER,
    USES_HANDSET,
    entity_id,
)


def _when(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None if value is None else str(value)


class _Builder:
    def __init__(self, network: Network) -> None:
        self.network = network
        self.owners = network.owners()
        self.dropped: dict[str, int] = {}
        self.cited: set[str] = set()

    def make(self, schema: str, ftm_id: str) -> EntityProxy:
        entity = model.make_entity(schema)
        entity.id = ftm_id
        return entity

    def add(self, entity: EntityProxy, prop: str, values: Any) -> None:
        """Add values the library cleans; count those it refuses (e.g. a number that is not a phone)."""
        items = values if isinstance(values, list | tuple | set) else [values]
        for value in items:
            if value is None or value == "":
                continue
            before = len(entity.get(prop))
            entity.add(prop, value, quiet=True)
            if len(entity.get(prop)) == before and str(value) not in entity.get(prop):
                self.dropped[f"{entity.schema.name}.{prop}"] = (
                    self.dropped.get(f"{entity.schema.name}.{prop}", 0) + 1
                )

    def proof(self, entity: EntityProxy, source_ids: Iterable[Any], origins: Iterable[str] = ()) -> None:
        """Provenance: the source files as Document entities (``proof``) and ``file:row`` (``recordId``)."""
        for sid in sorted({str(s) for s in source_ids if s}):
            if sid in self.network.sources:
                self.cited.add(sid)
                self.add(entity, "proof", entity_id("source", sid))
        if "recordId" in entity.schema.properties:
            self.add(entity, "recordId", sorted(set(origins)))

    def person_ref(self, pid: str) -> str:
        return entity_id("person", pid)

    def account_ref(self, key: str) -> str:
        return entity_id("account", key)

    def usable_phone(self, key: str) -> str | None:
        ident = self.network.identifiers.get(("Phone", key))
        return None if ident is None or ident.protected else key

    # -- entities -----------------------------------------------------------------------------------
    def people(self) -> Iterator[EntityProxy]:
        own: dict[str, list[Identifier]] = {}
        for lk in self.network.links:
            ident = self.network.identifiers.get((lk.label, lk.key))
            if ident is not None and not ident.protected:
                own.setdefault(lk.person_id, []).append(ident)
        for pid, p in sorted(self.network.people.items()):
            e = self.make("Person", self.person_ref(pid))
            self.add(e, "name", p.get("name") or pid)
            self.add(e, "alias", list(p.get("aliases") or []))
            self.add(e, "birthDate", _when(p.get("date_of_birth")))
            self.add(e, "gender", GENDERS.get(str(p.get("gender"))))
            self.add(e, "nationality", p.get("nationality"))
            self.add(e, "keywords", ROLE_KEYWORD + str(p.get("role") or "unknown"))
            for prop in ("community", "organisation"):
                if p.get(prop) is not None:
                    self.add(e, "keywords", f"{prop}:{p[prop]}")
            if p.get("key_player"):
                self.add(e, "keywords", "key-player")
            for ident in own.get(pid, []):
                if ident.label == "Phone":
                    self.add(e, "phone", ident.key)
                elif ident.label == "Email":
                    self.add(e, "email", ident.key)
            self.proof(e, p.get("source_ids") or [])
            yield e

    def accounts(self) -> Iterator[EntityProxy]:
        for (label, key), ident in sorted(self.network.identifiers.items()):
            if label != "Account":
                continue
            e = self.make("BankAccount", self.account_ref(key))
            self.add(e, "name", key)
            if not ident.protected:
                self.add(e, "accountNumber", key)
                self.add(e, "country", ident.props.get("country"))
            self.proof(e, ident.props.get("source_ids") or [])
            yield e

    def handsets(self) -> Iterator[EntityProxy]:
        """Each handset as an Asset, and each person's use of it as an UnknownLink person -> handset."""
        for (label, key), ident in sorted(self.network.identifiers.items()):
            if label != "Device" or ident.protected:
                continue
            e = self.make("Asset", entity_id("device", key))
            self.add(e, "name", f"Handset {key}")
            self.add(e, "keywords", [HANDSET_KEYWORD, IMEI_KEYWORD + key])
            self.proof(e, ident.props.get("source_ids") or [])
            yield e
        for lk in self.network.links:
            if lk.label != "Device" or self.network.identifiers[(lk.label, lk.key)].protected:
                continue
            e = self.make("UnknownLink", entity_id("uses-device", f"{lk.person_id}.{lk.key}"))
            self.add(e, "subject", self.person_ref(lk.person_id))
            self.add(e, "object", entity_id("device", lk.key))
            self.add(e, "role", USES_HANDSET)
            self.add(e, "startDate", _when(lk.valid_from))
            self.add(e, "endDate", _when(lk.valid_to))
            sids = [r.rpartition(":")[0] for r in lk.source_rows]
            self.proof(e, sids, self.network.origins(lk.source_rows))
            yield e

    def holdings(self) -> Iterator[EntityProxy]:
        for lk in self.network.links:
            ident = self.network.identifiers[(lk.label, lk.key)]
            origins = self.network.origins(lk.source_rows)
            sids = [r.rpartition(":")[0] for r in lk.source_rows]
            if lk.label == "Account":
                e = self.make("Ownership", entity_id("holds", f"{lk.person_id}.{lk.key}"))
                self.add(e, "owner", self.person_ref(lk.person_id))
                self.add(e, "asset", self.account_ref(lk.key))
                self.add(e, "role", "holder")
            elif lk.label == "Document" and not ident.protected:
                doc_type = str(ident.props.get("doc_type") or "document")
                schema = "Passport" if doc_type == "passport" else "Identification"
                e = self.make(schema, entity_id("document", f"{lk.person_id}.{lk.key}"))
                self.add(e, "holder", self.person_ref(lk.person_id))
                self.add(e, "number", ident.props.get("number") or lk.key)
                self.add(e, "type", doc_type)
            else:
                continue
            self.add(e, "startDate", _when(lk.valid_from))
            self.add(e, "endDate", _when(lk.valid_to))
            self.proof(e, sids, origins)
            yield e

    def calls(self) -> Iterator[EntityProxy]:
        for c in self.network.calls:
            e = self.make("Call", entity_id("call", str(c["call_id"])))
            for side, number_prop, party_prop in (
                ("caller", "callerNumber", "caller"),
                ("callee", "receiverNumber", "receiver"),
            ):
                self.add(e, number_prop, self.usable_phone(c[side]))
                self.add(e, party_prop, [self.person_ref(p) for p in self.owners.get(("Phone", c[side]), [])])
            start = c["start_time"]
            self.add(e, "startDate", _when(start))
            if c.get("duration_s") is not None:
                self.add(e, "duration", int(c["duration_s"]))
                if isinstance(start, datetime):
                    self.add(e, "endDate", _when(start + timedelta(seconds=int(c["duration_s"]))))
            self.add(e, "description", c.get("call_type"))
            self.proof(e, [c.get("source_id")], [self.network.origin(c.get("source_id"), c.get("row"))])
            yield e

    def payments(self) -> Iterator[EntityProxy]:
        standins: dict[str, EntityProxy] = {}
        for t in self.network.transfers:
            e = self.make("Payment", entity_id("payment", str(t["transaction_id"])))
            for side, party, account in (
                ("sender", "payer", "payerAccount"),
                ("receiver", "beneficiary", "beneficiaryAccount"),
            ):
                self.add(e, account, self.account_ref(t[side]))
                holders = self.owners.get(("Account", t[side]), [])
                if holders:
                    self.add(e, party, [self.person_ref(p) for p in holders])
                    continue
                if t[side] not in standins:
                    holder = self.make("LegalEntity", entity_id("holder", t[side]))
                    self.add(holder, "name", f"Holder of account {t[side]}")
                    self.add(holder, "keywords", UNKNOWN_HOLDER)
                    standins[t[side]] = holder
                self.add(e, party, standins[t[side]].id)
            self.add(e, "amount", t.get("amount"))
            self.add(e, "currency", t.get("currency"))
            self.add(e, "date", _when(t.get("timestamp")))
            self.add(e, "transactionNumber", str(t["transaction_id"]))
            self.add(e, "purpose", t.get("reference"))
            self.add(e, "description", t.get("channel"))
            self.proof(e, [t.get("source_id")], [self.network.origin(t.get("source_id"), t.get("row"))])
            yield e
        yield from standins.values()

    def arrests(self) -> Iterator[EntityProxy]:
        for a in self.network.arrests:
            arrest = a["arrest"]
            aid = str(arrest["arrest_id"])
            event = self.make("Event", entity_id("arrest", aid))
            self.add(event, "name", aid)
            self.add(event, "keywords", ARREST_KEYWORD)
            if a.get("operation"):
                self.add(event, "keywords", OPERATION_KEYWORD + str(a["operation"]))
            self.add(event, "date", _when(arrest.get("arrest_date")))
            self.add(event, "country", arrest.get("country"))
            self.add(
                event, "location", ", ".join(str(v) for v in (arrest.get("city"), arrest.get("country")) if v)
            )
            self.add(event, "summary", arrest.get("agency"))
            involved = a["involved"]
            self.add(event, "involved", [self.person_ref(i["person_id"]) for i in involved])
            rows = [r for i in involved for r in i["source_rows"]]
            self.proof(
                event,
                [r.rpartition(":")[0] for r in rows] + list(arrest.get("source_ids") or []),
                self.network.origins(rows),
            )
            yield event
            for n, first in enumerate(involved):
                for second in involved[n + 1 :]:
                    pair = f"{aid}.{first['person_id']}.{second['person_id']}"
                    e = self.make("Associate", entity_id("associate", pair))
                    self.add(e, "person", self.person_ref(first["person_id"]))
                    self.add(e, "associate", self.person_ref(second["person_id"]))
                    self.add(e, "relationship", CO_ARREST)
                    self.add(e, "date", _when(arrest.get("arrest_date")))
                    self.add(e, "summary", f"arrest {aid}")
                    both = list(first["source_rows"]) + list(second["source_rows"])
                    self.proof(e, [r.rpartition(":")[0] for r in both], self.network.origins(both))
                    yield e

    def likely(self) -> Iterator[EntityProxy]:
        for lk in self.network.likely:
            e = self.make("UnknownLink", entity_id("likely", f"{lk['a']}.{lk['b']}"))
            self.add(e, "subject", self.person_ref(str(lk["a"])))
            self.add(e, "object", self.person_ref(str(lk["b"])))
            self.add(e, "role", PREDICTED)
            self.add(e, "description", f"inference, not evidence: score {lk['score']} ({lk['analysis_id']})")
            yield e

    def documents(self) -> Iterator[EntityProxy]:
        for sid in sorted(self.cited):
            src = self.network.sources[sid]
            e = self.make("Document", entity_id("source", sid))
            self.add(e, "fileName", src.get("file_name") or sid)
            self.add(e, "title", src.get("file_name") or sid)
            self.add(e, "keywords", [f"kind:{src.get('kind')}", f"sha256:{src.get('sha256')}"])
            yield e


def entities(network: Network) -> tuple[list[EntityProxy], dict[str, int]]:
    """Every entity of the network, and how many values the library refused, by schema.property."""
    b = _Builder(network)
    out = [*b.people(), *b.accounts(), *b.holdings(), *b.handsets(), *b.calls(), *b.payments(), *b.arrests()]
    out += list(b.likely())
    out += list(b.documents())
    return out, b.dropped


def write_ftm(network: Network) -> tuple[bytes, dict[str, int]]:
    """JSON lines, one entity a line, and the values refused by the library's cleaning."""
    found, dropped = entities(network)
    lines = [json.dumps(e.to_dict(), ensure_ascii=False, sort_keys=True) for e in found]
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b"", dropped
