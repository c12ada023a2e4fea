"""Views of the German web pages: parse the request, call a service, render a template."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse

from stellwerk.postings.indexing import search_backend
from stellwerk.postings.models import Place, Posting
from stellwerk.postings.search import (
    DEFAULT_RADIUS_KM,
    FACET_PARAMETERS,
    FACET_TITLES,
    FoundPosting,
    InvalidSearch,
    JobSearch,
    JobSearchPage,
    explain,
    facet_label,
    search_jobs,
)
from stellwerk.reference.gazetteer import AmbiguousPlace, UnknownPlace, default_gazetteer
from stellwerk.reference.taxonomy import Taxonomy, default_taxonomy
from stellwerk.search.interfaces import FacetValue, Remote, Sort
from stellwerk.web.links import posting_url_maker
from stellwerk.web.presenters import german_date, kilometres, thousands

RADIUS_CHOICES = (5, 10, 15, 25, 50, 100, 200)
SORT_CHOICES = (
    (Sort.RELEVANCE, "Relevanz"),
    (Sort.DATE, "Datum"),
    (Sort.DISTANCE, "Entfernung"),
    (Sort.SALARY, "Gehalt"),
)
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
            "key": occupation_key(taxonomy, row["beruf"], row["occupation__kldb"]),
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


def occupation_key(taxonomy: Taxonomy, beruf: str, kldb: str | None) -> str | None:
    """Return the URL key of an occupation page: the BA occupation's slug, else the KldB code."""
    known = taxonomy.beruf_by_name(beruf)
    return known.slug if known else kldb


# Facets in the order the page shows them; multi-valued ones add to the current set.
FACET_ORDER = (
    "arbeitszeit", "homeoffice", "befristung", "angebotsart", "einstieg", "veroeffentlichtseit", "gehalt",
    "berufsgruppe", "kldb", "niveau", "arbeitgeber", "zeitarbeit", "pav", "ortsunabhaengig",
)  # fmt: skip
_MULTI_VALUED = frozenset({"arbeitszeit", "angebotsart"})
# Facets that count postings a seeker may want to leave out rather than pick.
_EXCLUDABLE = frozenset({"zeitarbeit", "pav", "ortsunabhaengig"})
_FLAG_FACETS = frozenset({"einstieg"})
_TYPED: dict[str, Any] = {
    "befristung": int,
    "niveau": int,
    "veroeffentlichtseit": int,
    "gehalt": int,
    "homeoffice": Remote,
}


def jobs(request: HttpRequest) -> HttpResponse:
    """Render search results with filters, facet counts and paging; the same parameters as the API."""
    params = request.GET
    context: dict[str, Any] = {
        "form": {k: params.get(k, "") for k in ("was", "wo", "umkreis", "sort")},
        "radius_choices": RADIUS_CHOICES,
        "sort_choices": SORT_CHOICES,
    }
    context["form"]["umkreis"] = context["form"]["umkreis"] or DEFAULT_RADIUS_KM
    status = 200
    try:
        search = JobSearch.from_params({name: params.getlist(name) for name in params})
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
        # Every link of the page is this path with other parameters: reverse() once, not for each of dozens.
        context.update(_results_context(page, reverse("web:jobs")))
    return render(request, "web/jobs.html", context, status=status)


def _results_context(page: JobSearchPage, path: str) -> dict[str, Any]:
    search, taxonomy, posting_url = page.search, default_taxonomy(), posting_url_maker()
    kept = {k: v for k, v in search.to_params().items() if k not in ("was", "wo", "umkreis", "sort", "page")}
    return {
        "page": page,
        "hidden_filters": sorted(kept.items()),
        "sort_hidden": sorted((k, v) for k, v in search.to_params().items() if k not in ("sort", "page")),
        "results": [_result(found, posting_url, taxonomy) for found in page.results],
        "facet_groups": _facet_groups(page, path, taxonomy),
        "active_filters": _active_filters(search, path, taxonomy),
        "without_filters": _jobs_url(path, JobSearch(was=search.was, wo=search.wo, umkreis=search.umkreis)),
        "without_remote": _jobs_url(path, search.changed(ortsunabhaengig=False)),
        "with_remote": _jobs_url(path, search.changed(ortsunabhaengig=True)),
        "first_number": (search.page - 1) * search.size + 1,
        "page_links": {
            "previous": _jobs_url(path, replace(search, page=search.page - 1)) if search.page > 1 else None,
            "next": _jobs_url(path, replace(search, page=search.page + 1))
            if search.page < page.pages
            else None,
        },
    }


