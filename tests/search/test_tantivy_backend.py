"""The tantivy backend: text, radius, sorting, paging, updates and atomic rebuilds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from stellwerk.search.interfaces import GeoFilter, IndexDocument, SearchQuery, Sort
from stellwerk.search.tantivy_backend import TantivySearch

BAMBERG = (49.8917, 10.8918)
DOCS = [
    IndexDocument(1, "Informatiker (m/w/d)", "Firma A", 51.51, 7.46, date(2025, 9, 1), "43104"),
    IndexDocument(
        2, "Medizininformatikerin", "Klinikum Bamberg", 49.8917, 10.8918, date(2025, 9, 3), "43134"
    ),
    IndexDocument(
        3, "Pflegefachkraft", "Klinikum Forchheim Pflege", 49.7197, 11.0581, date(2025, 9, 2), None
    ),
    IndexDocument(4, "Koch", "Restaurant Nürnberg", 49.4539, 11.0773, date(2025, 8, 1), None),
    IndexDocument(5, "Koch", "ohne Ort", None, None, None, None),
]


@pytest.fixture
def backend(tmp_path: Path) -> TantivySearch:
    search = TantivySearch(tmp_path / "index")
    search.rebuild(DOCS)
    return search


def ids(backend: TantivySearch, **kwargs: object) -> list[int]:
    return [hit.posting_id for hit in backend.search(SearchQuery(**kwargs)).hits]  # type: ignore[arg-type]


def test_text_matches_gender_forms_and_ranks_title_over_body(backend: TantivySearch) -> None:
    assert ids(backend, text="Informatikerin") == [1]
    assert ids(backend, text="Klinikum") == [2, 3]
    assert ids(backend, text="Bamberg") == [2]


def test_all_words_must_match(backend: TantivySearch) -> None:
    assert ids(backend, text="Koch Nürnberg") == [4]
    assert ids(backend, text="Koch Dortmund") == []


def test_radius_uses_true_distance(backend: TantivySearch) -> None:
    # Forchheim is about 23 km from Bamberg, Nürnberg about 51 km.
    assert set(ids(backend, geo=GeoFilter(*BAMBERG, 25))) == {2, 3}
    assert set(ids(backend, geo=GeoFilter(*BAMBERG, 20))) == {2}
    result = backend.search(SearchQuery(geo=GeoFilter(*BAMBERG, 60), sort=Sort.DISTANCE))
    assert [h.posting_id for h in result.hits] == [2, 3, 4]
    assert [h.distance_km for h in result.hits] == [
        0.0,
        pytest.approx(23.0, abs=1.5),
        pytest.approx(50.8, abs=1.5),
    ]
    assert result.count == 3


def test_sort_by_date_and_paging(backend: TantivySearch) -> None:
    assert ids(backend, sort=Sort.DATE, limit=2) == [2, 3]
    assert ids(backend, sort=Sort.DATE, limit=2, offset=2) == [1, 4]
    assert ids(backend, geo=GeoFilter(*BAMBERG, 60), sort=Sort.DATE) == [2, 3, 4]
    assert backend.search(SearchQuery(limit=2)).count == 5


def test_occupation_filter(backend: TantivySearch) -> None:
    assert ids(backend, kldb="43134") == [2]


def test_upsert_replaces_and_deletes(backend: TantivySearch) -> None:
    backend.upsert([IndexDocument(5, "Koch", "Bamberg", *BAMBERG, date(2025, 9, 9), None)], deleted=[1])
    assert backend.count() == 4
    assert ids(backend, text="Informatiker") == []
    assert ids(backend, text="Koch", geo=GeoFilter(*BAMBERG, 10)) == [5]


def test_rebuild_swaps_generations_and_readers_follow(tmp_path: Path) -> None:
    writer = TantivySearch(tmp_path / "index")
    reader = TantivySearch(tmp_path / "index")
    writer.rebuild(DOCS)
    assert reader.count() == 5
    writer.rebuild(DOCS[:2])
    assert reader.count() == 2
    assert sorted(p.name for p in (tmp_path / "index").glob("gen-*")) == ["gen-2"]


def test_an_empty_directory_gives_an_empty_index(tmp_path: Path) -> None:
    search = TantivySearch(tmp_path / "fresh")
    assert search.count() == 0
    assert search.search(SearchQuery(text="Koch")).count == 0
