"""Importing BA records: idempotent, nothing lost, bad records kept with their reason."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.importing import import_records
from stellwerk.postings.indexing import process_outbox, reindex, search_backend
from stellwerk.postings.models import Employer, IndexOutbox, Posting, SourceRecord
from stellwerk.search.interfaces import SearchQuery
from stellwerk.sources.ba_jobsuche import read_file

FIXTURES = Path(__file__).parent.parent / "fixtures"
pytestmark = pytest.mark.django_db


def run_import(path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    return import_records(read_file(path), default_normalizers(), **kwargs)  # type: ignore[arg-type]


def test_sample_is_imported_with_places_occupations_and_employers(
    reference_data: None, search_index: Path
) -> None:
    summary = run_import(FIXTURES / "ba_search_sample.json")
    assert (summary.new, summary.updated, summary.unchanged, len(summary.rejected)) == (47, 0, 0, 0)
    assert Posting.objects.count() == 47
    geocoded = Posting.objects.filter(place__isnull=False).count()
    classified = Posting.objects.filter(occupation__isnull=False).count()
    assert geocoded >= 45, geocoded
    assert classified >= 44, classified
    posting = Posting.objects.exclude(title_raw="").filter(title_raw__contains="(m/w/d)").first()
    assert posting is not None
    assert "(m/w/d)" not in posting.title
    bamberg = Posting.objects.filter(place__slug="bamberg")
    assert bamberg.count() >= 10
    assert Employer.objects.count() <= 47


def test_rerun_changes_nothing(reference_data: None, search_index: Path) -> None:
    run_import(FIXTURES / "ba_search_sample.json")
    before = list(Posting.objects.order_by("pk").values())
    summary = run_import(FIXTURES / "ba_search_sample.json")
    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, 47)
    assert list(Posting.objects.order_by("pk").values()) == before


def test_csv_and_json_of_the_same_postings_are_the_same_postings(
    reference_data: None, search_index: Path
) -> None:
    run_import(FIXTURES / "ba_search_sample.json")
    json_postings = {
        p.source_record.external_id: (p.title, p.place_id, p.occupation_id, p.lat)
        for p in Posting.objects.select_related("source_record")
    }
    summary = run_import(FIXTURES / "ba_search_sample.csv")
    # The raw payload differs in shape (flat CSV row), so records count as updated, not new.
    assert summary.new == 0
    assert summary.updated == 47
    csv_postings = {
        p.source_record.external_id: (p.title, p.place_id, p.occupation_id, p.lat)
        for p in Posting.objects.select_related("source_record")
    }
    assert csv_postings == json_postings


def test_a_changed_record_updates_its_posting_and_keeps_first_seen(
    reference_data: None, search_index: Path, tmp_path: Path
) -> None:
    item = {
        "refnr": "10000-TEST-S",
        "titel": "Koch (m/w/d)",
        "arbeitgeber": "Gasthaus Krone",
        "arbeitsort": {"ort": "Bamberg", "plz": "96047"},
    }
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"stellenangebote": [item]}), encoding="utf-8")
    first = timezone.now() - timedelta(days=3)
    run_import(path, fetched_at=first)
    item["titel"] = "Küchenchef (m/w/d)"
    path.write_text(json.dumps({"stellenangebote": [item]}), encoding="utf-8")
    summary = run_import(path)
    assert summary.updated == 1
    posting = Posting.objects.get()
    assert posting.title == "Küchenchef"
    assert posting.first_seen == first
    assert posting.last_seen > first
    assert posting.place is not None
    assert posting.place.slug == "bamberg"


def test_broken_records_are_kept_with_reasons_and_the_rest_is_imported(
    reference_data: None, search_index: Path, tmp_path: Path
) -> None:
    lines = [
        json.dumps({"refnr": "ok-1", "titel": "Koch", "arbeitsort": {"ort": "Bamberg", "plz": "96047"}}),
        "{not json",
        json.dumps({"titel": "no refnr"}),
        json.dumps({"refnr": "bad-date", "titel": "Koch", "aktuelleVeroeffentlichungsdatum": "gestern"}),
        json.dumps({"refnr": "no-title", "titel": ""}),
        json.dumps({"refnr": "ok-2", "titel": "Bäcker", "arbeitsort": {"ort": "Erlangen"}}),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    summary = run_import(path)
    assert summary.new == 2
    reasons = {r.locator: r.reason for r in summary.rejected}
    assert set(reasons) == {"Zeile 2", "Zeile 3", "Zeile 4", "Zeile 5"}
    assert "not a date" in reasons["Zeile 4"]
    # Records that were read are stored verbatim, with their error.
    stored = SourceRecord.objects.get(external_id="bad-date")
    assert stored.error
    assert stored.payload["aktuelleVeroeffentlichungsdatum"] == "gestern"
    assert not Posting.objects.filter(source_record=stored).exists()
    # A rerun reports the same rejections and creates nothing.
    again = run_import(path)
    assert again.new == 0
    assert len(again.rejected) == 4


def test_the_index_follows_the_database_through_the_outbox(reference_data: None, search_index: Path) -> None:
    run_import(FIXTURES / "ba_search_sample.json")
    assert IndexOutbox.objects.count() == 47
    assert process_outbox() == 47
    assert IndexOutbox.objects.count() == 0
    backend = search_backend()
    assert backend.count() == 47
    Posting.objects.filter(pk=Posting.objects.order_by("pk").first().pk).update(status=Posting.Status.EXPIRED)  # type: ignore[union-attr]
    assert reindex() == 46
    assert backend.search(SearchQuery(limit=100)).count == 46


def test_fulltext_rows_bring_descriptions_into_search(reference_data: None, search_index: Path) -> None:
    summary = run_import(FIXTURES / "ba_fulltext_sample.csv")
    assert summary.new == 4
    assert not summary.rejected
    process_outbox()
    with_text = Posting.objects.exclude(description="")
    assert with_text.count() == 4
    word = "Prozess"
    hits = search_backend().search(SearchQuery(text=word, limit=10))
    assert hits.count >= 1
