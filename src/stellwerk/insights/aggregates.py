"""Market figures per occupation and area, computed ahead in one pass over the postings and stored.

Every posting counts towards its occupation in its place, its Land and Germany, and towards all occupations
in those areas. Pages read one stored row per area instead of counting postings per request. Call
`refresh_aggregates()` after each import (the `stellwerk aggregate` command does).
"""

from __future__ import annotations

import bisect
import hashlib
import itertools
import json
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from stellwerk.insights.demand import BERLIN, WEEKS_KEPT, WEEKS_SHOWN, week_boundaries, week_starts
from stellwerk.insights.employers import EmployerType, employer_type
from stellwerk.insights.models import MarketAggregate
from stellwerk.postings.models import Employer, Place, Posting

Scope = MarketAggregate.Scope
TOP_EMPLOYERS = 10
TOP_SKILLS = 15
TOP_TARIFFS = 5
RELATED_BY_SKILLS = 6
# Skill profiles of occupations with fewer postings than this are too thin to compare.
MIN_SKILL_PROFILE = 5
# Stated monthly pay outside these bounds is a parsing slip or a Minijob, not a salary to compare.
PAY_FLOOR_CENTS = 100_000
PAY_CEILING_CENTS = 2_500_000
PAY_BUCKET_CENTS = 50_000
# Fewer stated salaries than this give no distribution, only the count.
MIN_PAY_POSTINGS = 5
_BATCH = 5_000
_FIELDS = (
    "occupation__kldb",
    "place_id",
    "first_seen",
    "status",
    "employer_id",
    "terms__zeitarbeit",
    "salary_min_cents",
    "salary_max_cents",
    "skills",
    "salary__tarife",
    "beruf",
)


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    """What a refresh counted and stored."""

    postings: int
    cells: int
    seconds: float


class _Cell:
    """Running totals of one occupation (or all) in one area."""

    __slots__ = (
        "active",
        "berufe",
        "employers",
        "pay",
        "recent",
        "skills",
        "tariffs",
        "temp_agency",
        "weeks",
        "with_skills",
        "with_tariff",
    )

    def __init__(self) -> None:
        # Plain dicts, not Counters: most cells hold a posting or two, and there are hundreds of thousands.
        self.active = 0
        self.recent = 0
        self.weeks: dict[int, int] = {}
        self.employers: dict[int, int] = {}
        self.temp_agency = 0
        self.skills: dict[str, int] = {}
        self.with_skills = 0
        self.pay: list[int] = []
        self.tariffs: dict[str, int] = {}
        self.with_tariff = 0
        self.berufe: dict[str, int] = {}


_Key = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class _PlaceInfo:
    slug: str
    land: str
    lat: float
    lon: float


