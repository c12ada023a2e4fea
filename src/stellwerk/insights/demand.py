"""Demand: new postings per week over the last twelve months and the trend against the year before."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
WEEKS_SHOWN = 52
# The trend compares the last full quarter (13 weeks) with the same 13 weeks one year earlier.
COMPARED_WEEKS = 13
# The series keeps the running week, the weeks shown, and one more quarter for the year-earlier comparison.
WEEKS_KEPT = 1 + WEEKS_SHOWN + COMPARED_WEEKS
# Below this many postings in both periods a percentage says more about chance than about demand.
MIN_TREND_POSTINGS = 10
# Changes within these bounds (percent) are called stable, beyond the outer ones "deutlich".
STABLE_PERCENT = 5
CLEAR_PERCENT = 25


def week_starts(today: date) -> list[date]:
    """Return the Mondays of the kept weeks, oldest first; the last is the running week's."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=WEEKS_KEPT - 1 - i) for i in range(WEEKS_KEPT)]


def week_boundaries(today: date) -> list[datetime]:
    """Return the start of each kept week as an aware datetime (Monday 00:00 in Berlin)."""
    return [datetime.combine(monday, time(), tzinfo=BERLIN) for monday in week_starts(today)]


@dataclass(frozen=True, slots=True)
class Trend:
    """How new postings of the last quarter compare with the same weeks a year earlier, in words."""

    recent: int
    previous: int
    change_percent: int | None
    words: str
    comparable: bool

    @property
    def sentence(self) -> str:
        """Return the trend as one German phrase with its figure."""
        if self.change_percent is None:
            return self.words
        sign = "+" if self.change_percent > 0 else "−" if self.change_percent < 0 else "±"
        return f"{self.words}: {sign}{abs(self.change_percent)} % gegenüber dem Vorjahreszeitraum"


def describe_trend(recent: int, previous: int, comparable: bool) -> Trend:
    """Return the trend of recent against previous postings in plain German words, with the change."""
    if not comparable:
        return Trend(recent, previous, None, "noch kein Vorjahresvergleich möglich", False)
    if max(recent, previous) < MIN_TREND_POSTINGS:
        return Trend(recent, previous, None, "zu wenige Angebote für eine Aussage zum Trend", True)
    if previous == 0:
        return Trend(recent, previous, None, "neu: im Vorjahreszeitraum gab es keine Angebote", True)
    change = round_half_away(100 * (recent - previous), previous)
    return Trend(recent, previous, change, _words(change), True)


def round_half_away(numerator: int, denominator: int) -> int:
    """Return numerator / denominator rounded to a whole number, halves away from zero."""
    quotient = (abs(numerator) * 2 + denominator) // (2 * denominator)
    return quotient if numerator >= 0 else -quotient


def _words(change: int) -> str:
    if change >= CLEAR_PERCENT:
        return "deutlich gestiegen"
    if change > STABLE_PERCENT:
        return "gestiegen"
    if change >= -STABLE_PERCENT:
        return "etwa gleich geblieben"
    if change > -CLEAR_PERCENT:
        return "gesunken"
    return "deutlich gesunken"


@dataclass(frozen=True, slots=True)
class Demand:
    """New postings per week in one area, and the trend."""

    weeks: list[date]
    counts: list[int]
    trend: Trend
    active: int
    recent: int

    @property
    def rows(self) -> list[tuple[str, int]]:
        """Return (German label of the week, count) per week shown, for the data table under the chart."""
        labels = [f"{monday:%d.%m.%Y}" for monday in self.weeks]
        labels[-1] += " (laufende Woche)"
        return list(zip(labels, self.counts, strict=True))


def trend_of(counts: Sequence[int], history_start: date | None, weeks: Sequence[date]) -> Trend:
    """Return the trend of a kept weekly series: the last full quarter against the same weeks a year ago."""
    last_full = len(counts) - 1
    recent = sum(counts[last_full - COMPARED_WEEKS : last_full])
    previous = sum(counts[:COMPARED_WEEKS])
    comparable = history_start is not None and history_start <= weeks[0]
    return describe_trend(recent, previous, comparable)


def weekly_counts(section: Mapping[str, Any]) -> tuple[list[date], list[int]]:
    """Return the Mondays and counts of all kept weeks from a stored demand section."""
    first = date.fromisoformat(section["first_week"])
    counts = [0] * int(section["skip"]) + [int(n) for n in section["counts"]]
    counts += [0] * (WEEKS_KEPT - len(counts))
    return [first + timedelta(weeks=i) for i in range(WEEKS_KEPT)], counts


def demand_from(figures: Mapping[str, Any]) -> Demand:
    """Read the demand section of precomputed figures."""
    section = figures["demand"]
    weeks, counts = weekly_counts(section)
    history = section.get("history_start")
    trend = trend_of(counts, date.fromisoformat(history) if history else None, weeks)
    return Demand(
        weeks=weeks[-WEEKS_SHOWN:],
        counts=counts[-WEEKS_SHOWN:],
        trend=trend,
        active=int(figures.get("active", 0)),
        recent=int(figures.get("recent", 0)),
    )
