"""Intelligence grading: the Admiralty (NATO) code, source reliability A-F and information credibility 1-6."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from values.errors import BadValue

# NATO STANAG 2511 / AJP-2.1 (the "Admiralty code"), as police intelligence units use it.
RELIABILITY: Final[dict[str, str]] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY: Final[dict[str, str]] = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}
HINT: Final = "A-F: how reliable the source is; 1-6: how credible its information"
GRADES: Final[tuple[str, ...]] = tuple(r + c for r in RELIABILITY for c in CREDIBILITY)


@dataclass(frozen=True)
class Grade:
    """One grading: a source's reliability (A-F) and the information's credibility (1-6), e.g. ``B2``."""

    reliability: str
    credibility: str

    @property
    def code(self) -> str:
        return self.reliability + self.credibility

    @property
    def meaning(self) -> str:
        """``B2`` as ``"B2: usually reliable source, probably true"``."""
        return f"{self.code}: {RELIABILITY[self.reliability]} source, {CREDIBILITY[self.credibility]}"

    def __str__(self) -> str:
        return self.code


def parse_grade(text: str) -> Grade:
    """A grade from its code (``B2``, ``b2``, ``B-2``, ``B 2``); BadValue saying what is allowed."""
    code = "".join(ch for ch in str(text).strip().upper() if ch not in " -/")
    if len(code) == 2 and code[0] in RELIABILITY and code[1] in CREDIBILITY:
        return Grade(code[0], code[1])
    raise BadValue(
        f"unknown grade {text!r} (give source reliability A-F and information credibility 1-6, such as B2)"
    )
