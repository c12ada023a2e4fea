"""Search postings: read the parameters, resolve the place, query the index, load the postings in order.

The web page and the JSON API take the same parameters, named as in the BA Jobsuche API where it has one:
was, wo, umkreis, arbeitszeit, befristung, angebotsart, zeitarbeit, pav, arbeitgeber, veroeffentlichtseit,
page, size; and kldb, niveau, gehalt, einstieg, homeoffice, ortsunabhaengig, sort where it has none.
Several values of one parameter are given as the BA does ("arbeitszeit=vz;tz") or by repeating it.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta

from django.utils import timezone

from stellwerk.domain.places import Place
from stellwerk.postings.models import Posting
from stellwerk.reference.gazetteer import Gazetteer
from stellwerk.reference.taxonomy import Taxonomy
from stellwerk.search.facets import OFFER_KINDS, WORKING_TIME
from stellwerk.search.interfaces import (
    FacetValue,
    GeoFilter,
    MatchKind,
    MatchReason,
    Remote,
    SearchBackend,
    SearchQuery,
    Sort,
)

DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 200
MAX_PAGE_SIZE = 100
# Like the BA API: deep paging is what crawlers do, not seekers.
MAX_RESULT_WINDOW = 10_000
MAX_PUBLISHED_DAYS = 100
MAX_SALARY_EUROS = 100_000
# What seekers type to search all of Germany on purpose.
NATIONWIDE = frozenset({"bundesweit", "deutschlandweit", "deutschland", "ganz deutschland"})
# The BA's numeric offer kinds, mapped onto ours; 2 (Selbständigkeit) has no postings here.
BA_OFFER_KINDS = {
    "1": ("arbeit",),
    "4": ("ausbildung", "duales_studium"),
    "34": ("praktikum", "trainee", "werkstudent"),
}
# What result lists show of a posting. Loading whole postings (description, JSON, signatures) and their
# related rows would cost more than the search; other fields load on access, one query each.
LISTED_FIELDS = (
    "title", "slug", "place_name", "postal_code", "lat", "lon", "published", "beruf", "terms",
    "employer__name", "employer__slug", "place__name", "place__slug", "occupation__kldb", "occupation__name",
)  # fmt: skip
_COORDINATES = re.compile(r"\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*")
_KLDB = re.compile(r"\d{3}|\d{5}")
_TRUE = frozenset({"true", "1", "ja", "on"})
_FALSE = frozenset({"false", "0", "nein", "off"})


class InvalidSearch(ValueError):
    """A search parameter is out of range; the message names it."""


@dataclass(frozen=True, slots=True)
class JobSearch:
    """A validated job search, with the BA Jobsuche parameter names."""

    was: str = ""
    wo: str = ""
    umkreis: int = DEFAULT_RADIUS_KM
    sort: Sort = Sort.RELEVANCE
    page: int = 1
    size: int = 20
    kldb: str | None = None
    arbeitszeit: frozenset[str] = frozenset()
    # 1 befristet, 2 unbefristet (BA codes); None for both.
    befristung: int | None = None
    angebotsart: frozenset[str] = frozenset()
    zeitarbeit: bool = True
    pav: bool = True
    arbeitgeber: str = ""
    veroeffentlichtseit: int | None = None
    # Monthly gross pay in whole euros that the posting reaches at least.
    gehalt: int | None = None
    einstieg: bool = False
    homeoffice: Remote | None = None
    niveau: int | None = None
    ortsunabhaengig: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.umkreis <= MAX_RADIUS_KM:
            raise InvalidSearch(f"umkreis muss zwischen 1 und {MAX_RADIUS_KM} km liegen")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise InvalidSearch(f"size muss zwischen 1 und {MAX_PAGE_SIZE} liegen")
        if self.page < 1 or self.page * self.size > MAX_RESULT_WINDOW:
            raise InvalidSearch(f"page muss mindestens 1 sein und page × size höchstens {MAX_RESULT_WINDOW}")
        if len(self.was) > 200 or len(self.wo) > 100 or len(self.arbeitgeber) > 200:
            raise InvalidSearch(
                "was und arbeitgeber dürfen höchstens 200, wo höchstens 100 Zeichen lang sein"
            )
        if self.kldb is not None and not _KLDB.fullmatch(self.kldb):
            raise InvalidSearch("kldb muss ein drei- oder fünfstelliger Code der KldB 2010 sein")
        if self.sort == Sort.DISTANCE and not self.wo.strip():
            raise InvalidSearch("sort=entfernung braucht einen Ort (wo)")
        self._check_filters()

    def _check_filters(self) -> None:
        if unknown := self.arbeitszeit - set(WORKING_TIME):
            raise InvalidSearch(
                f"arbeitszeit kennt nur vz, tz, snw, ho, mj, nicht {', '.join(sorted(unknown))}"
            )
        if unknown := self.angebotsart - set(OFFER_KINDS):
            known = ", ".join([*BA_OFFER_KINDS, *OFFER_KINDS])
            raise InvalidSearch(f"angebotsart kennt nur {known}, nicht {', '.join(sorted(unknown))}")
        if self.befristung not in (None, 1, 2):
            raise InvalidSearch("befristung ist 1 (befristet) oder 2 (unbefristet)")
        if self.veroeffentlichtseit is not None and not 0 <= self.veroeffentlichtseit <= MAX_PUBLISHED_DAYS:
            raise InvalidSearch(f"veroeffentlichtseit muss zwischen 0 und {MAX_PUBLISHED_DAYS} Tagen liegen")
        if self.gehalt is not None and not 1 <= self.gehalt <= MAX_SALARY_EUROS:
            raise InvalidSearch(f"gehalt (Euro im Monat) muss zwischen 1 und {MAX_SALARY_EUROS} liegen")
        if self.niveau is not None and not 1 <= self.niveau <= 4:
            raise InvalidSearch("niveau ist 1 (Helfer), 2 (Fachkraft), 3 (Spezialist) oder 4 (Experte)")

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[str]]) -> JobSearch:
        """Read a search from query parameters (each name with its list of values); raise InvalidSearch."""
        reader = _Params(params)
        return cls(
            was=reader.text("was"),
            wo=reader.text("wo"),
            umkreis=reader.integer("umkreis") or DEFAULT_RADIUS_KM,
            sort=reader.sort(),
            page=reader.integer("page") or 1,
            size=reader.integer("size") or 20,
            kldb=reader.text("kldb") or None,
            arbeitszeit=frozenset(reader.values("arbeitszeit")),
            befristung=reader.fixed_term(),
            angebotsart=reader.offer_kinds(),
            zeitarbeit=reader.boolean("zeitarbeit", default=True),
            pav=reader.boolean("pav", default=True),
            arbeitgeber=reader.text("arbeitgeber"),
            veroeffentlichtseit=reader.integer("veroeffentlichtseit"),
            gehalt=reader.integer("gehalt"),
            einstieg=reader.boolean("einstieg", default=False),
            homeoffice=reader.remote(),
            niveau=reader.integer("niveau"),
            ortsunabhaengig=reader.boolean("ortsunabhaengig", default=True),
        )

    def to_params(self) -> dict[str, str]:
        """Return the parameters that differ from the defaults, BA style ("arbeitszeit=vz;tz")."""
        params: dict[str, str] = {}
        # A results page builds this for every filter link it shows, dozens of times.
        for name, default in _defaults():
            value = getattr(self, name)
            if value == default:
                continue
            if isinstance(value, frozenset):
                params[name] = ";".join(sorted(value))
            elif isinstance(value, bool):
                params[name] = "true" if value else "false"
            else:
                params[name] = str(value)
        if "wo" not in params:
            params.pop("umkreis", None)
        return params

    def changed(self, **changes: object) -> JobSearch:
        """Return this search with some parameters changed, on its first page."""
        return replace(self, page=1, **changes)  # type: ignore[arg-type]

    @property
    def nationwide(self) -> bool:
        """Tell whether the search is for all of Germany: no place, or "bundesweit"."""
        return not self.wo.strip() or self.wo.strip().lower() in NATIONWIDE


@functools.cache
def _defaults() -> tuple[tuple[str, object], ...]:
    defaults = JobSearch()
    return tuple((item.name, getattr(defaults, item.name)) for item in fields(JobSearch))


class _Params:
    """Typed access to raw query parameters, with German errors naming the parameter."""

    def __init__(self, params: Mapping[str, Sequence[str]]) -> None:
        self.params = params

    def text(self, name: str) -> str:
        values = self.params.get(name) or [""]
        return values[-1].strip()

    def values(self, name: str) -> list[str]:
        found = [v.strip().lower() for raw in self.params.get(name) or [] for v in raw.split(";")]
        return [v for v in found if v]

    def integer(self, name: str) -> int | None:
        value = self.text(name)
        if not value:
            return None
        try:
            return int(value)
        except ValueError:
            raise InvalidSearch(f"{name} muss eine ganze Zahl sein") from None

    def boolean(self, name: str, *, default: bool) -> bool:
        value = self.text(name).lower()
        if not value:
            return default
        if value in _TRUE or value in _FALSE:
            return value in _TRUE
        raise InvalidSearch(f"{name} ist true oder false")

    def sort(self) -> Sort:
        value = self.text("sort") or Sort.RELEVANCE.value
        try:
            return Sort(value)
        except ValueError:
            raise InvalidSearch(f"unbekannte Sortierung {value!r}") from None

    def fixed_term(self) -> int | None:
        codes = set(self.values("befristung"))
        if codes - {"1", "2"}:
            raise InvalidSearch("befristung ist 1 (befristet) oder 2 (unbefristet)")
        return int(codes.pop()) if len(codes) == 1 else None

    def offer_kinds(self) -> frozenset[str]:
        kinds: set[str] = set()
        for value in self.values("angebotsart"):
            kinds.update(BA_OFFER_KINDS.get(value, (value,)))
        return frozenset(kinds)

    def remote(self) -> Remote | None:
        value = self.text("homeoffice").lower()
        if not value:
            return None
        try:
            return Remote(value)
        except ValueError:
            raise InvalidSearch("homeoffice ist komplett oder teilweise") from None


@dataclass(frozen=True, slots=True)
class FoundPosting:
    """A posting in a result list (its LISTED_FIELDS loaded), its distance from the place, why it matched."""

    posting: Posting
    distance_km: float | None
    location_independent: bool = False
    reasons: tuple[MatchReason, ...] = ()


@dataclass(frozen=True, slots=True)
class JobSearchPage:
    """One page of search results with the facet counts of all matches."""

    search: JobSearch
    count: int
    place: Place | None
    results: list[FoundPosting]
    facets: Mapping[str, list[FacetValue]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """Return the number of pages that can be requested."""
        reachable = min(self.count, MAX_RESULT_WINDOW)
        return max(1, math.ceil(reachable / self.search.size))


def resolve_place(wo: str, gazetteer: Gazetteer) -> Place | None:
    """Return the place of `wo` (name, PLZ or "lat,lon"), or None for all of Germany."""
    text = wo.strip()
    if not text or text.lower() in NATIONWIDE:
        return None
    if match := _COORDINATES.fullmatch(text):
        lat, lon = float(match[1]), float(match[2])
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InvalidSearch("wo: Koordinaten als Breite,Länge in Grad angeben, z. B. 51.51,7.46")
        return Place(
            slug="", name=f"{lat:.4f}, {lon:.4f}", land="", kreis="", lat=lat, lon=lon, postal_codes=()
        )
    return gazetteer.resolve(text)


def search_query(search: JobSearch, place: Place | None, today: date) -> SearchQuery:
    """Return the backend query of a job search around a resolved place."""
    days = search.veroeffentlichtseit
    return SearchQuery(
        text=search.was,
        geo=GeoFilter(place.lat, place.lon, float(search.umkreis)) if place else None,
        kldb=search.kldb,
        sort=search.sort if place or search.sort != Sort.DISTANCE else Sort.RELEVANCE,
        offset=(search.page - 1) * search.size,
        limit=search.size,
        working_time=search.arbeitszeit,
        fixed_term=None if search.befristung is None else search.befristung == 1,
        offer_kinds=search.angebotsart,
        include_temp_agency=search.zeitarbeit,
        include_private_agency=search.pav,
        employer=search.arbeitgeber or None,
        published_since=today - timedelta(days=days) if days is not None else None,
        salary_from_cents=search.gehalt * 100 if search.gehalt is not None else None,
        entry_level=search.einstieg,
        remote=search.homeoffice,
        level=search.niveau,
        include_location_independent=search.ortsunabhaengig,
        facets=True,
        today=today,
    )


def search_jobs(
    search: JobSearch, gazetteer: Gazetteer, backend: SearchBackend, today: date | None = None
) -> JobSearchPage:
    """Run a job search; raise UnknownPlace or AmbiguousPlace when `wo` cannot be resolved."""
    place = resolve_place(search.wo, gazetteer)
    if search.sort == Sort.DISTANCE and place is None:
        raise InvalidSearch("sort=entfernung braucht einen Ort (wo), nicht bundesweit")
    result = backend.search(search_query(search, place, today or timezone.localdate()))
    postings = (
        Posting.objects.select_related("employer", "place", "occupation")
        .only(*LISTED_FIELDS)
        .in_bulk([hit.posting_id for hit in result.hits])
    )
    # A posting deleted since the index was written is skipped rather than shown broken.
    found = [
        FoundPosting(postings[hit.posting_id], hit.distance_km, hit.location_independent, hit.reasons)
        for hit in result.hits
        if hit.posting_id in postings
    ]
    # The backend counts the facets on another core while the postings load: reading them waits for the count.
    facets = dict(result.facets)
    return JobSearchPage(search=search, count=result.count, place=place, results=found, facets=facets)


FACET_TITLES = {
    "arbeitszeit": "Arbeitszeit",
    "homeoffice": "Homeoffice",
    "befristung": "Befristung",
    "angebotsart": "Angebotsart",
    "einstieg": "Berufseinstieg",
    "veroeffentlichtseit": "Veröffentlicht",
    "gehalt": "Gehalt (brutto im Monat)",
    "berufsgruppe": "Berufsgruppe",
    "kldb": "Beruf",
    "niveau": "Anforderungsniveau",
    "arbeitgeber": "Arbeitgeber",
    "zeitarbeit": "Zeitarbeit",
    "pav": "Private Arbeitsvermittlung",
    "ortsunabhaengig": "Ortsunabhängig",
}
# The parameter a facet's values are filtered by, where it is not the facet's own name.
FACET_PARAMETERS = {"berufsgruppe": "kldb"}
_VALUE_LABELS: dict[str, dict[str, str]] = {
    "arbeitszeit": {
        "vz": "Vollzeit",
        "tz": "Teilzeit",
        "snw": "Schicht, Nacht, Wochenende",
        "ho": "Homeoffice möglich",
        "mj": "Minijob",
    },
    "homeoffice": {Remote.FULL.value: "komplett remote", Remote.PARTIAL.value: "teilweise Homeoffice"},
    "befristung": {"1": "befristet", "2": "unbefristet"},
    "angebotsart": {
        "arbeit": "Arbeit",
        "ausbildung": "Ausbildung",
        "duales_studium": "Duales Studium",
        "praktikum": "Praktikum",
        "werkstudent": "Werkstudium",
        "trainee": "Trainee",
        "berufseinstieg": "Berufseinstieg",
    },
    "niveau": {"1": "Helfer", "2": "Fachkraft", "3": "Spezialist", "4": "Experte"},
    "einstieg": {"true": "für Einsteiger"},
    "zeitarbeit": {"true": "Zeitarbeit"},
    "pav": {"true": "private Arbeitsvermittlung"},
    "ortsunabhaengig": {"true": "komplett remote oder bundesweit"},
}
_MATCH_PHRASES = {
    MatchKind.TITLE: "„{word}“ steht im Titel",
    MatchKind.PART: "„{word}“ steckt als Wortteil im Titel{detail}",
    MatchKind.SYNONYM: "„{word}“ gefunden als „{detail}“",
    MatchKind.OCCUPATION: "„{word}“ ist der Beruf {detail}",
    MatchKind.SPELLING: "„{word}“ in ähnlicher Schreibweise gefunden",
    MatchKind.CONDITION: "„{word}“ steht in den Bedingungen der Anzeige",
    MatchKind.TEXT: "„{word}“ steht im Text der Anzeige (Beschreibung, Beruf oder Arbeitgeber)",
}


def facet_label(name: str, value: str, taxonomy: Taxonomy) -> str:
    """Return the German label of a facet value."""
    if name in ("kldb", "berufsgruppe"):
        return _occupation_label(value, taxonomy)
    if name == "veroeffentlichtseit":
        return "seit gestern" if value == "1" else f"in den letzten {value} Tagen"
    if name == "gehalt":
        return f"ab {int(value):,} €".replace(",", ".")
    return _VALUE_LABELS.get(name, {}).get(value, value)


def _occupation_label(code: str, taxonomy: Taxonomy) -> str:
    occupation = taxonomy.occupation(code) if len(code) == 5 else None
    if occupation is not None:
        berufe = taxonomy.berufe_for(code)
        return berufe[0].name if berufe else occupation.name
    return _group_names(taxonomy).get(code, f"Berufsgruppe {code}")


@functools.cache
def _group_names(taxonomy: Taxonomy) -> dict[str, str]:
    """Return a name for each 3-digit KldB group, from its occupations' names."""
    names: dict[str, str] = {}
    for occupation in taxonomy.occupations:
        head, _, tail = occupation.name.partition(" - ")
        # "Führungskräfte - Informatik" names the whole group; otherwise the first occupation's field.
        if head in ("Führungskräfte", "Aufsichtskräfte") and tail:
            names[occupation.kldb[:3]] = tail
        else:
            names.setdefault(occupation.kldb[:3], head.replace(" (ohne Spezialisierung)", ""))
    return names


def explain(reason: MatchReason, taxonomy: Taxonomy) -> str:
    """Return why a query word matched, as a German sentence."""
    detail = reason.detail
    if reason.kind == MatchKind.OCCUPATION and (occupation := taxonomy.occupation(detail)):
        detail = f"{occupation.kldb} {occupation.name}"
    if reason.kind == MatchKind.PART:
        # The word itself inside a longer one needs no detail; its own parts ("pflege + fachkraft") do.
        detail = "" if not detail or detail == reason.word else f" ({detail})"
    return _MATCH_PHRASES[reason.kind].format(word=reason.word, detail=detail)
