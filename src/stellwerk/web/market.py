"""Market pages: an occupation in a place, an occupation nationwide, all occupations in a place; sitemaps.

The figures come precomputed from the insights app; only the list of current offers is searched live. Pages
answer conditional requests (ETag, Last-Modified) before searching or rendering anything.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.contrib.sitemaps import Sitemap
from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.html import format_html_join
from django.utils.http import http_date

from stellwerk.domain.occupations import Beruf, Occupation
from stellwerk.domain.places import Place
from stellwerk.insights.charts import demand_chart, pay_chart
from stellwerk.insights.demand import demand_from
from stellwerk.insights.figures import MarketFigures, default_tools, empty_figures, market_figures
from stellwerk.insights.models import MarketAggregate
from stellwerk.postings.indexing import search_backend
from stellwerk.postings.models import Posting
from stellwerk.postings.search import InvalidSearch, JobSearch, search_query
from stellwerk.reference.gazetteer import AmbiguousPlace, UnknownPlace
from stellwerk.reference.taxonomy import UnknownOccupation
from stellwerk.search.interfaces import Sort
from stellwerk.web.jsonld import script_safe_json
from stellwerk.web.links import posting_url_maker, url_maker
from stellwerk.web.presenters import german_date

Scope = MarketAggregate.Scope
RADIUS_CHOICES = (10, 25, 50, 100)
OFFERS_SHOWN = 10
PAGE_MAX_AGE = 300
CHART_MAX_AGE = 3600
SITE_NAME = "Stellwerk"


def _occupation(key: str) -> tuple[Occupation, Beruf | None]:
    try:
        return default_tools().taxonomy.resolve_occupation(key)
    except UnknownOccupation:
        raise Http404(f"Beruf {key!r} unbekannt") from None


def _place(key: str) -> Place:
    gazetteer = default_tools().gazetteer
    found = gazetteer.by_slug(key)
    if found is not None:
        return found
    try:
        return gazetteer.resolve(key)
    except (UnknownPlace, AmbiguousPlace):
        raise Http404(f"Ort {key!r} unbekannt") from None


def _wo(place: Place) -> str:
    """Return how the search names a place: its name where that resolves to it, else its slug."""
    try:
        if default_tools().gazetteer.resolve(place.name).slug == place.slug:
            return place.name
    except (UnknownPlace, AmbiguousPlace):
        pass
    return place.slug


def _search(request: HttpRequest, occupation: Occupation | None, place: Place) -> JobSearch:
    """Read the radius and the search filters of the request; the place and occupation are the page's."""
    given = JobSearch.from_params(dict(request.GET.lists()))
    return given.changed(
        wo=_wo(place), kldb=occupation.kldb if occupation else None, sort=Sort.DATE, size=OFFERS_SHOWN
    )


def _etag(figures_etag: str, search: JobSearch) -> str:
    """Return the ETag of a page: its figures and the filters of its offers."""
    params = urlencode(sorted(search.to_params().items()))
    return f'"{figures_etag}-{hashlib.blake2b(params.encode(), digest_size=6).hexdigest()}"'


WORKING_TIMES = (("vz", "Vollzeit"), ("tz", "Teilzeit"), ("ho", "Homeoffice möglich"), ("mj", "Minijob"))


def _filters(search: JobSearch) -> dict[str, Any]:
    """Return the state of the offer filters for the form."""
    choices = sorted({*RADIUS_CHOICES, search.umkreis})
    return {
        "radius": search.umkreis,
        "radius_choices": choices,
        "working_times": [(code, label, code in search.arbeitszeit) for code, label in WORKING_TIMES],
        "without_temp_agency": not search.zeitarbeit,
        "entry_level": search.einstieg,
    }


def _not_modified(request: HttpRequest, etag: str, changed: datetime) -> HttpResponseBase | None:
    return get_conditional_response(request, etag=etag, last_modified=int(changed.timestamp()))


def _validated(response: HttpResponse, etag: str, changed: datetime, max_age: int) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed.timestamp())
    patch_cache_control(response, public=True, max_age=max_age)
    return response


