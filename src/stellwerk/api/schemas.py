"""Response shapes of the JSON API."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class PlaceOut(Schema):
    """Where a posting is, as resolved through the gazetteer or given by the source."""

    name: str
    plz: str | None
    lat: float
    lon: float


class OccupationOut(Schema):
    """The posting's occupation in the KldB 2010."""

    kldb: str
    name: str


class JobOut(Schema):
    """A posting in a result list."""

    id: str
    title: str
    employer: str | None
    place: PlaceOut | None
    distance_km: float | None
    occupation: OccupationOut | None
    published: str | None
    url: str


class SearchPlaceOut(Schema):
    """The place a radius search was run around."""

    name: str
    slug: str
    land: str
    lat: float
    lon: float


class JobList(Schema):
    """One page of search results."""

    count: int
    page: int
    size: int
    place: SearchPlaceOut | None
    results: list[JobOut]


class SourceOut(Schema):
    """A source a posting was found at."""

    source: str
    external_id: str
    url: str | None
    external_url: str | None
    fetched_at: str


class JobDetail(JobOut):
    """One posting with everything the API knows about it."""

    title_as_published: str
    beruf: str | None
    description: str
    region: str | None
    start_date: str | None
    valid_through: str | None
    first_seen: str
    last_seen: str
    status: str
    occupation_source: str | None
    occupation_confidence: float | None
    terms: dict[str, Any]
    salary: dict[str, Any]
    skills: list[str]
    sources: list[SourceOut]


class Problem(Schema):
    """Why a request was refused."""

    detail: str
    suggestions: list[str] = []
