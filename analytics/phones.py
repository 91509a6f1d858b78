"""Phone patterns: handset swaps, burner numbers and their replacements, call profiles, common contacts."""

# One pattern per module: swaps.py, burners.py, phone_profile.py (profiles and common contacts), with
# phone_numbers.py reading the numbers a user means; the CLI and the web UI call them through here.

from __future__ import annotations

from analytics.burners import BurnerReport, NumberActivity, Replacement, burners
from analytics.phone_numbers import phone_candidates
from analytics.phone_profile import (
    DAYS,
    CommonContact,
    CommonContacts,
    Contact,
    Profile,
    common_contacts,
    profile,
)
from analytics.swaps import Swap, Usage, swaps

__all__ = [
    "DAYS",
    "BurnerReport",
    "CommonContact",
    "CommonContacts",
    "Contact",
    "NumberActivity",
    "Profile",
    "Replacement",
    "Swap",
    "Usage",
    "burners",
    "common_contacts",
    "phone_candidates",
    "profile",
    "swaps",
]
