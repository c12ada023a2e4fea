"""The German gazetteer: places, their postal codes and coordinates, and resolving user input to a place."""

from __future__ import annotations

import bisect
import difflib
import functools
import gzip
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from stellwerk.domain.places import Place
from stellwerk.domain.text import nfc

PACKAGED_FILE = "data/places.tsv.gz"
# One place must be this many times as populous as every other candidate to win a shared name.
DOMINANCE_FACTOR = 5
# GeoNames lists every place of 500 inhabitants or more, so a place without a population is assumed smaller.
UNLISTED_POPULATION = 500
MAX_SUGGESTIONS = 5

# Official two-letter codes of the Länder, as used in the GeoNames postal-code file.
LAND_CODES = {
    "BB": "Brandenburg",
    "BE": "Berlin",
    "BW": "Baden-Württemberg",
    "BY": "Bayern",
    "HB": "Bremen",
    "HE": "Hessen",
    "HH": "Hamburg",
    "MV": "Mecklenburg-Vorpommern",
    "NI": "Niedersachsen",
    "NW": "Nordrhein-Westfalen",
    "NRW": "Nordrhein-Westfalen",  # the abbreviation people actually write
    "RP": "Rheinland-Pfalz",
    "SH": "Schleswig-Holstein",
    "SL": "Saarland",
    "SN": "Sachsen",
    "ST": "Sachsen-Anhalt",
    "TH": "Thüringen",
}

_WORD = re.compile(r"[a-z0-9]+")
_COMBINING_MARK = re.compile(r"[\u0300-\u036f]")
_UMLAUTS_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_SHARP_S_SPELLED_OUT = str.maketrans({"ß": "ss"})
_POSTAL_CODE = re.compile(r"\d{5}")
_POSTAL_FIRST = re.compile(r"(?P<plz>\d{5})(?:[\s,]+(?P<name>.+))?")
_POSTAL_LAST = re.compile(r"(?P<name>.+?)[\s,]+(?P<plz>\d{5})")
_QUALIFIED = re.compile(r"(?P<name>[^,(]+?)\s*(?:,\s*(?P<comma>.+)|\((?P<paren>[^)]+)\))")
_LINKED = re.compile(r"(?P<name>.+?)\s+(?:bei|b\.|in|i\.|am|a\.|an der|a\. ?d\.|im|ob der)\s+(?P<link>.+)")
_KREIS_WORDS = frozenset({"kreis", "landkreis", "lk", "lkr", "stadt", "kreisfreie", "region"})


