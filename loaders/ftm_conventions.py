"""How Hilo Rojo writes its records as FollowTheMoney entities: ids, and the keywords that carry roles."""

from __future__ import annotations

import hashlib
import re

# Entity ids: "hr-<kind>-<key>" while the key is a valid FtM id, else "hr-<kind>-x<sha1 of the key>".
ID_PREFIX = "hr-"
_SAFE = re.compile(r"[A-Za-z0-9.-]{1,200}")
GENDERS = {"F": "female", "M": "male", "X": "other"}
ROLE_KEYWORD = "role:"  # Person keyword carrying the Hilo Rojo role (suspect, victim, witness, unknown)
ARREST_KEYWORD = "arrest"  # Event keyword of an arrest (its name is the arrest_id)
OPERATION_KEYWORD = "operation:"  # Event keyword naming the arrest's operation
CO_ARREST = "arrested together"  # Associate relationship of two people in one arrest
PREDICTED = "predicted hidden link"  # UnknownLink role of a link an analysis predicted (inference)
# A handset (FollowTheMoney has no device schema) is an Asset with this keyword and "imei:<IMEI>";
# each person's use of it is an UnknownLink (person -> handset) with the role USES_HANDSET.
HANDSET_KEYWORD = "hilorojo:handset"
IMEI_KEYWORD = "imei:"
USES_HANDSET = "uses handset"
# Keyword of the stand-in payer or beneficiary of an account nobody is known to hold (FollowTheMoney
# requires both on a Payment).
UNKNOWN_HOLDER = "hilorojo:unknown-holder"


def entity_id(kind: str, key: str) -> str:
    """A stable id: the same record gets the same id in every export."""
    if _SAFE.fullmatch(key):
        return f"{ID_PREFIX}{kind}-{key}"
    return f"{ID_PREFIX}{kind}-x{hashlib.sha1(key.encode('utf-8')).hexdigest()}"


def key_of(kind: str, ftm_id: str) -> str:
    """The key an ``entity_id`` was made from (hashed keys stay as their id); other ids as they are."""
    prefix = f"{ID_PREFIX}{kind}-"
    return ftm_id[len(prefix) :] if ftm_id.startswith(prefix) else ftm_id
