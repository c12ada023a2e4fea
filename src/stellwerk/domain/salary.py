"""Pay as a posting states it: amounts with their period, and collective agreements (Tarifverträge)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

# Hours in an average month of a 40-hour week: 40 h x 52 weeks / 12 months = 173.33 h ("Monatsstunden").
# German payroll uses the same factor to turn an hourly wage into a monthly one; 173.33 h is 17333 hundredths
# of an hour, so the conversion stays in integers. Postings rarely state the weekly hours next to an hourly
# wage, so a part-time hourly wage gives the full-time equivalent, which is what comparing offers needs.
HOURS_PER_MONTH_HUNDREDTHS = 17_333
MONTHS_PER_YEAR = 12

_CURRENCY = re.compile(r"[A-Z]{3}")


class InvalidSalaryError(ValueError):
    """A salary whose bounds or currency contradict each other."""


class Period(enum.Enum):
    """The time a stated amount pays for."""

    HOUR = "hour"
    MONTH = "month"
    YEAR = "year"


@dataclass(frozen=True, slots=True)
class Salary:
    """An amount or range of pay in integer cents; `period_stated` is False when the period was inferred."""

    min_cents: int | None
    max_cents: int | None
    period: Period
    gross: bool | None
    currency: str = "EUR"
    text: str = ""
    period_stated: bool = True

    def __post_init__(self) -> None:
        if self.min_cents is None and self.max_cents is None:
            raise InvalidSalaryError("a salary needs at least one bound")
        for bound in (self.min_cents, self.max_cents):
            if bound is not None and (not isinstance(bound, int) or isinstance(bound, bool) or bound < 0):
                raise InvalidSalaryError(f"bounds are non-negative integer cents, not {bound!r}")
        if self.min_cents is not None and self.max_cents is not None and self.min_cents > self.max_cents:
            raise InvalidSalaryError(f"minimum {self.min_cents} exceeds maximum {self.max_cents}")
        if not _CURRENCY.fullmatch(self.currency):
            raise InvalidSalaryError(f"currency must be an ISO 4217 code, not {self.currency!r}")


@dataclass(frozen=True, slots=True)
class Tariff:
    """A collective agreement a posting pays by, with its pay group when named ("TVöD-K", "E9b")."""

    agreement: str
    group: str | None
    text: str


@dataclass(frozen=True, slots=True)
class SalaryInfo:
    """Everything a text says about pay: stated amounts and collective agreements, in order of appearance."""

    salaries: tuple[Salary, ...]
    tariffs: tuple[Tariff, ...]


def monthly_cents(cents: int, period: Period) -> int:
    """Return an amount of the given period as monthly cents, rounded half up."""
    if period is Period.HOUR:
        return (cents * HOURS_PER_MONTH_HUNDREDTHS + 50) // 100
    if period is Period.YEAR:
        return (cents + MONTHS_PER_YEAR // 2) // MONTHS_PER_YEAR
    return cents


def monthly_range_cents(salary: Salary) -> tuple[int | None, int | None]:
    """Return the salary's (min, max) as monthly cents; hourly pay counts 173.33 hours a month."""
    low = None if salary.min_cents is None else monthly_cents(salary.min_cents, salary.period)
    high = None if salary.max_cents is None else monthly_cents(salary.max_cents, salary.period)
    return low, high
