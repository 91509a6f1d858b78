"""Identity resolution: candidate duplicate Person records, and reversible analyst merge/split decisions."""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations
from typing import Any

from rapidfuzz import fuzz

from access import session
from access.roles import Permission
from graph import identity as identity_queries
from graph.connection import Graph
from graph.entities import resolve_person
from graph.errors import InputError, NotFound
from values.name import name_key

# (pattern, replacement) applied in order to each word of a name key: spelling variants that
# transliteration and Spanish/English/Arabic romanisation produce for the same sound
FOLDS: tuple[tuple[str, str], ...] = (
    ("ph", "f"),
    ("th", "t"),
    ("kh", "k"),
    ("sh", "s"),
    ("ck", "k"),
    ("qu", "k"),
    ("q", "k"),
    ("c(?=[ei])", "s"),
    ("c", "k"),
    ("w", "u"),
    ("v", "b"),
    ("z", "s"),
    ("y", "i"),
    ("j", "i"),
    ("ou", "u"),
    ("ee", "i"),
    ("oo", "u"),
    ("h", ""),
)
WEIGHTS = {"name": 0.6, "dob": 0.25, "nationality": 0.15, "identifier": 0.1}
DOB_SCORES = {"same": 1.0, "swapped": 0.8, "missing": 0.5}
MAX_BLOCK = 1000


def fold(word: str) -> str:
    """A word with transliteration variants folded (ph->f, z->s, y/j->i, silent h, ...), doubles collapsed."""
    for pattern, replacement in FOLDS:
        word = re.sub(pattern, replacement, word)
    return re.sub(r"(.)\1+", r"\1", word)


def skeleton(word: str) -> str:
    """The consonants of a folded word, doubles collapsed (the vowels are what romanisations disagree on)."""
    folded = fold(word)
    consonants = re.sub(r"[aeiou]", "", folded)
    return re.sub(r"(.)\1+", r"\1", consonants) or folded


def name_similarity(a: str, b: str) -> tuple[float, str]:
    """Similarity in [0, 1] of two names and why.

    1.0 for the same name key (accents, case, punctuation, word order ignored); otherwise the best of
    rapidfuzz's token-sort ratio on the keys and on the folded keys, 0.85 x the token-set ratio (one
    name contained in the other), and 0.9 when every word has the same consonant skeleton.
    """
    key_a, key_b = name_key(a), name_key(b)
    if not key_a or not key_b:
        return 0.0, ""
    if key_a == key_b:
        return 1.0, "same name"
    folded_a = " ".join(sorted(fold(w) for w in key_a.split()))
    folded_b = " ".join(sorted(fold(w) for w in key_b.split()))
    options = [
        (fuzz.token_sort_ratio(key_a, key_b) / 100, "similar name"),
        (fuzz.token_sort_ratio(folded_a, folded_b) / 100, "similar name (spelling variants)"),
        (0.85 * fuzz.token_set_ratio(folded_a, folded_b) / 100, "one name contains the other"),
    ]
    if sorted(map(skeleton, key_a.split())) == sorted(map(skeleton, key_b.split())):
        options.append((0.9, "transliteration variant"))
    best = max(options, key=lambda o: o[0])
    return best[0], best[1]


def dob_relation(a: date | None, b: date | None) -> str:
    """'same', 'swapped' (day and month exchanged), 'missing' (either unknown) or 'different'."""
    if a is None or b is None:
        return "missing"
    if a == b:
        return "same"
    if a.year == b.year and a.month == b.day and a.day == b.month:
        return "swapped"
    return "different"


@dataclass
class Record:
    """A Person record as identity resolution sees it."""

    person_id: str
    names: list[str]
    date_of_birth: date | None
    nationalities: set[str]
    role: str

    @property
    def name(self) -> str:
        return self.names[0] if self.names else ""


@dataclass
class Candidate:
    """Two Person records that are probably the same person: a score in [0, 1] and the reasons."""

    a: str
    b: str
    name_a: str
    name_b: str
    score: float
    reasons: list[str]
    shared: list[str] = field(default_factory=list)
    roles: tuple[str, str] = ("unknown", "unknown")

    @property
    def involves_victim(self) -> bool:
        return "victim" in self.roles

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "name_a": self.name_a,
            "name_b": self.name_b,
            "score": round(self.score, 4),
            "reasons": self.reasons,
            "shared_identifiers": self.shared,
            "roles": list(self.roles),
            "involves_victim": self.involves_victim,
        }


