"""JSON API of the market figures: an occupation in a place, each figure with its provenance.

Mounted by api.py with `api.add_router("/v1", market_router)`; the route: /api/v1/markt/{occupation}/{place}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema, Status

from stellwerk.api.schemas import Problem
from stellwerk.insights.demand import Demand
from stellwerk.insights.figures import MarketFigures, default_tools, market_figures
from stellwerk.insights.pay import AtlasPay, PayFigures, Provenance
from stellwerk.postings.search import DEFAULT_RADIUS_KM
from stellwerk.reference.gazetteer import AmbiguousPlace, UnknownPlace
from stellwerk.reference.salaries import PayValue
from stellwerk.reference.taxonomy import UnknownOccupation

router = Router(tags=["Markt"])
POSTINGS_SOURCE = "Stellenangebote auf Stellwerk, eigene Auswertung"


class ProvenanceOut(Schema):
    """Where a figure comes from: source, reference date, region and the sample it rests on."""

    source: str
    date: str
    date_label: str
    sample_size: int | None
    sample_unit: str
    region: str


class OccupationOut(Schema):
    """The occupation: KldB 2010 code and name, the BA name when asked by it, and its page key."""

    kldb: str
    name: str
    beruf: str | None
    key: str


class PlaceOut(Schema):
    """The place the figures count postings of."""

    slug: str
    name: str
    land: str


class TrendOut(Schema):
    """New postings of the last 13 full weeks against the same weeks a year earlier."""

    recent: int
    previous: int
    change_percent: int | None
    comparable: bool
    words: str
    sentence: str


class WeekOut(Schema):
    """New postings of one week (Monday)."""

    week: str
    count: int


class AreaDemandOut(Schema):
    """Current postings and trend of one area."""

    scope: str
    area: str
    active: int
    recent: int
    trend: TrendOut


class DemandOut(Schema):
    """Demand: current postings, postings of the last 12 months, weekly series, trend and comparison."""

    active: int
    last_12_months: int
    weeks: list[WeekOut]
    trend: TrendOut
    comparison: list[AreaDemandOut]
    provenance: ProvenanceOut


class AmountOut(Schema):
    """A monthly gross amount; censored: above the contribution ceiling, cents then null."""

    cents: int | None
    censored: bool


class AtlasOut(Schema):
    """Entgeltatlas figures of full-time employees: quartiles and median."""

    q25: AmountOut
    median: AmountOut
    q75: AmountOut
    ceiling_cents: int
    level: str
    provenance: ProvenanceOut


class BandOut(Schema):
    """A band of stated pay and how many postings fall in it."""

    from_cents: int
    to_cents: int
    count: int


class PostedPayOut(Schema):
    """Pay stated in postings of the last 12 months."""

    count: int
    q25_cents: int | None
    median_cents: int | None
    q75_cents: int | None
    histogram: list[BandOut]
    provenance: ProvenanceOut


class NamedCountOut(Schema):
    """A name with a count."""

    name: str
    count: int


class TariffsOut(Schema):
    """Postings naming a collective agreement."""

    count: int
    total: int
    percent: int | None
    top: list[NamedCountOut]


class EntryOut(Schema):
    """Estimated starting pay, the method, and the provenance of its figure."""

    value: AmountOut
    method: str
    provenance: ProvenanceOut


class PayOut(Schema):
    """All pay figures."""

    national: AtlasOut | None
    regional: AtlasOut | None
    postings: PostedPayOut
    tariffs: TariffsOut
    entry: EntryOut | None


class EmployerOut(Schema):
    """An employer with its postings of the last 12 months and its type."""

    name: str
    count: int
    type: str
    type_label: str


class EmployerTypeOut(Schema):
    """Postings by employer type."""

    type: str
    label: str
    count: int
    percent: int


class EmployersOut(Schema):
    """Who hires: top employers, types (estimated from names), share of Zeitarbeit."""

    total: int
    top: list[EmployerOut]
    types: list[EmployerTypeOut]
    temp_agency_count: int
    temp_agency_percent: int | None
    provenance: ProvenanceOut


class SkillOut(Schema):
    """A skill and how many postings ask for it."""

    id: str
    label: str
    category: str
    count: int
    percent: int


class SkillsOut(Schema):
    """Skills most asked for."""

    total: int
    with_skills: int
    top: list[SkillOut]
    provenance: ProvenanceOut


class TrainingOfferOut(Schema):
    """A further-training course date."""

    title: str
    provider: str
    place: str
    distance_km: float | None
    starts: str | None
    url: str | None
    funding: bool


class TrainingOut(Schema):
    """Training offers covering one skill."""

    skill: str
    offers: list[TrainingOfferOut]


class OccupationLinkOut(Schema):
    """A related occupation with its current postings in the area."""

    kldb: str
    name: str
    key: str
    count: int
    shared_skills: int


class PlaceLinkOut(Schema):
    """A nearby place with current postings of the occupation."""

    slug: str
    name: str
    count: int
    distance_km: float


class RelatedOut(Schema):
    """Related occupations and nearby places."""

    same_group: list[OccupationLinkOut]
    by_skills: list[OccupationLinkOut]
    nearby: list[PlaceLinkOut]


class MarketOut(Schema):
    """The figures of an occupation in a place."""

    occupation: OccupationOut
    place: PlaceOut
    computed_at: str
    url: str
    offers_url: str
    summary: str
    demand: DemandOut
    pay: PayOut
    employers: EmployersOut
    skills: SkillsOut
    training: list[TrainingOut]
    related: RelatedOut


def _provenance(provenance: Provenance) -> dict[str, Any]:
    return provenance.as_dict()


def _postings_provenance(figures: MarketFigures, sample: int, unit: str) -> dict[str, Any]:
    computed: datetime = figures.computed_at
    return {
        "source": POSTINGS_SOURCE,
        "date": computed.date().isoformat(),
        "date_label": f"Stand {computed:%d.%m.%Y}",
        "sample_size": sample,
        "sample_unit": unit,
        "region": figures.area.name,
    }


def _amount(value: PayValue) -> dict[str, Any]:
    return {"cents": value.cents, "censored": value.censored}


def _atlas(atlas: AtlasPay | None) -> dict[str, Any] | None:
    if atlas is None:
        return None
    return {
        "q25": _amount(atlas.q25),
        "median": _amount(atlas.median),
        "q75": _amount(atlas.q75),
        "ceiling_cents": atlas.ceiling_cents,
        "level": atlas.level,
        "provenance": _provenance(atlas.provenance),
    }


def _trend(demand: Demand) -> dict[str, Any]:
    trend = demand.trend
    return {
        "recent": trend.recent,
        "previous": trend.previous,
        "change_percent": trend.change_percent,
        "comparable": trend.comparable,
        "words": trend.words,
        "sentence": trend.sentence,
    }


def _demand(figures: MarketFigures) -> dict[str, Any]:
    demand = figures.demand
    return {
        "active": demand.active,
        "last_12_months": demand.recent,
        "weeks": [
            {"week": week.isoformat(), "count": n}
            for week, n in zip(demand.weeks, demand.counts, strict=True)
        ],
        "trend": _trend(demand),
        "comparison": [
            {
                "scope": item.area.scope,
                "area": item.area.name,
                "active": item.demand.active,
                "recent": item.demand.recent,
                "trend": _trend(item.demand),
            }
            for item in figures.comparison
        ],
        "provenance": _postings_provenance(figures, demand.recent, "Stellenangebote der letzten 12 Monate"),
    }


def _pay(pay: PayFigures) -> dict[str, Any]:
    posted = pay.posted
    entry = pay.entry
    return {
        "national": _atlas(pay.national),
        "regional": _atlas(pay.regional),
        "postings": {
            "count": posted.count,
            "q25_cents": posted.q25_cents,
            "median_cents": posted.median_cents,
            "q75_cents": posted.q75_cents,
            "histogram": [{"from_cents": lo, "to_cents": hi, "count": n} for lo, hi, n in posted.histogram],
            "provenance": _provenance(posted.provenance),
        },
        "tariffs": {
            "count": pay.tariffs.count,
            "total": pay.tariffs.total,
            "percent": pay.tariffs.percent,
            "top": [{"name": name, "count": n} for name, n in pay.tariffs.top],
        },
        "entry": None
        if entry is None
        else {
            "value": _amount(entry.value),
            "method": entry.method,
            "provenance": _provenance(entry.provenance),
        },
    }


def _employers(figures: MarketFigures) -> dict[str, Any]:
    employers = figures.employers
    return {
        "total": employers.total,
        "top": [
            {"name": e.name, "count": e.count, "type": e.type.value, "type_label": e.type.label}
            for e in employers.top
        ],
        "types": [
            {"type": t.type.value, "label": t.type.label, "count": t.count, "percent": t.percent}
            for t in employers.types
        ],
        "temp_agency_count": employers.temp_agency_count,
        "temp_agency_percent": employers.temp_agency_percent,
        "provenance": _postings_provenance(figures, employers.total, "Stellenangebote der letzten 12 Monate"),
    }


def _skills(figures: MarketFigures) -> dict[str, Any]:
    skills = figures.skills
    return {
        "total": skills.total,
        "with_skills": skills.with_skills,
        "top": [
            {"id": s.id, "label": s.label, "category": s.category, "count": s.count, "percent": s.percent}
            for s in skills.top
        ],
        "provenance": _postings_provenance(
            figures, skills.with_skills, "Stellenangebote mit erkannten Kenntnissen"
        ),
    }


def _training(figures: MarketFigures) -> list[dict[str, Any]]:
    return [
        {
            "skill": group.skill.id,
            "offers": [
                {
                    "title": item.offer.title,
                    "provider": item.offer.provider,
                    "place": item.offer.place_name,
                    "distance_km": item.distance_km,
                    "starts": item.offer.starts.isoformat() if item.offer.starts else None,
                    "url": item.offer.url or None,
                    "funding": item.offer.funding,
                }
                for item in group.offers
            ],
        }
        for group in figures.training
    ]


def _related(figures: MarketFigures) -> dict[str, Any]:
    related = figures.related

    def occupations(links: list[Any]) -> list[dict[str, Any]]:
        return [
            {"kldb": o.kldb, "name": o.name, "key": o.key, "count": o.count, "shared_skills": o.shared_skills}
            for o in links
        ]

    return {
        "same_group": occupations(related.same_group),
        "by_skills": occupations(related.by_skills),
        "nearby": [
            {"slug": p.slug, "name": p.name, "count": p.count, "distance_km": p.distance_km}
            for p in related.nearby
        ],
    }


def market_json(request: HttpRequest, figures: MarketFigures) -> dict[str, Any]:
    """Return the figures of an occupation in a place as the API shows them."""
    occupation, place, pay = figures.occupation, figures.place, figures.pay
    if occupation is None or place is None or pay is None:
        raise ValueError("market_json needs the figures of an occupation in a place")
    page = reverse("web:occupation_place", args=[figures.key, place.slug])
    offers = {"kldb": occupation.kldb, "wo": place.name, "umkreis": DEFAULT_RADIUS_KM}
    return {
        "occupation": {
            "kldb": occupation.kldb,
            "name": occupation.name,
            "beruf": figures.beruf.name if figures.beruf else None,
            "key": figures.key,
        },
        "place": {"slug": place.slug, "name": place.name, "land": place.land},
        "computed_at": figures.computed_at.isoformat(),
        "url": request.build_absolute_uri(page),
        "offers_url": request.build_absolute_uri(f"/api/v1/jobs?{urlencode(offers)}"),
        "summary": figures.summary,
        "demand": _demand(figures),
        "pay": _pay(pay),
        "employers": _employers(figures),
        "skills": _skills(figures),
        "training": _training(figures),
        "related": _related(figures),
    }


@router.get("/markt/{occupation}/{place}", response={200: MarketOut, 404: Problem, 422: Problem})
def market(request: HttpRequest, occupation: str, place: str) -> Status[dict[str, Any]]:
    """Return the market figures of an occupation in a place, each with source, date and sample size."""
    taxonomy, gazetteer = default_tools().taxonomy, default_tools().gazetteer
    try:
        found, beruf = taxonomy.resolve_occupation(occupation)
    except UnknownOccupation as exc:
        detail = f"unknown occupation {occupation!r}"
        return Status(404, {"detail": detail, "suggestions": [b.slug for b in exc.suggestions]})
    where = gazetteer.by_slug(place)
    if where is None:
        try:
            where = gazetteer.resolve(place)
        except UnknownPlace as exc:
            return Status(
                404, {"detail": f"unknown place {place!r}", "suggestions": [p.slug for p in exc.suggestions]}
            )
        except AmbiguousPlace as exc:
            detail = f"place {place!r} is ambiguous; name the PLZ or use a slug"
            return Status(422, {"detail": detail, "suggestions": [p.slug for p in exc.candidates]})
    figures = market_figures(default_tools(), found, beruf, where)
    return Status(200, market_json(request, figures))
