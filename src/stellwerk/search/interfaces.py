"""The search backend protocol and the values that cross it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol


class Sort(StrEnum):
    """Orders a result list can take."""

    RELEVANCE = "relevanz"
    DATE = "datum"
    DISTANCE = "entfernung"
    SALARY = "gehalt"


class Remote(StrEnum):
    """How much of the work can be done away from the workplace."""

    FULL = "komplett"
    PARTIAL = "teilweise"


class MatchKind(StrEnum):
    """Why a query word matched a posting."""

    TITLE = "titel"
    PART = "wortteil"
    SYNONYM = "synonym"
    OCCUPATION = "beruf"
    SPELLING = "schreibweise"
    CONDITION = "bedingung"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class IndexDocument:
    """What the index keeps of one posting."""

    posting_id: int
    title: str
    body: str
    lat: float | None
    lon: float | None
    published: date | None
    kldb: str | None
    employer: str | None = None
    # The employer's number in the database: facets count employers by it.
    employer_number: int | None = None
    working_time: frozenset[str] = frozenset()
    remote: Remote | None = None
    fixed_term: bool | None = None
    temp_agency: bool = False
    private_agency: bool = False
    offer_kinds: frozenset[str] = frozenset()
    entry_level: bool = False
    salary_min_cents: int | None = None
    salary_max_cents: int | None = None
    # Offered for all of Germany rather than at one place ("bundesweit").
    nationwide: bool = False
    # The occupation as the source and the KldB name it ("Koch/Köchin Köche/Köchinnen - fachlich ...").
    occupation_text: str = ""

    @property
    def location_independent(self) -> bool:
        """Tell whether the job can be done from anywhere: fully remote or nationwide."""
        return self.remote == Remote.FULL or self.nationwide


@dataclass(frozen=True, slots=True)
class GeoFilter:
    """A circle around a point; only postings inside it match."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed search request: text, place, filters, order, page, and whether to count facets."""

    text: str = ""
    geo: GeoFilter | None = None
    # A KldB 2010 code: 5 digits for an occupation, 3 for an occupation group.
    kldb: str | None = None
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20
    # Any of these BA working-time codes (vz, tz, snw, ho, mj).
    working_time: frozenset[str] = frozenset()
    fixed_term: bool | None = None
    # Any of these offer kinds; "arbeit" is ordinary employment.
    offer_kinds: frozenset[str] = frozenset()
    include_temp_agency: bool = True
    include_private_agency: bool = True
    employer: str | None = None
    published_since: date | None = None
    salary_from_cents: int | None = None
    entry_level: bool = False
    remote: Remote | None = None
    # The KldB requirement level, the code's fifth digit: 1 Helfer ... 4 Experte.
    level: int | None = None
    # Radius searches also return fully remote and nationwide postings, labelled as such.
    include_location_independent: bool = True
    facets: bool = False
    # Reference day of "published within the last n days" facets.
    today: date | None = None


@dataclass(frozen=True, slots=True)
class MatchReason:
    """One query word and how it matched: where, and through which synonym, part or occupation."""

    word: str
    kind: MatchKind
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching posting with its score, its distance for radius searches, and why it matched."""

    posting_id: int
    score: float
    distance_km: float | None
    location_independent: bool = False
    reasons: tuple[MatchReason, ...] = ()


@dataclass(frozen=True, slots=True)
class FacetValue:
    """A filter value and how many matching postings carry it."""

    value: str
    count: int


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The total number of matches, the requested page of hits and, if asked for, the facet counts."""

    count: int
    hits: list[SearchHit]
    facets: Mapping[str, list[FacetValue]] = field(default_factory=dict)


class SearchBackend(Protocol):
    """A search index that follows the database."""

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the hits for a query."""
        ...

    def upsert(self, documents: Iterable[IndexDocument], deleted: Iterable[int]) -> None:
        """Add or replace documents and remove deleted postings, then commit."""
        ...

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        """Build a new index from all documents, swap it in, and return the count."""
        ...

    def count(self) -> int:
        """Return the number of indexed postings."""
        ...

    def built_at(self) -> datetime | None:
        """Return when the current index was built from all documents; None if it never was."""
        ...

    def warm(self) -> None:
        """Load what every search needs (analysis, synonyms, the index), so the first search is not slow."""
        ...
