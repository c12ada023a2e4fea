"""`stellwerk ingest`: fetch postings from a source (schema.org JobPosting pages) and record the run."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.ingest import PageIngest, ingest_pages, page_urls
from stellwerk.postings.models import SourceRun
from stellwerk.postings.validators import DatabaseValidatorStore
from stellwerk.sources.web_pages import PageFetcher


class Command(BaseCommand):
    """Fetch postings from a source and store them; every run is recorded (see `stellwerk runs`)."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        sources = parser.add_subparsers(dest="source", required=True, metavar="SOURCE")
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
        if options["source"] == "jsonld":
            run = self._pages(options, console)
        else:  # argparse only lets known sources through
            raise CommandError(f"unbekannte Quelle {options['source']}")
        self._report(run)

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
