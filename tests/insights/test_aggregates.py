"""Aggregates: one pass over the postings gives each occupation × area its counts, history and details."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from insights.factory import posting
from stellwerk.insights.aggregates import (
    PAY_FLOOR_CENTS,
    pay_section,
    quantile,
    refresh_aggregates,
)
from stellwerk.insights.demand import demand_from
from stellwerk.insights.models import MarketAggregate
from stellwerk.postings.models import Posting

pytestmark = pytest.mark.django_db
Scope = MarketAggregate.Scope
INFORMATIK = "43104"


def cell(scope: str, area: str, kldb: str) -> MarketAggregate:
    return MarketAggregate.objects.get(scope=scope, area=area, kldb=kldb)


def test_every_posting_counts_in_its_place_land_and_germany(reference_data: None) -> None:
    posting(INFORMATIK, "dortmund", employer_name="Stadt Dortmund")
    posting(INFORMATIK, "dortmund", employer_name="Randstad Deutschland")
    posting(INFORMATIK, "bamberg")
    posting("81302", "dortmund", status=Posting.Status.EXPIRED)
    summary = refresh_aggregates()
    assert summary.postings == 4
    assert cell(Scope.PLACE, "dortmund", INFORMATIK).active == 2
    assert cell(Scope.LAND, "Nordrhein-Westfalen", INFORMATIK).active == 2
    assert cell(Scope.LAND, "Bayern", INFORMATIK).active == 1
    assert cell(Scope.COUNTRY, "", INFORMATIK).active == 3
    everything = cell(Scope.PLACE, "dortmund", "")
    assert (everything.active, everything.recent) == (2, 3)
    assert cell(Scope.COUNTRY, "", "").recent == 4


def test_weekly_history_and_trend_come_from_first_seen(reference_data: None) -> None:
    # Weeks start on Monday: whatever the weekday today, each posting lands mid-week of the week meant.
    since_monday = timezone.localdate().weekday()

    def mid_week(weeks_back: int) -> int:
        return since_monday + 7 * weeks_back - 3

    # History reaching back before the year-earlier quarter makes it comparable.
    posting(INFORMATIK, "dortmund", days_ago=470)
    for week in range(1, 14):  # the last full quarter: two postings a week
        posting(INFORMATIK, "dortmund", days_ago=mid_week(week))
        posting(INFORMATIK, "dortmund", days_ago=mid_week(week) + 1)
    for week in range(1, 11):  # the same weeks a year earlier: one a week in ten of them
        posting(INFORMATIK, "dortmund", days_ago=mid_week(week) + 364)
    refresh_aggregates()
    demand = demand_from(cell(Scope.PLACE, "dortmund", INFORMATIK).figures)
    assert len(demand.counts) == 52
    assert sum(demand.counts) == 26
    assert demand.trend.comparable
    assert (demand.trend.recent, demand.trend.previous) == (26, 10)
    assert demand.trend.change_percent == 160
    assert demand.trend.sentence == "deutlich gestiegen: +160 % gegenüber dem Vorjahreszeitraum"


def test_without_a_year_of_history_there_is_no_comparison(reference_data: None) -> None:
    for days in range(0, 60, 3):
        posting(INFORMATIK, "dortmund", days_ago=days)
    refresh_aggregates()
    trend = demand_from(cell(Scope.PLACE, "dortmund", INFORMATIK).figures).trend
    assert not trend.comparable
    assert trend.change_percent is None
    assert "kein Vorjahresvergleich" in trend.sentence


def test_details_employers_skills_pay_and_tariffs(reference_data: None) -> None:
    for _ in range(3):
        posting(INFORMATIK, "dortmund", employer_name="Klinikum Dortmund gGmbH", skills=["sql", "hl7"])
    posting(
        INFORMATIK,
        "dortmund",
        employer_name="Personal Plus GmbH",
        terms={"zeitarbeit": True},
        skills=["sql"],
        salary={"tarife": [{"tarifvertrag": "TVöD", "gruppe": "E9b", "text": "TVöD E9b"}]},
    )
    for low in (300_000, 350_000, 400_000, 450_000, 500_000):
        posting(INFORMATIK, "dortmund", salary_min_cents=low, salary_max_cents=low + 100_000)
    posting(INFORMATIK, "dortmund", salary_min_cents=50_000)  # a Minijob, not a salary to compare
    refresh_aggregates()
    figures = cell(Scope.PLACE, "dortmund", INFORMATIK).figures
    employers = figures["employers"]
    assert employers["total"] == 10
    assert employers["top"][0][0] == "Klinikum Dortmund gGmbH"
    assert employers["top"][0][2:] == [3, "klinik"]
    assert employers["temp_agency"] == 1
    types = dict(employers["types"])
    # An employer whose postings are all Zeitarbeit is an agency whatever its name.
    assert types == {"klinik": 3, "personaldienstleister": 1, "sonstige": 6}
    assert figures["skills"]["top"] == [["sql", 4], ["hl7", 3]]
    assert figures["skills"]["with_skills"] == 4
    assert figures["tariffs"] == {"total": 10, "count": 1, "top": [["TVöD", 1]]}
    pay = figures["pay"]
    assert pay["count"] == 5
    assert (pay["q25"], pay["median"], pay["q75"]) == (400_000, 450_000, 500_000)
    assert sum(n for _, _, n in pay["histogram"]) == 5


def test_postings_older_than_the_window_and_expired_are_left_out(reference_data: None) -> None:
    posting(INFORMATIK, "dortmund", days_ago=800, status=Posting.Status.EXPIRED)
    posting(INFORMATIK, "dortmund", days_ago=800)
    summary = refresh_aggregates()
    assert summary.postings == 1
    row = cell(Scope.PLACE, "dortmund", INFORMATIK)
    assert (row.active, row.recent) == (1, 0)


def test_a_refresh_replaces_the_figures_and_keeps_the_change_time_of_unchanged_ones(
    reference_data: None,
) -> None:
    posting(INFORMATIK, "dortmund")
    posting("81302", "bamberg")
    refresh_aggregates()
    before = cell(Scope.PLACE, "bamberg", "81302")
    posting(INFORMATIK, "dortmund")
    refresh_aggregates()
    after = cell(Scope.PLACE, "bamberg", "81302")
    assert after.changed_at == before.changed_at
    assert after.digest == before.digest
    assert after.computed_at > before.computed_at
    assert cell(Scope.PLACE, "dortmund", INFORMATIK).active == 2


def test_related_occupations_share_skills(reference_data: None) -> None:
    for kldb, skills in (
        ("43104", ["sql", "python"]),
        ("43114", ["sql", "python", "java"]),
        ("81302", ["pflege"]),
    ):
        for _ in range(5):
            posting(kldb, "dortmund", skills=skills)
    refresh_aggregates()
    related = cell(Scope.COUNTRY, "", "43104").figures["related_by_skills"]
    assert related == [["43114", 2]]


def test_quantiles_interpolate_in_whole_cents() -> None:
    assert quantile([100, 200, 300, 400], 1, 2) == 250
    assert quantile([100, 200, 300, 400], 1, 4) == 175
    assert quantile([5], 3, 4) == 5
    assert pay_section([PAY_FLOOR_CENTS] * 4) == {"count": 4}


def test_the_time_zone_of_a_week_is_berlin(reference_data: None) -> None:
    now = timezone.localtime()
    monday = (now - timedelta(days=now.weekday() + 7)).replace(hour=0, minute=30, second=0, microsecond=0)
    # 00:30 on Monday in Berlin is still Sunday in UTC; it belongs to the week that begins that Monday.
    posting(INFORMATIK, "dortmund", first_seen=monday)
    refresh_aggregates()
    demand = demand_from(cell(Scope.PLACE, "dortmund", INFORMATIK).figures)
    assert demand.counts[-2] == 1
