"""Reading and mapping BA Jobsuche records from JSON, JSON Lines and CSV."""

from __future__ import annotations

import contextlib
import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.ba_upstream import details_for, to_v6
from stellwerk.domain.postings import InvalidRecord, RawRecord, ReadError
from stellwerk.domain.salary import Period, Salary, SalaryInfo
from stellwerk.normalize.salary import PLAUSIBLE_CENTS, parse_salary
from stellwerk.normalize.terms import parse_terms
from stellwerk.sources.ba_jobsuche import (
    API_SOURCE,
    DETAILS_PART,
    FULLTEXT_SOURCE,
    SEARCH_PART,
    SOURCE,
    UnreadableInput,
    content_hash,
    map_record,
    map_search_result,
    read_file,
    read_json,
    read_json_lines,
    stated_pay,
    stated_terms,
    unflatten,
)

FIXTURES = Path(__file__).parent.parent / "fixtures"


def test_json_response_yields_every_posting_with_its_refnr() -> None:
    items = list(read_file(FIXTURES / "ba_search_sample.json"))
    assert len(items) == 47
    assert all(isinstance(i, RawRecord) and i.source == SOURCE for i in items)
    assert items[0].locator == "stellenangebote[0]"


def test_flat_csv_and_json_map_to_the_same_fields() -> None:
    by_json = {
        r.external_id: map_record(r)
        for r in read_file(FIXTURES / "ba_search_sample.json")
        if isinstance(r, RawRecord) and r.payload.get("titel")
    }
    by_csv = {
        r.external_id: map_record(r)
        for r in read_file(FIXTURES / "ba_search_sample.csv")
        if isinstance(r, RawRecord) and r.payload.get("titel")
    }
    assert by_json.keys() == by_csv.keys()
    for refnr, data in by_json.items():
        assert by_csv[refnr] == data, refnr


def test_csv_keeps_the_row_verbatim_and_reports_line_numbers() -> None:
    first = next(iter(read_file(FIXTURES / "ba_search_sample.csv")))
    assert isinstance(first, RawRecord)
    assert first.locator == "Zeile 2"
    assert "arbeitsort.koordinaten.lat" in first.payload


def test_mapping_reads_place_dates_and_the_literal_null() -> None:
    item = {
        "refnr": "10000-1-S",
        "titel": "Pflegefachkraft (m/w/d)",
        "beruf": "Gesundheits- und Krankenpfleger/in",
        "arbeitgeber": "Klinikum Bamberg",
        "aktuelleVeroeffentlichungsdatum": "2025-09-20",
        "modifikationsTimestamp": "2025-09-20T07:41:52.209",
        "eintrittsdatum": "2025-10-01",
        "externeUrl": "null",
        "arbeitsort": {
            "ort": "Bamberg",
            "plz": "96049",
            "strasse": "null",
            "region": "Bayern",
            "koordinaten": {"lat": 49.89, "lon": 10.89},
        },
    }
    data = map_search_result(item, "10000-1-S")
    assert data.title == "Pflegefachkraft (m/w/d)"
    assert (data.place_name, data.postal_code, data.region) == ("Bamberg", "96049", "Bayern")
    assert (data.lat, data.lon) == (49.89, 10.89)
    assert data.published == date(2025, 9, 20)
    assert data.start_date == date(2025, 10, 1)
    assert data.modified is not None
    assert data.modified.utcoffset() is not None
    assert data.external_url is None
    assert data.source_url == "https://www.arbeitsagentur.de/jobsuche/jobdetail/10000-1-S"


def test_title_falls_back_to_beruf_and_a_record_without_either_is_invalid() -> None:
    assert map_search_result({"beruf": "Koch/Köchin", "titel": ""}, "x").title == "Koch/Köchin"
    with pytest.raises(InvalidRecord, match="titel"):
        map_search_result({"titel": "  "}, "x")


