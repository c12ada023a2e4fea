"""Pay: Entgeltatlas statistics (nationwide and regional), pay stated in postings, tariffs, entry estimate.

Every figure carries its provenance: source, date and the sample it rests on. A figure above the
contribution ceiling is shown as "über <ceiling>", never as a number it is not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from stellwerk.insights.employers import percent
from stellwerk.insights.entgeltatlas import AGE_ALL, AGE_UNDER_25
from stellwerk.insights.models import RegionalSalary
from stellwerk.reference.salaries import ATTRIBUTION, PayValue, SalaryStatistic, SalaryTable

POSTINGS_SOURCE = "Stellenangebote auf Stellwerk, eigene Auswertung"


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a figure comes from: source, date, region, and how many cases it rests on."""

    source: str
    date: date
    date_label: str
    sample_size: int | None
    sample_unit: str
    region: str

    def as_dict(self) -> dict[str, Any]:
        """Return the provenance as the API shows it."""
        return {
            "source": self.source,
            "date": self.date.isoformat(),
            "date_label": self.date_label,
            "sample_size": self.sample_size,
            "sample_unit": self.sample_unit,
            "region": self.region,
        }


@dataclass(frozen=True, slots=True)
class AtlasPay:
    """Median and quartiles of employees in an occupation, from the Entgeltatlas."""

    median: PayValue
    q25: PayValue
    q75: PayValue
    ceiling_cents: int
    level: str
    provenance: Provenance

    @property
    def any_censored(self) -> bool:
        """Tell whether some figure lies above the contribution ceiling."""
        return self.median.censored or self.q25.censored or self.q75.censored


@dataclass(frozen=True, slots=True)
class PostedPay:
    """Monthly pay stated in postings of the last 12 months: count, quartiles and histogram."""

    count: int
    q25_cents: int | None
    median_cents: int | None
    q75_cents: int | None
    histogram: list[tuple[int, int, int]]
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class TariffMentions:
    """How many postings of the last 12 months name a collective agreement, and which."""

    count: int
    total: int
    top: list[tuple[str, int]]

    @property
    def percent(self) -> int | None:
        """Return the share of postings naming a tariff, in whole percent."""
        return percent(self.count, self.total) if self.total else None


@dataclass(frozen=True, slots=True)
class EntryEstimate:
    """An estimate of starting pay, with the method in words and the provenance of its figure."""

    value: PayValue
    ceiling_cents: int
    method: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class PayFigures:
    """All pay figures of an occupation in an area."""

    national: AtlasPay | None
    regional: AtlasPay | None
    posted: PostedPay
    tariffs: TariffMentions
    entry: EntryEstimate | None

    @property
    def headline(self) -> AtlasPay | None:
        """Return the most specific Entgeltatlas figures with a published or censored median."""
        for candidate in (self.regional, self.national):
            if candidate and (candidate.median.known or candidate.median.censored):
                return candidate
        return None


def _atlas_date_label(day: date) -> str:
    return f"Stichtag {day:%d.%m.%Y}"


def atlas_from_statistic(statistic: SalaryStatistic) -> AtlasPay:
    """Return the pay figures of a packaged (nationwide) statistic with its provenance."""
    provenance = Provenance(
        source=ATTRIBUTION,
        date=statistic.reference_date,
        date_label=_atlas_date_label(statistic.reference_date),
        sample_size=statistic.headcount,
        sample_unit="sozialversicherungspflichtig Vollzeitbeschäftigte",
        region=statistic.region,
    )
    return AtlasPay(
        statistic.median, statistic.q25, statistic.q75, statistic.ceiling_cents, statistic.level, provenance
    )


def atlas_from_row(row: RegionalSalary) -> AtlasPay:
    """Return the pay figures of a fetched regional statistic with its provenance."""
    group = "" if row.age_id == AGE_ALL else f", Alter: {row.age}"
    provenance = Provenance(
        source=ATTRIBUTION,
        date=row.reference_date,
        date_label=f"{_atlas_date_label(row.reference_date)}, abgerufen am {row.fetched_at:%d.%m.%Y}",
        sample_size=row.headcount,
        sample_unit="sozialversicherungspflichtig Vollzeitbeschäftigte",
        region=f"{row.region}{group}",
    )
    return AtlasPay(
        PayValue(row.median_cents, row.median_censored),
        PayValue(row.q25_cents, row.q25_censored),
        PayValue(row.q75_cents, row.q75_censored),
        row.ceiling_cents,
        row.level,
        provenance,
    )