class UnknownPlace(LookupError):
    """No place matches the query; suggestions hold close matches."""

    def __init__(self, query: str, suggestions: Sequence[Place] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        hint = f"; did you mean {', '.join(p.label for p in self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"Unknown place {query!r}{hint}")


class AmbiguousPlace(LookupError):
    """Several places match the query and none clearly dominates."""

    def __init__(self, query: str, candidates: Sequence[Place]) -> None:
        self.query = query
        self.candidates = list(candidates)
        shown = ", ".join(p.label for p in self.candidates[:MAX_SUGGESTIONS])
        more = (
            f" and {len(self.candidates) - MAX_SUGGESTIONS} more"
            if len(self.candidates) > MAX_SUGGESTIONS
            else ""
        )
        super().__init__(f"Place {query!r} is ambiguous: {shown}{more}; add the Land or the PLZ")


class GazetteerEntry(NamedTuple):
    """One line of the packaged gazetteer: a place, its other names and each PLZ's coordinates."""

    place: Place
    alternate_names: tuple[str, ...]
    # "lat:lon,lat:lon" in the order of place.postal_codes; parsed only when a PLZ is first looked up.
    postal_coordinates: str


def name_key(text: str) -> str:
    """Return the matching key of a name: its folded words ("Halle (Saale)" -> "halle saale")."""
    return _folded_words(text, _UMLAUTS_SPELLED_OUT)


def loose_key(text: str) -> str:
    """Return a matching key that ignores umlaut dots too, so "Munchen" finds "München"."""
    return _folded_words(text, _SHARP_S_SPELLED_OUT)


def _folded_words(text: str, table: dict[int, str]) -> str:
    # Same result as domain.text.fold on the words, but fast enough to key every name while loading.
    lowered = text.lower()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFC", lowered).translate(table))
        lowered = _COMBINING_MARK.sub("", decomposed)
    return " ".join(_WORD.findall(lowered))


def dominant_place(candidates: Sequence[Place]) -> Place | None:
    """Return the candidate at least five times as populous as each other one, or None."""
    if len(candidates) == 1:
        return candidates[0]
    ranked = sorted(candidates, key=_population, reverse=True)
    top, runner_up = (p.population or UNLISTED_POPULATION for p in ranked[:2])
    return ranked[0] if top >= DOMINANCE_FACTOR * runner_up else None


class Gazetteer:
    """German places with their postal codes, looked up by slug, PLZ, name or free-text query."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        places: list[Place] = []
        self._postal_coordinates: list[str] = []
        self._by_slug: dict[str, Place] = {}
        self._by_key: dict[str, list[int]] = {}
        self._by_loose_key: dict[str, list[int]] = {}
        for index, entry in enumerate(entries):
            places.append(entry.place)
            self._postal_coordinates.append(entry.postal_coordinates)
            self._by_slug[entry.place.slug] = entry.place
            for name in (entry.place.name, *entry.alternate_names):
                key = name_key(name)
                _add_unique(self._by_key, key, index)
                # Only names with umlauts or accents have a different loose key.
                if not name.isascii() and (loose := loose_key(name)) != key:
                    _add_unique(self._by_loose_key, loose, index)
        self.places: Sequence[Place] = tuple(places)

    @classmethod
    def load(cls, path: Path | None = None) -> Gazetteer:
        """Load the gazetteer from a places.tsv.gz file, by default the packaged one."""
        raw = path.read_bytes() if path else resources.files("stellwerk").joinpath(PACKAGED_FILE).read_bytes()
        return cls(
            _parse_line(line) for line in gzip.decompress(raw).decode("utf-8").split("\n") if _is_data(line)
        )

    def by_slug(self, slug: str) -> Place | None:
        """Return the place with this slug, if any."""
        return self._by_slug.get(slug)

    def by_postal_code(self, plz: str) -> list[Place]:
        """Return the places of a PLZ, each narrowed to that PLZ and its coordinates, most populous first."""
        plz = plz.strip()
        points = self._points.get(plz, [])
        return _ranked(
            replace(self.places[i], lat=lat, lon=lon, postal_codes=(plz,)) for i, lat, lon in points
        )

    def find(self, name: str, *, land: str | None = None, postal_code: str | None = None) -> list[Place]:
        """Return the places called name (or known by it), most populous first, narrowed by Land and PLZ."""
        loose = loose_key(name)
        indices = (
            self._by_key.get(name_key(name)) or self._by_loose_key.get(loose) or self._by_key.get(loose, [])
        )
        places = [self.places[i] for i in indices]
        if land is not None:
            places = [p for p in places if _land_matches(p, land)]
        if postal_code is not None:
            places = [p for p in places if postal_code.strip() in p.postal_codes]
        return _ranked(places)

    def resolve(self, query: str, *, suggest: bool = True) -> Place:
        """Resolve a name, PLZ, "PLZ name", "name, Land", "name (Kreis)" or slug to exactly one place.

        Without `suggest`, an unknown place is reported without close matches, which are slow to find.
        """
        text = nfc(query)
        postal = _POSTAL_FIRST.fullmatch(text) or _POSTAL_LAST.fullmatch(text)
        if postal and postal["plz"] in self._points:
            return self._resolve_at_postal_code(query, postal["plz"], postal["name"])
        if postal and postal["name"]:
            # A PLZ missing from GeoNames (new or a PO box range) should not hide a well-known town name.
            text = postal["name"]
        candidates = (self.find(text) or self._find_qualified(text)) if text else []
        if not candidates and (place := self.by_slug(text)):
            return place
        if not candidates:
            raise UnknownPlace(query, self._suggestions(text) if suggest else ())
        return _pick(query, candidates)

    def suggest(self, prefix: str, limit: int = 10) -> list[Place]:
        """Return places whose name or PLZ starts with prefix, most populous first."""
        text = nfc(prefix)
        if text.isdigit():
            return self._suggest_postal_codes(text, limit)
        indices: set[int] = set()
        keys, places_by_key = self._prefix_index
        for key in {name_key(text), loose_key(text)} - {""}:
            start = bisect.bisect_left(keys, key)
            end = bisect.bisect_left(keys, key + "\uffff", start)
            for position in range(start, end):
                indices.update(places_by_key[position])
        return _ranked(self.places[i] for i in indices)[:limit]

    @functools.cached_property
    def _prefix_index(self) -> tuple[list[str], list[list[int]]]:
        merged: dict[str, list[int]] = {}
        for index_by_key in (self._by_key, self._by_loose_key):
            for key, indices in index_by_key.items():
                for index in indices:
                    _add_unique(merged, key, index)
        keys = sorted(merged)
        return keys, [merged[key] for key in keys]

    @functools.cached_property
    def _points(self) -> dict[str, list[tuple[int, float, float]]]:
        points: dict[str, list[tuple[int, float, float]]] = {}
        for index, (place, packed) in enumerate(zip(self.places, self._postal_coordinates, strict=True)):
            for plz, point in zip(place.postal_codes, packed.split(","), strict=True):
                lat, lon = point.split(":")
                points.setdefault(plz, []).append((index, float(lat), float(lon)))
        return points

    @functools.cached_property
    def _sorted_postal_codes(self) -> list[str]:
        return sorted(self._points)

    @functools.cached_property
    def _sorted_keys(self) -> list[str]:
        return sorted(self._by_key)

    def _resolve_at_postal_code(self, query: str, plz: str, name: str | None) -> Place:
        at_code = self.by_postal_code(plz)
        if name:
            matching = self._named_at_postal_code(at_code, name)
            if not matching:
                raise UnknownPlace(query, at_code[:MAX_SUGGESTIONS])
            at_code = matching
        return _pick(query, at_code)

    def _named_at_postal_code(self, at_code: Sequence[Place], name: str) -> list[Place]:
        named = {p.slug for p in self.find(name) or self._find_qualified(name)}
        matching = [p for p in at_code if p.slug in named]
        if matching:
            return matching
        # Job ads spell out what GeoNames leaves off: 91332 "Heiligenstadt in Oberfranken" is "Heiligenstadt".
        key = name_key(name)
        return [p for p in at_code if key.startswith(name_key(p.name) + " ")]

    def _find_qualified(self, text: str) -> list[Place]:
        """Find "name, qualifier", "name (qualifier)" or "name bei qualifier" by Land, Kreis or PLZ."""
        split = _split_qualifiers(text)
        if split is None:
            return []
        name, qualifiers, linked = split
        candidates, narrowed = self.find(name), False
        for qualifier in qualifiers:
            matching = [p for p in candidates if _qualifier_matches(p, qualifier)]
            # An unknown region ("Mittelfranken") cannot narrow down; a wrong Land or PLZ must.
            if matching or _is_strict_qualifier(qualifier):
                candidates, narrowed = matching, True
        # "Forchheim, Oberfranken" still means Forchheim, but "Bischofsheim in der Rhön" is another town.
        return candidates if narrowed or not linked else []

    def _suggest_postal_codes(self, digits: str, limit: int) -> list[Place]:
        codes = self._sorted_postal_codes
        start = bisect.bisect_left(codes, digits)
        first_code: dict[int, Place] = {}
        for plz in codes[start:]:
            if not plz.startswith(digits):
                break
            for index, lat, lon in self._points[plz]:
                if index not in first_code:
                    first_code[index] = replace(self.places[index], lat=lat, lon=lon, postal_codes=(plz,))
        ranked = sorted(first_code.values(), key=lambda p: (-_population(p), p.postal_codes))
        return ranked[:limit]

    def _suggestions(self, text: str) -> list[Place]:
        found = {p.slug: p for p in self.suggest(text, MAX_SUGGESTIONS)}
        if split := _split_qualifiers(text):
            found.update((p.slug, p) for p in self.find(split[0]) if p.slug not in found)
        close_keys = difflib.get_close_matches(
            name_key(text), self._sorted_keys, n=MAX_SUGGESTIONS, cutoff=0.75
        )
        for key in close_keys:
            for place in _ranked(self.places[i] for i in self._by_key[key]):
                found.setdefault(place.slug, place)
        return list(found.values())[:MAX_SUGGESTIONS]


@functools.cache
def default_gazetteer() -> Gazetteer:
    """Return the packaged gazetteer, loaded once per process."""
    return Gazetteer.load()


def _parse_line(line: str) -> GazetteerEntry:
    slug, name, land, kreis, lat, lon, population, alternates, postal_codes, coordinates = line.split("\t")
    place = Place(
        slug=slug,
        name=name,
        land=land,
        kreis=kreis,
        lat=float(lat),
        lon=float(lon),
        postal_codes=tuple(postal_codes.split(",")) if postal_codes else (),
        population=int(population) if population else None,
    )
    return GazetteerEntry(place, tuple(alternates.split("|")) if alternates else (), coordinates)


def _is_data(line: str) -> bool:
    return bool(line) and not line.startswith("#")


def _add_unique(index: dict[str, list[int]], key: str, value: int) -> None:
    if not key:
        return
    values = index.setdefault(key, [])
    if value not in values:
        values.append(value)


def _population(place: Place) -> int:
    return place.population or 0


def _ranked(places: Iterable[Place]) -> list[Place]:
    return sorted(places, key=lambda p: (-_population(p), p.name, p.slug))


def _pick(query: str, candidates: Sequence[Place]) -> Place:
    place = dominant_place(candidates)
    if place is None:
        raise AmbiguousPlace(query, _ranked(candidates))
    return place


def _land_named(text: str) -> str | None:
    code = text.strip().upper()
    if code in LAND_CODES:
        return LAND_CODES[code]
    key = name_key(text)
    return next((land for land in LAND_CODES.values() if name_key(land) == key), None)


def _land_matches(place: Place, land: str) -> bool:
    return _land_named(land) == place.land


def _is_strict_qualifier(qualifier: str) -> bool:
    return _land_named(qualifier) is not None or bool(_POSTAL_CODE.fullmatch(qualifier))


def _split_qualifiers(text: str) -> tuple[str, list[str], bool] | None:
    """Split a query into name, qualifiers and whether they were linked by a word such as "bei"."""
    if match := _QUALIFIED.fullmatch(text):
        qualifiers = (match["comma"] or match["paren"]).split(",")
        return match["name"], [q.strip() for q in qualifiers if q.strip()], False
    if match := _LINKED.fullmatch(text):
        return match["name"], [match["link"]], True
    return None


def _qualifier_matches(place: Place, qualifier: str) -> bool:
    if _POSTAL_CODE.fullmatch(qualifier):
        return qualifier in place.postal_codes
    if (land := _land_named(qualifier)) is not None:
        return land == place.land
    # "Neustadt (Coburg)" and "Altendorf, Kreis Bamberg" name the Kreis by its words.
    words = [word for word in name_key(qualifier).split(" ") if word not in _KREIS_WORDS]
    return bool(words) and f" {' '.join(words)} " in f" {name_key(place.kreis)} "