@pytest.mark.parametrize(
    ("item", "reason"),
    [
        ({"titel": "A", "aktuelleVeroeffentlichungsdatum": "20.09.2025"}, "not a date"),
        ({"titel": "A", "arbeitsort": {"plz": "9604X"}}, "not a German PLZ"),
        ({"titel": "A", "arbeitsort": {"koordinaten": {"lat": "abc"}}}, "not a number"),
        ({"titel": "A", "arbeitsort": {"koordinaten": {"lat": 91}}}, "out of range"),
        ({"titel": "A", "arbeitsort": "Bamberg"}, "not an object"),
    ],
)
def test_invalid_fields_name_the_reason(item: dict[str, object], reason: str) -> None:
    with pytest.raises(InvalidRecord, match=reason):
        map_search_result(item, "x")


def test_fulltext_export_maps_refnr_from_url_and_keeps_the_description() -> None:
    items = [i for i in read_file(FIXTURES / "ba_fulltext_sample.csv") if isinstance(i, RawRecord)]
    assert items
    assert all(i.source == FULLTEXT_SOURCE for i in items)
    data = map_record(items[0])
    assert items[0].external_id.endswith("-S")
    assert len(data.description) > 200
    assert data.postal_code is not None
    assert len(data.postal_code) == 5


def test_json_lines_keep_going_after_a_broken_line() -> None:
    text = "\n".join(
        [
            json.dumps({"refnr": "a", "titel": "Koch"}),
            "{broken",
            json.dumps({"titel": "ohne refnr"}),
            json.dumps([1, 2]),
            json.dumps({"refnr": "b", "titel": "Bäcker"}),
        ]
    )
    items = list(read_json_lines(text))
    assert [i.external_id for i in items if isinstance(i, RawRecord)] == ["a", "b"]
    errors = [i for i in items if isinstance(i, ReadError)]
    assert [e.locator for e in errors] == ["Zeile 2", "Zeile 3", "Zeile 4[0]", "Zeile 4[1]"]
    assert "invalid JSON" in errors[0].reason
    assert "refnr" in errors[1].reason


def test_unreadable_inputs_raise_with_a_clear_reason(tmp_path: Path) -> None:
    with pytest.raises(UnreadableInput, match="invalid JSON"):
        list(read_json("{"))
    with pytest.raises(UnreadableInput, match="stellenangebote"):
        list(read_json('{"foo": 1}'))
    bad = tmp_path / "x.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UnreadableInput, match="unknown CSV columns"):
        list(read_file(bad))
    latin = tmp_path / "y.json"
    latin.write_bytes('{"stellenangebote": [{"titel": "K\xf6chin"}]}'.encode("latin-1"))
    with pytest.raises(UnreadableInput, match="not UTF-8"):
        list(read_file(latin))
    with pytest.raises(UnreadableInput):
        list(read_file(tmp_path / "missing.json"))


def test_gzip_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "page.json.gz"
    path.write_bytes(
        gzip.compress(json.dumps({"stellenangebote": [{"refnr": "r", "titel": "Koch"}]}).encode())
    )
    assert [i.external_id for i in read_file(path) if isinstance(i, RawRecord)] == ["r"]


def test_content_hash_ignores_key_order_but_not_values() -> None:
    assert content_hash({"a": 1, "b": 2}) == content_hash({"b": 2, "a": 1})
    assert content_hash({"a": 1}) != content_hash({"a": 2})


def test_unflatten_nests_dotted_columns() -> None:
    assert unflatten({"a.b.c": "1", "a.d": "2", "e": "3"}) == {"a": {"b": {"c": "1"}, "d": "2"}, "e": "3"}


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "titel",
                "beruf",
                "arbeitgeber",
                "aktuelleVeroeffentlichungsdatum",
                "eintrittsdatum",
                "externeUrl",
                "arbeitsort",
            ]
        ),
        st.one_of(st.none(), st.text(), st.integers(), st.floats(), st.dictionaries(st.text(), st.text())),
    )
)
def test_mapping_arbitrary_payloads_never_raises_anything_but_invalid_record(item: dict[str, object]) -> None:
    with contextlib.suppress(InvalidRecord):
        map_search_result(item, "x")


def test_the_fulltext_exports_unknown_marker_is_a_missing_value() -> None:
    row = {"job_title": "Koch", "index": "Unknown", "city": "Unknown", "job_url": "x/jobdetail/1-S"}
    data = map_record(RawRecord(FULLTEXT_SOURCE, "1-S", row, "Zeile 2"))
    assert data.postal_code is None
    assert data.place_name is None


