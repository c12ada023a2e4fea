"""An occupation assigned to a posting by a classifier, with its confidence and the evidence for it."""

from __future__ import annotations

import re
from dataclasses import dataclass

_KLDB5 = re.compile(r"\d{5}")


@dataclass(frozen=True, slots=True)
class Classification:
    """A KldB 2010 five-digit code, how likely it is right (0..1), what decided it and how."""

    kldb: str
    confidence: float
    evidence: tuple[str, ...]
    method: str

    def __post_init__(self) -> None:
        if not _KLDB5.fullmatch(self.kldb):
            raise ValueError(f"not a five-digit KldB code: {self.kldb!r}")
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence outside 0..1: {self.confidence}")

    @property
    def group(self) -> str:
        """Return the three-digit occupational group (Berufsgruppe) of the code."""
        return self.kldb[:3]

    @property
    def level(self) -> int:
        """Return the requirement level (last digit): 1 helper, 2 skilled, 3 specialist, 4 expert."""
        return int(self.kldb[4])
