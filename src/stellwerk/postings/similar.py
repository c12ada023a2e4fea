"""Current offers like a given posting: same occupation nearby, for expired pages and "more like this"."""

from __future__ import annotations

from stellwerk.domain.places import bounding_box, haversine_km
from stellwerk.postings.models import Posting

NEARBY_KM = 50.0


def similar_postings(posting: Posting, limit: int = 5) -> list[Posting]:
    """Return current postings of the same occupation: nearest first within 50 km, else the newest."""
    if posting.occupation_id is None:
        return []
    candidates = (
        Posting.objects.visible()
        .filter(occupation_id=posting.occupation_id)
        .exclude(pk=posting.pk)
        .select_related("employer", "place")
    )
    if posting.lat is not None and posting.lon is not None:
        min_lat, max_lat, min_lon, max_lon = bounding_box(posting.lat, posting.lon, NEARBY_KM)
        # The box is a cheap indexable prefilter; the exact distance decides.
        nearby = [
            p
            for p in candidates.filter(lat__range=(min_lat, max_lat), lon__range=(min_lon, max_lon)).order_by(
                "-published"
            )[: limit * 20]
            if p.lat is not None
            and p.lon is not None
            and haversine_km(posting.lat, posting.lon, p.lat, p.lon) <= NEARBY_KM
        ]
        if nearby:
            origin = (posting.lat, posting.lon)
            return sorted(nearby, key=lambda p: haversine_km(*origin, p.lat or 0.0, p.lon or 0.0))[:limit]
    return list(candidates.order_by("-published", "-pk")[:limit])
