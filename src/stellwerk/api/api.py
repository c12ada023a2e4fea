"""JSON API v1: job search and postings, with BA Jobsuche parameter names."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from ninja import NinjaAPI, Query, Schema, Status
from pydantic import BaseModel

from stellwerk.api.market import router as market_router
from stellwerk.api.schemas import JobDetail, JobOut, Problem, SearchPlaceOut
from stellwerk.postings.indexing import search_backend
from stellwerk.postings.models import Posting
from stellwerk.postings.search import (
    DEFAULT_RADIUS_KM,
    MAX_PAGE_SIZE,
    MAX_PUBLISHED_DAYS,
    MAX_RADIUS_KM,
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
from stellwerk.search.interfaces import Remote, Sort
from stellwerk.search.lexicon import default_lexicon
from stellwerk.search.suggest import default_occupation_suggester, suggest_occupations, suggest_places

api = NinjaAPI(
    title="Stellwerk API",
    version="1",
    description=(
        "Offene API der Jobplattform Stellwerk. Parameter wie bei der Jobsuche der Bundesagentur für Arbeit."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/v1", market_router)


@api.exception_handler(InvalidSearch)
def _invalid_search(request: HttpRequest, exc: InvalidSearch) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "suggestions": []}, status=422)


@api.exception_handler(UnknownPlace)
def _unknown_place(request: HttpRequest, exc: UnknownPlace) -> HttpResponse:
    detail = f"unknown place {exc.query!r}"
    return api.create_response(
        request, {"detail": detail, "suggestions": [p.label for p in exc.suggestions]}, status=422
    )


@api.exception_handler(AmbiguousPlace)
def _ambiguous_place(request: HttpRequest, exc: AmbiguousPlace) -> HttpResponse:
    detail = f"place {exc.query!r} is ambiguous; name the PLZ or the Land"
    return api.create_response(
        request, {"detail": detail, "suggestions": [p.label for p in exc.candidates]}, status=422
    )


def _postings_url(request: HttpRequest) -> str:
    """Return the absolute URL posting pages hang under ("http://host/jobs"), resolved once per request."""
    return request.build_absolute_uri(reverse("web:jobs"))


def _job(base: str, posting: Posting, distance_km: float | None) -> dict[str, Any]:
    place = None
    if posting.lat is not None and posting.lon is not None:
        name = posting.place.name if posting.place else posting.place_name
        place = {"name": name, "plz": posting.postal_code or None, "lat": posting.lat, "lon": posting.lon}
    occupation = posting.occupation
    return {
        "id": str(posting.pk),
        "title": posting.title,
        "employer": posting.employer.name if posting.employer else None,
        "place": place,
        "distance_km": distance_km,
        "occupation": {"kldb": occupation.kldb, "name": occupation.name} if occupation else None,
        "published": posting.published.isoformat() if posting.published else None,
        # Posting.get_absolute_url() is /jobs/<id>-<slug>; reversing it per result costs more than the search.
        "url": f"{base}/{posting.pk}-{posting.slug}",
    }


class MatchOut(BaseModel):
    """Why a query word matched: title, part of a word, synonym, occupation, spelling or text."""

    word: str
    kind: str
    detail: str
    text: str


class JobHitOut(JobOut):
    """A posting in a result list, with whether it is location-independent and why it matched."""

    location_independent: bool
    why: list[MatchOut]


class FacetOut(BaseModel):
    """A filter value with its label and how many matching postings carry it."""

    value: str
    label: str
    count: int


class JobSearchOut(BaseModel):
    """One page of search results with the facet counts of all matches."""

    count: int
    page: int
    size: int
    place: SearchPlaceOut | None
    bundesweit: bool
    facets: dict[str, list[FacetOut]]
    results: list[JobHitOut]


class SuggestionOut(Schema):
    """An autocomplete suggestion: what to show and what to put into the field."""

    label: str
    value: str
    kind: str
    kldb: str | None = None
    plz: str | None = None
    land: str | None = None


def _params(request: HttpRequest) -> dict[str, list[str]]:
    return {name: request.GET.getlist(name) for name in request.GET}


def _why(found: FoundPosting, taxonomy: Taxonomy) -> list[dict[str, str]]:
    return [
        {"word": r.word, "kind": r.kind.value, "detail": r.detail, "text": explain(r, taxonomy)}
        for r in found.reasons
    ]


def _facets(page: JobSearchPage, taxonomy: Taxonomy) -> dict[str, list[dict[str, object]]]:
    return {
        name: [
            {"value": v.value, "label": facet_label(name, v.value, taxonomy), "count": v.count}
            for v in values
        ]
        for name, values in page.facets.items()
    }


@api.get("/v1/jobs", response={200: JobSearchOut, 422: Problem}, tags=["Jobs"])
def list_jobs(
    request: HttpRequest,
    was: Annotated[str, Query(max_length=200, description="Beruf, Stichwort oder Arbeitgeber")] = "",
    wo: Annotated[
        str, Query(max_length=100, description="Ort, PLZ, Koordinaten (Breite,Länge) oder „bundesweit“")
    ] = "",
    umkreis: Annotated[
        int, Query(ge=1, le=MAX_RADIUS_KM, description="Umkreis in km um `wo`")
    ] = DEFAULT_RADIUS_KM,
    page: Annotated[int, Query(ge=1, description="Seite, ab 1")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Treffer je Seite")] = 20,
    sort: Annotated[Sort, Query(description="relevanz, datum, entfernung oder gehalt")] = Sort.RELEVANCE,
    kldb: Annotated[
        str | None, Query(description="Beruf (5-stellig) oder Berufsgruppe (3-stellig) der KldB 2010")
    ] = None,
    arbeitszeit: Annotated[
        str | None, Query(description="vz, tz, snw, ho, mj; mehrere mit Semikolon: vz;tz")
    ] = None,
    befristung: Annotated[str | None, Query(description="1 befristet, 2 unbefristet")] = None,
    angebotsart: Annotated[
        str | None,
        Query(
            description="1 Arbeit, 4 Ausbildung/Duales Studium, 34 Praktikum/Trainee/Werkstudium, oder "
            "arbeit, ausbildung, duales_studium, praktikum, werkstudent, trainee, berufseinstieg"
        ),
    ] = None,
    zeitarbeit: Annotated[bool, Query(description="false blendet Zeitarbeit aus")] = True,
    pav: Annotated[bool, Query(description="false blendet private Arbeitsvermittlung aus")] = True,
    arbeitgeber: Annotated[str | None, Query(max_length=200, description="Name des Arbeitgebers")] = None,
    veroeffentlichtseit: Annotated[
        int | None, Query(ge=0, le=MAX_PUBLISHED_DAYS, description="höchstens so viele Tage alt")
    ] = None,
    gehalt: Annotated[int | None, Query(ge=1, description="Monatsgehalt brutto ab (Euro)")] = None,
    einstieg: Annotated[bool, Query(description="nur für Einsteiger (Junior, Trainee, ...)")] = False,
    homeoffice: Annotated[Remote | None, Query(description="komplett oder teilweise")] = None,
    niveau: Annotated[
        int | None, Query(ge=1, le=4, description="1 Helfer, 2 Fachkraft, 3 Spezialist, 4 Experte")
    ] = None,
    ortsunabhaengig: Annotated[
        bool, Query(description="Umkreissuche mit komplett remote und bundesweit ausgeschriebenen Stellen")
    ] = True,
) -> HttpResponse:
    """Search current job offers by text, place and radius, with filters and facet counts."""
    # The parameters above document and type-check the request; the one reader shared with the web page
    # builds the search from them, so that both take exactly the same parameters.
    search = JobSearch.from_params(_params(request))
    result = search_jobs(search, default_gazetteer(), search_backend())
    taxonomy, base = default_taxonomy(), _postings_url(request)
    place = result.place
    body = {
        "count": result.count,
        "page": search.page,
        "size": search.size,
        "place": {
            "name": place.name,
            "slug": place.slug,
            "land": place.land,
            "lat": place.lat,
            "lon": place.lon,
        }
        if place
        else None,
        "bundesweit": place is None,
        "facets": _facets(result, taxonomy),
        "results": [
            {
                **_job(base, f.posting, f.distance_km),
                "location_independent": f.location_independent,
                "why": _why(f, taxonomy),
            }
            for f in result.results
        ],
    }
    # Built to JobSearchOut (tests/api checks every answer against it); validating each of some 200 nested
    # values again per request would cost more than the search itself.
    return JsonResponse(body)


@api.get("/v1/vorschlaege/was", response=list[SuggestionOut], tags=["Vorschläge"])
def suggest_what(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100, description="Anfang eines Berufs oder Stichworts")] = "",
    limit: Annotated[int, Query(ge=1, le=20, description="höchstens so viele Vorschläge")] = 8,
) -> list[dict[str, object]]:
    """Suggest occupations and job titles for the Was field."""
    return [
        {"label": s.label, "value": s.value, "kind": s.kind, "kldb": s.kldb}
        for s in suggest_occupations(q, default_occupation_suggester(), default_lexicon(), limit)
    ]


@api.get("/v1/vorschlaege/wo", response=list[SuggestionOut], tags=["Vorschläge"])
def suggest_where(
    request: HttpRequest,
    q: Annotated[str, Query(max_length=100, description="Anfang eines Ortsnamens oder einer PLZ")] = "",
    limit: Annotated[int, Query(ge=1, le=20, description="höchstens so viele Vorschläge")] = 8,
) -> list[dict[str, object]]:
    """Suggest places with PLZ and Land for the Wo field."""
    return [
        {"label": s.label, "value": s.value, "kind": s.kind, "plz": s.plz, "land": s.land}
        for s in suggest_places(q, default_gazetteer(), limit)
    ]


@api.get("/v1/jobs/{posting_id}", response={200: JobDetail, 404: Problem}, tags=["Jobs"])
def get_job(request: HttpRequest, posting_id: int) -> Status[dict[str, object]]:
    """Return one posting with its sources."""
    posting = (
        Posting.objects.select_related("employer", "place", "occupation", "source_record")
        .filter(pk=posting_id)
        .first()
    )
    if posting is None:
        return Status(404, {"detail": f"no posting with id {posting_id}", "suggestions": []})
    record = posting.source_record
    source = {
        "source": record.source,
        "external_id": record.external_id,
        "url": posting.source_url or None,
        "external_url": posting.external_url or None,
        "fetched_at": record.fetched_at.isoformat(),
    }
    detail = {
        **_job(_postings_url(request), posting, None),
        "title_as_published": posting.title_raw,
        "beruf": posting.beruf or None,
        "description": posting.description,
        "region": posting.region or None,
        "start_date": posting.start_date.isoformat() if posting.start_date else None,
        "valid_through": posting.valid_through.isoformat() if posting.valid_through else None,
        "first_seen": posting.first_seen.isoformat(),
        "last_seen": posting.last_seen.isoformat(),
        "status": posting.status,
        "occupation_source": posting.occupation_source or None,
        "occupation_confidence": posting.occupation_confidence,
        "terms": posting.terms,
        "salary": posting.salary,
        "skills": posting.skills,
        "sources": [source],
    }
    return Status(200, detail)