class _Accumulator:
    """Adds postings to the cells they count towards."""

    def __init__(self, places: Mapping[int, _PlaceInfo], today: date) -> None:
        self.places = places
        self.boundaries = week_boundaries(today)
        self.recent_start = self.boundaries[WEEKS_KEPT - WEEKS_SHOWN]
        self.cells: dict[_Key, _Cell] = {}
        self._targets: dict[tuple[str, int | None], tuple[list[_Cell], list[_Cell], _Cell | None]] = {}
        self.employer_postings: Counter[int] = Counter()
        self.employer_temp: Counter[int] = Counter()
        self.postings = 0

    def cell(self, key: _Key) -> _Cell:
        found = self.cells.get(key)
        if found is None:
            found = self.cells[key] = _Cell()
        return found

    def targets(self, kldb: str, place_id: int | None) -> tuple[list[_Cell], list[_Cell], _Cell | None]:
        """Return the cells a posting adds details to, those it only counts in, and its nationwide cell."""
        found = self._targets.get((kldb, place_id))
        if found is not None:
            return found
        place = self.places.get(place_id) if place_id is not None else None
        areas = [(Scope.COUNTRY.value, "")]
        if place is not None:
            areas = [(Scope.PLACE.value, place.slug), (Scope.LAND.value, place.land), *areas]
        detailed = [self.cell((scope, area, kldb)) for scope, area in areas] if kldb else []
        # All occupations together: details only per place (the place page), counts everywhere.
        overall = [self.cell((scope, area, "")) for scope, area in areas]
        counted = overall[1:] if place is not None else overall
        if place is not None:
            detailed.append(overall[0])
        nationwide = self.cell((Scope.COUNTRY.value, "", kldb)) if kldb else None
        found = self._targets[(kldb, place_id)] = (detailed, counted, nationwide)
        return found

    def add(self, row: Sequence[Any]) -> None:
        """Count one posting (a row of _FIELDS)."""
        kldb, place_id, first_seen, status, employer_id, temp, low, high, skills, tariffs, beruf = row
        detailed, counted, nationwide = self.targets(kldb or "", place_id)
        self.postings += 1
        week = bisect.bisect_right(self.boundaries, first_seen) - 1
        active = status == Posting.Status.ACTIVE
        for cell in (*detailed, *counted):
            cell.active += active
            if week >= 0:
                cell.weeks[week] = cell.weeks.get(week, 0) + 1
        if first_seen < self.recent_start:
            return
        pay = _monthly_pay(low, high)
        tariff_names = sorted({t["tarifvertrag"] for t in tariffs or () if t.get("tarifvertrag")})
        for cell in counted:
            cell.recent += 1
        for cell in detailed:
            cell.recent += 1
            if employer_id is not None:
                cell.employers[employer_id] = cell.employers.get(employer_id, 0) + 1
            cell.temp_agency += temp is True
            if skills:
                cell.with_skills += 1
                _count(cell.skills, skills)
            if pay is not None:
                cell.pay.append(pay)
            if tariff_names:
                cell.with_tariff += 1
                _count(cell.tariffs, tariff_names)
        if nationwide is not None and beruf:
            nationwide.berufe[beruf] = nationwide.berufe.get(beruf, 0) + 1
        if employer_id is not None:
            self.employer_postings[employer_id] += 1
            self.employer_temp[employer_id] += temp is True


def _count(counts: dict[str, int], items: Iterable[str]) -> None:
    for item in items:
        counts[item] = counts.get(item, 0) + 1


def _monthly_pay(low: int | None, high: int | None) -> int | None:
    """Return the middle of a stated monthly range, or its one bound; None outside the plausible bounds."""
    if low is None and high is None:
        return None
    value = (low + high) // 2 if low is not None and high is not None else low if low is not None else high
    assert value is not None
    return value if PAY_FLOOR_CENTS <= value <= PAY_CEILING_CENTS else None


def counted_postings(oldest: datetime) -> QuerySet[Posting]:
    """Return the postings the figures count: current ones and those first seen since `oldest`."""
    # A job published on several sources counts once: by its cluster's canonical posting.
    one_per_job = Q(cluster__isnull=True) | Q(canonical_of__isnull=False)
    return Posting.objects.filter(Q(status=Posting.Status.ACTIVE) | Q(first_seen__gte=oldest)).filter(
        one_per_job
    )


def refresh_aggregates(today: date | None = None) -> RefreshSummary:
    """Recompute every occupation × area figure from the postings and replace the stored ones."""
    started = time.perf_counter()
    today = today or timezone.localdate()
    places = {
        pk: _PlaceInfo(slug, land, lat, lon)
        for pk, slug, land, lat, lon in Place.objects.values_list("pk", "slug", "land", "lat", "lon")
    }
    accumulator = _Accumulator(places, today)
    rows = counted_postings(accumulator.boundaries[0]).values_list(*_FIELDS)
    for row in rows.iterator(chunk_size=_BATCH):
        accumulator.add(row)
    history = Posting.objects.aggregate(start=Min("first_seen"))["start"]
    history_start = history.astimezone(BERLIN).date() if history else None
    context = _Context(accumulator, places, today, history_start)
    stored = _store(context.rows())
    return RefreshSummary(accumulator.postings, stored, time.perf_counter() - started)


