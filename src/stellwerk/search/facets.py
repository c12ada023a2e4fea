"""Filter flags of a posting and the facet counts computed from them.

Every yes/no property a seeker can filter on is a flag. The index keeps the flags twice: as terms, to filter
on, and packed into three small integers per posting (working time; contract and place; offer kind and
level), so that one aggregation over each integer, with a few dozen distinct values, yields the counts of
all its flags at once. One integer for all flags would take thousands of distinct values, which costs more
to count and to hand back than the flags themselves.

Every aggregation reads a column of every matching posting, so there are as few as the facets allow: the
occupation groups are summed from the counts of all occupations, and pay is counted by its band (how many of
the facet's thresholds it reaches, stored with the posting), which costs a third of a range aggregation.

Every counted column holds small unsigned numbers: tantivy counts those into an array indexed by the value,
but counts signed numbers, or large ones such as hashes, in a hash map, which costs up to twice as much. So
days are counted from 1970, occupations by their place in the KldB list (occupation_number), and employers by
their number in the database.
"""

from __future__ import annotations

import functools
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from stellwerk.reference.taxonomy import default_taxonomy
from stellwerk.search.interfaces import FacetValue, IndexDocument, Remote

WORKING_TIME = ("vz", "tz", "snw", "ho", "mj")
OFFER_KINDS = (
    "arbeit", "ausbildung", "duales_studium", "praktikum", "werkstudent", "trainee", "berufseinstieg",
)  # fmt: skip
LEVELS = ("1", "2", "3", "4")
# Index field -> the flags packed into it, one bit each.
MASKS: dict[str, tuple[str, ...]] = {
    "mask_time": WORKING_TIME,
    "mask_terms": (
        "befristet", "unbefristet", "zeitarbeit", "pav", "remote_full", "remote_partial", "einstieg",
        "ortsunabhaengig",
    ),
    "mask_kind": (*OFFER_KINDS, *(f"niveau{level}" for level in LEVELS)),
}  # fmt: skip
BITS = {flag: (field, 1 << bit) for field, flags in MASKS.items() for bit, flag in enumerate(flags)}
FLAGS = tuple(BITS)
# Cumulative facets: "published within the last n days", "pays at least n euros a month".
PUBLISHED_DAYS = (1, 7, 14, 28)
SALARY_EUROS = (2000, 3000, 4000, 5000, 6000)
TOP_EMPLOYERS = 10
TOP_OCCUPATIONS = 15
# More than any mask can take, and more days than postings stay online.
_MASK_BUCKETS = 1024
_DAY_BUCKETS = 400
# More than there are KldB occupations (about 1,300), so that occupation groups can be summed from them.
_OCCUPATION_BUCKETS = 2000
_SALARY_BANDS = len(SALARY_EUROS) + 2
NO_SALARY_BAND = 0
NO_DAY = 0
# Day numbers count from the day before 1 January 1970, so that every date from then on is a small number.
_DAY_ZERO = date(1970, 1, 1).toordinal() - 1

# Facet name -> (flag, facet value) for the facets read from the flags.
_FLAG_FACETS: dict[str, tuple[tuple[str, str], ...]] = {
    "arbeitszeit": tuple((code, code) for code in WORKING_TIME),
    "befristung": (("befristet", "1"), ("unbefristet", "2")),
    "angebotsart": tuple((kind, kind) for kind in OFFER_KINDS),
    "zeitarbeit": (("zeitarbeit", "true"),),
    "pav": (("pav", "true"),),
    "homeoffice": (("remote_full", Remote.FULL.value), ("remote_partial", Remote.PARTIAL.value)),
    "einstieg": (("einstieg", "true"),),
    "niveau": tuple((f"niveau{level}", level) for level in LEVELS),
    "ortsunabhaengig": (("ortsunabhaengig", "true"),),
}


