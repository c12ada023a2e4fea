"""Connector runs: fetch from a source, store as it comes, record the run; for the commands and the worker."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from django.utils import timezone

from stellwerk.domain.postings import RawRecord, ReadError
from stellwerk.normalize.posting import Normalizers
from stellwerk.postings.expiry import GONE, expire_missing, expire_page_postings, expire_unlisted_pages
from stellwerk.postings.importing import ImportSummary, import_records
from stellwerk.postings.models import Posting, SourceRun
from stellwerk.postings.runs import add_error, add_note, finish_run, record_progress, start_run
from stellwerk.sources import feeds, jsonld
from stellwerk.sources.ba_api import BaJobsucheClient, CheckpointMismatch, JobQuery
from stellwerk.sources.ba_jobsuche import API_SOURCE
from stellwerk.sources.http import UpstreamError
from stellwerk.sources.web_pages import (
    USER_AGENT,
    Failed,
    FetchedPage,
    PageFetcher,
    Refused,
    SitemapEntry,
    Unchanged,
)

Report = Callable[[str], None]
# Statuses by which a site says a page is gone for good, not just unavailable now.
_GONE_STATUSES = frozenset({404, 410})
FEED_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
_FEED_READERS = {"xml": feeds.read_xml, "csv": feeds.read_csv, "jsonl": feeds.read_json_lines}


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


@dataclass(frozen=True, slots=True)
class FeedIngest:
    """A job feed to read: a file or a URL, in XML, CSV or JSON Lines."""

    name: str
    location: str
    format: feeds.FeedFormat | None = None
    # The feed lists every current job of its publisher: jobs it no longer lists expire.
    complete: bool = False

    def parameters(self) -> dict[str, object]:
        """Return the run's parameters as recorded."""
        return {
            "name": self.name,
            "location": self.location,
            "format": self.format,
            "complete": self.complete,
        }


def ingest_feed(
    job: FeedIngest,
    tools: Normalizers,
    client: httpx.Client | None = None,
    report: Report = lambda _: None,
    schedule: str | None = None,
) -> SourceRun:
    """Stream a job feed (file or URL) into the store; a complete feed expires the jobs it no longer lists."""
    source = feeds.feed_source(job.name)
    run = start_run(source, _scheduled(job.parameters(), schedule), resume=False)
    listed: set[str] = set()
    broken = 0

    def watched(items: Iterable[RawRecord | ReadError]) -> Iterator[RawRecord | ReadError]:
        nonlocal broken
        for item in items:
            if isinstance(item, RawRecord):
                listed.add(item.external_id)
            else:
                broken += 1
            yield item

    try:
        with _feed_items(job, source, client) as items:
            summary = import_records(watched(items), tools)
    except (httpx.HTTPError, feeds.UnknownFeedFormat) as exc:
        report(f"Feed nicht lesbar: {exc}")
        return finish_run(run, error=f"Feed nicht lesbar: {exc}")
    record_progress(run, summary)
    expired = 0
    if job.complete and broken:
        # A job that could not be read may still be listed: expiring by this list could hit it.
        add_note(run, f"{broken} Einträge nicht lesbar: nichts als abgelaufen markiert")
    elif job.complete:
        expired = expire_missing(source, listed)
    return finish_run(run, expired=expired)


@contextmanager
def _feed_items(
    job: FeedIngest, source: str, client: httpx.Client | None
) -> Iterator[Iterator[RawRecord | ReadError]]:
    location = job.location
    if not location.startswith(("http://", "https://")):
        yield feeds.read_feed(Path(location), source, job.format)
        return
    fmt = job.format or feeds.guess_format(Path(urlsplit(location).path))
    if fmt is None:
        raise feeds.UnknownFeedFormat(f"{location}: Format unbekannt (xml, csv oder jsonl angeben)")
    owned = client is None
    http = client or httpx.Client(timeout=FEED_TIMEOUT, headers={"User-Agent": USER_AGENT})
    try:
        with http.stream("GET", location) as response:
            response.raise_for_status()
            chunks = response.iter_bytes()
            if location.endswith(".gz") and response.headers.get("content-encoding") != "gzip":
                chunks = _gunzip(chunks)
            yield _FEED_READERS[fmt](chunks, source)
    finally:
        if owned:
            http.close()


def _gunzip(chunks: Iterator[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj(wbits=31)
    for chunk in chunks:
        yield inflater.decompress(chunk)
    yield inflater.flush()


def ba_parameters(query: JobQuery, client: BaJobsucheClient) -> dict[str, object]:
    """Return a BA run's parameters as recorded: what identifies the run for resuming."""
    return {"query": query.to_json(), "version": client.version, "details": client.details_enabled}


def ingest_ba(
    client: BaJobsucheClient,
    query: JobQuery,
    tools: Normalizers,
    report: Report = lambda _: None,
    schedule: str | None = None,
) -> SourceRun:
    """Harvest a BA query page by page, storing each page before its checkpoint; resume a cut-off run."""
    run = start_run(API_SOURCE, _scheduled(ba_parameters(query, client), schedule))
    if run.checkpoint is not None:
        report(f"Setze unterbrochenen Lauf vom {timezone.localtime(run.started_at):%d.%m.%Y %H:%M} fort")
    try:
        for page in client.harvest(query, checkpoint=run.checkpoint):
            summary = import_records([*page.records, *page.errors], tools)
            # Stored first, then the checkpoint moves on: a crash in between fetches this page again,
            # and the upsert on (source, reference number) absorbs the repeat.
            record_progress(run, summary, page.checkpoint)
            for shortfall in page.shortfalls:
                add_note(run, shortfall.note())
                report(shortfall.note())
            if page.detail_failures:
                add_note(
                    run, f"Details fehlen für {len(page.detail_failures)} Stelle(n) auf Seite {page.number}"
                )
    except (UpstreamError, CheckpointMismatch) as exc:
        report(f"Abgebrochen: {exc}")
        return finish_run(run, error=f"Abgebrochen: {exc}")
    return finish_run(run)


def ingest_pages(
    fetcher: PageFetcher,
    job: PageIngest,
    tools: Normalizers,
    report: Report = lambda _: None,
    schedule: str | None = None,
) -> SourceRun:
    """Fetch JobPosting pages politely, store their postings, expire what is gone, and record the run."""
    run = start_run(jsonld.SOURCE, _scheduled(job.parameters(), schedule), resume=False)
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
        add_error(run, f"{result.url}: {result.reason}")
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


def _scheduled(parameters: dict[str, object], schedule: str | None) -> dict[str, object]:
    # Runs of a schedule entry carry its name, by which the worker finds the last one.
    return {**parameters, "zeitplan": schedule} if schedule else parameters


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def page_urls(values: Iterable[str]) -> tuple[str, ...]:
    """Return the given URLs without repeats, in their order."""
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
