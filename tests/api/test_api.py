"""The JSON API: the documented shape, BA parameter names, and 422 with reasons for bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from stellwerk.api.api import JobSearchOut

pytestmark = pytest.mark.django_db


def get(client: Client, path: str, **params: Any) -> Any:
    return client.get(path, params)


def test_search_returns_the_documented_shape(client: Client, sample_postings: None) -> None:
    response = get(client, "/api/v1/jobs", was="Informatiker", wo="Bamberg", umkreis=50)
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= {"count", "page", "size", "results"}
    assert body["count"] >= 1
    assert body["page"] == 1
    assert body["size"] == 20
    first = body["results"][0]
    assert set(first) >= {"id", "title", "employer", "place", "distance_km", "occupation", "published", "url"}
    assert isinstance(first["id"], str)
    assert set(first["place"]) == {"name", "plz", "lat", "lon"}
    assert first["distance_km"] <= 50
    assert first["url"].startswith("http://testserver/jobs/")
    assert "nformatik" in first["title"]
    assert client.get(first["url"]).status_code == 200
    JobSearchOut.model_validate(body)


def test_radius_narrows_and_distance_sort_orders(client: Client, sample_postings: None) -> None:
    wide = get(client, "/api/v1/jobs", wo="96047", umkreis=100, size=100, sort="entfernung").json()
    narrow = get(client, "/api/v1/jobs", wo="96047", umkreis=10, size=100).json()
    assert 0 < narrow["count"] < wide["count"]
    distances = [r["distance_km"] for r in wide["results"]]
    assert distances == sorted(distances)
    assert all(d <= 10 for d in (r["distance_km"] for r in narrow["results"]))


def test_paging(client: Client, sample_postings: None) -> None:
    one = get(client, "/api/v1/jobs", size=5, page=1, sort="datum").json()
    two = get(client, "/api/v1/jobs", size=5, page=2, sort="datum").json()
    assert one["count"] == two["count"] == 47
    assert {r["id"] for r in one["results"]}.isdisjoint({r["id"] for r in two["results"]})
    dates = [r["published"] for r in one["results"] + two["results"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "params",
    [
        {"umkreis": 0},
        {"umkreis": "zehn"},
        {"size": 1000},
        {"page": 0},
        {"sort": "beliebt"},
        {"page": 600, "size": 20},
        {"sort": "entfernung"},
    ],
)
def test_bad_parameters_get_422_with_a_reason(
    client: Client, sample_postings: None, params: dict[str, Any]
) -> None:
    response = get(client, "/api/v1/jobs", **params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_an_unknown_place_gets_422_with_suggestions(client: Client, sample_postings: None) -> None:
    response = get(client, "/api/v1/jobs", wo="Bambreg")
    assert response.status_code == 422
    body = response.json()
    assert "Bambreg" in body["detail"]
    assert any("Bamberg" in s for s in body["suggestions"])


def test_one_posting_with_its_sources(client: Client, sample_postings: None) -> None:
    listed = get(client, "/api/v1/jobs", was="Informatiker", size=1).json()["results"][0]
    response = client.get(f"/api/v1/jobs/{listed['id']}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == listed["id"]
    assert body["title"] == listed["title"]
    assert body["sources"][0]["source"] == "ba"
    assert body["sources"][0]["url"].startswith("https://www.arbeitsagentur.de/jobsuche/jobdetail/")
    assert client.get("/api/v1/jobs/999999999").status_code == 404
    assert client.get("/api/v1/jobs/abc").status_code == 422


def test_openapi_docs_are_served(client: Client) -> None:
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert "/api/v1/jobs" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/jobs"]["get"]["parameters"]}
    documented = {"was", "wo", "umkreis", "page", "size", "sort", "arbeitszeit", "befristung", "angebotsart"}
    documented |= {"zeitarbeit", "pav", "veroeffentlichtseit", "arbeitgeber", "gehalt", "kldb"}
    assert documented <= parameters
    assert "/api/v1/vorschlaege/was" in schema["paths"]


def test_facets_come_beside_the_results(client: Client, sample_postings: None) -> None:
    body = get(client, "/api/v1/jobs", size=5).json()
    JobSearchOut.model_validate(body)
    facets = body["facets"]
    names = {"arbeitszeit", "befristung", "angebotsart", "zeitarbeit", "pav", "kldb", "berufsgruppe"}
    names |= {"arbeitgeber", "veroeffentlichtseit", "gehalt", "niveau", "einstieg", "homeoffice"}
    assert names <= set(facets)
    assert sum(v["count"] for v in facets["niveau"]) == body["count"] == 47
    informatik = next(v for v in facets["berufsgruppe"] if v["value"] == "431")
    assert informatik["label"] == "Informatik"
    narrowed = get(client, "/api/v1/jobs", kldb="431", size=100).json()
    assert narrowed["count"] == informatik["count"]
    assert {r["occupation"]["kldb"][:3] for r in narrowed["results"]} == {"431"}


def test_filters_take_ba_names_and_values(client: Client, sample_postings: None) -> None:
    everything = get(client, "/api/v1/jobs", size=1).json()
    counts = {v["value"]: v["count"] for v in everything["facets"]["arbeitszeit"]}
    part_time = get(client, "/api/v1/jobs", arbeitszeit="tz").json()
    assert part_time["count"] == counts["tz"]
    either = get(client, "/api/v1/jobs", arbeitszeit="tz;mj").json()
    repeated = client.get("/api/v1/jobs?arbeitszeit=tz&arbeitszeit=mj").json()
    assert either["count"] == repeated["count"] >= part_time["count"]
    employer = everything["facets"]["arbeitgeber"][0]
    by_employer = get(client, "/api/v1/jobs", arbeitgeber=employer["value"], size=100).json()
    assert by_employer["count"] == employer["count"]
    assert {r["employer"] for r in by_employer["results"]} == {employer["value"]}
    assert get(client, "/api/v1/jobs", veroeffentlichtseit=0).json()["count"] <= everything["count"]


def test_results_say_why_they_matched_and_how_far_away(client: Client, sample_postings: None) -> None:
    body = get(client, "/api/v1/jobs", was="Informatiker", wo="Bamberg", umkreis=50).json()
    JobSearchOut.model_validate(body)
    kinds = {why["kind"] for r in body["results"] for why in r["why"]}
    assert {"titel", "wortteil"} <= kinds
    compound = next(r for r in body["results"] if r["why"][0]["kind"] == "wortteil")
    assert "nformatiker" in compound["title"]
    assert compound["title"] != "Informatiker"
    assert "Wortteil" in compound["why"][0]["text"]
    assert all(r["distance_km"] <= 50 and not r["location_independent"] for r in body["results"])
    assert body["bundesweit"] is False


def test_places_by_coordinates_and_nationwide(client: Client, sample_postings: None) -> None:
    by_name = get(client, "/api/v1/jobs", wo="Bamberg", umkreis=10).json()
    by_point = get(client, "/api/v1/jobs", wo="49.8917,10.8918", umkreis=10).json()
    assert by_point["count"] == by_name["count"] > 0
    nationwide = get(client, "/api/v1/jobs", wo="bundesweit").json()
    assert nationwide["bundesweit"] is True
    assert nationwide["place"] is None
    assert nationwide["count"] == 47


@pytest.mark.parametrize(
    "params",
    [
        {"arbeitszeit": "xx"},
        {"befristung": "3"},
        {"veroeffentlichtseit": 101},
        {"niveau": 5},
        {"angebotsart": "urlaub"},
        {"homeoffice": "immer"},
        {"kldb": "12"},
        {"wo": "95.0,10.0"},
        {"wo": "bundesweit", "sort": "entfernung"},
    ],
)
def test_bad_filters_get_422_with_a_reason(
    client: Client, search_index: Path, params: dict[str, Any]
) -> None:
    response = get(client, "/api/v1/jobs", **params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_autocomplete_for_what_and_where(client: Client, db: None) -> None:
    what = client.get("/api/v1/vorschlaege/was", {"q": "Fachinf"}).json()
    assert "Fachinformatiker - Systemintegration" in [s["value"] for s in what]
    assert all(s["kind"] == "beruf" and s["kldb"] for s in what)
    where = client.get("/api/v1/vorschlaege/wo", {"q": "9604"}).json()
    assert where[0]["value"] == "96047 Bamberg"
    assert where[0]["land"] == "Bayern"
    assert client.get("/api/v1/vorschlaege/wo", {"q": "x"}).json() == []
