"""`stellwerk ingest`: fetch postings from a source (BA Jobsuche, JobPosting pages) and record the run."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

import httpx
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from stellwerk.insights.aggregates import refresh_aggregates
from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.ingest import PageIngest, ingest_ba, ingest_pages, page_urls
from stellwerk.postings.models import SourceRun
from stellwerk.postings.validators import DatabaseValidatorStore
from stellwerk.sources.ba_api import BaJobsucheClient, JobQuery
from stellwerk.sources.http import HttpClient, HttpPolicy
from stellwerk.sources.web_pages import PageFetcher


class Command(BaseCommand):
    """Fetch postings from a source and store them; every run is recorded (see `stellwerk runs`)."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
        ba = sources.add_parser("ba", help="the BA Jobsuche API (v6; v4 on request)")
        ba.add_argument("--was", help="what: occupation, title or keyword")
        ba.add_argument("--wo", help="where: place or PLZ")
        ba.add_argument("--umkreis", type=int, help="radius around --wo in km")
        ba.add_argument("--veroeffentlichtseit", type=int, help="only postings published in the last N days")
        ba.add_argument("--arbeitszeit", action="append", default=[], help="vz, tz, snw, ho, mj (repeatable)")
        ba.add_argument(
            "--angebotsart", type=int, help="1 Arbeit, 2 Selbständigkeit, 4 Ausbildung, 34 Praktikum"
        )
        ba.add_argument(
            "--details", action="store_true", help="also fetch each posting's details (full text)"
        )
        ba.add_argument("--api-version", choices=("v6", "v4"), default="v6", help="API version (default v6)")
        ba.add_argument("--base-url", help="API base URL (default STELLWERK_BA_BASE_URL or the BA's)")
        ba.add_argument("--rate", type=float, help="requests per second (default STELLWERK_BA_RATE or 2)")
        pages = sources.add_parser("jsonld", help="schema.org JobPosting pages (JSON-LD or microdata)")
        pages.add_argument("urls", nargs="*", help="page URLs")
        pages.add_argument("--sitemap", help="read the page URLs from this sitemap (or sitemap index)")
        pages.add_argument(
            "--complete",
            action="store_true",
            help="the sitemap lists every current posting page: postings of pages it no longer lists expire",
        )
        pages.add_argument("--interval", type=float, default=1.0, help="seconds between requests to one host")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True, soft_wrap=True, highlight=False)
        if options["source"] == "ba":
            run = self._ba(options, console)
        elif options["source"] == "jsonld":
            run = self._pages(options, console)
        else:  # argparse only lets known sources through
            raise CommandError(f"unbekannte Quelle {options['source']}")
        self._report(run)
        # The market pages' figures follow the postings.
        refresh_aggregates()

    def _ba(self, options: dict[str, Any], console: Console) -> SourceRun:
        try:
            query = JobQuery(
                was=options["was"],
                wo=options["wo"],
                umkreis=options["umkreis"],
                veroeffentlichtseit=options["veroeffentlichtseit"],
                arbeitszeit=tuple(options["arbeitszeit"]),
                angebotsart=options["angebotsart"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        rate = options["rate"] if options["rate"] is not None else settings.BA_REQUESTS_PER_SECOND
        with HttpClient(policy=HttpPolicy(requests_per_second=rate)) as http:
            client = BaJobsucheClient(
                http,
                base_url=options["base_url"] or settings.BA_BASE_URL,
                version=options["api_version"],
                details=options["details"],
            )
            run = ingest_ba(client, query, default_normalizers(), report=console.print)
        if run.status == SourceRun.Status.FAILED:
            self._report(run)
            raise CommandError(f"{run.errors[-1]} – ein erneuter Aufruf setzt den Lauf fort")
        return run

    def _pages(self, options: dict[str, Any], console: Console) -> SourceRun:
        job = PageIngest(
            urls=page_urls(options["urls"]), sitemap=options["sitemap"], complete=options["complete"]
        )
        if not job.urls and not job.sitemap:
            raise CommandError("name page URLs or a --sitemap")
        with httpx.Client() as client:
            fetcher = PageFetcher(
                client, validators=DatabaseValidatorStore(), min_interval=options["interval"]
            )
            return ingest_pages(fetcher, job, default_normalizers(), report=console.print)

    def _report(self, run: SourceRun) -> None:
        self.stdout.write(
            f"{run.source}: {run.fetched} gelesen, {run.new} neu, {run.updated} aktualisiert, "
            f"{run.unchanged} unverändert, {run.rejected} abgelehnt, {run.expired} abgelaufen"
            f" [{run.get_status_display()}]"
        )
        for note in run.notes:
            self.stdout.write(f"  Hinweis: {note}")
