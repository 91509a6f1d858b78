"""FollowTheMoney entities placed as canonical rows of the four kinds, or refused with a reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from loaders.ftm_conventions import (
    ARREST_KEYWORD,
    CO_ARREST,
    HANDSET_KEYWORD,
    IMEI_KEYWORD,
    OPERATION_KEYWORD,
    PREDICTED,
    ROLE_KEYWORD,
    UNKNOWN_HOLDER,
    USES_HANDSET,
    key_of,
)
from loaders.ftm_entities import Entity
from loaders.readers import RawRow
from loaders.vocabulary import CALL_TYPES, CHANNELS

# The order kinds are written in: arrests first (they record the roles), events last.
ORDER = ("arrests", "identifiers", "calls", "transfers")
NOT_PLACED = (
    "has no place in the model (people, phones, handsets, accounts, documents, calls, payments, arrests)"
)
Row = dict[str, str]


@dataclass
class Plan:
    """What the entities become: rows of each kind (each with its entity's line), people to merge as
    they are, and the entities refused with their reason."""

    rows: dict[str, list[RawRow]] = field(default_factory=lambda: {k: [] for k in ORDER})
    people: dict[str, Row] = field(default_factory=dict)  # person_id -> person columns
    placed_people: set[str] = field(default_factory=set)  # people that some row places
    rejected: list[tuple[Entity, str]] = field(default_factory=list)

    def add(self, kind: str, entity: Entity, row: Row) -> None:
        self.rows[kind].append(RawRow.of(entity.line, row))


def _day(value: str) -> str:
    """The day of a FollowTheMoney date or time; partial dates (a year, a month) stay as they are."""
    return value[:10]


def _moment(value: str) -> str:
    """A FollowTheMoney time (UTC, without zone) as an ISO time in UTC."""
    return value + "Z" if len(value) > 10 and not value.endswith("Z") and "+" not in value[10:] else value


class Placer:
    """Turns entities into rows of the four kinds, or a reason they cannot be placed."""

    def __init__(self, entities: dict[str, Entity]) -> None:
        self.entities = entities
        self.plan = Plan()
        self.cited = {v for e in entities.values() for v in e.values("proof")}
        self.uses: set[tuple[str, str, str]] = set()  # (person, identifier type, identifier) already placed

    def get(self, ftm_id: str, schema: str) -> Entity | None:
        found = self.entities.get(ftm_id)
        return found if found is not None and found.proxy.schema.is_a(schema) else None

    def person(self, entity: Entity) -> Row:
        pid = key_of("person", str(entity.proxy.id))
        if pid in self.plan.people:
            return self.plan.people[pid]
        names = entity.values("name")
        roles = [k[len(ROLE_KEYWORD) :] for k in entity.keywords if k.startswith(ROLE_KEYWORD)]
        birth = entity.first("birthDate")
        nationality = entity.first("nationality") or entity.first("citizenship")
        row = {
            "person_id": pid,
            "full_name": names[0] if names else "",
            "aliases": ";".join(names[1:] + entity.values("alias")),
            "date_of_birth": birth if len(birth) == 10 else "",  # a year or a month alone is not a birth date
            "gender": entity.first("gender"),
            "nationality": nationality.upper(),
            "role": roles[0] if roles else "",
        }
        self.plan.people[pid] = row
        return row

    def identifier(
        self, owner: Entity, entity: Entity, id_type: str, value: str, extra: Row | None = None
    ) -> None:
        person = self.person(owner)
        if (person["person_id"], id_type, value) in self.uses:
            return
        self.uses.add((person["person_id"], id_type, value))
        self.plan.placed_people.add(person["person_id"])
        self.plan.add(
            "identifiers",
            entity,
            {**person, "identifier_type": id_type, "identifier": value, **(extra or {})},
        )

    def dated_uses(
        self, entity: Entity, people: list[Entity | None], id_type: str, values: list[str | None]
    ) -> None:
        """Each person uses or holds each value over the entity's start and end dates (checked present)."""
        dates = {"valid_from": _day(entity.first("startDate")), "valid_to": _day(entity.first("endDate"))}
        for person in people:
            for value in values:
                assert person is not None and value is not None
                self.identifier(person, entity, id_type, value, {**dates, **self.origin(entity)})

    def origin(self, entity: Entity) -> Row:
        records = entity.values("recordId")
        return {"origin": "; ".join(records)} if records else {}

    def account_key(self, ftm_id: str) -> str | None:
        account = self.get(ftm_id, "BankAccount")
        if account is None:
            return None
        return account.first("accountNumber") or account.first("iban") or key_of("account", ftm_id)

    # -- one method per schema -------------------------------------------------------------------
    def place(self, entity: Entity) -> str | None:
        """Place the entity; the reason when it cannot be placed."""
        schema = entity.proxy.schema
        for name, method in self.METHODS.items():
            if schema.is_a(name):
                return method(self, entity)
        if schema.is_a("Document") and entity.proxy.id in self.cited:
            return None  # the source of other entities: their provenance names it
        return f"{schema.name} {NOT_PLACED}"

    def _person(self, entity: Entity) -> str | None:
        self.person(entity)
        for phone in entity.values("phone"):
            self.identifier(entity, entity, "phone", phone)
        for email in entity.values("email"):
            self.identifier(entity, entity, "email", email)
        for number in entity.values("passportNumber"):
            self.identifier(entity, entity, "passport", number)
        return None

    def _account(self, entity: Entity) -> str | None:
        return None  # placed by the ownerships and payments that name it

    def _ownership(self, entity: Entity) -> str | None:
        owners = [self.get(o, "Person") for o in entity.values("owner")]
        accounts = [self.account_key(a) for a in entity.values("asset")]
        if not all(owners) or not owners:
            return "Ownership whose owner is not a Person in this file (the model holds people's accounts)"
        if not all(accounts) or not accounts:
            return "Ownership of something other than a BankAccount in this file"
        self.dated_uses(entity, owners, "account", accounts)
        return None

    def _document(self, entity: Entity) -> str | None:
        holders = [self.get(h, "Person") for h in entity.values("holder")]
        if not holders or not all(holders):
            return f"{entity.proxy.schema.name} whose holder is not a Person in this file"
        kind = (
            "passport"
            if entity.proxy.schema.is_a("Passport") or entity.first("type") == "passport"
            else "national_id"
        )
        number = entity.first("number") or entity.first("passportNumber")
        if not number:
            return f"{entity.proxy.schema.name} without a number"
        self.dated_uses(entity, holders, kind, [number])
        return None

    def _call(self, entity: Entity) -> str | None:
        row: Row = {
            "call_id": key_of("call", str(entity.proxy.id)),
            "start_time": _moment(entity.first("startDate") or entity.first("date")),
            "duration_s": entity.first("duration"),
            **self.origin(entity),
        }
        for side, number_prop, party_prop in (
            ("caller", "callerNumber", "caller"),
            ("callee", "receiverNumber", "receiver"),
        ):
            number = entity.first(number_prop)
            people = [p for p in (self.get(i, "Person") for i in entity.values(party_prop)) if p is not None]
            if not number and len(people) == 1 and len(people[0].values("phone")) == 1:
                number = people[0].first("phone")  # the one phone of the one party
            row[side] = number
            if number and len(people) == 1:
                self.identifier(people[0], entity, "phone", number)
        call_type = entity.first("description").lower()
        row["call_type"] = call_type if call_type in CALL_TYPES else ""
        self.plan.add("calls", entity, row)
        return None

    def _payment(self, entity: Entity) -> str | None:
        row: Row = {
            "transaction_id": entity.first("transactionNumber") or key_of("payment", str(entity.proxy.id)),
            "amount": entity.first("amount"),
            "currency": entity.first("currency"),
            "timestamp": _moment(entity.first("date") or entity.first("startDate")),
            "reference": entity.first("purpose"),
            **self.origin(entity),
        }
        channel = entity.first("description").lower()
        row["channel"] = channel if channel in CHANNELS else ""
        for side, party_prop, account_prop in (
            ("sender", "payer", "payerAccount"),
            ("receiver", "beneficiary", "beneficiaryAccount"),
        ):
            account = self.account_key(entity.first(account_prop))
            if account is None:
                return (
                    f"Payment without a {account_prop} in this file (the model moves money between accounts)"
                )
            row[f"{side}_account"] = account
            row[f"{side}_country"] = (
                (self.get(entity.first(account_prop), "BankAccount") or entity).first("country").upper()
            )
            for party in (self.get(i, "Person") for i in entity.values(party_prop)):
                if party is not None:
                    self.identifier(party, entity, "account", account)
        self.plan.add("transfers", entity, row)
        return None

    def _event(self, entity: Entity) -> str | None:
        if ARREST_KEYWORD not in entity.keywords:
            return f"Event that is not an arrest (keyword {ARREST_KEYWORD!r}) {NOT_PLACED}"
        people = [self.get(i, "Person") for i in entity.values("involved")]
        if not people or not all(people):
            return "arrest Event whose people involved are not Persons in this file"
        location = entity.first("location")
        operations = [
            k[len(OPERATION_KEYWORD) :]
            for k in entity.values("keywords")
            if k.lower().startswith(OPERATION_KEYWORD)
        ]
        base = {
            "arrest_id": entity.first("name") or key_of("arrest", str(entity.proxy.id)),
            "arrest_date": _day(entity.first("date") or entity.first("startDate")),
            "operation": operations[0] if operations else "",
            "city": location.split(",")[0].strip() if location else "",
            "country": entity.first("country").upper(),
            "agency": entity.first("summary"),
        }
        for person in people:
            assert person is not None
            row = self.person(person)
            self.plan.placed_people.add(row["person_id"])
            self.plan.add("arrests", entity, {**row, **base})
        return None

    def _associate(self, entity: Entity) -> str | None:
        pair = {key_of("person", i) for i in entity.values("person") + entity.values("associate")}
        if entity.first("relationship") == CO_ARREST and any(
            pair <= {key_of("person", i) for i in e.values("involved")}
            for e in self.entities.values()
            if e.proxy.schema.is_a("Event") and ARREST_KEYWORD in e.keywords
        ):
            return None  # implied by the arrest Event that names both
        return (
            "Associate: ties between two people are kept as the arrests, calls and transfers that make them"
        )

    def _unknown_link(self, entity: Entity) -> str | None:
        if entity.first("role") == PREDICTED:
            return None  # an analysis's inference: `hilorojo analyze` predicts links again from the data
        if entity.first("role") == USES_HANDSET:
            return self._handset_use(entity)
        return (
            "UnknownLink: ties between two people are kept as the arrests, calls and transfers that make them"
        )

    def _handset_use(self, entity: Entity) -> str | None:
        people = [self.get(i, "Person") for i in entity.values("subject")]
        imeis = [self.imei(i) for i in entity.values("object")]
        if not people or not all(people):
            return "UnknownLink 'uses handset' whose subject is not a Person in this file"
        if not imeis or not all(imeis):
            return "UnknownLink 'uses handset' whose object is not a handset (Asset with an imei: keyword)"
        self.dated_uses(entity, people, "imei", imeis)
        return None

    def imei(self, ftm_id: str) -> str | None:
        """The IMEI of a handset Asset of this file."""
        asset = self.get(ftm_id, "Asset")
        if asset is None or HANDSET_KEYWORD not in asset.keywords:
            return None
        found = [k[len(IMEI_KEYWORD) :] for k in asset.keywords if k.startswith(IMEI_KEYWORD)]
        return found[0] if found else None

    def _asset(self, entity: Entity) -> str | None:
        if HANDSET_KEYWORD in entity.keywords:
            return None  # a handset: placed by the people's uses of it
        return f"{entity.proxy.schema.name} {NOT_PLACED}"

    def _legal_entity(self, entity: Entity) -> str | None:
        if UNKNOWN_HOLDER in entity.keywords:
            return None  # the stand-in holder of an account nobody is known to hold
        return f"{entity.proxy.schema.name} {NOT_PLACED}: only people are placed"

    METHODS: dict[str, Callable[[Placer, Entity], str | None]] = {
        "Person": _person,
        "BankAccount": _account,
        "Ownership": _ownership,
        "Passport": _document,
        "Identification": _document,
        "Call": _call,
        "Payment": _payment,
        "Event": _event,
        "Associate": _associate,
        "UnknownLink": _unknown_link,
        "Asset": _asset,
        "LegalEntity": _legal_entity,
    }


def plan_entities(entities: dict[str, Entity]) -> Plan:
    """Every entity placed as rows, or refused with its reason."""
    placer = Placer(entities)
    for entity in sorted(entities.values(), key=lambda e: e.line):
        reason = placer.place(entity)
        if reason is not None:
            placer.plan.rejected.append((entity, reason))
    return placer.plan
