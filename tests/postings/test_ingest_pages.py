"""`ingest_pages` end to end against a local career site: stored once, conditional reruns, expiry."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sources.jobsite_server import (
    CAREER_SITE_POSTINGS,
    CAREER_SITE_READ_ERRORS,
    CAREER_SITE_TITLES,
    JobSite,
    career_site,
    urlset,
)
from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.expiry import GONE
from stellwerk.postings.ingest import PageIngest, ingest_pages
from stellwerk.postings.models import Posting, SourceRecord, SourceRun
from stellwerk.postings.validators import DatabaseValidatorStore
from stellwerk.sources.web_pages import PageFetcher

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> Iterator[JobSite]:
    with career_site() as running:
        yield running


def ingest(job: PageIngest) -> SourceRun:
    with httpx.Client() as client:
        fetcher = PageFetcher(client, validators=DatabaseValidatorStore(), min_interval=0.0)
        return ingest_pages(fetcher, job, default_normalizers())


def test_a_sitemap_run_stores_every_posting_once_and_records_the_run(
    site: JobSite, reference_data: None, search_index: Path
) -> None:
    run = ingest(PageIngest(sitemap=site.url("/sitemap.xml"), complete=True))
    assert run.status == SourceRun.Status.FINISHED
    assert Posting.objects.count() == CAREER_SITE_POSTINGS
    assert {p.title_raw for p in Posting.objects.all()} == set(CAREER_SITE_TITLES)
    assert run.rejected == CAREER_SITE_READ_ERRORS
    assert any("robots.txt" in error for error in run.errors), run.errors
    assert not site.hits("/intern/entwurf.html")
    koch = Posting.objects.get(title_raw="Koch (m/w/d)")
    assert (koch.salary_min_cents, koch.salary_max_cents) == (320_000, 380_000)

    again = ingest(PageIngest(sitemap=site.url("/sitemap.xml"), complete=True))
    assert (again.new, again.expired) == (0, 0)
    assert SourceRecord.objects.filter(source="jsonld").count() == CAREER_SITE_POSTINGS
    # The pages with validators were asked conditionally and answered 304.
    assert site.hits("/jobs/koch.html")[-1].headers.get("if-none-match") == '"koch-v1"'


def test_postings_of_a_page_gone_or_no_longer_listed_expire(
    site: JobSite, reference_data: None, search_index: Path
) -> None:
    ingest(PageIngest(sitemap=site.url("/sitemap.xml"), complete=True))
    site.page("/jobs/pflege.html", "nicht gefunden", status=404)
    site.sitemap("/sitemap-jobs.xml", urlset(site.url("/jobs/koch.html")))
    run = ingest(PageIngest(sitemap=site.url("/sitemap.xml"), complete=True))
    expired = {p.title_raw: p.expiry_reason for p in Posting.objects.filter(status=Posting.Status.EXPIRED)}
    assert expired == {
        "Altenpfleger (m/w/d) in Teilzeit": f"Seite nicht mehr vorhanden ({GONE})",
        "Pflegefachkraft (m/w/d)": GONE,
        "Medizininformatiker (m/w/d)": GONE,
    }
    assert run.expired == 3
    assert Posting.objects.filter(status=Posting.Status.ACTIVE).count() == CAREER_SITE_POSTINGS - 3


def test_without_complete_nothing_unlisted_expires(
    site: JobSite, reference_data: None, search_index: Path
) -> None:
    ingest(PageIngest(sitemap=site.url("/sitemap.xml")))
    site.sitemap("/sitemap-jobs.xml", urlset(site.url("/jobs/koch.html")))
    run = ingest(PageIngest(sitemap=site.url("/sitemap.xml")))
    assert run.expired == 0
    assert not Posting.objects.filter(status=Posting.Status.EXPIRED).exists()
