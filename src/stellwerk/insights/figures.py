"""The figures of one market page, assembled from stored aggregates; the web page and the API show them.

An occupation in a place, an occupation nationwide, or all occupations in a place: each reads a handful of
precomputed rows, never the postings themselves.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from stellwerk.domain.occupations import Beruf, Occupation
from stellwerk.domain.places import Place
from stellwerk.insights import related as related_links
from stellwerk.insights.articles import SummaryFacts, render_article, summary_paragraph
from stellwerk.insights.demand import Demand, demand_from, week_starts
from stellwerk.insights.employers import EmployerFigures, employer_figures
from stellwerk.insights.entgeltatlas import regions_for
from stellwerk.insights.models import MarketAggregate, MarketArticle
from stellwerk.insights.pay import PayFigures, pay_figures, pay_text, regional_rows
from stellwerk.insights.related import OccupationLink, PlaceLink, Related
from stellwerk.insights.skills import SkillFigures, SkillTraining, skill_figures, training_for
from stellwerk.normalize.skills import SkillLexicon, default_lexicon
from stellwerk.reference.gazetteer import Gazetteer, default_gazetteer
from stellwerk.reference.salaries import SalaryTable, default_salary_table
from stellwerk.reference.taxonomy import Taxonomy, default_taxonomy

Scope = MarketAggregate.Scope
GERMANY = "Deutschland"
TOP_LISTED = 20


@dataclass(frozen=True, slots=True)
class Tools:
    """The reference data the figures are read with, loaded once per process."""

    taxonomy: Taxonomy
    gazetteer: Gazetteer
    salaries: SalaryTable
    lexicon: SkillLexicon


@functools.cache
def default_tools() -> Tools:
    """Return the packaged reference data the figures are read with, loaded once per process."""
    return Tools(default_taxonomy(), default_gazetteer(), default_salary_table(), default_lexicon())


@dataclass(frozen=True, slots=True)
class Area:
    """Where figures count: a place, a Land or Germany."""

    scope: str
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class AreaDemand:
    """The demand of one area, for comparing a place with its Land and Germany."""

    area: Area
    demand: Demand


@dataclass(frozen=True, slots=True)
class Article:
    """An editor's article, rendered."""

    title: str
    html: str
    author: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class MarketFigures:
    """Everything a market page shows, with the times the figures were computed and last changed."""

    occupation: Occupation | None
    beruf: Beruf | None
    place: Place | None
    area: Area
    computed_at: datetime
    demand: Demand
    comparison: list[AreaDemand]
    pay: PayFigures | None
    employers: EmployerFigures
    skills: SkillFigures
    training: list[SkillTraining]
    related: Related
    article: Article | None
    summary: str
    etag: str
    key: str = ""
    occupations: list[OccupationLink] = field(default_factory=list)
    lands: list[tuple[str, int]] = field(default_factory=list)
    places: list[PlaceLink] = field(default_factory=list)

    @property
    def display_name(self) -> str | None:
        """Return the occupation as seekers know it (BA name) or its KldB name; None for all occupations."""
        if self.beruf:
            return self.beruf.name
        return self.occupation.name if self.occupation else None

    @property
    def last_modified(self) -> datetime:
        """Return when the page's content last changed: the figures' refresh or the article's edit."""
        return max(self.computed_at, self.article.updated_at) if self.article else self.computed_at


def _areas(place: Place | None) -> list[Area]:
    germany = Area(Scope.COUNTRY, "", GERMANY)
    if place is None:
        return [germany]
    return [Area(Scope.PLACE, place.slug, place.name), Area(Scope.LAND, place.land, place.land), germany]


def _stored(areas: Sequence[Area], kldb: str) -> dict[tuple[str, str], MarketAggregate]:
    condition = Q()
    for area in areas:
        condition |= Q(scope=area.scope, area=area.key)
    rows = MarketAggregate.objects.filter(condition, kldb=kldb)
    return {(row.scope, row.area): row for row in rows}


def empty_figures() -> dict[str, Any]:
    """Return the figures of an area without any posting."""
    first = week_starts(timezone.localdate())[0]
    demand = {"first_week": first.isoformat(), "skip": 0, "counts": [], "history_start": None}
    return {"active": 0, "recent": 0, "demand": demand}


