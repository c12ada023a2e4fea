"""Views of the German web pages: parse the request, call a service, render a template."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from stellwerk.postings.indexing import search_backend
from stellwerk.postings.market import local_market
from stellwerk.postings.models import Place, Posting
from stellwerk.postings.search import DEFAULT_RADIUS_KM, InvalidSearch, JobSearch, search_jobs
from stellwerk.reference.gazetteer import AmbiguousPlace, UnknownPlace, default_gazetteer
from stellwerk.reference.taxonomy import Taxonomy, UnknownOccupation, default_taxonomy
from stellwerk.search.interfaces import Sort

RADIUS_CHOICES = (5, 10, 15, 25, 50, 100, 200)
SORT_CHOICES = ((Sort.RELEVANCE, "Relevanz"), (Sort.DATE, "Datum"), (Sort.DISTANCE, "Entfernung"))
POPULAR = 12


def home(request: HttpRequest) -> HttpResponse:
    """Render the start page: search form, popular occupations and places."""
    active = Posting.objects.filter(status=Posting.Status.ACTIVE)
    # The BA occupation names as postings carry them are what seekers recognise, not KldB group names.
    berufe = (
        active.exclude(beruf="")
        .values("beruf", "occupation__kldb")
        .annotate(count=Count("pk"))
        .order_by("-count", "beruf")[:POPULAR]
    )
    places = (
        Place.objects.filter(postings__status=Posting.Status.ACTIVE)
        .annotate(count=Count("postings"))
        .order_by("-count", "name")[:POPULAR]
    )
    taxonomy = default_taxonomy()
    popular = [
        {
            "name": row["beruf"],
            "count": row["count"],
            "key": _occupation_key(taxonomy, row["beruf"], row["occupation__kldb"]),
        }
        for row in berufe
    ]
    top_place = places[0] if places else None
    context = {
        "total": active.count(),
        "occupations": popular,
        "places": places,
        "top_place": top_place,
        "radius_choices": RADIUS_CHOICES,
        "form": {"umkreis": DEFAULT_RADIUS_KM},
    }
    return render(request, "web/home.html", context)


def _occupation_key(taxonomy: Taxonomy, beruf: str, kldb: str | None) -> str | None:
    """Return the URL key of an occupation page: the BA occupation's slug, else the KldB code."""
    known = taxonomy.beruf_by_name(beruf)
    return known.slug if known else kldb


def _int(params: QueryDict, name: str, default: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise InvalidSearch(f"{name} muss eine ganze Zahl sein") from None


def _parse_search(params: QueryDict) -> JobSearch:
    sort_value = params.get("sort", "").strip() or Sort.RELEVANCE.value
    try:
        sort = Sort(sort_value)
    except ValueError:
        raise InvalidSearch(f"unbekannte Sortierung {sort_value!r}") from None
    return JobSearch(
        was=params.get("was", "").strip(),
        wo=params.get("wo", "").strip(),
        umkreis=_int(params, "umkreis", DEFAULT_RADIUS_KM),
        sort=sort,
        page=_int(params, "page", 1),
        kldb=params.get("kldb", "").strip() or None,
    )


def jobs(request: HttpRequest) -> HttpResponse:
    """Render search results for Was / Wo / Umkreis with paging."""
    params = request.GET
    context: dict[str, Any] = {
        "form": {k: params.get(k, "") for k in ("was", "wo", "umkreis", "sort", "kldb")},
        "radius_choices": RADIUS_CHOICES,
        "sort_choices": SORT_CHOICES,
    }
    context["form"]["umkreis"] = context["form"]["umkreis"] or DEFAULT_RADIUS_KM
    status = 200
    try:
        search = _parse_search(params)
        page = search_jobs(search, default_gazetteer(), search_backend())
    except InvalidSearch as exc:
        context["error"], status = str(exc), 400
    except UnknownPlace as exc:
        context["error"] = f"Den Ort „{exc.query}“ kennen wir nicht."
        context["suggestions"] = [_suggestion_url(params, p.name) for p in exc.suggestions]
        status = 404
    except AmbiguousPlace as exc:
        context["error"] = f"„{exc.query}“ gibt es mehrmals. Welchen Ort meinen Sie?"
        context["suggestions"] = [_suggestion_url(params, p.label) for p in exc.candidates]
    else:
        context["page"] = page
        if search.kldb:
            context["occupation"] = default_taxonomy().occupation(search.kldb)
            rest = params.copy()
            rest.pop("kldb", None)
            rest.pop("page", None)
            context["without_occupation"] = f"{reverse('web:jobs')}?{rest.urlencode()}"
        context["first_number"] = (page.search.page - 1) * page.search.size + 1
        context["page_links"] = _page_links(params, page.search.page, page.pages)
    return render(request, "web/jobs.html", context, status=status)


def _suggestion_url(params: QueryDict, wo: str) -> tuple[str, str]:
    query = params.copy()
    query["wo"] = wo
    query.pop("page", None)
    return wo, f"{reverse('web:jobs')}?{query.urlencode()}"


def _page_links(params: QueryDict, current: int, pages: int) -> dict[str, str | None]:
    def link(number: int) -> str:
        query = params.copy()
        query["page"] = str(number)
        return f"{reverse('web:jobs')}?{query.urlencode()}"

    return {
        "previous": link(current - 1) if current > 1 else None,
        "next": link(current + 1) if current < pages else None,
    }


def occupation_place(request: HttpRequest, occupation: str, place: str) -> HttpResponse:
    """Render the occupation × place page: current offers within 25 km and who hires."""
    taxonomy, gazetteer = default_taxonomy(), default_gazetteer()
    try:
        found_occupation, beruf = taxonomy.resolve_occupation(occupation)
    except UnknownOccupation:
        raise Http404(f"Beruf {occupation!r} unbekannt") from None
    found_place = gazetteer.by_slug(place)
    if found_place is None:
        try:
            found_place = gazetteer.resolve(place)
        except (UnknownPlace, AmbiguousPlace):
            raise Http404(f"Ort {place!r} unbekannt") from None
    market = local_market(found_occupation, beruf, found_place, search_backend())
    query = {"kldb": found_occupation.kldb, "wo": found_place.name, "umkreis": market.radius_km}
    search_link = f"{reverse('web:jobs')}?{urlencode(query)}"
    context = {"market": market, "search_link": search_link}
    return render(request, "web/occupation_place.html", context)
