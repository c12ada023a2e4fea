"""The demand trend in words: thresholds, rounding, and when no statement is possible."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.insights.demand import (
    MIN_TREND_POSTINGS,
    WEEKS_KEPT,
    describe_trend,
    round_half_away,
    week_starts,
)

ORDER = ["deutlich gesunken", "gesunken", "etwa gleich geblieben", "gestiegen", "deutlich gestiegen"]


@pytest.mark.parametrize(
    ("recent", "previous", "sentence"),
    [
        (138, 100, "deutlich gestiegen: +38 % gegenüber dem Vorjahreszeitraum"),
        (110, 100, "gestiegen: +10 % gegenüber dem Vorjahreszeitraum"),
        (104, 100, "etwa gleich geblieben: +4 % gegenüber dem Vorjahreszeitraum"),
        (100, 100, "etwa gleich geblieben: ±0 % gegenüber dem Vorjahreszeitraum"),
        (90, 100, "gesunken: −10 % gegenüber dem Vorjahreszeitraum"),
        (50, 100, "deutlich gesunken: −50 % gegenüber dem Vorjahreszeitraum"),
    ],
)
def test_the_trend_is_said_in_words_with_the_change(recent: int, previous: int, sentence: str) -> None:
    assert describe_trend(recent, previous, comparable=True).sentence == sentence


def test_small_numbers_and_missing_history_give_no_percentage() -> None:
    few = describe_trend(MIN_TREND_POSTINGS - 1, 1, comparable=True)
    assert few.change_percent is None
    assert few.sentence == "zu wenige Angebote für eine Aussage zum Trend"
    new = describe_trend(12, 0, comparable=True)
    assert new.change_percent is None
    assert new.sentence.startswith("neu")
    unknown = describe_trend(500, 100, comparable=False)
    assert unknown.change_percent is None
    assert "kein Vorjahresvergleich" in unknown.sentence


@given(st.integers(0, 10_000), st.integers(1, 10_000), st.integers(0, 10_000))
def test_more_recent_postings_never_read_as_a_weaker_trend(recent: int, previous: int, more: int) -> None:
    lower = describe_trend(recent, previous, comparable=True)
    higher = describe_trend(recent + more, previous, comparable=True)
    if lower.change_percent is not None and higher.change_percent is not None:
        assert higher.change_percent >= lower.change_percent
        assert ORDER.index(higher.words) >= ORDER.index(lower.words)


@given(st.integers(-(10**6), 10**6), st.integers(1, 10**4))
def test_rounding_is_half_away_from_zero(numerator: int, denominator: int) -> None:
    exact = numerator / denominator
    rounded = round_half_away(numerator, denominator)
    assert abs(rounded - exact) <= 0.5
    if abs(abs(rounded - exact) - 0.5) < 1e-9:
        assert abs(rounded) > abs(exact)


def test_weeks_start_on_mondays_and_end_with_the_running_week() -> None:
    weeks = week_starts(date(2026, 11, 29))  # a Sunday
    assert len(weeks) == WEEKS_KEPT
    assert all(monday.weekday() == 0 for monday in weeks)
    assert weeks[-1] == date(2026, 11, 23)
