"""First figures of an occupation's market around a place: current offers and who hires."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from stellwerk.domain.occupations import Beruf, Occupation
from stellwerk.domain.places import Place
from stellwerk.postings.models import Posting
from stellwerk.postings.search import MAX_RESULT_WINDOW, FoundPosting
from stellwerk.search.interfaces import GeoFilter, SearchBackend, SearchQuery, Sort

MARKET_RADIUS_KM = 25
SHOWN_OFFERS = 20
TOP_EMPLOYERS = 10


@dataclass(frozen=True, slots=True)
class EmployerCount:
    """An employer and how many current offers it has."""

    name: str
    slug: str
    count: int


@dataclass(frozen=True, slots=True)
class LocalMarket:
    """Current offers of one occupation within a radius of a place, with first figures."""

    occupation: Occupation
    beruf: Beruf | None
    place: Place
    radius_km: int
    count: int
    offers: list[FoundPosting]
    top_employers: list[EmployerCount]

    @property
    def display_name(self) -> str:
        """Return the occupation's name as seekers know it (BA short name) or the KldB name."""
        return self.beruf.name if self.beruf else self.occupation.name


def local_market(
    occupation: Occupation, beruf: Beruf | None, place: Place, backend: SearchBackend
) -> LocalMarket:
    """Collect the current offers of an occupation around a place and count them by employer."""
    geo = GeoFilter(place.lat, place.lon, float(MARKET_RADIUS_KM))
    query = SearchQuery(kldb=occupation.kldb, geo=geo, sort=Sort.DATE, limit=MAX_RESULT_WINDOW)
    result = backend.search(query)
    ids = [hit.posting_id for hit in result.hits]
    shown = Posting.objects.select_related("employer", "place").in_bulk(ids[:SHOWN_OFFERS])
    offers = [
        FoundPosting(shown[h.posting_id], h.distance_km)
        for h in result.hits[:SHOWN_OFFERS]
        if h.posting_id in shown
    ]
    employers = (
        Posting.objects.filter(pk__in=ids, employer__isnull=False)
        .values("employer__name", "employer__slug")
        .annotate(count=Count("pk"))
        .order_by("-count", "employer__name")[:TOP_EMPLOYERS]
    )
    top = [EmployerCount(e["employer__name"], e["employer__slug"], e["count"]) for e in employers]
    return LocalMarket(occupation, beruf, place, MARKET_RADIUS_KM, result.count, offers, top)
