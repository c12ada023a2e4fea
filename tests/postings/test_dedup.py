"""Duplicate clusters as postings are stored: one job from several sources is one cluster with a reason."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from stellwerk.domain.postings import RawRecord
from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.dedup import forget
from stellwerk.postings.expiry import expire_missing
from stellwerk.postings.importing import import_records
from stellwerk.postings.models import Cluster, Posting

pytestmark = pytest.mark.django_db

TEXT = (
    "Für unsere Intensivstation suchen wir zum nächstmöglichen Zeitpunkt eine engagierte Pflegefachkraft. "
    "Sie betreuen beatmete Patientinnen und Patienten, arbeiten eng mit dem ärztlichen Dienst zusammen und "
    "dokumentieren im KIS. Wir bieten eine Vergütung nach TVöD-K, betriebliche Altersvorsorge, Fortbildungen "
    "und ein herzliches Team in einem modernen Haus mitten in Dortmund."
)


def ba(refnr: str, title: str, text: str = TEXT) -> RawRecord:
    row = {
        "refnr": refnr,
        "job_title": title,
        "company": "Klinikum Dortmund gGmbH",
        "city": "Dortmund",
        "index": "44137",
        "description": text,
    }
    return RawRecord("ba-volltext", refnr, row, refnr)


def career_page(identifier: str, title: str) -> RawRecord:
    ahead = (timezone.localdate() + timedelta(days=60)).isoformat()
    posting = {
        "@type": "JobPosting",
        "title": title,
        "description": f"<p>{TEXT}</p><p>Jetzt bewerben!</p>",
        "hiringOrganization": {"name": "Klinikum Dortmund"},
        "jobLocation": {"address": {"addressLocality": "Dortmund", "postalCode": "44137"}},
        "validThrough": ahead,
    }
    url = f"https://karriere.klinikumdo.de/stellen/{identifier}"
    return RawRecord(
        "jsonld",
        f"karriere.klinikumdo.de:{identifier}",
        {"page_url": url, "syntax": "json-ld", "posting": posting},
        url,
    )


def test_the_same_job_from_two_sources_is_one_cluster_led_by_the_employers_own_page(
    reference_data: None, search_index: Path
) -> None:
    tools = default_normalizers()
    import_records([ba("10000-1", "Pflegefachkraft Intensivstation (m/w/d)")], tools)
    import_records([career_page("4711", "Pflegefachkraft (w/m/d) Intensivstation")], tools)
    cluster = Cluster.objects.get()
    assert cluster.size == 2
    assert cluster.canonical is not None
    assert cluster.canonical.source_record.source == "jsonld"
    member = Posting.objects.get(source_record__source="ba-volltext")
    assert member.cluster_id == cluster.pk
    assert "Jaccard" in Posting.objects.get(source_record__source="jsonld").duplicate_reason
    assert list(Posting.objects.visible()) == [cluster.canonical]


def test_different_jobs_of_one_employer_stay_apart(reference_data: None, search_index: Path) -> None:
    tools = default_normalizers()
    import_records([ba("10000-1", "Pflegefachkraft Intensivstation"), ba("10000-2", "Koch (m/w/d)")], tools)
    assert not Cluster.objects.exists()
    assert Posting.objects.visible().count() == 2


def test_clusters_survive_a_restart_and_an_expired_canonical_gives_way(
    reference_data: None, search_index: Path
) -> None:
    tools = default_normalizers()
    import_records([career_page("4711", "Pflegefachkraft Intensivstation")], tools)
    forget()  # a new process: the clusterer is rebuilt from the stored fingerprints
    import_records([ba("10000-1", "Pflegefachkraft Intensivstation (m/w/d)")], tools)
    cluster = Cluster.objects.get()
    assert cluster.canonical.source_record.source == "jsonld"  # type: ignore[union-attr]
    expire_missing("jsonld", set())
    cluster.refresh_from_db()
    assert cluster.canonical.source_record.source == "ba-volltext"  # type: ignore[union-attr]
    assert [p.source_record.source for p in Posting.objects.visible()] == ["ba-volltext"]


def test_a_rebuild_finds_the_same_clusters(reference_data: None, search_index: Path) -> None:
    tools = default_normalizers()
    import_records(
        [ba("10000-1", "Pflegefachkraft Intensivstation (m/w/d)"), ba("10000-2", "Koch (m/w/d)")], tools
    )
    import_records([career_page("4711", "Pflegefachkraft (w/m/d) Intensivstation")], tools)
    before = {p.source_record.external_id: p.cluster_id is not None for p in Posting.objects.all()}
    out = io.StringIO()
    call_command("dedup", "--rebuild", stdout=out)
    assert out.getvalue().strip() == "1 Dublettengruppen mit 2 Stellenangeboten"
    after = {p.source_record.external_id: p.cluster_id is not None for p in Posting.objects.all()}
    assert after == before == {"10000-1": True, "10000-2": False, "karriere.klinikumdo.de:4711": True}