def document_flags(document: IndexDocument) -> list[str]:
    """Return the flags of a posting."""
    flags = sorted(document.working_time & set(WORKING_TIME))
    if document.fixed_term is not None:
        flags.append("befristet" if document.fixed_term else "unbefristet")
    if document.temp_agency:
        flags.append("zeitarbeit")
    if document.private_agency:
        flags.append("pav")
    if document.remote is not None:
        flags.append("remote_full" if document.remote == Remote.FULL else "remote_partial")
    if document.entry_level:
        flags.append("einstieg")
    kinds = document.offer_kinds & set(OFFER_KINDS)
    # Ordinary employment is what is left when the posting is no training, study or internship.
    flags += sorted(kinds) if kinds - {"berufseinstieg"} else ["arbeit", *sorted(kinds)]
    if document.location_independent:
        flags.append("ortsunabhaengig")
    if document.kldb and document.kldb[-1] in LEVELS:
        flags.append(f"niveau{document.kldb[-1]}")
    return flags


def pack(flags: Iterable[str]) -> dict[str, int]:
    """Return the flags packed into the mask fields."""
    packed = dict.fromkeys(MASKS, 0)
    for flag in flags:
        field, bit = BITS[flag]
        packed[field] |= bit
    return packed


def salary_band(salary_cents: int | None) -> int:
    """Return one more than the number of salary facet thresholds a monthly salary reaches (NO_SALARY_BAND:
    no salary)."""
    if salary_cents is None:
        return NO_SALARY_BAND
    return 1 + sum(salary_cents >= euros * 100 for euros in SALARY_EUROS)


def day_number(day: date | None) -> int:
    """Return the number a date is stored, filtered and counted by (NO_DAY: no date); earlier than 1970
    counts as 1 January 1970."""
    return NO_DAY if day is None else max(1, day.toordinal() - _DAY_ZERO)


@functools.cache
def _occupation_codes() -> tuple[int, ...]:
    """Return the 5-digit KldB codes, in order: their positions are the occupations' numbers."""
    return tuple(sorted({int(o.kldb) for o in default_taxonomy().occupations if len(o.kldb) == 5}))


@functools.cache
def _occupation_numbers() -> dict[int, int]:
    return {code: number for number, code in enumerate(_occupation_codes())}


@functools.cache
def _occupation_code_array() -> npt.NDArray[np.int64]:
    return np.array(_occupation_codes(), dtype=np.int64)


def occupation_number(kldb: str) -> int:
    """Return the number an occupation is counted by: its place in the KldB list, or, for a code that is
    not in the list, the code after all places (exact, but counted more slowly)."""
    code = int(kldb)
    number = _occupation_numbers().get(code)
    return number if number is not None else len(_occupation_codes()) + code


def occupation_numbering() -> str:
    """Return a fingerprint of the occupation numbering: an index counted by another one must be rebuilt."""
    codes = ",".join(map(str, _occupation_codes())).encode("ascii")
    return hashlib.blake2b(codes, digest_size=6).hexdigest()


def _occupation_codes_of(numbers: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    codes = _occupation_code_array()
    if not len(codes):
        return numbers
    listed = numbers < len(codes)
    return np.where(listed, codes[np.minimum(numbers, len(codes) - 1)], numbers - len(codes))


def aggregation_request() -> dict[str, Any]:
    """Return the aggregations that facets() reads, for a tantivy Searcher.aggregate call."""
    request: dict[str, Any] = {field: {"terms": {"field": field, "size": _MASK_BUCKETS}} for field in MASKS}
    request["kldb"] = {"terms": {"field": "occupation", "size": _OCCUPATION_BUCKETS}}
    request["employer"] = {"terms": {"field": "employer_number", "size": TOP_EMPLOYERS}}
    request["salary"] = {"terms": {"field": "salary_band", "size": _SALARY_BANDS}}
    request["published"] = {"terms": {"field": "published", "size": _DAY_BUCKETS}}
    return request


class Pending(Mapping[str, list[FacetValue]]):
    """Facet counts computed when first read, so that the caller can load the page's postings meanwhile."""

    def __init__(self, compute: Callable[[], Mapping[str, list[FacetValue]]]) -> None:
        self._compute: Callable[[], Mapping[str, list[FacetValue]]] | None = compute
        self._values: Mapping[str, list[FacetValue]] = {}

    def _resolved(self) -> Mapping[str, list[FacetValue]]:
        if self._compute is not None:
            self._values, self._compute = self._compute(), None
        return self._values

    def __getitem__(self, name: str) -> list[FacetValue]:
        return self._resolved()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._resolved())

    def __len__(self) -> int:
        return len(self._resolved())


