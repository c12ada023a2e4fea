"""`stellwerk worker`: run the recurring source runs of the sources file; keep index and expiry current."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stellwerk.insights.aggregates import refresh_aggregates
from stellwerk.normalize.posting import Normalizers, default_normalizers
from stellwerk.postings.expiry import expire_due
from stellwerk.postings.indexing import process_outbox, reindex_if_older
from stellwerk.postings.ingest import FeedIngest, PageIngest, ingest_ba, ingest_feed, ingest_pages, page_urls
from stellwerk.postings.models import SourceRun
from stellwerk.postings.schedule import InvalidSchedule, ScheduledRun, is_due, last_finished, load_schedule
from stellwerk.postings.validators import DatabaseValidatorStore
from stellwerk.sources.ba_api import BaJobsucheClient
from stellwerk.sources.http import HttpClient, HttpPolicy
from stellwerk.sources.web_pages import PageFetcher

_REBUILD_EVERY = timedelta(days=1)


class Command(BaseCommand):
    """Run due source runs of the sources file (STELLWERK_SOURCES); refresh the index; expire old postings."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="one round, then exit (for cron)")
        parser.add_argument("--poll", type=float, default=60.0, help="seconds between rounds (default 60)")

    def handle(self, *args: Any, **options: Any) -> None:
        schedule: list[ScheduledRun] = []
        if settings.SOURCES_FILE is not None:
            try:
                schedule = load_schedule(settings.SOURCES_FILE)
            except InvalidSchedule as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"{len(schedule)} wiederkehrende Quell-Läufe")
        tools = default_normalizers()
        last_expiry = None
        while True:
            due = [entry for entry in schedule if is_due(entry, timezone.now())]
            for entry in due:
                self._run(entry, tools)
            fresh_day = last_expiry != timezone.localdate()
            if fresh_day:
                count = expire_due()
                last_expiry = timezone.localdate()
                self.stdout.write(f"{count} Stellenangebot(e) abgelaufen")
            # Postings indexed since the last rebuild sit at the index's end rather than among their
            # neighbours, which slows radius searches as they add up (see postings/indexing.py).
            rebuilt = reindex_if_older(_REBUILD_EVERY)
            if rebuilt is not None:
                self.stdout.write(f"Suchindex neu aufgebaut: {rebuilt} Stellenangebot(e)")
            process_outbox()
            if due or fresh_day:
                refresh_aggregates()
            if options["once"]:
                return
            time.sleep(options["poll"])

    def _run(self, entry: ScheduledRun, tools: Normalizers) -> None:
        self.stdout.write(f"{entry.kind} {entry.name}: Lauf beginnt")
        try:
            run = self._start(entry, tools)
        except (InvalidSchedule, ValueError) as exc:
            self.stderr.write(f"{entry.name}: {exc}")
            return
        self.stdout.write(
            f"{entry.name}: {run.get_status_display()}, {run.new} neu, {run.updated} aktualisiert, "
            f"{run.rejected} abgelehnt, {run.expired} abgelaufen"
        )

    def _start(self, entry: ScheduledRun, tools: Normalizers) -> SourceRun:
        options = entry.settings
        if entry.kind == "ba":
            previous = last_finished(entry)
            # An incremental run asks only for what was published since the last finished one.
            since = previous.started_at - timedelta(days=1) if previous else None
            query = entry.ba_query(since, timezone.now())
            with HttpClient(policy=HttpPolicy(requests_per_second=settings.BA_REQUESTS_PER_SECOND)) as http:
                client = BaJobsucheClient(
                    http,
                    base_url=str(options.get("base_url") or settings.BA_BASE_URL),
                    version=str(options.get("api_version", "v6")),  # type: ignore[arg-type]
                    details=bool(options.get("details", False)),
                )
                return ingest_ba(client, query, tools, schedule=entry.name)
        if entry.kind == "jsonld":
            job = PageIngest(
                urls=page_urls(options.get("urls", [])),
                sitemap=options.get("sitemap"),
                complete=bool(options.get("complete", False)),
            )
            with httpx.Client() as web:
                fetcher = PageFetcher(web, validators=DatabaseValidatorStore())
                return ingest_pages(fetcher, job, tools, schedule=entry.name)
        feed = FeedIngest(
            entry.name, str(options["location"]), options.get("format"), bool(options.get("complete", False))
        )
        return ingest_feed(feed, tools, schedule=entry.name)
