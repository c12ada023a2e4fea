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

from stellwerk.domain.postings import InvalidRecord, RawRecord, ReadError
from stellwerk.sources.ba_jobsuche import (
    FULLTEXT_SOURCE,
    SOURCE,
    UnreadableInput,
    content_hash,
    map_record,
    map_search_result,
    read_file,
    read_json,
    read_json_lines,
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