def market_figures(
    tools: Tools, occupation: Occupation | None, beruf: Beruf | None, place: Place | None
) -> MarketFigures:
    """Assemble the figures of an occupation in a place, of an occupation nationwide, or of a place."""
    if occupation is None and place is None:
        raise ValueError("a market page needs an occupation, a place or both")
    kldb = occupation.kldb if occupation else ""
    areas = _areas(place)
    stored = _stored(areas, kldb)
    main = stored.get((areas[0].scope, areas[0].key))
    figures = main.figures if main else empty_figures()
    computed = max((row.computed_at for row in stored.values()), default=None) or timezone.now()
    nationwide = stored.get((Scope.COUNTRY, ""))
    names = related_links.seeker_names(computed)
    pay = _pay(tools, kldb, place, figures, areas[0].name, computed) if occupation else None
    skills = skill_figures(figures, tools.lexicon)
    article = _article(occupation, place)
    page = MarketFigures(
        occupation=occupation,
        beruf=beruf,
        place=place,
        area=areas[0],
        computed_at=computed,
        demand=demand_from(figures),
        comparison=[
            AreaDemand(area, demand_from(stored[(area.scope, area.key)].figures))
            for area in areas
            if (area.scope, area.key) in stored
        ],
        pay=pay,
        employers=employer_figures(figures),
        skills=skills,
        training=training_for(skills.top, place) if occupation else [],
        related=_related(tools, names, kldb, place, areas[0], nationwide),
        article=None,
        summary="",
        etag=_etag(stored.values(), computed, article, pay),
        key=_key(tools, names, kldb, beruf),
    )
    return _with_texts(page, article, _listings(tools, names, kldb, place))


def _key(tools: Tools, names: Mapping[str, str], kldb: str, beruf: Beruf | None) -> str:
    """Return the occupation's URL key: the Beruf's slug, else its commonest Beruf's, else the code."""
    if beruf is not None:
        return beruf.slug
    return related_links.occupation_key(tools.taxonomy, names, kldb) if kldb else ""


def _pay(
    tools: Tools, kldb: str, place: Place | None, figures: Mapping[str, Any], area: str, computed: datetime
) -> PayFigures:
    regional = regional_rows(kldb, regions_for(place) if place else [])
    return pay_figures(kldb, tools.salaries, regional, figures, area, timezone.localdate(computed))


def _article(occupation: Occupation | None, place: Place | None) -> MarketArticle | None:
    if occupation is None:
        return None
    articles = MarketArticle.objects.filter(occupation__kldb=occupation.kldb, published=True)
    if place is None:
        return articles.filter(place__isnull=True).first()
    return articles.filter(place__slug=place.slug).first()


def _related(
    tools: Tools,
    names: Mapping[str, str],
    kldb: str,
    place: Place | None,
    area: Area,
    nationwide: MarketAggregate | None,
) -> Related:
    if not kldb:
        nearby = related_links.nearby_places(tools.gazetteer, "", place) if place else []
        return Related([], [], nearby)
    return Related(
        same_group=related_links.same_group(tools.taxonomy, names, kldb, area.scope, area.key),
        by_skills=related_links.by_skills(
            tools.taxonomy, names, nationwide.figures if nationwide else {}, area.scope, area.key
        ),
        nearby=related_links.nearby_places(tools.gazetteer, kldb, place) if place else [],
    )


@dataclass(frozen=True, slots=True)
class _Listings:
    occupations: list[OccupationLink]
    lands: list[tuple[str, int]]
    places: list[PlaceLink]


def _listings(tools: Tools, names: Mapping[str, str], kldb: str, place: Place | None) -> _Listings:
    """Return what the nationwide page lists (Länder, places) and what the place page lists (occupations)."""
    if place is not None and not kldb:
        rows = (
            MarketAggregate.objects.filter(scope=Scope.PLACE, area=place.slug, active__gt=0)
            .exclude(kldb="")
            .order_by("-active", "kldb")
            .values_list("kldb", "active")[:TOP_LISTED]
        )
        links = [related_links.occupation_link(tools.taxonomy, code, names.get(code), n) for code, n in rows]
        return _Listings(links, [], [])
    if place is None and kldb:
        lands = MarketAggregate.objects.filter(scope=Scope.LAND, kldb=kldb, active__gt=0).order_by("-active")
        top = MarketAggregate.objects.filter(scope=Scope.PLACE, kldb=kldb, active__gt=0).order_by(
            "-active", "area"
        )
        places = []
        for slug, count in top.values_list("area", "active")[:TOP_LISTED]:
            known = tools.gazetteer.by_slug(slug)
            if known is not None:
                places.append(PlaceLink(slug, known.name, count, 0.0))
        return _Listings([], list(lands.values_list("area", "active")), places)
    return _Listings([], [], [])