def regional_rows(kldb: str, regions: Sequence[int]) -> list[RegionalSalary]:
    """Return the fetched statistics of a code in the regions, in their order (all genders and industries)."""
    if not regions:
        return []
    rows = RegionalSalary.objects.filter(kldb=kldb, region_id__in=regions, gender="Gesamt", industry="Gesamt")
    return sorted(rows, key=lambda row: (list(regions).index(row.region_id), row.age_id))


def posted_pay(section: Mapping[str, Any], area: str, computed: date) -> PostedPay:
    """Read the posting pay section of precomputed figures."""
    provenance = Provenance(
        source=POSTINGS_SOURCE,
        date=computed,
        date_label=f"Stellenangebote der letzten 12 Monate, Stand {computed:%d.%m.%Y}",
        sample_size=int(section.get("count", 0)),
        sample_unit="Stellenangebote mit Gehaltsangabe",
        region=area,
    )
    return PostedPay(
        count=int(section.get("count", 0)),
        q25_cents=section.get("q25"),
        median_cents=section.get("median"),
        q75_cents=section.get("q75"),
        histogram=[(int(lo), int(hi), int(n)) for lo, hi, n in section.get("histogram", [])],
        provenance=provenance,
    )


def tariff_mentions(section: Mapping[str, Any]) -> TariffMentions:
    """Read the tariff section of precomputed figures."""
    return TariffMentions(
        count=int(section.get("count", 0)),
        total=int(section.get("total", 0)),
        top=[(str(name), int(n)) for name, n in section.get("top", [])],
    )


def entry_estimate(regional: Iterable[RegionalSalary], best: AtlasPay | None) -> EntryEstimate | None:
    """Estimate starting pay: the median of employees under 25 where fetched, else the lower quartile."""
    for row in regional:
        if row.age_id == AGE_UNDER_25 and (row.median_cents is not None or row.median_censored):
            atlas = atlas_from_row(row)
            method = "Median der Beschäftigten unter 25 Jahren"
            return EntryEstimate(atlas.median, atlas.ceiling_cents, method, atlas.provenance)
    if best is not None and (best.q25.known or best.q25.censored):
        method = "unteres Quartil: ein Viertel der Beschäftigten verdient weniger, üblich für den Einstieg"
        return EntryEstimate(best.q25, best.ceiling_cents, method, best.provenance)
    return None


def pay_figures(
    kldb: str,
    table: SalaryTable,
    regional: Sequence[RegionalSalary],
    figures: Mapping[str, Any],
    area: str,
    computed: date,
) -> PayFigures:
    """Assemble the pay figures of an occupation: regional rows must be ordered most specific first."""
    statistic = table.get(kldb)
    national = atlas_from_statistic(statistic) if statistic and statistic.published else None
    overall = [row for row in regional if row.age_id == AGE_ALL]
    regional_pay = atlas_from_row(overall[0]) if overall else None
    best = regional_pay if regional_pay and regional_pay.median.known else national
    return PayFigures(
        national=national,
        regional=regional_pay,
        posted=posted_pay(figures.get("pay", {}), area, computed),
        tariffs=tariff_mentions(figures.get("tariffs", {})),
        entry=entry_estimate(regional, best),
    )


def euro_text(cents: int) -> str:
    """Format cents as whole German euros: 321000 -> "3.210 €"."""
    return f"{(cents + 50) // 100:,} €".replace(",", ".")


def pay_text(value: PayValue, ceiling_cents: int) -> str | None:
    """Return a figure as shown: "3.210 €", "über 7.100 €" when censored, None when withheld."""
    if value.censored:
        return f"über {euro_text(ceiling_cents)}"
    return euro_text(value.cents) if value.cents is not None else None