def _breadcrumbs(request: HttpRequest, trail: list[tuple[str, str]]) -> str:
    items = [
        {"@type": "ListItem", "position": i, "name": name, "item": request.build_absolute_uri(url)}
        for i, (name, url) in enumerate(trail, start=1)
    ]
    return script_safe_json(
        {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
    )


@dataclass(frozen=True, slots=True)
class Link:
    """A link of the related section: name, target, count and a note."""

    name: str
    url: str
    count: int
    note: str = ""


def _related_links(figures: MarketFigures) -> dict[str, list[Link]]:
    """Return the links of the related section with their URLs."""
    place = figures.place
    to_pair = url_maker("web:occupation_place", "_k_", "_o_")
    to_occupation = url_maker("web:occupation", "_k_")
    to_place = url_maker("web:place", "_o_")

    def occupation(key: str) -> str:
        return to_pair(key, place.slug) if place is not None else to_occupation(key)

    def nearby(slug: str) -> str:
        return to_pair(figures.key, slug) if figures.key else to_place(slug)

    related = figures.related
    return {
        "same_group": [Link(o.name, occupation(o.key), o.count) for o in related.same_group],
        "by_skills": [
            Link(o.name, occupation(o.key), o.count, f"{o.shared_skills} gemeinsame Kenntnisse")
            for o in related.by_skills
        ],
        "nearby": [
            Link(p.name, nearby(p.slug), p.count, f"{p.distance_km:.1f} km".replace(".", ","))
            for p in related.nearby
        ],
    }


def _week_rows(figures: MarketFigures) -> str:
    """Return the rows of the weekly data table; 52 rows are cheaper joined here than looped in a template."""
    return format_html_join("", '<tr><td>{}</td><td class="number">{}</td></tr>', figures.demand.rows)


def _seo(request: HttpRequest, canonical: str, trail: list[tuple[str, str]], noindex: bool) -> dict[str, Any]:
    return {
        "canonical": request.build_absolute_uri(canonical),
        "breadcrumbs": trail,
        "breadcrumbs_jsonld": _breadcrumbs(request, trail),
        "noindex": noindex,
        "site_name": SITE_NAME,
    }


@dataclass(frozen=True, slots=True)
class Offer:
    """A current offer as the market page lists it, its texts ready to show."""

    url: str
    title: str
    employer: str
    place: str
    distance: str
    published_iso: str
    published: str
    beruf: str


@dataclass(frozen=True, slots=True)
class Offers:
    """The newest current offers of a search, how many there are, and the link to all of them."""

    search: JobSearch
    count: int
    results: list[Offer]
    link: str


def _offer(posting: Posting, distance_km: float | None, url: Callable[..., str]) -> Offer:
    published = posting.published
    return Offer(
        url=url(posting.pk, posting.slug),
        title=posting.title,
        employer=posting.employer.name if posting.employer else "",
        place=f"{posting.postal_code} {posting.place_name}".strip(),
        distance="" if distance_km is None else f"{distance_km:.1f} km entfernt".replace(".", ","),
        published_iso=published.isoformat() if published else "",
        published=german_date(published) if published else "",
        beruf=posting.beruf,
    )


def _offers(search: JobSearch, place: Place) -> Offers:
    """Search the newest offers around the place; facets are not needed here, so they are not counted."""
    query = replace(search_query(search, place, timezone.localdate()), facets=False)
    result = search_backend().search(query)
    postings = Posting.objects.select_related("employer").in_bulk([hit.posting_id for hit in result.hits])
    url = posting_url_maker()
    # A posting deleted since the index was written is skipped rather than shown broken.
    found = [
        _offer(postings[hit.posting_id], hit.distance_km, url)
        for hit in result.hits
        if hit.posting_id in postings
    ]
    # The occupation first: the link reads as "this occupation's offers, around here".
    params = dict(sorted(search.to_params().items(), key=lambda item: item[0] != "kldb"))
    params = {key: value for key, value in params.items() if key not in ("sort", "size")}
    return Offers(search, result.count, found, f"{reverse('web:jobs')}?{urlencode(params)}")


def _error(request: HttpRequest, exc: InvalidSearch) -> HttpResponse:
    return render(request, "web/market/error.html", {"error": str(exc)}, status=400)


def occupation_place(request: HttpRequest, occupation: str, place: str) -> HttpResponseBase:
    """Render an occupation in a place: offers nearby, demand, pay, employers, skills, training, related."""
    found, beruf = _occupation(occupation)
    where = _place(place)
    try:
        search = _search(request, found, where)
    except InvalidSearch as exc:
        return _error(request, exc)
    figures = market_figures(default_tools(), found, beruf, where)
    etag = _etag(figures.etag, search)
    if (early := _not_modified(request, etag, figures.last_modified)) is not None:
        return early
    key = figures.key
    offers = _offers(search, where)
    name = figures.display_name or found.name
    trail = [
        ("Start", reverse("web:home")),
        (name, reverse("web:occupation", args=[key])),
        (f"{name} in {where.name}", reverse("web:occupation_place", args=[key, where.slug])),
    ]
    context = {
        "figures": figures,
        "links": _related_links(figures),
        "week_rows": _week_rows(figures),
        "name": name,
        "key": key,
        "offers": offers,
        "filters": _filters(search),
        "charts": {
            "demand": reverse("web:occupation_place_demand_chart", args=[key, where.slug]),
            "pay": reverse("web:occupation_place_pay_chart", args=[key, where.slug]),
        },
        **_seo(request, trail[-1][1], trail, noindex=figures.demand.active == 0 and figures.article is None),
    }
    response = render(request, "web/market/occupation_place.html", context)
    return _validated(response, etag, figures.last_modified, PAGE_MAX_AGE)


def occupation_nationwide(request: HttpRequest, occupation: str) -> HttpResponseBase:
    """Render an occupation in all of Germany: demand, pay, employers, skills, Länder and places."""
    found, beruf = _occupation(occupation)
    figures = market_figures(default_tools(), found, beruf, None)
    etag = f'"{figures.etag}"'
    if (early := _not_modified(request, etag, figures.last_modified)) is not None:
        return early
    key = figures.key
    name = figures.display_name or found.name
    trail = [("Start", reverse("web:home")), (name, reverse("web:occupation", args=[key]))]
    context = {
        "figures": figures,
        "links": _related_links(figures),
        "week_rows": _week_rows(figures),
        "name": name,
        "key": key,
        "search_link": f"{reverse('web:jobs')}?{urlencode({'kldb': found.kldb})}",
        "charts": {
            "demand": reverse("web:occupation_demand_chart", args=[key]),
            "pay": reverse("web:occupation_pay_chart", args=[key]),
        },
        **_seo(request, trail[-1][1], trail, noindex=figures.demand.active == 0 and figures.article is None),
    }
    response = render(request, "web/market/occupation.html", context)
    return _validated(response, etag, figures.last_modified, PAGE_MAX_AGE)


def place_overview(request: HttpRequest, place: str) -> HttpResponseBase:
    """Render all occupations in a place: offers, demand, who hires, skills and nearby places."""
    where = _place(place)
    try:
        search = _search(request, None, where)
    except InvalidSearch as exc:
        return _error(request, exc)
    figures = market_figures(default_tools(), None, None, where)
    etag = _etag(figures.etag, search)
    if (early := _not_modified(request, etag, figures.last_modified)) is not None:
        return early
    offers = _offers(search, where)
    trail = [
        ("Start", reverse("web:home")),
        (f"Jobs in {where.name}", reverse("web:place", args=[where.slug])),
    ]
    context = {
        "figures": figures,
        "links": _related_links(figures),
        "week_rows": _week_rows(figures),
        "offers": offers,
        "filters": _filters(search),
        "charts": {"demand": reverse("web:place_demand_chart", args=[where.slug])},
        **_seo(request, trail[-1][1], trail, noindex=figures.demand.active == 0),
    }
    response = render(request, "web/market/place.html", context)
    return _validated(response, etag, figures.last_modified, PAGE_MAX_AGE)


def _chart_response(
    request: HttpRequest, scope: str, area: str, kldb: str, name: str, draw: Callable[[MarketAggregate], str]
) -> HttpResponseBase:
    row = MarketAggregate.objects.filter(scope=scope, area=area, kldb=kldb).first()
    if row is None:
        row = MarketAggregate(scope=scope, area=area, kldb=kldb, figures=empty_figures(), digest="leer")
        row.computed_at = row.changed_at = datetime.fromtimestamp(0).astimezone()
    etag = f'"{row.digest}-{name}"'
    if (early := _not_modified(request, etag, row.changed_at)) is not None:
        return early
    # Rendering takes milliseconds; the figures change only with a refresh, and the digest with them.
    svg = cache.get_or_set(f"stellwerk:chart:{name}:{scope}:{area}:{kldb}:{row.digest}", lambda: draw(row))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    return _validated(response, etag, row.changed_at, CHART_MAX_AGE)


def _demand_svg(title: str) -> Callable[[MarketAggregate], str]:
    def draw(row: MarketAggregate) -> str:
        demand = demand_from(row.figures)
        return demand_chart(demand.weeks, demand.counts, title)

    return draw


def _pay_svg(title: str) -> Callable[[MarketAggregate], str]:
    def draw(row: MarketAggregate) -> str:
        histogram = [
            (int(lo), int(hi), int(n)) for lo, hi, n in row.figures.get("pay", {}).get("histogram", [])
        ]
        return pay_chart(histogram, title)

    return draw


def occupation_place_demand_chart(request: HttpRequest, occupation: str, place: str) -> HttpResponseBase:
    """Return the chart of new postings per week of an occupation in a place (SVG)."""
    found, beruf = _occupation(occupation)
    where = _place(place)
    title = f"Neue Stellenangebote je Woche: {beruf.name if beruf else found.name} in {where.name}"
    return _chart_response(request, Scope.PLACE, where.slug, found.kldb, "nachfrage", _demand_svg(title))


def occupation_place_pay_chart(request: HttpRequest, occupation: str, place: str) -> HttpResponseBase:
    """Return the chart of monthly pay stated in postings of an occupation in a place (SVG)."""
    found, beruf = _occupation(occupation)
    where = _place(place)
    title = f"Gehaltsangaben in Stellenangeboten: {beruf.name if beruf else found.name} in {where.name}"
    return _chart_response(request, Scope.PLACE, where.slug, found.kldb, "gehalt", _pay_svg(title))


def occupation_demand_chart(request: HttpRequest, occupation: str) -> HttpResponseBase:
    """Return the chart of new postings per week of an occupation in Germany (SVG)."""
    found, beruf = _occupation(occupation)
    title = f"Neue Stellenangebote je Woche: {beruf.name if beruf else found.name} in Deutschland"
    return _chart_response(request, Scope.COUNTRY, "", found.kldb, "nachfrage", _demand_svg(title))


def occupation_pay_chart(request: HttpRequest, occupation: str) -> HttpResponseBase:
    """Return the chart of monthly pay stated in postings of an occupation in Germany (SVG)."""
    found, beruf = _occupation(occupation)
    title = f"Gehaltsangaben in Stellenangeboten: {beruf.name if beruf else found.name} in Deutschland"
    return _chart_response(request, Scope.COUNTRY, "", found.kldb, "gehalt", _pay_svg(title))


def place_demand_chart(request: HttpRequest, place: str) -> HttpResponseBase:
    """Return the chart of new postings per week of all occupations in a place (SVG)."""
    where = _place(place)
    title = f"Neue Stellenangebote je Woche in {where.name}"
    return _chart_response(request, Scope.PLACE, where.slug, "", "nachfrage", _demand_svg(title))


class _MarketSitemap(Sitemap[tuple[str, str, datetime]]):
    """Pages with current postings, from the stored figures."""

    scope: str = Scope.PLACE
    # Fewer than the protocol's 50,000 per file: a file renders in about a second instead of five.
    limit = 10_000

    def items(self) -> QuerySet[MarketAggregate, tuple[str, str, datetime]]:
        """Return (KldB code, area, last change) of the cells with current postings."""
        rows = MarketAggregate.objects.filter(scope=self.scope, active__gt=0)
        return self.narrow(rows).order_by("pk").values_list("kldb", "area", "changed_at")

    def narrow(self, rows: QuerySet[MarketAggregate]) -> QuerySet[MarketAggregate]:
        """Narrow the rows to the pages of this section."""
        return rows

    def lastmod(self, item: tuple[str, str, datetime]) -> datetime:
        """Return when the page's figures last changed."""
        return item[2]

    @functools.cached_property
    def keys(self) -> dict[str, str]:
        """Return the URL key of each occupation with postings: its commonest Beruf's slug, else the code."""
        taxonomy = default_tools().taxonomy
        rows = MarketAggregate.objects.filter(scope=Scope.COUNTRY).exclude(kldb="")
        keys = {}
        for kldb, name in rows.values_list("kldb", "figures__beruf"):
            known = taxonomy.beruf_by_name(name) if isinstance(name, str) else None
            keys[kldb] = known.slug if known else kldb
        return keys


class OccupationPlaceSitemap(_MarketSitemap):
    """Occupation × place pages that have current postings."""

    def narrow(self, rows: QuerySet[MarketAggregate]) -> QuerySet[MarketAggregate]:
        """Keep the cells of one occupation in one place."""
        return rows.exclude(kldb="")

    def location(self, item: tuple[str, str, datetime]) -> str:
        """Return the page's path."""
        return self.path(self.keys.get(item[0], item[0]), item[1])

    @functools.cached_property
    def path(self) -> Callable[..., str]:
        """Return the builder of page paths (a section lists ten thousand of them)."""
        return url_maker("web:occupation_place", "_k_", "_o_")


class OccupationSitemap(_MarketSitemap):
    """Nationwide occupation pages that have current postings."""

    scope = Scope.COUNTRY

    def narrow(self, rows: QuerySet[MarketAggregate]) -> QuerySet[MarketAggregate]:
        """Keep the cells of one occupation."""
        return rows.exclude(kldb="")

    def location(self, item: tuple[str, str, datetime]) -> str:
        """Return the page's path."""
        return reverse("web:occupation", args=[self.keys.get(item[0], item[0])])


class PlaceSitemap(_MarketSitemap):
    """Place pages that have current postings."""

    def narrow(self, rows: QuerySet[MarketAggregate]) -> QuerySet[MarketAggregate]:
        """Keep the cells of all occupations in one place."""
        return rows.filter(kldb="")

    def location(self, item: tuple[str, str, datetime]) -> str:
        """Return the page's path."""
        return reverse("web:place", args=[item[1]])


class PostingSitemap(Sitemap[tuple[int, str, datetime]]):
    """Current postings, one per job: expired ones and duplicates of another source are left out."""

    limit = 10_000

    def items(self) -> QuerySet[Posting, tuple[int, str, datetime]]:
        """Return (id, slug, last change) of the postings seekers see."""
        return Posting.objects.visible().order_by("pk").values_list("pk", "slug", "updated_at")

    def location(self, item: tuple[int, str, datetime]) -> str:
        """Return the posting page's path."""
        return f"{self.prefix}{item[0]}-{item[1]}"

    def lastmod(self, item: tuple[int, str, datetime]) -> datetime:
        """Return when the posting last changed."""
        return item[2]

    @functools.cached_property
    def prefix(self) -> str:
        """Return the path before a posting's id, reversed once for the ten thousand of a section."""
        return reverse("web:posting", args=[0, "x"]).removesuffix("0-x")


SITEMAPS: dict[str, type[Sitemap[Any]]] = {
    "stellen": PostingSitemap,
    "beruf-ort": OccupationPlaceSitemap,
    "beruf": OccupationSitemap,
    "ort": PlaceSitemap,
}