class _Context:
    """Turns the accumulated cells into stored rows."""

    def __init__(
        self, accumulator: _Accumulator, places: Mapping[int, _PlaceInfo], today: date, history: date | None
    ) -> None:
        self.accumulator = accumulator
        self.by_slug = {p.slug: p for p in places.values()}
        self.first_week = week_starts(today)[0]
        self.history = history
        self.now = timezone.now()
        # All employers at once: a list of ids in a query would exceed SQLite's variable limit.
        self.employers = {
            pk: (name, slug) for pk, name, slug in Employer.objects.values_list("pk", "name", "slug")
        }
        self.types = {pk: self._employer_type(pk) for pk in accumulator.employer_postings}
        self.related = related_by_skills(
            {key[2]: cell for key, cell in accumulator.cells.items() if key[0] == Scope.COUNTRY and key[2]}
        )

    def _employer_type(self, pk: int) -> EmployerType:
        total = self.accumulator.employer_postings[pk]
        share = self.accumulator.employer_temp[pk] / total if total else 0.0
        return employer_type(self.employers.get(pk, ("", ""))[0], share)

    def rows(self) -> Iterator[_Row]:
        """Yield each cell as a row: key, coordinates, counts, figures as canonical JSON and its digest."""
        for (scope, area, kldb), cell in self.accumulator.cells.items():
            text = canonical_json(self.figures(scope, kldb, cell))
            place = self.by_slug.get(area) if scope == Scope.PLACE else None
            yield _Row(
                scope,
                area,
                kldb,
                place.lat if place else None,
                place.lon if place else None,
                cell.active,
                cell.recent,
                text,
                text_digest(text),
            )

    def figures(self, scope: str, kldb: str, cell: _Cell) -> dict[str, Any]:
        """Return the stored figures of a cell: counts, weekly series and, where kept, the details."""
        figures: dict[str, Any] = {
            "active": cell.active,
            "recent": cell.recent,
            "demand": _demand_section(cell.weeks, self.first_week, self.history),
        }
        if kldb or scope == Scope.PLACE:
            figures["employers"] = self._employer_section(cell)
            figures["skills"] = {
                "total": cell.recent,
                "with_skills": cell.with_skills,
                "top": [[skill, n] for skill, n in _top(cell.skills, TOP_SKILLS)],
            }
            figures["pay"] = pay_section(cell.pay)
            figures["tariffs"] = {
                "total": cell.recent,
                "count": cell.with_tariff,
                "top": [[name, n] for name, n in _top(cell.tariffs, TOP_TARIFFS)],
            }
        if scope == Scope.COUNTRY and kldb:
            figures["beruf"] = _top(cell.berufe, 1)[0][0] if cell.berufe else None
            figures["related_by_skills"] = self.related.get(kldb, [])
        return figures

    def _employer_section(self, cell: _Cell) -> dict[str, Any]:
        types: dict[str, int] = {}
        for pk, n in cell.employers.items():
            kind = self.types[pk].value
            types[kind] = types.get(kind, 0) + n
        unnamed = cell.recent - sum(cell.employers.values())
        if unnamed:
            types[EmployerType.OTHER.value] = types.get(EmployerType.OTHER.value, 0) + unnamed
        top = [
            [*self.employers.get(pk, ("", "")), n, self.types[pk].value]
            for pk, n in _top(cell.employers, TOP_EMPLOYERS)
        ]
        return {
            "total": cell.recent,
            "top": top,
            "types": [[kind, n] for kind, n in _top(types, len(EmployerType))],
            "temp_agency": cell.temp_agency,
        }


def _top(counts: Mapping[Any, int], n: int) -> list[tuple[Any, int]]:
    """Return the n most common items, ties broken by the item so the result is reproducible."""
    if len(counts) <= 1:
        return list(counts.items())
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]


def _demand_section(weeks: Mapping[int, int], first_week: date, history: date | None) -> dict[str, Any]:
    # Leading empty weeks are left out: most places see a posting only now and then.
    skip = min(weeks, default=WEEKS_KEPT)
    return {
        "first_week": first_week.isoformat(),
        "skip": skip,
        "counts": [weeks.get(week, 0) for week in range(skip, max(weeks, default=skip - 1) + 1)],
        "history_start": history.isoformat() if history else None,
    }


def pay_section(values: list[int]) -> dict[str, Any]:
    """Return the count, quartiles and histogram of stated monthly pay (cents) when there are enough."""
    if len(values) < MIN_PAY_POSTINGS:
        return {"count": len(values)}
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "q25": quantile(ordered, 1, 4),
        "median": quantile(ordered, 1, 2),
        "q75": quantile(ordered, 3, 4),
        "histogram": _histogram(ordered),
    }