def _records(graph: Graph) -> dict[str, Record]:
    records: dict[str, Record] = {}
    for r in identity_queries.person_records(graph):
        dob = r["date_of_birth"]
        if dob is not None and hasattr(dob, "to_native"):
            dob = dob.to_native()
        names = [n for n in [r["name"], *(r["aliases"] or [])] if n]
        records[r["person_id"]] = Record(
            r["person_id"], names, dob, {c.upper() for c in r["nationalities"] if c}, r["role"] or "unknown"
        )
    return records


def score_pair(a: Record, b: Record, shared: list[str]) -> tuple[float, list[str]] | None:
    """The pair's score and reasons, or None when their dates of birth clearly differ.

    score = min(1, 0.6 N + 0.25 D + 0.15 C + 0.1 k): N the best name similarity over names and aliases;
    D 1 (same date of birth), 0.8 (day/month swapped), 0.5 (one unknown); C 1 (a nationality in
    common), 0.5 (one unknown), 0 (different); k the number of shared identifiers (at most 3).
    """
    relation = dob_relation(a.date_of_birth, b.date_of_birth)
    if relation == "different":
        return None
    n, why = max((name_similarity(x, y) for x in a.names for y in b.names), default=(0.0, ""))
    reasons = [f"{why} ({n:.2f})"] if why else []
    reasons.append(
        {
            "same": "same date of birth",
            "swapped": "day and month of birth swapped",
            "missing": "date of birth unknown for one",
        }[relation]
    )
    if not a.nationalities or not b.nationalities:
        c = 0.5
        reasons.append("nationality unknown for one")
    elif a.nationalities & b.nationalities:
        c = 1.0
        reasons.append("same nationality " + ",".join(sorted(a.nationalities & b.nationalities)))
    else:
        c = 0.0
        reasons.append("different nationality")
    reasons += [f"shared {s}" for s in shared]
    score = (
        WEIGHTS["name"] * n
        + WEIGHTS["dob"] * DOB_SCORES[relation]
        + WEIGHTS["nationality"] * c
        + WEIGHTS["identifier"] * min(len(shared), 3)
    )
    return min(1.0, score), reasons


def candidates(
    graph: Graph, min_score: float = 0.8, limit: int = 200, max_sharing: int = 10
) -> list[Candidate]:
    """Pairs of Person records that are probably one person, best first, never two records whose dates of
    birth clearly differ nor a pair an analyst already merged or split.

    Pairs compared: records sharing a word's consonant skeleton in a name or alias (blocking), and
    records linked to the same phone, device, account, document or e-mail (shared by at most
    ``max_sharing`` people). Nothing is merged: an analyst decides with :func:`merge`.
    """
    records = _records(graph)
    shared: dict[frozenset[str], list[str]] = defaultdict(list)
    for r in identity_queries.shared_identifiers(graph, max_sharing):
        item = f"{r['kind'].lower()} {r['value']}"
        if item not in shared[frozenset((r["a"], r["b"]))]:
            shared[frozenset((r["a"], r["b"]))].append(item)
    blocks: dict[str, set[str]] = defaultdict(set)
    for record in records.values():
        for name in record.names:
            for word in name_key(name).split():
                sk = skeleton(word)
                if len(sk) >= 2:
                    blocks[sk].add(record.person_id)
    pairs: set[frozenset[str]] = set(shared)
    for members in blocks.values():
        if len(members) <= MAX_BLOCK:
            pairs.update(frozenset(p) for p in combinations(sorted(members), 2))
    decided = identity_queries.decided_pairs(graph)
    found: list[Candidate] = []
    for pair in pairs:
        if pair in decided:
            continue
        a_id, b_id = sorted(pair)
        if a_id not in records or b_id not in records:
            continue
        a, b = records[a_id], records[b_id]
        items = sorted(shared.get(pair, []))
        scored = score_pair(a, b, items)
        if scored is None or scored[0] < min_score:
            continue
        found.append(Candidate(a_id, b_id, a.name, b.name, scored[0], scored[1], items, (a.role, b.role)))
    found.sort(key=lambda c: (-c.score, c.a, c.b))
    return found[:limit]


