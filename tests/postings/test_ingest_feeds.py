"""`ingest_feed` end to end: files and URLs, complete feeds expire what they no longer list, hostile feeds."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from sources.jobsite_server import JobSite
from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.expiry import GONE
from stellwerk.postings.ingest import FeedIngest, ingest_feed
from stellwerk.postings.models import Posting, SourceRun

FIXTURES = Path(__file__).parent.parent / "fixtures" / "feeds"
pytestmark = pytest.mark.django_db


def job(reference: str, title: str) -> dict[str, object]:
    ahead = (timezone.localdate() + timedelta(days=60)).isoformat()
    return {
        "referencenumber": reference,
        "title": title,
        "company": "Klinikum Dortmund gGmbH",
        "city": "Dortmund",
        "postalcode": "44137",
        "expirationdate": ahead,
        "salary": "3.500 € monatlich",
        "jobtype": "Vollzeit",
    }


def write_feed(path: Path, *jobs: dict[str, object]) -> Path:
    path.write_text("\n".join(json.dumps(j, ensure_ascii=False) for j in jobs) + "\n", encoding="utf-8")
    return path


def test_a_complete_feed_expires_the_jobs_it_no_longer_lists(
    tmp_path: Path, reference_data: None, search_index: Path
) -> None:
    feed = tmp_path / "jobs.jsonl"
    jobs = [job("K-1", "Pflegefachkraft (m/w/d)"), job("K-2", "MFA (m/w/d)"), job("K-3", "Koch (m/w/d)")]
    first = ingest_feed(
        FeedIngest("klinikum", str(write_feed(feed, *jobs)), complete=True), default_normalizers()
    )
    assert (first.status, first.new, first.expired) == (SourceRun.Status.FINISHED, 3, 0)
    posting = Posting.objects.get(source_record__external_id="K-1")
    assert posting.source_record.source == "feed:klinikum"
    assert (posting.salary_min_cents, posting.terms["arbeitszeit"]) == (350_000, ["vz"])
    second = ingest_feed(
        FeedIngest("klinikum", str(write_feed(feed, *jobs[:2])), complete=True), default_normalizers()
    )
    assert (second.unchanged, second.expired) == (2, 1)
    gone = Posting.objects.get(source_record__external_id="K-3")
    assert (gone.status, gone.expiry_reason) == (Posting.Status.EXPIRED, GONE)


def test_a_feed_is_read_from_a_url(reference_data: None, search_index: Path) -> None:
    body = "".join(
        f"<job><referencenumber>{j['referencenumber']}</referencenumber><title>{j['title']}</title>"
        f"<company>{j['company']}</company><city>{j['city']}</city></job>"
        for j in (job("U-1", "Elektroniker (m/w/d)"), job("U-2", "Erzieher (m/w/d)"))
    )
    with JobSite() as site:
        url = site.page("/feed.xml", f"<source>{body}</source>", content_type="application/xml")
        run = ingest_feed(FeedIngest("stadtwerke", url), default_normalizers())
    assert (run.status, run.new) == (SourceRun.Status.FINISHED, 2)
    assert set(Posting.objects.values_list("title", flat=True)) == {"Elektroniker", "Erzieher"}


def test_a_hostile_feed_is_refused_clearly_and_expires_nothing(
    tmp_path: Path, reference_data: None, search_index: Path
) -> None:
    feed = write_feed(tmp_path / "jobs.jsonl", job("K-1", "Pflegefachkraft (m/w/d)"))
    ingest_feed(FeedIngest("klinikum", str(feed), complete=True), default_normalizers())
    bomb = FeedIngest("klinikum", str(FIXTURES / "billion_laughs.xml"), complete=True)
    run = ingest_feed(bomb, default_normalizers())
    assert run.status == SourceRun.Status.FINISHED
    assert run.rejected >= 1
    assert run.expired == 0
    assert "nichts als abgelaufen markiert" in run.notes[0]
    assert Posting.objects.get().status == Posting.Status.ACTIVE


def test_an_unreachable_feed_fails_the_run_with_the_reason(reference_data: None, search_index: Path) -> None:
    with JobSite() as site:
        url = site.page("/feed.xml", "weg", status=404)
        run = ingest_feed(FeedIngest("stadtwerke", url), default_normalizers())
    assert run.status == SourceRun.Status.FAILED
    assert "404" in run.errors[-1]