def quantile(ordered: Sequence[int], numerator: int, denominator: int) -> int:
    """Return a quantile of sorted integers by linear interpolation, rounded to whole cents."""
    position_num = numerator * (len(ordered) - 1)
    index, rest = divmod(position_num, denominator)
    if rest == 0:
        return ordered[index]
    low, high = ordered[index], ordered[index + 1]
    return low + ((high - low) * rest * 2 + denominator) // (2 * denominator)


def _histogram(ordered: Sequence[int]) -> list[list[int]]:
    counts = Counter(value // PAY_BUCKET_CENTS for value in ordered)
    first, last = min(counts), max(counts)
    return [
        [bucket * PAY_BUCKET_CENTS, (bucket + 1) * PAY_BUCKET_CENTS, counts.get(bucket, 0)]
        for bucket in range(first, last + 1)
    ]


def related_by_skills(cells: Mapping[str, _Cell]) -> dict[str, list[list[Any]]]:
    """Return, per KldB code, the codes whose most asked skills overlap most (Jaccard), with shared skills."""
    profiles = {
        kldb: frozenset(skill for skill, _ in _top(cell.skills, TOP_SKILLS))
        for kldb, cell in cells.items()
        if cell.with_skills >= MIN_SKILL_PROFILE
    }
    holders: dict[str, list[str]] = {}
    for kldb, skills in profiles.items():
        for skill in skills:
            holders.setdefault(skill, []).append(kldb)
    related: dict[str, list[list[Any]]] = {}
    for kldb, skills in profiles.items():
        shared = Counter(other for skill in skills for other in holders[skill] if other != kldb)
        scored = [(n / len(skills | profiles[other]), other, n) for other, n in shared.items()]
        scored.sort(key=lambda item: (-item[0], item[1]))
        related[kldb] = [[other, n] for _, other, n in scored[:RELATED_BY_SKILLS]]
    return related


class _Row(NamedTuple):
    scope: str
    area: str
    kldb: str
    lat: float | None
    lon: float | None
    active: int
    recent: int
    figures: str
    digest: str


def canonical_json(figures: Mapping[str, Any]) -> str:
    """Return the figures as compact JSON with sorted keys: equal figures give equal text."""
    return json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def text_digest(text: str) -> str:
    """Return a short hash of stored figures, equal exactly when the figures are."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


_COLUMNS = ("scope", "area", "kldb", "lat", "lon", "active", "recent", "figures", "digest")


@transaction.atomic
def _store(rows: Iterable[_Row]) -> int:
    """Replace the stored figures; a cell whose figures did not change keeps its time of change.

    Rows go in with plain INSERTs of JSON text: building a model instance per cell costs more than the rest
    of a refresh when there are hundreds of thousands of cells.
    """
    previous = dict(
        ((scope, area, kldb), (digest, changed))
        for scope, area, kldb, digest, changed in MarketAggregate.objects.values_list(
            "scope", "area", "kldb", "digest", "changed_at"
        ).iterator(chunk_size=_BATCH)
    )
    MarketAggregate.objects.all().delete()
    ops = connection.ops
    now = timezone.now()
    table = ops.quote_name(MarketAggregate._meta.db_table)
    names = ", ".join(ops.quote_name(name) for name in (*_COLUMNS, "changed_at", "computed_at"))
    # PostgreSQL takes JSON text for a jsonb column only with a cast.
    json_value = "%s::jsonb" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(json_value if name == "figures" else "%s" for name in (*_COLUMNS, "changed_at"))
    sql = f"INSERT INTO {table} ({names}) VALUES ({values}, %s)"
    stamp = ops.adapt_datetimefield_value(now)
    stored = 0
    with connection.cursor() as cursor:
        for batch in _batches(rows):
            params = []
            for row in batch:
                old = previous.get((row.scope, row.area, row.kldb))
                changed = ops.adapt_datetimefield_value(old[1]) if old and old[0] == row.digest else stamp
                params.append((*row, changed, stamp))
            cursor.executemany(sql, params)
            stored += len(params)
    return stored


def _batches(rows: Iterable[_Row]) -> Iterator[list[_Row]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, _BATCH)):
        yield batch
