"""The JSON API: the documented shape, BA parameter names, and 422 with reasons for bad input."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

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
    assert {"was", "wo", "umkreis", "page", "size", "sort"} <= parameters