# --- v6 names, details, terms and pay (the API client's records) --------------------------------------------

V6_ITEM = {
    "referenznummer": "10001-1003474294-S",
    "stellenangebotsTitel": "Medizininformatiker (m/w/d)",
    "hauptberuf": "Medizininformatiker/in",
    "alleBerufe": ["Medizininformatiker/in", "Informatiker/in"],
    "firma": "Klinikum Dortmund gGmbH",
    "stellenlokationen": [
        {
            "adresse": {"strasse": "Beurhausstraße", "hausnummer": "40", "plz": "44137", "ort": "Dortmund"}
            | {"region": "NORDRHEIN-WESTFALEN", "land": "DEUTSCHLAND"},
            "breite": 51.5078,
            "laenge": 7.4561,
        },
        {"adresse": {"plz": "59065", "ort": "Hamm", "region": "NORDRHEIN-WESTFALEN", "land": "DEUTSCHLAND"}},
    ],
    "entfernung": 4,
    "datumErsteVeroeffentlichung": "2026-08-28",
    "veroeffentlichungszeitraum": {"von": "2026-09-01", "bis": "2026-10-31"},
    "eintrittszeitraum": {"von": "2026-11-01"},
    "aenderungsdatum": "2026-09-02T10:15:00.123",
    "externeURL": "https://karriere.klinikumdo.de/stelle/42",
}


def test_a_v6_item_maps_with_its_own_names() -> None:
    data = map_search_result(V6_ITEM, "10001-1003474294-S")
    assert (data.title, data.employer, data.beruf) == (
        "Medizininformatiker (m/w/d)",
        "Klinikum Dortmund gGmbH",
        "Medizininformatiker/in",
    )
    # The first place counts; v6 writes the Land in capitals.
    assert (data.place_name, data.postal_code, data.region) == ("Dortmund", "44137", "Nordrhein-Westfalen")
    assert (data.lat, data.lon) == (51.5078, 7.4561)
    assert (data.published, data.start_date, data.valid_through) == (
        date(2026, 8, 28),
        date(2026, 11, 1),
        date(2026, 10, 31),
    )
    assert data.modified is not None
    assert data.modified.utcoffset() is not None
    assert data.external_url == "https://karriere.klinikumdo.de/stelle/42"
    assert data.source_url == "https://www.arbeitsagentur.de/jobsuche/jobdetail/10001-1003474294-S"
    assert (data.terms, data.salary_text, data.description) == (None, None, "")


def test_v4_and_v6_items_of_the_same_posting_map_to_equal_fields() -> None:
    items = json.loads((FIXTURES / "ba_search_sample.json").read_text(encoding="utf-8"))["stellenangebote"]
    for item in items:
        v6 = to_v6(item)
        assert "refnr" not in v6
        assert map_search_result(v6, item["refnr"]) == map_search_result(item, item["refnr"]), item["refnr"]
        combined = {SEARCH_PART: item, DETAILS_PART: details_for(item)}
        assert map_search_result(combined, item["refnr"]) == map_search_result(
            {SEARCH_PART: v6, DETAILS_PART: details_for(item)}, item["refnr"]
        )


def test_a_posting_abroad_keeps_its_place_but_no_foreign_postcode_as_plz() -> None:
    item = {
        "stellenangebotsTitel": "Koch (m/w/d)",
        "stellenlokationen": [{"adresse": {"plz": "1010", "ort": "Wien", "land": "ÖSTERREICH"}}],
    }
    data = map_search_result(item, "x")
    assert (data.place_name, data.postal_code) == ("Wien", None)


