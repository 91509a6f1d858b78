"""Batches of canonical records of one kind turned into the write steps of their transactions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graph import ingest
from graph.connection import Graph
from loaders.call_columns import CallColumns
from loaders.call_jobs import CallJobs
from loaders.graph_rows import country_rows, person_link, phone_row
from loaders.kinds import Record
from loaders.outcomes import outcome_steps
from loaders.people import PersonResolver
from values.phone import PhoneNumber

Batch = list[Record] | CallColumns  # the normalised records of one batch: calls come as columns


class BatchWriter:
    """Turns batches of canonical records of one kind into transactions, and keeps per-load state."""

    def __init__(self, graph: Graph, kind: str, source_id: str) -> None:
        self.graph = graph
        self.kind = kind
        self.source_id = source_id
        self.people = PersonResolver(graph)
        self.call_jobs = CallJobs(graph, source_id)
        self.seen_phones: set[str] = set()
        self.nodes_created = 0
        self.relationships_created = 0
        self.record_duplicates = 0  # repeats of a record id within a batch, same content (not calls)

    @property
    def duplicates(self) -> int:
        """Records that repeated an earlier one of their batch with the same content (left out)."""
        return self.record_duplicates + self.call_jobs.duplicates

    def row_ref(self, line: int) -> str:
        return f"{self.source_id}:{line}"

    def prepare(self, records: Batch) -> Callable[[], ingest.BatchResult]:
        """Do the Python work of a batch that depends on no earlier batch, and return what writes it.

        ``load_file`` prepares a batch in the reading thread while earlier batches are written, so
        that the writer thread does little besides waiting on Neo4j (for calls; the other kinds
        do their work in the writer).
        """
        if isinstance(records, CallColumns):
            return self.call_jobs.prepare(records)
        write: Callable[[list[Record]], ingest.BatchResult] = getattr(self, "_" + self.kind)
        return lambda: write(records)

    def run(self, job: Callable[[], ingest.BatchResult]) -> list[tuple[int, str]]:
        """Write one prepared batch; return the (line, reason) of rows refused by the graph."""
        result = job()
        self.nodes_created += result.nodes_created
        self.relationships_created += result.relationships_created
        return [
            (
                int(c["line"]),
                f"record id already used by a different record (source {c['other_source']}, "
                f"line {c['other_row']})",
            )
            for c in result.conflicts
        ]

    def _resolve_people(self, persons: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        self.people.prefetch({p["name_key"] for p in persons if p["person_id"] is None and p["name_key"]})
        for person in persons:
            self.people.resolve(person)
        return [dict(p) for p in persons]

    def _new_phones(self, phones: Sequence[PhoneNumber]) -> list[dict[str, Any]]:
        rows = {}
        for phone in phones:
            if phone.number not in self.seen_phones and phone.number not in rows:
                rows[phone.number] = phone_row(phone)
        return list(rows.values())

    def _arrests(self, records: list[Record]) -> ingest.BatchResult:
        people = self._resolve_people([r["person"] for r in records])
        codes = {r["country"] for r in records if r["country"]} | {
            p["nationality"] for p in people if p["nationality"]
        }
        phones = [p for r in records for p in r["phones"]]
        involved, part_of, national, in_country, uses, holds = [], [], [], [], [], []
        accounts: dict[str, dict[str, Any]] = {}
        for r in records:
            pid, ref = r["person"]["person_id"], self.row_ref(r["line"])
            involved.append(
                {
                    "person_id": pid,
                    "arrest_id": r["arrest_id"],
                    "role": r["person"]["role"],
                    "charges": r["charges"],
                    "source_row": ref,
                    "extra": r["extra"],
                }
            )
            if r["operation"]:
                part_of.append({"arrest_id": r["arrest_id"], "operation": r["operation"]})
            if r["person"]["nationality"]:
                national.append({"person_id": pid, "code": r["person"]["nationality"]})
            if r["country"]:
                in_country.append({"arrest_id": r["arrest_id"], "code": r["country"]})
            for phone in r["phones"]:
                uses.append(person_link(pid, phone.number, ref))
            for account in r["accounts"]:
                accounts.setdefault(
                    account, {"account_id": account, "holder_name": r["person"]["name"], "country": None}
                )
                holds.append(person_link(pid, account, ref))
        arrests = [
            {
                k: r[k]
                for k in ("arrest_id", "arrest_date", "agency", "city", "country", "latitude", "longitude")
            }
            for r in records
        ]
        steps: list[ingest.Step] = [
            (ingest.MERGE_PEOPLE, {"people": people}),
            (ingest.MERGE_COUNTRIES, {"countries": country_rows(codes)}),
            (
                ingest.MERGE_OPERATIONS,
                {"operations": [{"name": n} for n in sorted({p["operation"] for p in part_of})]},
            ),
            (ingest.MERGE_ARRESTS, {"arrests": arrests}),
            (ingest.MERGE_PHONES, {"phones": self._new_phones(phones)}),
            (ingest.MERGE_ACCOUNTS, {"accounts": list(accounts.values())}),
            (ingest.LINK_INVOLVED_IN, {"links": involved}),
            (ingest.LINK_PART_OF, {"links": part_of}),
            (ingest.LINK_NATIONAL_OF, {"links": national}),
            (ingest.LINK_ARREST_COUNTRY, {"links": in_country}),
            (ingest.LINK_USES_PHONE, {"links": uses}),
            (ingest.LINK_HOLDS, {"links": holds}),
        ]
        result = ingest.write_batch(self.graph, self.source_id, steps)
        self.seen_phones.update(p.number for p in phones)
        return result

    def _outcomes(self, records: list[Record]) -> ingest.BatchResult:
        steps = outcome_steps(self.people, records, self.row_ref)
        return ingest.write_batch(self.graph, self.source_id, steps)

    def _identifiers(self, records: list[Record]) -> ingest.BatchResult:
        people = self._resolve_people([r["person"] for r in records])
        codes = {p["nationality"] for p in people if p["nationality"]}
        by_type: dict[str, list[dict[str, Any]]] = {}
        targets: dict[str, dict[str, dict[str, Any]]] = {}
        national = []
        for r in records:
            person, t, id_type = r["person"], r["target"], r["identifier_type"]
            link = person_link(
                person["person_id"], t["key"], self.row_ref(r["line"]), r["valid_from"], r["valid_to"]
            )
            link["extra"] = r["extra"]
            by_type.setdefault(id_type, []).append(link)
            bucket = targets.setdefault(id_type, {})
            if id_type == "phone":
                bucket.setdefault(t["key"], phone_row(t["phone"]))
            elif id_type == "imei":
                bucket.setdefault(t["key"], {"imei": t["key"], "luhn_ok": t["luhn_ok"]})
            elif id_type == "account":
                bucket.setdefault(
                    t["key"], {"account_id": t["key"], "holder_name": person["name"], "country": None}
                )
            elif id_type == "email":
                bucket.setdefault(t["key"], {"address": t["key"]})
            else:
                bucket.setdefault(
                    t["key"], {"doc_id": t["key"], "doc_type": t["doc_type"], "number": t["number"]}
                )
            if person["nationality"]:
                national.append({"person_id": person["person_id"], "code": person["nationality"]})

        def nodes(id_type: str) -> list[dict[str, Any]]:
            return list(targets.get(id_type, {}).values())

        def links(id_type: str) -> dict[str, Any]:
            return {"links": by_type.get(id_type, [])}

        docs = nodes("passport") + nodes("national_id")
        steps: list[ingest.Step] = [
            (ingest.MERGE_PEOPLE, {"people": people}),
            (ingest.MERGE_COUNTRIES, {"countries": country_rows(codes)}),
            (ingest.MERGE_PHONES, {"phones": nodes("phone")}),
            (ingest.MERGE_DEVICES, {"devices": nodes("imei")}),
            (ingest.MERGE_ACCOUNTS, {"accounts": nodes("account")}),
            (ingest.MERGE_EMAILS, {"emails": nodes("email")}),
            (ingest.MERGE_DOCUMENTS, {"documents": docs}),
            (ingest.LINK_NATIONAL_OF, {"links": national}),
            (ingest.LINK_USES_PHONE, links("phone")),
            (ingest.LINK_USES_DEVICE, links("imei")),
            (ingest.LINK_HOLDS, links("account")),
            (ingest.LINK_HAS_EMAIL, links("email")),
            (
                ingest.LINK_HAS_DOCUMENT,
                {"links": by_type.get("passport", []) + by_type.get("national_id", [])},
            ),
        ]
        return ingest.write_batch(self.graph, self.source_id, steps)

    def _dedupe(self, records: list[Record], id_key: str, content: tuple[str, ...]) -> list[Record]:
        """Drop repeats of a record id within the batch (same content) and refuse different content."""
        first: dict[str, Record] = {}

        def fingerprint(r: Record) -> tuple[Any, ...]:
            return tuple(r[c] if c in r else r["props"][c] for c in content)

        kept = []
        for r in records:
            rid = r["props"][id_key]
            earlier = first.setdefault(rid, r)
            if earlier is r:
                kept.append(r)
            elif fingerprint(earlier) == fingerprint(r):
                self.record_duplicates += 1
            else:
                r["conflict"] = True
        return kept

    def _transfers(self, records: list[Record]) -> ingest.BatchResult:
        kept = self._dedupe(records, "transaction_id", ("sender", "receiver", "amount", "timestamp"))
        pairs = {
            (r[side], r[side + "_name"][1])
            for r in kept
            for side in ("sender", "receiver")
            if r[side + "_name"]
        }
        self.people.prefetch_holders(pairs)
        accounts: dict[str, dict[str, Any]] = {}
        people: dict[str, dict[str, Any]] = {}
        codes: set[str] = set()
        in_country = []
        for r in kept:
            for side in ("sender", "receiver"):
                account, named, country = r[side], r[side + "_name"], r[side + "_country"]
                entry = accounts.setdefault(
                    account, {"account_id": account, "holder_name": None, "country": None}
                )
                entry["holder_name"] = entry["holder_name"] or (named[0] if named else None)
                entry["country"] = entry["country"] or country
                if country:
                    codes.add(country)
                    in_country.append({"account_id": account, "code": country})
                if named:
                    pid = self.people.holder(account, named[1])
                    people.setdefault(
                        pid,
                        {
                            "person_id": pid,
                            "name": named[0],
                            "name_key": named[1],
                            "aliases": [],
                            "date_of_birth": None,
                            "gender": None,
                            "nationality": None,
                            "role": None,
                        },
                    )
        events = [
            {"line": r["line"], "sender": r["sender"], "receiver": r["receiver"], "props": r["props"]}
            for r in kept
        ]

        def after(refused: set[int]) -> list[ingest.Step]:
            holds: dict[tuple[str, str], dict[str, Any]] = {}
            for r in kept:
                if r["line"] in refused:
                    continue
                for side in ("sender", "receiver"):
                    named = r[side + "_name"]
                    if named:
                        pid = self.people.holder(r[side], named[1])
                        holds.setdefault((pid, r[side]), person_link(pid, r[side], self.row_ref(r["line"])))
            return [(ingest.LINK_HOLDS, {"links": list(holds.values()), "first_only": True})]

        steps: list[ingest.Step] = [
            (ingest.MERGE_PEOPLE, {"people": list(people.values())}),
            (ingest.MERGE_COUNTRIES, {"countries": country_rows(codes)}),
            (ingest.MERGE_ACCOUNTS, {"accounts": list(accounts.values())}),
            (ingest.LINK_ACCOUNT_COUNTRY, {"links": in_country}),
        ]
        return ingest.write_batch(
            self.graph,
            self.source_id,
            steps,
            ingest.Events(ingest.EVENT_KINDS["transfers"], events),
            after,
        )
