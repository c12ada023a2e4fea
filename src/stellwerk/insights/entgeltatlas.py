"""Entgeltatlas API connector: regional pay statistics per KldB code, stored for the market pages.

The packaged table holds the nationwide figures; this connector fetches the figures of a Land or of one of
the cities the Entgeltatlas publishes separately (Dortmund is region 22), overall and for employees under
25 (the entry-level estimate). Pages never call the API: `stellwerk entgelte` fetches ahead.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.utils import timezone

from stellwerk.domain.places import Place
from stellwerk.insights.models import RegionalSalary
from stellwerk.reference.salaries import InvalidSalaryRecord, SalaryStatistic, parse_statistic

DEFAULT_URL = "https://rest.arbeitsagentur.de/infosysbub/entgeltatlas"
# The public client id the API documentation names for the X-API-Key header.
DEFAULT_API_KEY = "c4f0d292-9d0f-4763-87dd-d3f9e78fb006"
ENTGELTE_PATH = "/pc/v1/entgelte/{kldb}"
AGE_ALL = 1
AGE_UNDER_25 = 2
RETRIES = 3
BACKOFF_SECONDS = 0.5

# Region ids of the Entgeltatlas (its /pc/v1/regionen list): the cities it publishes on their own ...
CITY_REGIONS = {
    "dresden": 20,
    "duesseldorf": 21,
    "dortmund": 22,
    "essen": 23,
    "frankfurt-am-main": 24,
    "nuernberg": 25,
    "hannover": 26,
    "koeln": 27,
    "leipzig": 28,
    "muenchen": 29,
    "stuttgart": 30,
}
# ... and the Länder.
LAND_REGIONS = {
    "Schleswig-Holstein": 4,
    "Hamburg": 5,
    "Niedersachsen": 6,
    "Bremen": 7,
    "Nordrhein-Westfalen": 8,
    "Hessen": 9,
    "Rheinland-Pfalz": 10,
    "Baden-Württemberg": 11,
    "Bayern": 12,
    "Saarland": 13,
    "Berlin": 14,
    "Brandenburg": 15,
    "Mecklenburg-Vorpommern": 16,
    "Sachsen": 17,
    "Sachsen-Anhalt": 18,
    "Thüringen": 19,
}


class EntgeltatlasError(RuntimeError):
    """The Entgeltatlas API could not be reached or answered with something else than statistics."""


def regions_for(place: Place) -> list[int]:
    """Return the Entgeltatlas regions that describe a place, most specific first (city, then Land)."""
    regions = [CITY_REGIONS[place.slug]] if place.slug in CITY_REGIONS else []
    if place.land in LAND_REGIONS:
        regions.append(LAND_REGIONS[place.land])
    return regions


@dataclass(frozen=True, slots=True)
class EntgeltatlasClient:
    """Fetches statistics from the Entgeltatlas API at `base_url` with an injected HTTP client."""

    http: httpx.Client
    base_url: str = DEFAULT_URL
    api_key: str = DEFAULT_API_KEY
    backoff_seconds: float = BACKOFF_SECONDS

    def url(self, kldb: str) -> str:
        """Return the URL of a code's statistics."""
        return self.base_url.rstrip("/") + ENTGELTE_PATH.format(kldb=kldb)

    def statistics(self, kldb: str, region: int, age: int = AGE_ALL) -> list[SalaryStatistic]:
        """Return the statistics of a KldB code in a region for an age group (all genders and industries)."""
        params = {"r": region, "a": age, "g": 1, "b": 1}
        payload = self._get(self.url(kldb), params)
        if not isinstance(payload, list):
            raise EntgeltatlasError(f"{self.url(kldb)}: expected a JSON list, got {type(payload).__name__}")
        try:
            return [parse_statistic(record) for record in payload if _is_record_of(record, kldb)]
        except InvalidSalaryRecord as exc:
            raise EntgeltatlasError(f"{self.url(kldb)}: {exc}") from exc

    def _get(self, url: str, params: Mapping[str, int]) -> Any:
        for attempt in range(RETRIES):
            try:
                response = self.http.get(url, params=params, headers={"X-API-Key": self.api_key})
            except httpx.TransportError as exc:
                error: str = f"{url}: {exc}"
            else:
                if response.status_code == 200:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise EntgeltatlasError(f"{url}: not JSON ({exc})") from exc
                # Client errors will not pass on a retry; server errors and rate limits may.
                if response.status_code < 500 and response.status_code != 429:
                    raise EntgeltatlasError(f"{url}: HTTP {response.status_code}")
                error = f"{url}: HTTP {response.status_code}"
            if attempt + 1 < RETRIES:
                time.sleep(self.backoff_seconds * 2**attempt)
        raise EntgeltatlasError(error)


def _is_record_of(record: Any, kldb: str) -> bool:
    # A 3- or 4-digit query answers with several codes; a 5-digit one may too for related levels.
    return isinstance(record, dict) and str(record.get("kldb")) == kldb


@dataclass(slots=True)
class FetchSummary:
    """What a fetch stored, and what failed with the reason."""

    stored: int = 0
    empty: int = 0
    errors: list[str] = field(default_factory=list)


def fetch_regional_salaries(
    client: EntgeltatlasClient, kldbs: Iterable[str], regions: Iterable[int]
) -> FetchSummary:
    """Fetch and store the overall and under-25 statistics of each code in each region; errors are kept."""
    summary = FetchSummary()
    region_ids = sorted(set(regions))
    for kldb in sorted(set(kldbs)):
        for region in region_ids:
            for age in (AGE_ALL, AGE_UNDER_25):
                try:
                    found = client.statistics(kldb, region, age)
                except EntgeltatlasError as exc:
                    summary.errors.append(str(exc))
                    continue
                if not found:
                    summary.empty += 1
                for statistic in found:
                    store_statistic(statistic, client.url(kldb))
                    summary.stored += 1
    return summary


def store_statistic(statistic: SalaryStatistic, source_url: str) -> RegionalSalary:
    """Insert or update the stored row of a statistic."""
    row, _ = RegionalSalary.objects.update_or_create(
        kldb=statistic.kldb,
        region_id=statistic.region_id,
        age_id=statistic.age_id,
        gender=statistic.gender,
        industry=statistic.industry,
        defaults={
            "region": statistic.region,
            "age": statistic.age,
            "level": statistic.level,
            "median_cents": statistic.median.cents,
            "median_censored": statistic.median.censored,
            "q25_cents": statistic.q25.cents,
            "q25_censored": statistic.q25.censored,
            "q75_cents": statistic.q75.cents,
            "q75_censored": statistic.q75.censored,
            "headcount": statistic.headcount,
            "ceiling_cents": statistic.ceiling_cents,
            "reference_date": statistic.reference_date,
            "source_url": source_url,
            "fetched_at": timezone.now(),
        },
    )
    return row