def test_details_bring_the_description_terms_and_pay_and_win_over_the_search_item() -> None:
    details = {
        "referenznummer": "10001-1003474294-S",
        "stellenangebotsTitel": "Medizininformatiker (m/w/d) – Klinische IT",
        "stellenangebotsBeschreibung": "<h3>Ihre Aufgaben</h3><p>Sie betreuen das KIS.</p>"
        "<script>track()</script><ul><li>Teilzeit möglich</li></ul>",
        "arbeitszeitVollzeit": True,
        "arbeitszeitTeilzeitFlexibel": True,
        "vertragsdauer": "BEFRISTET",
        "befristetBis": "2028-10-31",
        "istArbeitnehmerUeberlassung": False,
        "stellenangebotsart": "ARBEIT",
        "verguetungsangabe": "MONATSGEHALT",
        "gehaltsspanneVon": 4200,
        "gehaltsspanneBis": 5100.5,
        "stellenlokationen": [],
    }
    record = RawRecord(API_SOURCE, "10001-1003474294-S", {SEARCH_PART: V6_ITEM, DETAILS_PART: details}, "x")
    data = map_record(record)
    assert data.title == "Medizininformatiker (m/w/d) – Klinische IT"
    assert data.place_name == "Dortmund"  # empty in the details: the search item's place stays
    assert data.description == "Ihre Aufgaben\n\nSie betreuen das KIS.\n\nTeilzeit möglich"
    assert data.salary_text == "Gehalt: 4.200 € bis 5.100,50 € pro Monat"
    [salary] = _salaries(data.salary_text)
    assert (salary.min_cents, salary.max_cents, salary.period) == (420_000, 510_050, Period.MONTH)
    terms = parse_terms(data.title, data.description, data.terms)
    assert terms.working_time == {"vz", "tz"}
    assert (terms.fixed_term, terms.temp_agency) == (True, False)
    # A posting without a detail page (404) maps from its search item alone.
    no_details = {SEARCH_PART: V6_ITEM, DETAILS_PART: None}
    assert map_search_result(no_details, "x") == map_search_result(V6_ITEM, "x")


def test_stated_terms_use_the_keys_the_terms_parser_reads() -> None:
    v6 = {
        "arbeitszeitTeilzeitVormittag": True,
        "arbeitszeitSchichtNachtWochenende": True,
        "istGeringfuegigeBeschaeftigung": True,
        "homeofficemoeglich": True,
        "befristungInMonaten": 12,
        "istArbeitnehmerUeberlassung": True,
        "istPrivateArbeitsvermittlung": False,
        "stellenangebotsart": "AUSBILDUNG",
        "firma": "egal",
    }
    terms = parse_terms("Auszubildende", "", stated_terms(v6))
    assert terms.working_time == {"tz", "snw", "mj", "ho"}
    assert terms.remote == "partial"
    assert (terms.fixed_term, terms.temp_agency, terms.private_agency) == (True, True, False)
    assert "ausbildung" in terms.offer_kinds
    v4_details = {"arbeitszeitmodelle": ["TEILZEIT"], "befristung": "UNBEFRISTET", "angebotsart": "ARBEIT"}
    assert stated_terms(v4_details) == v4_details
    assert parse_terms("Koch", "", stated_terms(v4_details)).working_time == {"tz"}
    assert stated_terms({"titel": "Koch", "vertragsdauer": None, "arbeitszeit": "null"}) is None


def _salaries(text: str) -> tuple[Salary, ...]:
    parsed = parse_salary(text)
    assert isinstance(parsed, SalaryInfo), parsed
    return parsed.salaries


@pytest.mark.parametrize(
    ("fields", "phrase", "expected"),
    [
        (
            {"verguetungsangabe": "STUNDENLOHN", "gehaltsspanneVon": 18.5, "gehaltsspanneBis": 22},
            "Gehalt: 18,50 € bis 22 € pro Stunde",
            (1850, 2200, Period.HOUR),
        ),
        (
            {"verguetungsangabe": "JAHRESGEHALT", "artDerVerguetung": "FESTGEHALT", "festgehalt": 52000},
            "Gehalt: 52.000 € pro Jahr",
            (5_200_000, 5_200_000, Period.YEAR),
        ),
        (
            {
                "artDerVerguetung": "GEHALTSSPANNE",
                "verguetungsangabe": "MONATSGEHALT",
                "gehaltsspanneVon": "3200",
            },
            "Gehalt: ab 3.200 € pro Monat",
            (320_000, None, Period.MONTH),
        ),
        (
            {"verguetungsangabe": "JAHRESGEHALT", "gehaltsspanneBis": "60000.00", "gehaltsspanneVon": ""},
            "Gehalt: bis zu 60.000 € pro Jahr",
            (None, 6_000_000, Period.YEAR),
        ),
    ],
)
def test_stated_pay_is_written_as_a_phrase_the_salary_parser_reads(
    fields: dict[str, object], phrase: str, expected: tuple[int | None, int | None, Period]
) -> None:
    assert stated_pay(fields) == phrase
    [salary] = _salaries(phrase)
    assert (salary.min_cents, salary.max_cents, salary.period) == expected


