"""The "unknown, because ..." result that normalisers return instead of raising."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that could not be determined, with the reason in plain words."""

    reason: str

    def __bool__(self) -> bool:
        return False