def facets(
    aggregations: Mapping[str, Any], today: date | None, employer_name: Callable[[int], str | None]
) -> dict[str, list[FacetValue]]:
    """Return the facet counts from the result of aggregation_request(), naming employers by number."""
    flag_counts: Counter[str] = Counter()
    for field in MASKS:
        for bucket in _buckets(aggregations, field):
            count = int(bucket["doc_count"])
            for flag in _unpack(field, int(bucket["key"])):
                flag_counts[flag] += count
    result = {
        name: [FacetValue(value, flag_counts[flag]) for flag, value in pairs if flag_counts[flag]]
        for name, pairs in _FLAG_FACETS.items()
    }
    # A search over a region counts hundreds of occupations: they are summed and ranked as arrays (the
    # facets are read after the counting, so this time adds to every search's), and only the shown ones
    # are written as codes.
    occupations = _buckets(aggregations, "kldb")
    numbers = np.array([int(bucket["key"]) for bucket in occupations], dtype=np.int64)
    codes = _occupation_codes_of(numbers)
    counts = np.array([int(bucket["doc_count"]) for bucket in occupations], dtype=np.int64)
    result["kldb"] = _top(codes, counts, TOP_OCCUPATIONS, 5)
    result["berufsgruppe"] = _top(codes // 100, counts, TOP_OCCUPATIONS, 3)
    employers = [
        (employer_name(int(b["key"])), int(b["doc_count"])) for b in _buckets(aggregations, "employer")
    ]
    result["arbeitgeber"] = [FacetValue(name, count) for name, count in employers if name]
    bands = Counter({int(b["key"]): int(b["doc_count"]) for b in _buckets(aggregations, "salary")})
    result["gehalt"] = [
        FacetValue(str(euros), total)
        for reached, euros in enumerate(SALARY_EUROS, start=1)
        if (total := sum(count for band, count in bands.items() if band > reached))
    ]
    if today is not None:
        result["veroeffentlichtseit"] = _published_within(today, _buckets(aggregations, "published"))
    return result


@functools.cache
def _unpack(field: str, packed: int) -> tuple[str, ...]:
    return tuple(flag for bit, flag in enumerate(MASKS[field]) if packed & (1 << bit))


def _published_within(today: date, buckets: list[Mapping[str, Any]]) -> list[FacetValue]:
    days = Counter({int(b["key"]): int(b["doc_count"]) for b in buckets})
    values = []
    for within in PUBLISHED_DAYS:
        since = day_number(today) - within
        total = sum(count for day, count in days.items() if day >= since)
        if total:
            values.append(FacetValue(str(within), total))
    return values


def _buckets(aggregations: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    buckets: list[Mapping[str, Any]] = aggregations.get(name, {}).get("buckets", [])
    return buckets


def total(aggregations: Mapping[str, Any]) -> int:
    """Return how many postings the aggregations of aggregation_request() counted."""
    # Every posting has a value in every mask field (pack() writes all of them, zero for no flag).
    return sum(int(bucket["doc_count"]) for bucket in _buckets(aggregations, next(iter(MASKS))))


def _top(
    codes: npt.NDArray[np.int64], counts: npt.NDArray[np.int64], size: int, digits: int
) -> list[FacetValue]:
    """Return the most frequent codes, summed where they repeat, as zero-padded strings, ties by code."""
    distinct, where = np.unique(codes, return_inverse=True)
    totals = np.bincount(where, weights=counts, minlength=len(distinct)).astype(np.int64)
    ranked = np.lexsort((distinct, -totals))[:size]
    pairs = zip(distinct[ranked].tolist(), totals[ranked].tolist(), strict=True)
    return [FacetValue(f"{code:0{digits}d}", count) for code, count in pairs if count]
