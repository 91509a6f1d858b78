"""Phone numbers and handsets: valid mobile numbers per country, IMEIs with their Luhn check digit."""

from __future__ import annotations

import random
from collections.abc import Callable


def digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randrange(10)) for _ in range(n))


MOBILE_PATTERNS: dict[str, Callable[[random.Random], str]] = {
    "CO": lambda r: (
        "+573"
        + r.choice(
            (
                "00",
                "01",
                "04",
                "05",
                "10",
                "11",
                "12",
                "13",
                "14",
                "15",
                "16",
                "17",
                "18",
                "20",
                "21",
                "23",
                "50",
            )
        )
        + digits(r, 7)
    ),
    "VE": lambda r: "+58" + r.choice(("412", "414", "416", "424", "426")) + digits(r, 7),
    "EC": lambda r: "+5939" + r.choice("6789") + digits(r, 7),
    "HT": lambda r: "+509" + r.choice("34") + digits(r, 7),
    "CU": lambda r: "+535" + digits(r, 7),
    "PA": lambda r: "+5076" + digits(r, 7),
    "CR": lambda r: "+506" + r.choice("678") + digits(r, 7),
    "NI": lambda r: "+5058" + digits(r, 7),
    "HN": lambda r: "+504" + r.choice("389") + digits(r, 7),
    "GT": lambda r: "+502" + r.choice("345") + digits(r, 7),
    "MX": lambda r: "+52" + r.choice(("962", "899", "55", "656")) + digits(r, 7),
    "US": lambda r: "+1" + r.choice(("713", "832", "281", "956")) + str(r.randrange(2, 10)) + digits(r, 6),
    "IN": lambda r: "+91" + r.choice("6789") + digits(r, 9),
    "CN": lambda r: "+861" + r.choice("3578") + digits(r, 9),
    "SN": lambda r: "+221" + r.choice(("77", "78", "76", "70")) + digits(r, 7),
}


def luhn_digit(body: str) -> str:
    """The Luhn check digit of ``body`` (the 15th digit of an IMEI)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


TACS = ("35391110", "35875209", "86769204", "35332811", "35679511", "86072305", "35290611")
