"""The Entgeltatlas connector against a local imitation of its API: figures, censoring, retries, storage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest

from insights.upstream import ENTGELTATLAS_KEY, EntgeltatlasUpstream, atlas_record
from stellwerk.insights.entgeltatlas import (
    AGE_UNDER_25,
    EntgeltatlasClient,
    EntgeltatlasError,
    fetch_regional_salaries,
    regions_for,
)
from stellwerk.insights.models import RegionalSalary
from stellwerk.reference.gazetteer import default_gazetteer


@pytest.fixture
def upstream() -> Iterator[EntgeltatlasUpstream]:
    with EntgeltatlasUpstream() as server:
        server.add(
            atlas_record("43104", 22, median=5100, q25=4200, q75=-2, headcount=812),
            atlas_record("43104", 22, median=3900, q25=3400, q75=4400, headcount=95, age=AGE_UNDER_25),
            atlas_record("43104", 8, median=5300, q25=4400, q75=6500, headcount=9100),
        )
        yield server


@pytest.fixture
def client(upstream: EntgeltatlasUpstream) -> Iterator[EntgeltatlasClient]:
    with httpx.Client(timeout=5) as http:
        yield EntgeltatlasClient(http, upstream.base_url, ENTGELTATLAS_KEY, backoff_seconds=0)


def test_a_region_gives_median_quartiles_and_headcount_with_censoring(client: EntgeltatlasClient) -> None:
    (dortmund,) = client.statistics("43104", 22)
    assert dortmund.region == "Dortmund"
    assert dortmund.median.cents == 510_000
    assert dortmund.q25.cents == 420_000
    assert dortmund.q75.censored
    assert dortmund.q75.cents is None
    assert dortmund.headcount == 812
    assert dortmund.ceiling_cents == 710_000
    assert dortmund.reference_date == date(2023, 12, 31)


def test_the_client_sends_its_key_and_the_group_parameters(
    client: EntgeltatlasClient, upstream: EntgeltatlasUpstream
) -> None:
    client.statistics("43104", 22, AGE_UNDER_25)
    request = upstream.requests[-1]
    assert request.path == "/pc/v1/entgelte/43104"
    assert request.query == {"r": ["22"], "a": ["2"], "g": ["1"], "b": ["1"]}
    assert request.headers["X-API-Key"] == ENTGELTATLAS_KEY


def test_server_errors_are_retried_and_client_errors_are_not(
    client: EntgeltatlasClient, upstream: EntgeltatlasUpstream
) -> None:
    upstream.fail_next(503, 502)
    assert client.statistics("43104", 8)[0].median.cents == 530_000
    assert len(upstream.requests) == 3
    upstream.fail_next(404)
    with pytest.raises(EntgeltatlasError, match="HTTP 404"):
        client.statistics("43104", 8)
    upstream.fail_next(500, 500, 500)
    with pytest.raises(EntgeltatlasError, match="HTTP 500"):
        client.statistics("43104", 8)


def test_a_wrong_key_is_an_error_naming_the_status(upstream: EntgeltatlasUpstream) -> None:
    with httpx.Client(timeout=5) as http:
        client = EntgeltatlasClient(http, upstream.base_url, "falsch", backoff_seconds=0)
        with pytest.raises(EntgeltatlasError, match="HTTP 403"):
            client.statistics("43104", 22)


def test_an_unreachable_api_is_an_error() -> None:
    with httpx.Client(timeout=1) as http:
        client = EntgeltatlasClient(http, "http://127.0.0.1:9", ENTGELTATLAS_KEY, backoff_seconds=0)
        with pytest.raises(EntgeltatlasError, match=r"127\.0\.0\.1:9"):
            client.statistics("43104", 22)


@pytest.mark.django_db
def test_fetching_stores_overall_and_under_25_figures_and_keeps_errors(client: EntgeltatlasClient) -> None:
    summary = fetch_regional_salaries(client, ["43104", "99999"], [22, 8])
    assert summary.stored == 3
    assert summary.empty == 5  # 43104 under 25 in NRW, and 99999 everywhere
    assert summary.errors == []
    rows = {(r.region_id, r.age_id): r for r in RegionalSalary.objects.all()}
    assert set(rows) == {(22, 1), (22, 2), (8, 1)}
    assert rows[(22, 1)].q75_censored
    assert rows[(22, 1)].q75_cents is None
    assert rows[(22, 2)].age == "unter 25"
    # A second fetch updates instead of duplicating.
    fetch_regional_salaries(client, ["43104"], [22])
    assert RegionalSalary.objects.count() == 3


def test_regions_of_a_place_are_its_city_then_its_land() -> None:
    gazetteer = default_gazetteer()
    assert regions_for(gazetteer.resolve("Dortmund")) == [22, 8]
    assert regions_for(gazetteer.resolve("Bamberg")) == [12]
