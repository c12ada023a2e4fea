"""JSON API v1: job search and postings, with BA Jobsuche parameter names."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query, Status

from stellwerk.api.schemas import JobDetail, JobList, Problem
from stellwerk.postings.indexing import search_backend
from stellwerk.postings.models import Posting
from stellwerk.postings.search import (
    DEFAULT_RADIUS_KM,
    MAX_PAGE_SIZE,
    MAX_RADIUS_KM,
    InvalidSearch,
    JobSearch,
    search_jobs,
)
from stellwerk.reference.gazetteer import AmbiguousPlace, UnknownPlace, default_gazetteer
from stellwerk.search.interfaces import Sort

api = NinjaAPI(
    title="Stellwerk API",
    version="1",
    description=(
        "Offene API der Jobplattform Stellwerk. Parameter wie bei der Jobsuche der Bundesagentur für Arbeit."
    ),
    urls_namespace="api",
    docs_url="/docs",
)


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


def _job(request: HttpRequest, posting: Posting, distance_km: float | None) -> dict[str, Any]:
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
        "url": request.build_absolute_uri(posting.get_absolute_url()),
    }


@api.get("/v1/jobs", response={200: JobList, 422: Problem}, tags=["Jobs"])
def list_jobs(
    request: HttpRequest,
    was: Annotated[str, Query(max_length=200, description="Beruf, Stichwort oder Arbeitgeber")] = "",
    wo: Annotated[str, Query(max_length=100, description="Ort, PLZ oder Ortsslug")] = "",
    umkreis: Annotated[
        int, Query(ge=1, le=MAX_RADIUS_KM, description="Umkreis in km um `wo`")
    ] = DEFAULT_RADIUS_KM,
    page: Annotated[int, Query(ge=1, description="Seite, ab 1")] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Treffer je Seite")] = 20,
    sort: Annotated[Sort, Query(description="relevanz, datum oder entfernung")] = Sort.RELEVANCE,
    kldb: Annotated[str | None, Query(description="Beruf als 5-stelliger KldB-2010-Code")] = None,
) -> dict[str, object]:
    """Search current job offers by text, place and radius."""
    search = JobSearch(was=was, wo=wo, umkreis=umkreis, sort=sort, page=page, size=size, kldb=kldb)
    result = search_jobs(search, default_gazetteer(), search_backend())
    place = result.place
    return {
        "count": result.count,
        "page": page,
        "size": size,
        "place": {
            "name": place.name,
            "slug": place.slug,
            "land": place.land,
            "lat": place.lat,
            "lon": place.lon,
        }
        if place
        else None,
        # Plain dicts: the response schema validates them once, instead of once more per constructed model.
        "results": [_job(request, f.posting, f.distance_km) for f in result.results],
    }


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
        **_job(request, posting, None),
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
