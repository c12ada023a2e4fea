"""Search postings: resolve the place, query the index, load the postings in order."""

from __future__ import annotations

import math
from dataclasses import dataclass

from stellwerk.domain.places import Place
from stellwerk.postings.models import Posting
from stellwerk.reference.gazetteer import Gazetteer
from stellwerk.search.interfaces import GeoFilter, SearchBackend, SearchQuery, Sort

DEFAULT_RADIUS_KM = 25
MAX_RADIUS_KM = 200
MAX_PAGE_SIZE = 100
# Like the BA API: deep paging is what crawlers do, not seekers.
MAX_RESULT_WINDOW = 10_000


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

    def __post_init__(self) -> None:
        if not 1 <= self.umkreis <= MAX_RADIUS_KM:
            raise InvalidSearch(f"umkreis muss zwischen 1 und {MAX_RADIUS_KM} km liegen")
        if not 1 <= self.size <= MAX_PAGE_SIZE:
            raise InvalidSearch(f"size muss zwischen 1 und {MAX_PAGE_SIZE} liegen")
        if self.page < 1 or self.page * self.size > MAX_RESULT_WINDOW:
            raise InvalidSearch(f"page muss mindestens 1 sein und page × size höchstens {MAX_RESULT_WINDOW}")
        if len(self.was) > 200 or len(self.wo) > 100:
            raise InvalidSearch("was darf höchstens 200, wo höchstens 100 Zeichen lang sein")
        if self.kldb is not None and not (len(self.kldb) == 5 and self.kldb.isdigit()):
            raise InvalidSearch("kldb muss ein fünfstelliger Code der KldB 2010 sein")
        if self.sort == Sort.DISTANCE and not self.wo.strip():
            raise InvalidSearch("sort=entfernung braucht einen Ort (wo)")


@dataclass(frozen=True, slots=True)
class FoundPosting:
    """A posting in a result list, with its distance from the searched place."""

    posting: Posting
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class JobSearchPage:
    """One page of search results."""

    search: JobSearch
    count: int
    place: Place | None
    results: list[FoundPosting]

    @property
    def pages(self) -> int:
        """Return the number of pages that can be requested."""
        reachable = min(self.count, MAX_RESULT_WINDOW)
        return max(1, math.ceil(reachable / self.search.size))


def search_jobs(search: JobSearch, gazetteer: Gazetteer, backend: SearchBackend) -> JobSearchPage:
    """Run a job search; raise UnknownPlace or AmbiguousPlace when `wo` cannot be resolved."""
    place = gazetteer.resolve(search.wo) if search.wo.strip() else None
    geo = GeoFilter(place.lat, place.lon, float(search.umkreis)) if place else None
    query = SearchQuery(
        text=search.was,
        geo=geo,
        kldb=search.kldb,
        sort=search.sort,
        offset=(search.page - 1) * search.size,
        limit=search.size,
    )
    result = backend.search(query)
    postings = Posting.objects.select_related("employer", "place", "occupation").in_bulk(
        [hit.posting_id for hit in result.hits]
    )
    # A posting deleted since the index was written is skipped rather than shown broken.
    found = [
        FoundPosting(postings[hit.posting_id], hit.distance_km)
        for hit in result.hits
        if hit.posting_id in postings
    ]
    return JobSearchPage(search=search, count=result.count, place=place, results=found)