@dataclass
class Decision:
    """An analyst's merge (SAME_AS) or split (NOT_SAME_AS) of two Person records."""

    decision_id: str
    kind: str
    a: str
    b: str
    analyst: str
    reason: str
    at: str
    forced: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "decision_id": self.decision_id,
            "kind": self.kind,
            "a": self.a,
            "b": self.b,
            "analyst": self.analyst,
            "reason": self.reason,
            "at": self.at,
            "forced": self.forced,
        }


def _require(analyst: str, reason: str) -> None:
    if not analyst.strip() or not reason.strip():
        raise InputError("a decision needs the analyst's name and a reason", "give --analyst and --reason")


def merge(graph: Graph, a: str, b: str, analyst: str, reason: str, force: bool = False) -> Decision:
    """Record that records ``a`` and ``b`` are one person: ``(a)-[:SAME_AS {decision_id, analyst, at,
    reason, score, forced}]->(b)``. Both records stay as they are, so :func:`split` undoes it.

    Refused, unless ``force``: a victim with a suspect, and two records whose dates of birth differ.
    """
    session.require(Permission.IDENTITY)
    _require(analyst, reason)
    ref_a, ref_b = resolve_person(graph, a), resolve_person(graph, b)
    if ref_a.key == ref_b.key:
        raise InputError(f"{a!r} and {b!r} are the same record", "name two different people")
    existing = identity_queries.same_as_between(graph, ref_a.key, ref_b.key)
    if existing:
        raise InputError(f"{ref_a.key} and {ref_b.key} are already merged ({existing})", "nothing to do")
    records = _records(graph)
    rec_a, rec_b = records[ref_a.key], records[ref_b.key]
    if not force and {rec_a.role, rec_b.role} == {"victim", "suspect"}:
        raise InputError(
            f"{ref_a.key} is recorded as a {rec_a.role} and {ref_b.key} as a {rec_b.role}",
            "merging a victim with a suspect needs --force and a reason that justifies it",
        )
    scored = score_pair(rec_a, rec_b, [])
    if scored is None and not force:
        raise InputError(
            f"{ref_a.key} and {ref_b.key} have different dates of birth",
            "check the records; merge with --force only if one date is wrong",
        )
    who, why = analyst.strip(), reason.strip()
    params = {
        "a": ref_a.key,
        "b": ref_b.key,
        "decision_id": "D-" + uuid.uuid4().hex[:12],
        "analyst": who,
        "reason": why,
        "score": round(scored[0], 4) if scored else None,
        "forced": force,
    }
    row = identity_queries.create_same_as(graph, params)
    if row is None:
        raise NotFound(f"{ref_a.key} or {ref_b.key} disappeared", "reload and try again")
    session.record(
        "identity_decision",
        [ref_a.key, ref_b.key],
        decision="merge",
        decision_id=row["decision_id"],
        reason=why,
    )
    return Decision(row["decision_id"], "merge", ref_a.key, ref_b.key, who, why, row["at"], force)


def split(graph: Graph, decision_id: str, analyst: str, reason: str) -> Decision:
    """Undo a merge: the SAME_AS of ``decision_id`` becomes a NOT_SAME_AS that keeps who merged, when
    and why, plus who split, when and why (so the pair is not proposed again)."""
    session.require(Permission.IDENTITY)
    _require(analyst, reason)
    params = {
        "decision_id": decision_id,
        "split_id": "D-" + uuid.uuid4().hex[:12],
        "analyst": analyst.strip(),
        "reason": reason.strip(),
    }
    row = identity_queries.split_same_as(graph, params)
    if row is None:
        raise NotFound(f"no merge decision {decision_id!r}", "list merges with `hilorojo duplicates merges`")
    session.record(
        "identity_decision",
        [row["a"], row["b"]],
        decision="split",
        decision_id=decision_id,
        reason=params["reason"],
    )
    return Decision(
        params["split_id"], "split", row["a"], row["b"], params["analyst"], params["reason"], row["at"]
    )


def canonical_ids(graph: Graph) -> dict[str, str]:
    """person_id -> the smallest person_id of its SAME_AS group, for projections and rankings that treat
    merged records as one person (records never merged are absent)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in identity_queries.same_as_pairs(graph):
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}


def merges(graph: Graph) -> list[Decision]:
    """Every merge decision in force, newest first."""
    rows = identity_queries.merge_decisions(graph)
    return [
        Decision(
            r["decision_id"], "merge", r["a"], r["b"], r["analyst"], r["reason"], r["at"], bool(r["forced"])
        )
        for r in rows
    ]
