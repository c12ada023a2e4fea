"""The search backend protocol and the values that cross it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol


class Sort(StrEnum):
    """Orders a result list can take."""

    RELEVANCE = "relevanz"
    DATE = "datum"
    DISTANCE = "entfernung"


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


@dataclass(frozen=True, slots=True)
class GeoFilter:
    """A circle around a point; only postings inside it match."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A parsed search request."""

    text: str = ""
    geo: GeoFilter | None = None
    kldb: str | None = None
    sort: Sort = Sort.RELEVANCE
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching posting with its score and, for radius searches, its distance."""

    posting_id: int
    score: float
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The total number of matches and the requested page of hits."""

    count: int
    hits: list[SearchHit]


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
