"""Match the place of a posting to the gazetteer."""

from __future__ import annotations

import functools

from stellwerk.domain.places import Place
from stellwerk.reference.gazetteer import Gazetteer, dominant_place, name_key


def match_place(
    gazetteer: Gazetteer, name: str | None, postal_code: str | None, region: str | None
) -> Place | None:
    """Return the gazetteer place for a posting's Ort, PLZ and Land; None when unknown or ambiguous."""
    return _match(gazetteer, name, postal_code, region)


# Postings of one region name the same few places thousands of times; places are immutable.
@functools.lru_cache(maxsize=50_000)
def _match(
    gazetteer: Gazetteer, name: str | None, postal_code: str | None, region: str | None
) -> Place | None:
    if postal_code:
        candidates = gazetteer.by_postal_code(postal_code)
        if name and len(candidates) > 1:
            wanted = name_key(name)
            named = [p for p in candidates if name_key(p.name) == wanted]
            # "Nürnberg, Mittelfranken" or "Dortmund-Hörde": the municipality's name leads.
            named = named or [p for p in candidates if wanted.startswith(name_key(p.name))]
            candidates = named or candidates
        if candidates:
            return candidates[0]
    if not name:
        return None
    found = gazetteer.find(name, land=region) or gazetteer.find(name)
    place = dominant_place(found) if found else None
    if place is not None:
        return place
    try:
        # resolve() understands qualified forms such as "Forchheim, Oberfranken" or "Neustadt (Hessen)".
        # Suggestions are for people typing a search; here they would cost a fuzzy scan per unknown name.
        return gazetteer.resolve(name, suggest=False)
    except LookupError:
        return None
