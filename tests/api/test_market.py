"""The market figures in the JSON API, each with its provenance.

The router is mounted in stellwerk/api/api.py with `api.add_router("/v1", market_router)`.
"""

from __future__ import annotations

import pytest
from django.test import Client

from insights.factory import posting
from stellwerk.insights.aggregates import refresh_aggregates

pytestmark = pytest.mark.django_db
PATH = "/api/v1/markt/fachinformatiker-systemintegration/bamberg"


@pytest.fixture
def figures(sample_postings: None) -> None:
    for low in (320_000, 340_000, 360_000, 380_000, 400_000):
        posting("43102", "bamberg", salary_min_cents=low, employer_name="Klinikum Bamberg", skills=["sql"])
    refresh_aggregates()


def test_the_figures_come_with_their_provenance(client: Client, figures: None) -> None:
    response = client.get(PATH)
    assert response.status_code == 200
    body = response.json()
    assert body["occupation"] == {
        "kldb": "43102",
        "name": body["occupation"]["name"],
        "beruf": "Fachinformatiker/in - Systemintegration",
        "key": "fachinformatiker-systemintegration",
    }
    assert body["place"] == {"slug": "bamberg", "name": "Bamberg", "land": "Bayern"}
    assert body["url"] == "http://testserver/beruf/fachinformatiker-systemintegration/bamberg"
    national = body["pay"]["national"]
    assert national["median"] == {"cents": 474_900, "censored": False}
    assert national["provenance"]["source"] == "Quelle: Statistik der Bundesagentur für Arbeit (Entgeltatlas)"
    assert national["provenance"]["date"] == "2023-12-31"
    assert national["provenance"]["sample_size"] == 85_511
    postings = body["pay"]["postings"]
    assert (postings["count"], postings["median_cents"]) == (5, 360_000)
    assert postings["provenance"]["sample_unit"] == "Stellenangebote mit Gehaltsangabe"
    assert body["pay"]["entry"]["method"].startswith("unteres Quartil")
    demand = body["demand"]
    assert demand["active"] >= 6
    assert len(demand["weeks"]) == 52
    assert [area["area"] for area in demand["comparison"]] == ["Bamberg", "Bayern", "Deutschland"]
    assert demand["provenance"]["region"] == "Bamberg"
    assert body["employers"]["top"][0] == {
        "name": "Klinikum Bamberg",
        "count": 5,
        "type": "klinik",
        "type_label": "Klinik/Krankenhaus",
    }
    assert body["skills"]["top"][0]["id"] == "sql"
    assert body["offers_url"].startswith("http://testserver/api/v1/jobs?kldb=43102")


def test_censored_figures_have_no_amount(client: Client, figures: None) -> None:
    body = client.get("/api/v1/markt/43104/bamberg").json()
    assert body["pay"]["national"]["q75"] == {"cents": None, "censored": True}
    assert body["pay"]["national"]["ceiling_cents"] == 710_000


def test_unknown_occupations_and_places_are_404_with_suggestions(client: Client, figures: None) -> None:
    unknown = client.get("/api/v1/markt/fachinformatiker-systemintegrazion/bamberg")
    assert unknown.status_code == 404
    assert "fachinformatiker-systemintegration" in unknown.json()["suggestions"]
    nowhere = client.get("/api/v1/markt/43102/bambreg")
    assert nowhere.status_code == 404
    assert "bamberg" in nowhere.json()["suggestions"]
    assert client.get("/api/v1/markt/43102/96047").status_code == 200
