"""Connector runs: fetch from a source, store as it comes, record the run; for the commands and the worker."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from stellwerk.domain.postings import RawRecord
from stellwerk.normalize.posting import Normalizers
from stellwerk.postings.expiry import GONE, expire_page_postings, expire_unlisted_pages
from stellwerk.postings.importing import ImportSummary, import_records
from stellwerk.postings.models import Posting, SourceRun
from stellwerk.postings.runs import add_note, finish_run, record_progress, start_run
from stellwerk.sources import jsonld
from stellwerk.sources.web_pages import Failed, FetchedPage, PageFetcher, Refused, SitemapEntry, Unchanged

Report = Callable[[str], None]
# Statuses by which a site says a page is gone for good, not just unavailable now.
_GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True, slots=True)
class PageIngest:
    """What to fetch from sites with schema.org JobPosting pages."""

    urls: tuple[str, ...] = ()
    sitemap: str | None = None
    # A sitemap that lists every current posting page of its site: pages it no longer lists are expired.
    complete: bool = False

    def parameters(self) -> dict[str, object]:
        """Return the run's parameters as recorded."""
        return {"urls": list(self.urls), "sitemap": self.sitemap, "complete": self.complete}


def ingest_pages(
    fetcher: PageFetcher, job: PageIngest, tools: Normalizers, report: Report = lambda _: None
) -> SourceRun:
    """Fetch JobPosting pages politely, store their postings, expire what is gone, and record the run."""
    run = start_run(jsonld.SOURCE, job.parameters(), resume=False)
    urls = list(job.urls)
    listed_completely = False
    if job.sitemap:
        urls += _sitemap_urls(fetcher, job.sitemap, run, report)
        listed_completely = job.complete and not any("Sitemap" in note for note in run.notes)
    expired = 0
    for result in fetcher.fetch_all(dict.fromkeys(urls)):
        expired += _take(fetcher, result, tools, run, report)
    if listed_completely and job.sitemap:
        origin = _origin(job.sitemap)
        expired += expire_unlisted_pages(jsonld.SOURCE, origin, set(urls))
    return finish_run(run, expired=expired)


def _sitemap_urls(fetcher: PageFetcher, sitemap: str, run: SourceRun, report: Report) -> list[str]:
    urls = []
    for entry in fetcher.read_sitemap(sitemap):
        if isinstance(entry, SitemapEntry):
            urls.append(entry.url)
        else:
            # A sitemap that could not be read completely must not expire the pages it would have listed.
            add_note(run, f"Sitemap {entry.url} nicht gelesen: {entry.reason}")
            report(f"Sitemap {entry.url} nicht gelesen: {entry.reason}")
    return urls


def _take(
    fetcher: PageFetcher,
    result: FetchedPage | Unchanged | Refused | Failed,
    tools: Normalizers,
    run: SourceRun,
    report: Report,
) -> int:
    """Store one fetch result in the run; return how many postings it expired."""
    if isinstance(result, Unchanged):
        seen = Posting.objects.filter(
            source_record__source=jsonld.SOURCE, source_record__payload__page_url=result.url
        ).update(last_seen=timezone.now())
        record_progress(run, ImportSummary(unchanged=seen))
        return 0
    if isinstance(result, Refused | Failed):
        record_progress(run, ImportSummary())
        run.errors.append(f"{result.url}: {result.reason}")
        run.save(update_fields=["errors"])
        report(f"{result.url}: {result.reason}")
        if isinstance(result, Failed) and result.status in _GONE_STATUSES:
            return expire_page_postings(jsonld.SOURCE, result.url, (), f"Seite nicht mehr vorhanden ({GONE})")
        return 0
    items = jsonld.extract_job_postings(result.text, result.final_url)
    if not items:
        report(f"{result.url}: keine JobPosting-Daten auf der Seite")
    summary = import_records(items, tools, fetched_at=result.fetched_at)
    record_progress(run, summary)
    # Remembered only now: a crash before this point fetches the page again next time.
    fetcher.remember(result)
    kept = {item.external_id for item in items if isinstance(item, RawRecord)}
    return expire_page_postings(jsonld.SOURCE, result.final_url, kept, GONE)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def page_urls(values: Iterable[str]) -> tuple[str, ...]:
    """Return the given URLs without repeats, in their order."""
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
