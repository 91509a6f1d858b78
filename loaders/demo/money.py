"""Money: victims' payments, collections, structured deposits, the launderer's payouts, remittances."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from loaders.demo.dataset import STRUCTURING_MAX_CENTS, STRUCTURING_MIN_CENTS
from loaders.demo.model import Account, Person, day_between, iso_time
from loaders.demo.names import strip_accents_upper
from loaders.demo.organisation import Org
from loaders.demo.route import DAY, MXS_INDEX, NI_INDEX, OFFSET_MIN, VE_INDEX


class Ledger:
    """One organisation's transfers as rows, numbered in the order they are made and kept with their time."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.rows: list[tuple[int, dict[str, str]]] = []
        self.seq = 0

    def add(
        self,
        sender: Account,
        receiver: Account,
        cents: int,
        currency: str,
        when: int,
        channel: str,
        reference: str,
        by: Person,
        to: Person,
    ) -> str:
        self.seq += 1
        tx = f"TX-{self.org.index + 1:03d}-{self.seq:05d}"
        offset = OFFSET_MIN.get(sender.country, 0)
        sender_name = by.name if self.org.rng.random() < 0.7 else strip_accents_upper(by.name)
        self.rows.append(
            (
                when,
                {
                    "transaction_id": tx,
                    "sender_account": sender.account_id,
                    "receiver_account": receiver.account_id,
                    "amount": f"{cents // 100}.{cents % 100:02d}",
                    "currency": currency,
                    "timestamp": iso_time(when, offset),
                    "channel": channel,
                    "sender_name": sender_name,
                    "receiver_name": to.name,
                    "sender_country": sender.country,
                    "receiver_country": receiver.country,
                    "reference": reference,
                },
            )
        )
        return tx


def transfer_rows(org: Org, n_transfers: int) -> Iterator[dict[str, str]]:
    """The organisation's transfers in time order: the planted money flows, then remittances up to ``n``."""
    ledger = Ledger(org)
    _victim_payments(org, ledger)
    _collections(org, ledger)
    _structuring(org, ledger)
    _payouts(org, ledger)
    _remittances(org, ledger, n_transfers)
    ledger.rows.sort(key=lambda r: (r[0], r[1]["transaction_id"]))
    for _, row in ledger.rows:
        yield row


def _victim_payments(org: Org, ledger: Ledger) -> None:
    """Victims pay their recruiter before the journey."""
    rng = org.rng
    for victim in org.victims:
        recruiter = victim.recruiter
        assert recruiter is not None
        target = recruiter.accounts[-1]
        for _ in range(rng.choice((1, 1, 2))):
            when = victim.t0 - rng.randrange(1, 20) * DAY - rng.randrange(DAY)
            channel = (
                "hawala"
                if victim.accounts[0].account_id.startswith("HWL")
                else rng.choice(("remittance", "mobile_money"))
            )
            cents = rng.randrange(300, 3500) * 100
            ledger.add(victim.accounts[0], target, cents, "USD", when, channel, "viaje", victim, recruiter)


def _collections(org: Org, ledger: Ledger) -> None:
    """Recruiters pass the money to their cell's collector."""
    rng, ctx = org.rng, org.ctx
    for place_index in (0, 1, 2, NI_INDEX):
        collector = next(p for p in org.cells[place_index] if p.function == "collector")
        for recruiter in [p for p in org.cells[place_index] if p.function == "recruiter"]:
            for _ in range(3):
                when = ctx.epoch(day_between(rng, date(2023, 2, 1), date(2024, 12, 20)))
                ledger.add(
                    recruiter.accounts[0],
                    collector.accounts[0],
                    rng.randrange(1000, 4000) * 100,
                    "USD",
                    when,
                    "bank",
                    "abono",
                    recruiter,
                    collector,
                )


def _structuring(org: Org, ledger: Ledger) -> None:
    """Structuring: deposits just under the threshold into two collectors, then on to another country."""
    rng, ctx = org.rng, org.ctx
    assert org.launderer is not None
    laundering = org.launderer.accounts
    for place_index, destination in ((VE_INDEX, laundering[0]), (MXS_INDEX, laundering[1])):
        collector = next(p for p in org.cells[place_index] if p.function == "collector")
        account = collector.accounts[0]
        payers = [p for p in org.cells[place_index] if p.accounts and p is not collector]
        start = ctx.epoch(day_between(rng, date(2023, 4, 1), date(2024, 9, 1)))
        tx_in: list[str] = []
        tx_out: list[str] = []
        for i in range(12):
            payer = payers[i % len(payers)]
            when = start + i * DAY + rng.randrange(DAY)
            cents = rng.randrange(STRUCTURING_MIN_CENTS // 100, STRUCTURING_MAX_CENTS // 100 + 1) * 100
            cents += rng.randrange(100) if rng.random() < 0.3 else 0
            cents = min(cents, STRUCTURING_MAX_CENTS)
            tx_in.append(
                ledger.add(
                    payer.accounts[0], account, cents, "USD", when, "bank", "depósito", payer, collector
                )
            )
        for i in range(8):
            when = start + (14 + i) * DAY + rng.randrange(DAY)
            cents = rng.randrange(STRUCTURING_MIN_CENTS // 100, STRUCTURING_MAX_CENTS // 100 + 1) * 100
            tx_out.append(
                ledger.add(
                    account,
                    destination,
                    cents,
                    "USD",
                    when,
                    "wire",
                    "servicios",
                    collector,
                    org.launderer,
                )
            )
        ctx.key["structuring"].append(
            {
                "account_id": account.account_id,
                "person_id": collector.pid,
                "onward_account": destination.account_id,
                "onward_country": destination.country,
                "deposits": tx_in,
                "onward": tx_out,
            }
        )


def _payouts(org: Org, ledger: Ledger) -> None:
    """The launderer pays the organisation's leaders and brokers."""
    rng, ctx = org.rng, org.ctx
    assert org.launderer is not None
    laundering = org.launderer.accounts
    for paid in [org.cells[0][0], org.cells[MXS_INDEX][0], org.brokers[2][0]]:
        when = ctx.epoch(day_between(rng, date(2023, 9, 1), date(2024, 12, 20)))
        ledger.add(
            laundering[1],
            paid.accounts[0],
            rng.randrange(20_000, 50_000) * 100,
            "USD",
            when,
            "wire",
            "consultoría",
            org.launderer,
            paid,
        )
    ctx.key["launderers"]["person_ids"].append(org.launderer.pid)
    ctx.key["launderers"]["account_ids"].extend(a.account_id for a in laundering)


def _remittances(org: Org, ledger: Ledger, n_transfers: int) -> None:
    """Ordinary remittances: relatives send money home to the one person they support."""
    rng, ctx = org.rng, org.ctx
    supported = list(zip(org.relatives, org.relative_targets(), strict=True))
    while len(ledger.rows) < n_transfers:
        by, to = rng.choice(supported)
        when = ctx.epoch(day_between(rng, date(2023, 1, 1), date(2024, 12, 30))) + rng.randrange(DAY)
        currency = rng.choice(("USD", "USD", "USD", "COP", "MXN"))
        units = {"USD": (50, 900), "COP": (200_000, 3_000_000), "MXN": (1_000, 15_000)}[currency]
        ledger.add(
            by.accounts[0],
            to.accounts[0],
            rng.randrange(*units) * 100,
            currency,
            when,
            rng.choice(("remittance", "remittance", "mobile_money", "bank")),
            "familia",
            by,
            to,
        )
