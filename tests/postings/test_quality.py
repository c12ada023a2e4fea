"""The data-quality report and the commands around normalisation."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.importing import import_records, renormalize
from stellwerk.postings.models import Posting
from stellwerk.postings.quality import quality_report
from stellwerk.sources.ba_jobsuche import read_file

FIXTURES = Path(__file__).parent.parent / "fixtures"
pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(reference_data: None, search_index: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        "\n".join(
            [
                json.dumps({"refnr": "x-1", "titel": "Koch", "arbeitsort": {"ort": "Atlantis"}}),
                json.dumps({"refnr": "x-2", "titel": "Koch", "aktuelleVeroeffentlichungsdatum": "morgen"}),
            ]
        ),
        encoding="utf-8",
    )
    tools = default_normalizers()
    for path in (FIXTURES / "ba_search_sample.json", FIXTURES / "ba_fulltext_sample.csv", extra):
        import_records(read_file(path), tools)


def test_report_counts_coverage_and_failures(imported: None) -> None:
    report = quality_report()
    assert report.postings == 47 + 4 + 1
    assert report.geocoded.count >= 49
    assert sum(s.count for s in report.classified.values()) == report.postings
    assert report.classified["Angabe der Quelle"].count >= 48
    assert report.with_skills.count >= 3
    assert ("Atlantis", 1) in report.unresolved_places
    assert report.errors_by_source["ba"] == [
        ("aktuelleVeroeffentlichungsdatum='morgen' is not a date (YYYY-MM-DD)", 1)
    ]
    assert report.records_by_source == {"ba": 49, "ba-volltext": 4}
    # Each cluster has one canonical posting; the rest of its members are the duplicates.
    assert (
        report.duplicates.count
        == Posting.objects.filter(cluster__isnull=False).count() - report.duplicate_clusters
    )


def test_quality_command_prints_the_report(imported: None) -> None:
    out = StringIO()
    call_command("quality", stdout=out)
    text = out.getvalue()
    for line in (
        "mit Ort (geokodiert)",
        "Klassifikator",
        "mit Gehaltsangabe",
        "Atlantis",
        "ba-volltext",
        "Dubletten",
    ):
        assert line in text
    out = StringIO()
    call_command("quality", "--json", stdout=out)
    assert json.loads(out.getvalue())["geocoded"]["percent"] > 90


def test_renormalize_rebuilds_postings_from_the_raw_records(imported: None) -> None:
    before = {
        p.pk: (p.title, p.occupation_id, p.skills, p.first_seen, p.last_seen) for p in Posting.objects.all()
    }
    Posting.objects.update(title="kaputt", skills=[], occupation=None)
    summary = renormalize(default_normalizers())
    assert summary.new == 0
    assert summary.updated == len(before)
    after = {
        p.pk: (p.title, p.occupation_id, p.skills, p.first_seen, p.last_seen) for p in Posting.objects.all()
    }
    assert after == before
