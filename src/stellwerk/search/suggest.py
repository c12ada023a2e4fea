"""Autocomplete for the search form: occupations and job titles for Was, places with PLZ and Land for Wo."""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from stellwerk.domain.occupations import masculine_form
from stellwerk.domain.places import Place
from stellwerk.domain.text import fold
from stellwerk.reference.gazetteer import AmbiguousPlace, Gazetteer, UnknownPlace
from stellwerk.reference.taxonomy import Taxonomy, default_taxonomy, search_key
from stellwerk.search.lexicon import SearchLexicon

MIN_PREFIX = 2
_BRACKETED = re.compile(r"\([^)]*\)")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What to show in the list, what to put into the field, and what it is."""

    label: str
    value: str
    kind: str
    kldb: str | None = None
    plz: str | None = None
    land: str | None = None


class OccupationSuggester:
    """BA job titles and occupation names, looked up by the start of their words."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        titles = [(beruf.kldb, beruf.name) for beruf in taxonomy.berufe]
        for occupation in taxonomy.occupations:
            titles += [(occupation.kldb, title) for title in taxonomy.titles_for(occupation.kldb)]
        entries: dict[str, tuple[str, str, str]] = {}
        for kldb, title in titles:
            value = _search_text(title)
            entries.setdefault(search_key(value), (value, title, kldb))
        self._keys = sorted(entries)
        self._entries = [entries[key] for key in self._keys]
        # Every later word of every key, with the key it belongs to: "kassierer" -> "automatenbefueller ...".
        self._inner = sorted(
            (key[start + 1 :], index)
            for index, key in enumerate(self._keys)
            for start, char in enumerate(key)
            if char == " "
        )

    def suggest(self, prefix: str, limit: int) -> list[Suggestion]:
        """Return titles whose name starts with the prefix, then those with a later word starting so."""
        key = search_key(prefix)
        if not key:
            return []
        start = bisect.bisect_left(self._keys, key)
        end = bisect.bisect_left(self._keys, key + "\uffff", start)
        found = sorted(range(start, end), key=lambda i: (len(self._keys[i]), self._keys[i]))[:limit]
        if len(found) < limit:
            low = bisect.bisect_left(self._inner, (key,))
            high = bisect.bisect_left(self._inner, (key + "\uffff",), low)
            inner = {index for _, index in self._inner[low:high]} - set(found)
            found += sorted(inner, key=lambda i: (len(self._keys[i]), self._keys[i]))[: limit - len(found)]
        return [
            Suggestion(
                label=self._entries[i][0], value=self._entries[i][0], kind="beruf", kldb=self._entries[i][2]
            )
            for i in found
        ]


def _search_text(title: str) -> str:
    """Return a BA title as a search: masculine form, without bracketed notes ("(Hochschule)")."""
    return " ".join(_BRACKETED.sub(" ", masculine_form(title)).split())


@functools.cache
def default_occupation_suggester() -> OccupationSuggester:
    """Return the suggester of the packaged taxonomy, built once per process."""
    return OccupationSuggester(default_taxonomy())


def suggest_occupations(
    prefix: str, suggester: OccupationSuggester, lexicon: SearchLexicon, limit: int = 8
) -> list[Suggestion]:
    """Return curated terms (MFA, Developer ...) and BA titles and occupations that start with the prefix."""
    text = prefix.strip()
    if len(text) < MIN_PREFIX:
        return []
    key = fold(text)
    # A BA title comes with its occupation code, so it wins over the same curated form.
    found = {fold(s.value): s for s in suggester.suggest(text, limit)}
    for group in lexicon.groups:
        for form in group:
            if fold(form).startswith(key):
                found.setdefault(fold(form), Suggestion(form, form, "stichwort"))
    # Shorter first: "Koch" before "Koch - Diätkost"; curated forms are short and come first on a tie.
    return sorted(found.values(), key=lambda s: (not fold(s.value).startswith(key), len(s.value)))[:limit]


def suggest_places(prefix: str, gazetteer: Gazetteer, limit: int = 8) -> list[Suggestion]:
    """Return places whose name or PLZ starts with the prefix, most populous first."""
    text = prefix.strip()
    if len(text) < MIN_PREFIX:
        return []
    suggestions = []
    for place in gazetteer.suggest(text, limit):
        plz = place.postal_codes[0] if place.postal_codes else None
        value = _field_value(place, plz, gazetteer, by_postal_code=text.isdigit())
        suggestions.append(Suggestion(place.label, value, "ort", plz=plz, land=place.land))
    return suggestions


def _field_value(place: Place, plz: str | None, gazetteer: Gazetteer, *, by_postal_code: bool) -> str:
    """Return the shortest text the gazetteer resolves to exactly this place."""
    if by_postal_code and plz:
        return f"{plz} {place.name}"
    try:
        if gazetteer.resolve(place.name).slug == place.slug:
            return place.name
    except (UnknownPlace, AmbiguousPlace):
        pass
    # The PLZ and the Land tell same-named places apart.
    return place.label
