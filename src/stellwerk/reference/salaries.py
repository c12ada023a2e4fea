"""Pay statistics of the Entgeltatlas (Bundesagentur für Arbeit) per KldB 2010 code, with their provenance.

The Entgeltatlas publishes the monthly gross pay of full-time employees subject to social insurance: median,
lower and upper quartile, and how many employees the figures rest on. Pay above the contribution ceiling
(Beitragsbemessungsgrenze) is not recorded, so such a figure is only known to lie above the ceiling; the
Entgeltatlas marks it with -2. Other negative numbers mean the figure is withheld (too few cases, secrecy).
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

PACKAGED_FILE = "data/entgeltatlas.tsv.gz"
SOURCE = "Entgeltatlas der Bundesagentur für Arbeit"
ATTRIBUTION = "Quelle: Statistik der Bundesagentur für Arbeit (Entgeltatlas)"
CENSORED = -2
CENSORED_MARK = "c"
TOTAL = "Gesamt"
GERMANY_REGION_ID = 1
# The contribution ceiling the Entgeltatlas reports (Rentenversicherung, Ost) names the year of its reference
# date: figures refer to 31 December of that year. The source files carry no date of their own.
REFERENCE_YEAR_BY_CEILING_EUR = {6450: 2020, 6700: 2021, 6750: 2022, 7100: 2023, 7450: 2024}

_KLDB5 = re.compile(r"\d{5}")
_META = re.compile(r"# (?P<key>[a-z_]+)\t(?P<value>.*)")


class InvalidSalaryRecord(ValueError):
    """An Entgeltatlas record lacks a field or has one of the wrong type."""


@dataclass(frozen=True, slots=True)
class PayValue:
    """A monthly gross amount in cents; censored means above the contribution ceiling, None means withheld."""

    cents: int | None
    censored: bool = False

    @property
    def known(self) -> bool:
        """Tell whether the amount itself is published."""
        return self.cents is not None


WITHHELD = PayValue(None)


def pay_value(euros: int) -> PayValue:
    """Return the value of an Entgeltatlas amount in whole euros, decoding the negative markers."""
    if euros == CENSORED:
        return PayValue(None, censored=True)
    if euros < 0:
        return WITHHELD
    return PayValue(euros * 100)


@dataclass(frozen=True, slots=True)
class SalaryStatistic:
    """Median and quartiles of one KldB code in one region and group, with source, date and sample size."""

    kldb: str
    level: str
    median: PayValue
    q25: PayValue
    q75: PayValue
    headcount: int | None
    region_id: int
    region: str
    reference_date: date
    ceiling_cents: int
    age: str = TOTAL
    age_id: int = 1
    gender: str = TOTAL
    industry: str = TOTAL
    source: str = SOURCE

    @property
    def published(self) -> bool:
        """Tell whether any of the three figures is known or censored (not all withheld)."""
        return any(v.known or v.censored for v in (self.median, self.q25, self.q75))


def reference_date_for_ceiling(ceiling_euros: int) -> date | None:
    """Return the reference date (31 December) that an Entgeltatlas contribution ceiling belongs to."""
    year = REFERENCE_YEAR_BY_CEILING_EUR.get(ceiling_euros)
    return date(year, 12, 31) if year else None


def parse_statistic(record: Mapping[str, Any], reference_date: date | None = None) -> SalaryStatistic:
    """Return the statistic of one Entgeltatlas API record; the date follows from the ceiling if not given."""
    try:
        region = record["region"]
        ceiling = _integer(region["beitragsBemessungsGrenze"], "beitragsBemessungsGrenze")
        kldb = str(record["kldb"])
        headcount = _integer(record["besetzung"], "besetzung")
        statistic_date = reference_date or reference_date_for_ceiling(ceiling)
        if statistic_date is None:
            raise InvalidSalaryRecord(f"no reference date known for the contribution ceiling {ceiling} EUR")
        return SalaryStatistic(
            kldb=kldb,
            level=str(record["performanceLevel"]["bezeichnung"]),
            median=pay_value(_integer(record["entgelt"], "entgelt")),
            q25=pay_value(_integer(record["entgeltQ25"], "entgeltQ25")),
            q75=pay_value(_integer(record["entgeltQ75"], "entgeltQ75")),
            headcount=headcount if headcount >= 0 else None,
            region_id=_integer(region["id"], "region.id"),
            region=str(region["bezeichnung"]),
            reference_date=statistic_date,
            ceiling_cents=ceiling * 100,
            age=str(record["ageCategory"]["bezeichnung"]),
            age_id=_integer(record["ageCategory"]["id"], "ageCategory.id"),
            gender=str(record["gender"]["bezeichnung"]),
            industry=str(record["branche"]["bezeichnung"]),
        )
    except (KeyError, TypeError) as exc:
        raise InvalidSalaryRecord(f"Entgeltatlas record without {exc}") from exc


def _integer(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidSalaryRecord(f"{name} must be an integer, not {value!r}")
    return value


class SalaryTable:
    """The nationwide Entgeltatlas figures of every KldB code, as packaged."""

    def __init__(self, statistics: Iterable[SalaryStatistic]) -> None:
        self._by_kldb = {s.kldb: s for s in statistics}

    def __len__(self) -> int:
        return len(self._by_kldb)

    @classmethod
    def load(cls, path: Path | None = None) -> SalaryTable:
        """Load the table from an entgeltatlas.tsv.gz file, by default the packaged one."""
        raw = path.read_bytes() if path else resources.files("stellwerk").joinpath(PACKAGED_FILE).read_bytes()
        return cls(parse_table(gzip.decompress(raw).decode("utf-8")))

    def get(self, kldb: str) -> SalaryStatistic | None:
        """Return the nationwide statistic of a 5-digit KldB code, if the Entgeltatlas has one."""
        return self._by_kldb.get(kldb.strip())


def parse_table(text: str) -> list[SalaryStatistic]:
    """Parse the packaged table: metadata lines "# key<TAB>value", a header, then one code per line."""
    meta: dict[str, str] = {}
    statistics = []
    for line in text.split("\n"):
        if match := _META.fullmatch(line):
            meta[match["key"]] = match["value"]
        elif line and not line.startswith("#"):
            statistics.append(_row(line.split("\t"), meta))
    return statistics


def _row(cells: list[str], meta: Mapping[str, str]) -> SalaryStatistic:
    kldb, level, median, q25, q75, headcount = cells
    if not _KLDB5.fullmatch(kldb):
        raise InvalidSalaryRecord(f"not a 5-digit KldB code: {kldb!r}")
    return SalaryStatistic(
        kldb=kldb,
        level=level,
        median=_cell(median),
        q25=_cell(q25),
        q75=_cell(q75),
        headcount=int(headcount) if headcount else None,
        region_id=int(meta["region_id"]),
        region=meta["region"],
        reference_date=date.fromisoformat(meta["stichtag"]),
        ceiling_cents=int(meta["beitragsbemessungsgrenze_eur"]) * 100,
    )


def _cell(text: str) -> PayValue:
    if text == CENSORED_MARK:
        return PayValue(None, censored=True)
    return PayValue(int(text) * 100) if text else WITHHELD


def table_cell(value: PayValue) -> str:
    """Return how the packaged table writes a value: euros, "c" for censored, empty for withheld."""
    if value.censored:
        return CENSORED_MARK
    return str(value.cents // 100) if value.cents is not None else ""


@functools.cache
def default_salary_table() -> SalaryTable:
    """Return the packaged nationwide table, loaded once per process."""
    return SalaryTable.load()