def _jobs_url(path: str, search: JobSearch) -> str:
    return f"{path}?{urlencode(search.to_params())}"


def _result(
    found: FoundPosting, posting_url: Callable[[int, str], str], taxonomy: Taxonomy
) -> dict[str, Any]:
    posting = found.posting
    remote = (posting.terms or {}).get("homeoffice") == "full"
    return {
        "found": found,
        "url": posting_url(posting.pk, posting.slug),
        "why": [explain(reason, taxonomy) for reason in found.reasons],
        "elsewhere": ("komplett remote" if remote else "bundesweit") if found.location_independent else None,
        # Formatted here: the template filters (localised) cost more than the rest of a result together.
        "km": kilometres(found.distance_km) if found.distance_km is not None else None,
        "published": posting.published.isoformat() if posting.published else None,
        "published_text": german_date(posting.published) if posting.published else None,
    }


def _facet_groups(page: JobSearchPage, path: str, taxonomy: Taxonomy) -> list[dict[str, Any]]:
    """Return the facets as groups of filter links with counts."""
    groups = []
    for name in FACET_ORDER:
        values = page.facets.get(name) or []
        if name == "ortsunabhaengig" and page.place is None:
            continue
        links = [_facet_link(page.search, path, name, value, taxonomy) for value in values]
        if links:
            groups.append({"name": name, "title": FACET_TITLES[name], "links": links})
    return groups


def _facet_link(
    search: JobSearch, path: str, name: str, facet: FacetValue, taxonomy: Taxonomy
) -> dict[str, Any]:
    value, count = facet.value, facet.count
    parameter = FACET_PARAMETERS.get(name, name)
    current = getattr(search, parameter)
    label = facet_label(name, value, taxonomy)
    if name in _EXCLUDABLE:
        # The count says how many such postings there are; the link leaves them out or brings them back.
        active = not current
        action = "einblenden" if active else "ausblenden"
        return _link(search, path, f"{label} {action}", count, active, **{parameter: active})
    if name in _MULTI_VALUED:
        active = value in current
        chosen = current - {value} if active else current | {value}
        return _link(search, path, label, count, active, **{parameter: frozenset(chosen)})
    if name in _FLAG_FACETS:
        return _link(search, path, label, count, bool(current), **{parameter: not current})
    typed = _TYPED.get(name, str)(value)
    active = current == typed
    return _link(search, path, label, count, active, **{parameter: None if active else typed})


def _link(
    search: JobSearch, path: str, label: str, count: int, active: bool, **change: object
) -> dict[str, Any]:
    url = _jobs_url(path, search.changed(**change))
    return {"label": label, "count": count, "count_text": thousands(count), "active": active, "url": url}


def _active_filters(search: JobSearch, path: str, taxonomy: Taxonomy) -> list[dict[str, str]]:
    """Return the filters in force, each with a link that removes it."""
    active = []
    defaults = JobSearch()
    for parameter in ("kldb", "befristung", "arbeitgeber", "veroeffentlichtseit", "gehalt", "homeoffice",
                      "niveau", "einstieg", "zeitarbeit", "pav", "ortsunabhaengig"):  # fmt: skip
        value = getattr(search, parameter)
        if value == getattr(defaults, parameter):
            continue
        facet = "berufsgruppe" if parameter == "kldb" and len(str(value)) == 3 else parameter
        label = _filter_label(facet, value, taxonomy)
        reset = search.changed(**{parameter: getattr(defaults, parameter)})
        active.append({"label": label, "url": _jobs_url(path, reset)})
    for parameter in sorted(_MULTI_VALUED):
        for value in sorted(getattr(search, parameter)):
            reset = search.changed(**{parameter: getattr(search, parameter) - {value}})
            active.append({"label": facet_label(parameter, value, taxonomy), "url": _jobs_url(path, reset)})
    return active


def _filter_label(facet: str, value: object, taxonomy: Taxonomy) -> str:
    if facet in ("zeitarbeit", "pav", "ortsunabhaengig"):
        return f"ohne {facet_label(facet, 'true', taxonomy)}"
    if facet == "einstieg":
        return facet_label(facet, "true", taxonomy)
    if facet == "arbeitgeber":
        return f"Arbeitgeber: {value}"
    return f"{FACET_TITLES[facet]}: {facet_label(facet, str(value), taxonomy)}"


def _suggestion_url(params: QueryDict, wo: str) -> tuple[str, str]:
    query = params.copy()
    query["wo"] = wo
    query.pop("page", None)
    return wo, f"{reverse('web:jobs')}?{query.urlencode()}"
