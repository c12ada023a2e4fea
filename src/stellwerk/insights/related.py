"""Related occupations (same KldB group, shared skills) and nearby places, each with counts and link keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stellwerk.domain.places import Place, bounding_box, haversine_km
from stellwerk.insights.models import MarketAggregate
from stellwerk.reference.gazetteer import Gazetteer
from stellwerk.reference.taxonomy import Taxonomy

Scope = MarketAggregate.Scope
RELATED_LIMIT = 8
NEARBY_RADIUS_KM = 50
NEARBY_LIMIT = 8
# The first three digits of a KldB code name its occupation group (Berufsgruppe).
GROUP_DIGITS = 3


@dataclass(frozen=True, slots=True)
class OccupationLink:
    """An occupation as pages name and link it, with a count in the area."""

    kldb: str
    name: str
    key: str
    count: int
    shared_skills: int = 0


@dataclass(frozen=True, slots=True)
class PlaceLink:
    """A place near another, with its count and distance."""

    slug: str
    name: str
    count: int
    distance_km: float


@dataclass(frozen=True, slots=True)
class Related:
    """What a market page links to."""

    same_group: list[OccupationLink]
    by_skills: list[OccupationLink]
    nearby: list[PlaceLink]


_names: dict[str, tuple[datetime, dict[str, str]]] = {}


def seeker_names(computed_at: datetime) -> Mapping[str, str]:
    """Return, per code with postings, the BA occupation name its postings give most often.

    Read once per refresh of the figures (`computed_at` names it) and kept in memory: every market page links
    occupations by these names.
    """
    cached = _names.get("book")
    if cached is not None and cached[0] == computed_at:
        return cached[1]
    rows = MarketAggregate.objects.filter(scope=Scope.COUNTRY).exclude(kldb="")
    names = {kldb: name for kldb, name in rows.values_list("kldb", "figures__beruf") if isinstance(name, str)}
    _names["book"] = (computed_at, names)
    return names


def occupation_key(taxonomy: Taxonomy, names: Mapping[str, str], kldb: str) -> str:
    """Return the URL key of a code: the slug of its commonest BA occupation name, else the code itself."""
    name = names.get(kldb)
    beruf = taxonomy.beruf_by_name(name) if name else None
    return beruf.slug if beruf else kldb


def occupation_link(
    taxonomy: Taxonomy, kldb: str, beruf_name: str | None, count: int, shared: int = 0
) -> OccupationLink:
    """Return the link of a code: named and keyed by its commonest BA name where known, else by the code."""
    beruf = taxonomy.beruf_by_name(beruf_name) if beruf_name else None
    occupation = taxonomy.occupation(kldb)
    name = beruf.name if beruf else occupation.name if occupation else kldb
    return OccupationLink(kldb, name, beruf.slug if beruf else kldb, count, shared)


def _counts(scope: str, area: str, kldbs: Sequence[str]) -> dict[str, int]:
    rows = MarketAggregate.objects.filter(scope=scope, area=area, kldb__in=list(kldbs))
    return dict(rows.values_list("kldb", "active"))


def same_group(
    taxonomy: Taxonomy, names: Mapping[str, str], kldb: str, scope: str, area: str
) -> list[OccupationLink]:
    """Return other occupations of the same KldB group with current postings in the area, most first."""
    group = kldb[:GROUP_DIGITS]
    # A range on the unique (scope, area, kldb) index: SQLite uses no index for LIKE, and a group is small.
    rows = MarketAggregate.objects.filter(scope=scope, area=area, kldb__range=(group + "00", group + "99"))
    found = sorted(
        ((code, n) for code, n in rows.values_list("kldb", "active") if n and code != kldb),
        key=lambda item: (-item[1], item[0]),
    )[:RELATED_LIMIT]
    return [occupation_link(taxonomy, code, names.get(code), n) for code, n in found]


def by_skills(
    taxonomy: Taxonomy, names: Mapping[str, str], nationwide: Mapping[str, Any], scope: str, area: str
) -> list[OccupationLink]:
    """Return the occupations whose most asked skills overlap most, with their counts in the area."""
    related = [(str(code), int(shared)) for code, shared in nationwide.get("related_by_skills", [])]
    codes = [code for code, _ in related]
    counts = _counts(scope, area, codes) if codes else {}
    return [occupation_link(taxonomy, code, names.get(code), counts.get(code, 0), n) for code, n in related]


def nearby_places(gazetteer: Gazetteer, kldb: str, place: Place) -> list[PlaceLink]:
    """Return places within 50 km with current postings of the occupation ("" = all), nearest first."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(place.lat, place.lon, NEARBY_RADIUS_KM)
    rows = (
        MarketAggregate.objects.filter(
            scope=Scope.PLACE,
            kldb=kldb,
            lat__range=(min_lat, max_lat),
            lon__range=(min_lon, max_lon),
            active__gt=0,
        )
        .exclude(area=place.slug)
        .values_list("area", "active", "lat", "lon")
    )
    links = []
    for slug, count, lat, lon in rows:
        other = gazetteer.by_slug(slug)
        if other is None or lat is None or lon is None:
            continue
        distance = haversine_km(place.lat, place.lon, lat, lon)
        if distance <= NEARBY_RADIUS_KM:
            links.append(PlaceLink(slug, other.name, count, round(distance, 1)))
    links.sort(key=lambda link: (link.distance_km, link.slug))
    return links[:NEARBY_LIMIT]