def _etag(
    rows: Iterable[MarketAggregate], computed: datetime, article: MarketArticle | None, pay: PayFigures | None
) -> str:
    """Return what changes whenever the page's content may: figures, refresh time, article, fetched pay."""
    parts = sorted(f"{row.scope}:{row.area}:{row.digest}" for row in rows)
    parts.append(f"computed:{computed.isoformat()}")
    if article is not None:
        parts.append(f"article:{article.pk}:{article.updated_at.isoformat()}")
    if pay is not None and pay.regional is not None:
        parts.append(f"regional:{pay.regional.provenance.date_label}")
    return hashlib.blake2b("|".join(parts).encode("utf-8"), digest_size=12).hexdigest()


def _with_texts(page: MarketFigures, article: MarketArticle | None, listings: _Listings) -> MarketFigures:
    """Return the page with its article (placeholders filled), generated summary and listings."""
    rendered = None
    if article is not None:
        html = render_article(article.body, placeholder_values(page))
        rendered = Article(article.title, html, article.author, article.updated_at)
    return replace(
        page,
        article=rendered,
        summary=summary_paragraph(summary_facts(page)),
        occupations=listings.occupations,
        lands=listings.lands,
        places=listings.places,
    )


def _median(page: MarketFigures) -> tuple[str | None, str | None]:
    atlas = page.pay.headline if page.pay else None
    if atlas is None:
        return None, None
    source = (
        f"Entgeltatlas der Bundesagentur für Arbeit, {atlas.provenance.region}, {atlas.provenance.date_label}"
    )
    return pay_text(atlas.median, atlas.ceiling_cents), source


def placeholder_values(page: MarketFigures) -> dict[str, str | None]:
    """Return the value of each article placeholder for a page (None where the data says nothing)."""
    median, source = _median(page)
    atlas = page.pay.headline if page.pay else None
    entry = page.pay.entry if page.pay else None
    posted = page.pay.posted if page.pay else None
    trend = page.demand.trend
    return {
        "beruf.name": page.display_name,
        "ort.name": page.area.name,
        "angebote.aktuell": _number(page.demand.active),
        "angebote.jahr": _number(page.demand.recent),
        "nachfrage.trend": trend.sentence,
        "nachfrage.veraenderung": f"{trend.change_percent:+d} %"
        if trend.change_percent is not None
        else None,
        "gehalt.median": median,
        "gehalt.q25": pay_text(atlas.q25, atlas.ceiling_cents) if atlas else None,
        "gehalt.q75": pay_text(atlas.q75, atlas.ceiling_cents) if atlas else None,
        "gehalt.einstieg": pay_text(entry.value, entry.ceiling_cents) if entry else None,
        "gehalt.quelle": source,
        "gehalt.angebote_median": pay_text_cents(posted.median_cents) if posted else None,
        "arbeitgeber.top": page.employers.top[0].name if page.employers.top else None,
        "arbeitgeber.zeitarbeit": (
            f"{page.employers.temp_agency_percent} %"
            if page.employers.temp_agency_percent is not None
            else None
        ),
        "kenntnisse.top": ", ".join(skill.label for skill in page.skills.top[:3]) or None,
    }


def pay_text_cents(cents: int | None) -> str | None:
    """Format optional cents as whole euros."""
    return f"{(cents + 50) // 100:,} €".replace(",", ".") if cents is not None else None


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def summary_facts(page: MarketFigures) -> SummaryFacts:
    """Return what the generated summary of a page may say."""
    median, source = _median(page)
    entry = page.pay.entry if page.pay else None
    trend = page.demand.trend
    return SummaryFacts(
        occupation=page.display_name,
        area=page.area.name,
        active=page.demand.active,
        trend=trend.sentence if trend.change_percent is not None else None,
        median=median,
        median_source=source,
        entry=pay_text(entry.value, entry.ceiling_cents) if entry else None,
        skills=[skill.label for skill in page.skills.top[:3]],
        employers=[employer.name for employer in page.employers.top[:2]],
        temp_agency_percent=page.employers.temp_agency_percent,
    )