def test_pay_without_amounts_says_only_what_is_stated() -> None:
    assert stated_pay({"verguetungsangabe": "KEINE_ANGABEN", "gehaltsspanneVon": "", "festgehalt": 0}) is None
    assert stated_pay({"festgehalt": True, "gehaltsspanneVon": "viel"}) is None
    tariff = parse_salary(stated_pay({"verguetung": "Entgeltgruppe 13 TV-L"}) or "")
    assert isinstance(tariff, SalaryInfo)
    assert [t.agreement for t in tariff.tariffs] == ["TV-L"]
    unnamed = parse_salary(stated_pay({"verguetungsangabe": "TARIFVERTRAG"}) or "")
    assert isinstance(unnamed, SalaryInfo)
    assert [t.agreement for t in unnamed.tariffs] == ["Tarif"]


_PERIOD_CODES = {Period.HOUR: "STUNDENLOHN", Period.MONTH: "MONATSGEHALT", Period.YEAR: "JAHRESGEHALT"}


@st.composite
def _stated_ranges(draw: st.DrawFn) -> tuple[Period, int, int]:
    period = draw(st.sampled_from(list(Period)))
    low_bound, high_bound = PLAUSIBLE_CENTS[period]  # what the parser accepts as pay
    low = draw(st.integers(low_bound, high_bound))
    high = draw(st.integers(low, min(high_bound, low * 4)))
    return period, low, high


@given(_stated_ranges())
def test_any_plausible_stated_range_reads_back_to_the_same_cents(case: tuple[Period, int, int]) -> None:
    period, low, high = case
    fields = {"verguetungsangabe": _PERIOD_CODES[period], "gehaltsspanneVon": low / 100}
    fields["gehaltsspanneBis"] = high / 100
    [salary] = _salaries(stated_pay(fields) or "")
    assert (salary.min_cents, salary.max_cents, salary.period) == (low, high, period)


def test_saved_v6_answers_are_read_like_v4_ones() -> None:
    text = json.dumps({"ergebnisliste": [V6_ITEM, {"titel": "ohne Nummer"}], "maxErgebnisse": 2})
    items = list(read_json(text))
    assert isinstance(items[0], RawRecord)
    assert (items[0].external_id, items[0].locator) == ("10001-1003474294-S", "ergebnisliste[0]")
    assert isinstance(items[1], ReadError)
    assert "referenznummer" in items[1].reason
    assert list(read_json('{"maxErgebnisse": 0, "page": 1, "size": 25}')) == []


@given(
    st.dictionaries(
        st.sampled_from(
            [
                "stellenangebotsTitel",
                "hauptberuf",
                "firma",
                "stellenlokationen",
                "eintrittszeitraum",
                "veroeffentlichungszeitraum",
                "datumErsteVeroeffentlichung",
                "aenderungsdatum",
                "externeURL",
                "stellenangebotsBeschreibung",
                "gehaltsspanneVon",
                "festgehalt",
                "verguetungsangabe",
                "arbeitszeitSchichtNachtWochenende",
                SEARCH_PART,
                DETAILS_PART,
            ]
        ),
        st.one_of(
            st.none(),
            st.text(),
            st.integers(),
            st.floats(),
            st.booleans(),
            st.dictionaries(st.text(), st.text()),
            st.lists(
                st.dictionaries(st.sampled_from(["adresse", "breite", "laenge"]), st.text()), max_size=2
            ),
        ),
    )
)
def test_mapping_any_v6_or_combined_payload_raises_nothing_but_invalid_record(
    item: dict[str, object],
) -> None:
    with contextlib.suppress(InvalidRecord):
        data = map_search_result(item, "x")
        if data.salary_text is not None:
            parse_salary(data.salary_text)
