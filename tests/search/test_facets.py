"""Flags pack into small integers and come back as facet counts."""

from __future__ import annotations

from collections import Counter
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from stellwerk.search.facets import (
    FLAGS,
    MASKS,
    NO_DAY,
    NO_SALARY_BAND,
    Pending,
    day_number,
    document_flags,
    facets,
    occupation_number,
    pack,
    salary_band,
    total,
)
from stellwerk.search.interfaces import FacetValue, IndexDocument, Remote


@given(st.sets(st.sampled_from(FLAGS)))
def test_packed_flags_count_back_exactly(flags: set[str]) -> None:
    packed = pack(flags)
    aggregations = {field: {"buckets": [{"key": value, "doc_count": 3}]} for field, value in packed.items()}
    counted = facets(aggregations, None, lambda number: None)
    found = {(name, v.value) for name, values in counted.items() for v in values if v.count == 3}
    assert len(found) == len(flags)
    assert all(value < 2 ** len(MASKS[field]) for field, value in packed.items())


def test_pending_facets_are_computed_once_when_first_read() -> None:
    calls = []

    def compute() -> dict[str, list[FacetValue]]:
        calls.append(1)
        return {"arbeitszeit": [FacetValue("tz", 2)]}

    pending = Pending(compute)
    assert calls == []
    assert dict(pending) == {"arbeitszeit": [FacetValue("tz", 2)]}
    assert pending["arbeitszeit"] == [FacetValue("tz", 2)]
    assert len(pending) == 1
    assert calls == [1]


def test_a_posting_s_flags() -> None:
    document = IndexDocument(
        1, "Koch", "", None, None, None, "29302", working_time=frozenset({"tz", "ho"}), remote=Remote.FULL,
        fixed_term=True, temp_agency=True, offer_kinds=frozenset({"berufseinstieg"}), salary_max_cents=300000,
    )  # fmt: skip
    assert document_flags(document) == [
        "ho", "tz", "befristet", "zeitarbeit", "remote_full", "arbeit", "berufseinstieg", "ortsunabhaengig",
        "niveau2",
    ]  # fmt: skip


def test_days_and_pay_count_cumulatively() -> None:
    today = date(2025, 9, 10)
    aggregations = {
        "published": {
            "buckets": [
                {"key": day_number(today), "doc_count": 2},
                {"key": day_number(today) - 10, "doc_count": 5},
                {"key": NO_DAY, "doc_count": 4},
            ]
        },
        "salary": {
            "buckets": [
                {"key": NO_SALARY_BAND, "doc_count": 3},
                {"key": salary_band(199_999), "doc_count": 9},
                {"key": salary_band(250_000), "doc_count": 1},
                {"key": salary_band(600_000), "doc_count": 4},
            ]
        },
        "employer": {"buckets": [{"key": 17, "doc_count": 6}, {"key": 18, "doc_count": 1}]},
    }
    counted = facets(aggregations, today, {17: "Klinikum", 18: None}.get)
    assert counted["veroeffentlichtseit"] == [FacetValue("1", 2), FacetValue("7", 2), FacetValue("14", 7),
                                              FacetValue("28", 7)]  # fmt: skip
    assert counted["gehalt"] == [FacetValue("2000", 5), FacetValue("3000", 4), FacetValue("4000", 4),
                                 FacetValue("5000", 4), FacetValue("6000", 4)]  # fmt: skip
    assert counted["arbeitgeber"] == [FacetValue("Klinikum", 6)]


def test_occupation_groups_are_summed_from_all_occupations() -> None:
    # 43999 is no KldB code: it is counted as well, by a number past the list's.
    codes = {"43104": 5, "43134": 4, "81302": 6, "43412": 2, "43999": 1}
    buckets = [{"key": occupation_number(c), "doc_count": n} for c, n in codes.items()]
    counted = facets({"kldb": {"buckets": buckets}}, None, lambda number: None)
    assert counted["kldb"][0] == FacetValue("81302", 6)
    assert FacetValue("43999", 1) in counted["kldb"]
    assert counted["berufsgruppe"] == [FacetValue("431", 9), FacetValue("813", 6), FacetValue("434", 2),
                                       FacetValue("439", 1)]  # fmt: skip


def test_occupations_and_days_are_small_numbers() -> None:
    # Small unsigned numbers are what tantivy counts fastest (see search/facets.py).
    numbers = [occupation_number(c) for c in ("01104", "43104", "94714")]
    assert numbers == sorted(numbers)
    assert numbers[-1] < 1500
    assert day_number(date(1970, 1, 1)) == 1
    assert day_number(date(1960, 5, 1)) == 1
    assert day_number(date(2026, 12, 7)) - day_number(date(2026, 11, 7)) == 30
    assert day_number(None) == NO_DAY


def test_salary_bands_count_thresholds_reached() -> None:
    bands = [salary_band(c) for c in (None, 0, 199_999, 200_000, 450_000, 600_000)]
    assert bands == [NO_SALARY_BAND, 1, 1, 2, 4, 6]


@given(st.lists(st.sets(st.sampled_from(FLAGS)), max_size=20))
def test_the_total_is_every_posting_counted_once(postings: list[set[str]]) -> None:
    packed = [pack(flags) for flags in postings]
    counts = {field: Counter(values[field] for values in packed) for field in MASKS}
    aggregations = {
        field: {"buckets": [{"key": key, "doc_count": n} for key, n in counted.items()]}
        for field, counted in counts.items()
    }
    assert total(aggregations) == len(postings)
