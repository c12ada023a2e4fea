"""Match the place of a posting to the gazetteer."""

from __future__ import annotations

from stellwerk.domain.places import Place
from stellwerk.domain.text import fold
from stellwerk.reference.gazetteer import Gazetteer


def match_place(
    gazetteer: Gazetteer, name: str | None, postal_code: str | None, region: str | None
) -> Place | None:
    """Return the gazetteer place for a posting's Ort, PLZ and Land; None when unknown or ambiguous."""
    if postal_code:
        candidates = gazetteer.by_postal_code(postal_code)
        if name:
            wanted = fold(name)
            named = [p for p in candidates if fold(p.name) == wanted]
            # "Dortmund-Hörde" or "Bamberg, Oberfranken": fall back to the part before the separator.
            named = named or [p for p in candidates if wanted.startswith(fold(p.name))]
            candidates = named or candidates
        if candidates:
            return candidates[0]
    if not name:
        return None
    found = gazetteer.find(name, land=region) or gazetteer.find(name)
    if len(found) == 1:
        return found[0]
    return None
