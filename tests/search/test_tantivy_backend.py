"""The tantivy backend: German text, radius, filters, facets, sorting, paging, updates and atomic rebuilds."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import tantivy
from hypothesis import given, settings
from hypothesis import strategies as st

from stellwerk.domain.places import haversine_km
from stellwerk.search import tantivy_backend
from stellwerk.search.interfaces import (
    FacetValue,
    GeoFilter,
    IndexDocument,
    MatchKind,
    Remote,
    SearchQuery,
    Sort,
)
from stellwerk.search.tantivy_backend import TantivySearch

BAMBERG = (49.8917, 10.8918)
FORCHHEIM = (49.7197, 11.0581)
NUERNBERG = (49.4539, 11.0773)
DORTMUND = (51.5136, 7.4653)
TODAY = date(2025, 9, 10)
DOCS = [
    IndexDocument(1, "Informatiker (m/w/d)", "Firma A", *DORTMUND, date(2025, 9, 1), "43104"),
    IndexDocument(2, "Medizininformatikerin", "Klinikum Bamberg", *BAMBERG, date(2025, 9, 3), "43134"),
    IndexDocument(3, "Pflegefachkraft", "Klinikum Forchheim Pflege", *FORCHHEIM, date(2025, 9, 2), None),
    IndexDocument(4, "Koch", "Restaurant Nürnberg", *NUERNBERG, date(2025, 8, 1), None),
    IndexDocument(5, "Koch", "ohne Ort", None, None, None, None),
]


@pytest.fixture
def backend(tmp_path: Path) -> TantivySearch:
    search = TantivySearch(tmp_path / "index")
    search.rebuild(DOCS)
    return search


def ids(backend: TantivySearch, **kwargs: object) -> list[int]:
    return [hit.posting_id for hit in backend.search(SearchQuery(**kwargs)).hits]  # type: ignore[arg-type]


def test_gender_forms_match_and_compounds_rank_below_the_word_itself(backend: TantivySearch) -> None:
    assert ids(backend, text="Informatikerin") == [1, 2]
    assert ids(backend, text="Informatiker*in") == [1, 2]
    assert ids(backend, text="Medizininformatiker") == [2]
    assert ids(backend, text="Klinikum") == [2, 3]


def test_a_job_title_matches_where_the_job_is_named_and_other_words_in_the_description_too(
    tmp_path: Path,
) -> None:
    search = TantivySearch(tmp_path / "index")
    search.rebuild(
        [
            posting(1, "Softwareentwickler (m/w/d)"),
            # "Entwicklung" shares its stem with "Entwickler": descriptions say it of every kind of job.
            posting(2, "Pflegefachkraft", "Wir fördern Ihre persönliche Entwicklung, in Bamberg."),
            posting(
                3, "Mitarbeiter Forschung", "Als Entwickler betreuen Sie unsere Prüfstände.", kldb="27103"
            ),
            posting(4, "Sachbearbeiter", "Sie arbeiten mit SAP und als Entwickler von Berichten."),
        ]
    )
    assert sorted(ids(search, text="Entwickler")) == [1, 3]
    assert ids(search, text="SAP") == [4]
    assert ids(search, text="Pflegefachkraft Bamberg") == [2]


def test_all_words_must_match(backend: TantivySearch) -> None:
    assert ids(backend, text="Koch Nürnberg") == [4]
    assert ids(backend, text="Koch Nuernberg") == [4]
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


def test_occupation_filter_by_five_and_three_digits(backend: TantivySearch) -> None:
    assert ids(backend, kldb="43134") == [2]
    assert sorted(ids(backend, kldb="431")) == [1, 2]


def test_upsert_replaces_and_deletes(backend: TantivySearch) -> None:
    backend.upsert([IndexDocument(5, "Koch", "Bamberg", *BAMBERG, date(2025, 9, 9), None)], deleted=[1])
    assert backend.count() == 4
    assert ids(backend, text="Informatiker") == [2]
    assert ids(backend, text="Koch", geo=GeoFilter(*BAMBERG, 10)) == [5]


def test_rebuild_swaps_generations_and_readers_follow(tmp_path: Path) -> None:
    writer = TantivySearch(tmp_path / "index")
    reader = TantivySearch(tmp_path / "index")
    writer.rebuild(DOCS)
    assert reader.count() == 5
    writer.rebuild(DOCS[:2])
    assert reader.count() == 2
    assert sorted(p.name for p in (tmp_path / "index").glob("gen-*")) == ["gen-2"]


def test_rebuild_keeps_the_order_of_the_documents_within_each_segment(tmp_path: Path) -> None:
    # reindex sends postings in place order; a segment must hold one stretch of it, not every other posting.
    order = list(range(1, 801))
    random.Random(3).shuffle(order)
    search = TantivySearch(tmp_path / "index")
    search.rebuild(posting(number, "Koch", "Wir suchen einen Koch.") for number in order)
    searcher = search._searcher()
    hits = searcher.search(tantivy.Query.all_query(), limit=len(order), count=False).hits
    by_segment: dict[int, list[tantivy.DocAddress]] = {}
    for _, address in hits:
        by_segment.setdefault(address.segment_ord, []).append(address)
    stretches = []
    for addresses in by_segment.values():
        addresses.sort(key=lambda address: address.doc)
        stretches.append([int(value) for value in searcher.fast_field_values("id", addresses)])  # type: ignore[arg-type]
    assert sum(map(len, stretches)) == len(order)
    for stretch in stretches:
        start = order.index(stretch[0])
        assert stretch == order[start : start + len(stretch)]


def test_an_empty_directory_gives_an_empty_index(tmp_path: Path) -> None:
    search = TantivySearch(tmp_path / "fresh")
    assert search.count() == 0
    assert search.search(SearchQuery(text="Koch")).count == 0


# -- German understanding -------------------------------------------------------------------------------


def posting(posting_id: int, title: str, body: str = "", **fields: object) -> IndexDocument:
    values: dict[str, object] = {"lat": None, "lon": None, "published": date(2025, 9, 1), "kldb": None}
    values.update(fields)
    return IndexDocument(posting_id, title, body, **values)  # type: ignore[arg-type]


@pytest.fixture
def titles(tmp_path: Path) -> TantivySearch:
    search = TantivySearch(tmp_path / "titles")
    search.rebuild(
        [
            posting(1, "Altenpflegefachkraft (m/w/d)"),
            posting(2, "Pflegefachkräfte für unsere Station"),
            posting(3, "Gesundheits- und Krankenpfleger/in", kldb="81302"),
            posting(4, "Medizinische Fachangestellte (MFA)"),
            posting(5, "Arzthelferin in Teilzeit"),
            posting(6, "Software-Entwickler Java"),
            posting(7, "Senior Developer Python"),
            posting(8, "Bürokauffrau", "Verwaltung, Straße der Einheit"),
            posting(9, "Kaufmann im Einzelhandel"),
            posting(10, "Mitarbeiter Lager", "Gabelstapler fahren", kldb="51311"),
        ]
    )
    return search


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pflege", {1, 2, 3}),
        ("Pflegefachkraft", {1, 2, 3}),
        ("Fachkraft", {1, 2}),
        ("MFA", {4, 5}),
        ("Medizinische Fachangestellte", {4, 5}),
        ("Entwickler", {6, 7}),
        ("Developer", {6, 7}),
        ("Softwareentwickler", {6}),
        ("Bürokaufmann", {8}),
        ("Buerokauffrau", {8}),
        ("Strasse", {8}),
        ("Kauffrau Einzelhandel", {9}),
        ("Altenpflegefachkraefte", {1}),
    ],
)
def test_seekers_words_find_what_they_mean(titles: TantivySearch, text: str, expected: set[int]) -> None:
    assert set(ids(titles, text=text)) == expected


def test_typos_in_longer_words_are_forgiven_but_not_in_short_ones(titles: TantivySearch) -> None:
    assert ids(titles, text="Altenpflegefachkraf") == [1]
    assert ids(titles, text="Einzelhndel") == [9]
    assert ids(titles, text="Lagr") == []


def test_the_word_itself_ranks_above_its_synonym_and_its_compounds(titles: TantivySearch) -> None:
    assert ids(titles, text="Pflegefachkraft")[0] == 2
    assert ids(titles, text="MFA")[0] == 4


def test_hits_say_why_they_matched(titles: TantivySearch) -> None:
    reasons = {h.posting_id: h.reasons for h in titles.search(SearchQuery(text="Pflegefachkraft")).hits}
    assert reasons[2][0].kind == MatchKind.TITLE
    assert reasons[1][0].kind == MatchKind.PART
    assert reasons[3][0].kind == MatchKind.SYNONYM
    assert reasons[3][0].detail == "Gesundheits- und Krankenpfleger"
    assert reasons[3][0].word == "Pflegefachkraft"
    (mfa,) = [h for h in titles.search(SearchQuery(text="MFA")).hits if h.posting_id == 5]
    assert mfa.reasons[0].kind == MatchKind.SYNONYM
    (typo,) = titles.search(SearchQuery(text="Einzelhndel")).hits
    assert typo.reasons[0].kind == MatchKind.SPELLING


def test_a_condition_word_alone_filters_and_beside_a_job_only_ranks(tmp_path: Path) -> None:
    search = TantivySearch(tmp_path / "conditions")
    search.rebuild(
        [
            posting(1, "Koch", working_time=frozenset({"vz"})),
            posting(2, "Koch", working_time=frozenset({"tz"})),
            posting(3, "Koch in Teilzeit", working_time=frozenset({"tz"})),
            posting(4, "Kellner", working_time=frozenset({"tz"})),
            posting(5, "Kellner", working_time=frozenset({"vz"})),
        ]
    )
    assert set(ids(search, text="Teilzeit")) == {2, 3, 4}
    assert set(ids(search, text="Teilzeit Kellner")) == {4, 5}
    ranked = ids(search, text="Koch Teilzeit")
    assert set(ranked) == {1, 2, 3}
    assert ranked[-1] == 1, "part-time cooks first"


def test_a_job_title_of_the_ba_list_finds_postings_of_its_occupation(titles: TantivySearch) -> None:
    # "Lagerhelfer" is a BA job title filed under 51311; posting 10 says "Mitarbeiter Lager" instead.
    (hit,) = titles.search(SearchQuery(text="Lagerhelfer")).hits
    assert hit.posting_id == 10
    assert hit.reasons[0].kind == MatchKind.OCCUPATION
    assert hit.reasons[0].detail == "51311"


# -- filters and facets ---------------------------------------------------------------------------------


@pytest.fixture
def offers(tmp_path: Path) -> TantivySearch:
    search = TantivySearch(tmp_path / "offers")
    search.rebuild(
        [
            posting(
                1,
                "Koch",
                working_time=frozenset({"vz"}),
                fixed_term=False,
                employer="Gasthof Post",
                salary_min_cents=280000,
                salary_max_cents=320000,
                kldb="29302",
                published=date(2025, 9, 9),
            ),
            posting(
                2,
                "Koch",
                working_time=frozenset({"tz", "mj"}),
                fixed_term=True,
                temp_agency=True,
                employer="Personal Plus GmbH",
                kldb="29302",
                published=date(2025, 9, 1),
            ),
            posting(
                3,
                "Koch",
                working_time=frozenset({"vz", "ho"}),
                remote=Remote.PARTIAL,
                private_agency=True,
                employer="Gasthof Post",
                salary_max_cents=450000,
                kldb="29301",
                published=date(2025, 8, 20),
            ),
            posting(
                4,
                "Koch Auszubildender",
                offer_kinds=frozenset({"ausbildung"}),
                entry_level=True,
                employer="Hotel Krone",
                kldb="29302",
                published=date(2025, 9, 10),
            ),
        ]
    )
    return search


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"working_time": frozenset({"tz"})}, {2}),
        ({"working_time": frozenset({"tz", "ho"})}, {2, 3}),
        ({"fixed_term": True}, {2}),
        ({"fixed_term": False}, {1}),
        ({"include_temp_agency": False}, {1, 3, 4}),
        ({"include_temp_agency": False, "include_private_agency": False}, {1, 4}),
        ({"offer_kinds": frozenset({"ausbildung"})}, {4}),
        ({"offer_kinds": frozenset({"arbeit"})}, {1, 2, 3}),
        ({"employer": "GASTHOF post"}, {1, 3}),
        ({"published_since": date(2025, 9, 1)}, {1, 2, 4}),
        ({"salary_from_cents": 300000}, {1, 3}),
        ({"entry_level": True}, {4}),
        ({"remote": Remote.PARTIAL}, {3}),
        ({"level": 1}, {3}),
        ({"kldb": "293"}, {1, 2, 3, 4}),
    ],
)
def test_filters(offers: TantivySearch, filters: dict[str, object], expected: set[int]) -> None:
    assert set(ids(offers, text="Koch", **filters)) == expected


def test_facets_count_every_filter_value(offers: TantivySearch) -> None:
    result = offers.search(SearchQuery(text="Koch", facets=True, today=TODAY))
    facets = result.facets
    assert facets["arbeitszeit"] == [FacetValue("vz", 2), FacetValue("tz", 1), FacetValue("ho", 1),
                                     FacetValue("mj", 1)]  # fmt: skip
    assert facets["befristung"] == [FacetValue("1", 1), FacetValue("2", 1)]
    assert facets["zeitarbeit"] == [FacetValue("true", 1)]
    assert facets["pav"] == [FacetValue("true", 1)]
    assert facets["homeoffice"] == [FacetValue("teilweise", 1)]
    assert facets["angebotsart"] == [FacetValue("arbeit", 3), FacetValue("ausbildung", 1)]
    assert facets["einstieg"] == [FacetValue("true", 1)]
    assert facets["kldb"] == [FacetValue("29302", 3), FacetValue("29301", 1)]
    assert facets["berufsgruppe"] == [FacetValue("293", 4)]
    assert facets["niveau"] == [FacetValue("1", 1), FacetValue("2", 3)]
    assert facets["arbeitgeber"][0] == FacetValue("Gasthof Post", 2)
    assert facets["gehalt"] == [FacetValue("2000", 2), FacetValue("3000", 2), FacetValue("4000", 1)]
    assert facets["veroeffentlichtseit"] == [FacetValue("1", 2), FacetValue("7", 2), FacetValue("14", 3),
                                             FacetValue("28", 4)]  # fmt: skip


def test_employers_are_counted_by_their_number_and_named_from_a_posting(tmp_path: Path) -> None:
    search = TantivySearch(tmp_path / "numbered")
    search.rebuild(
        [
            posting(1, "Koch", employer="Gasthof Post", employer_number=7),
            posting(2, "Koch", employer="Gasthof Post", employer_number=7),
            posting(3, "Koch", employer="Hotel Krone", employer_number=2**40),
            posting(4, "Koch", employer="Café Ost"),  # no number: counted by its name
        ]
    )
    facets = search.search(SearchQuery(text="Koch", facets=True)).facets
    assert facets["arbeitgeber"][0] == FacetValue("Gasthof Post", 2)
    assert set(facets["arbeitgeber"][1:]) == {FacetValue("Hotel Krone", 1), FacetValue("Café Ost", 1)}
    assert ids(search, text="Koch", employer="Hotel Krone") == [3]


def test_facets_follow_the_filters(offers: TantivySearch) -> None:
    result = offers.search(SearchQuery(text="Koch", include_temp_agency=False, facets=True))
    assert result.count == 3
    assert "zeitarbeit" not in {name for name, values in result.facets.items() if values}
    assert offers.search(SearchQuery(text="Koch")).facets == {}


def test_sort_by_salary_puts_postings_without_pay_last(offers: TantivySearch) -> None:
    by_salary = ids(offers, text="Koch", sort=Sort.SALARY)
    assert by_salary[:2] == [3, 1]
    assert set(by_salary[2:]) == {2, 4}


# -- places ----------------------------------------------------------------------------------------------


def test_remote_and_nationwide_postings_join_radius_searches_labelled(tmp_path: Path) -> None:
    search = TantivySearch(tmp_path / "remote")
    search.rebuild(
        [
            posting(1, "Entwickler", lat=BAMBERG[0], lon=BAMBERG[1]),
            posting(
                2,
                "Entwickler",
                lat=DORTMUND[0],
                lon=DORTMUND[1],
                remote=Remote.FULL,
                published=date(2025, 9, 4),
            ),
            posting(
                3,
                "Entwickler bundesweit",
                lat=DORTMUND[0],
                lon=DORTMUND[1],
                nationwide=True,
                published=date(2025, 9, 3),
            ),
            posting(4, "Entwickler", lat=DORTMUND[0], lon=DORTMUND[1]),
            posting(5, "Entwickler", remote=Remote.FULL, published=date(2025, 9, 5)),
        ]
    )
    around = SearchQuery(text="Entwickler", geo=GeoFilter(*BAMBERG, 50))
    result = search.search(around)
    assert {h.posting_id: h.location_independent for h in result.hits} == {
        1: False,
        2: True,
        3: True,
        5: True,
    }
    assert set(ids(search, **{**_fields(around), "include_location_independent": False})) == {1}
    by_distance = search.search(replace(around, sort=Sort.DISTANCE))
    assert [h.posting_id for h in by_distance.hits] == [1, 5, 2, 3]
    assert by_distance.count == 4
    assert [h.posting_id for h in search.search(replace(around, sort=Sort.DISTANCE, offset=1)).hits] == [
        5,
        2,
        3,
    ]


def _fields(query: SearchQuery) -> dict[str, object]:
    return {name: getattr(query, name) for name in SearchQuery.__dataclass_fields__}


@pytest.fixture(scope="module")
def scattered(tmp_path_factory: pytest.TempPathFactory) -> tuple[TantivySearch, list[IndexDocument]]:
    """About 3,000 postings scattered around Franconia, many at the same few spots."""
    rnd = random.Random(4)
    spots = [(rnd.uniform(49.0, 50.8), rnd.uniform(9.8, 12.2)) for _ in range(400)]
    documents = []
    for number in range(3000):
        lat, lon = (
            spots[number % len(spots)] if number % 3 else (rnd.uniform(49, 50.8), rnd.uniform(9.8, 12.2))
        )
        day = date(2025, 9, 1 + number % 9)
        documents.append(posting(number, f"Stelle {number % 7}", lat=lat, lon=lon, published=day))
    search = TantivySearch(tmp_path_factory.mktemp("scattered"))
    search.rebuild(documents)
    return search, documents


@settings(max_examples=25)
@given(
    lat=st.floats(49.2, 50.6),
    lon=st.floats(10.0, 12.0),
    radius=st.sampled_from([1, 3, 5, 10, 25, 50, 100]),
)
def test_radius_matches_exactly_the_postings_within_the_distance(
    scattered: tuple[TantivySearch, list[IndexDocument]], lat: float, lon: float, radius: int
) -> None:
    search, documents = scattered
    expected = {
        d.posting_id
        for d in documents
        if d.lat is not None and d.lon is not None and haversine_km(lat, lon, d.lat, d.lon) <= radius
    }
    result = search.search(SearchQuery(geo=GeoFilter(lat, lon, radius), limit=1))
    assert result.count == len(expected)
    nearest = search.search(SearchQuery(geo=GeoFilter(lat, lon, radius), sort=Sort.DISTANCE, limit=30))
    distances = [h.distance_km for h in nearest.hits]
    assert distances == sorted(distances)  # type: ignore[type-var]
    assert all(d is not None and d <= radius for d in distances)
    truth = sorted(haversine_km(lat, lon, d.lat, d.lon) for d in documents if d.posting_id in expected)  # type: ignore[arg-type]
    assert distances == [pytest.approx(round(d, 1), abs=0.051) for d in truth[:30]]


def test_distance_sort_narrows_big_circles_to_the_nearest(
    scattered: tuple[TantivySearch, list[IndexDocument]], monkeypatch: pytest.MonkeyPatch
) -> None:
    search, documents = scattered
    # Few candidates at a time make the search shrink its circle several times before it sorts.
    monkeypatch.setattr(tantivy_backend, "_DISTANCE_CANDIDATES", 50)
    here = (49.9, 11.0)
    query = SearchQuery(geo=GeoFilter(*here, 100), sort=Sort.DISTANCE, offset=20, limit=20)
    hits = search.search(query).hits
    truth = sorted(
        (haversine_km(*here, d.lat, d.lon), -d.published.toordinal(), d.posting_id)  # type: ignore[arg-type, union-attr]
        for d in documents
    )
    assert [h.distance_km for h in hits] == [pytest.approx(round(t[0], 1), abs=0.051) for t in truth[20:40]]


def test_an_index_of_another_format_asks_for_a_reindex(tmp_path: Path) -> None:
    search = TantivySearch(tmp_path / "index")
    search.rebuild(DOCS)
    (next((tmp_path / "index").glob("gen-*")) / "stellwerk-format").write_text("old", encoding="utf-8")
    with pytest.raises(tantivy_backend.IndexOutdated, match="stellwerk reindex"):
        TantivySearch(tmp_path / "index").count()
    search.rebuild(DOCS)
    assert TantivySearch(tmp_path / "index").count() == 5


def test_a_posting_right_at_the_edge_is_decided_by_its_exact_coordinates(backend: TantivySearch) -> None:
    # Location keys round to 0.1 m: a point that close to the edge is checked by its stored coordinates.
    exact = haversine_km(*BAMBERG, *FORCHHEIM)
    assert ids(backend, geo=GeoFilter(*BAMBERG, exact), sort=Sort.DISTANCE) == [2, 3]
    assert ids(backend, geo=GeoFilter(*BAMBERG, exact - 1e-6), sort=Sort.DISTANCE) == [2]


@pytest.mark.parametrize("radius", [3, 25, 100])
def test_an_edge_with_more_points_than_one_count_holds_is_checked_posting_by_posting(
    scattered: tuple[TantivySearch, list[IndexDocument]], radius: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tantivy_backend, "_EDGE_POINTS", 5)
    search, documents = scattered
    lat, lon = 49.9, 11.0
    expected = {
        d.posting_id
        for d in documents
        if d.lat is not None and d.lon is not None and haversine_km(lat, lon, d.lat, d.lon) <= radius
    }
    assert search.search(SearchQuery(geo=GeoFilter(lat, lon, radius), limit=1)).count == len(expected)
    nearest = search.search(SearchQuery(geo=GeoFilter(lat, lon, radius), sort=Sort.DISTANCE, limit=30))
    truth = sorted(haversine_km(lat, lon, d.lat, d.lon) for d in documents if d.posting_id in expected)  # type: ignore[arg-type]
    assert [h.distance_km for h in nearest.hits] == [
        pytest.approx(round(d, 1), abs=0.051) for d in truth[:30]
    ]


def test_pages_by_distance_run_through_a_spot_shared_by_many_postings_newest_first(tmp_path: Path) -> None:
    near = [
        posting(n, "Koch", lat=BAMBERG[0], lon=BAMBERG[1], published=date(2025, 9, n)) for n in range(1, 9)
    ]
    far = [
        posting(20 + n, "Koch", lat=FORCHHEIM[0], lon=FORCHHEIM[1], published=date(2025, 8, 1 + n))
        for n in range(3)
    ]
    search = TantivySearch(tmp_path / "index")
    search.rebuild([*far, *near])
    pages = [
        [hit.posting_id for hit in search.search(query).hits]
        for offset in (0, 3, 6, 9)
        if (query := SearchQuery(geo=GeoFilter(*BAMBERG, 50), sort=Sort.DISTANCE, offset=offset, limit=3))
    ]
    assert pages == [[8, 7, 6], [5, 4, 3], [2, 1, 22], [21, 20]]
    counted = search.search(SearchQuery(geo=GeoFilter(*BAMBERG, 50), sort=Sort.DISTANCE, facets=True))
    assert counted.count == 11


def test_an_index_knows_when_it_was_last_built_from_all_documents(tmp_path: Path) -> None:
    search = TantivySearch(tmp_path / "built")
    search.upsert(DOCS[:2], [])
    assert search.built_at() is None, "filled one change at a time, never rebuilt"
    search.rebuild(DOCS)
    built = search.built_at()
    assert built is not None
    assert built.tzinfo is not None
