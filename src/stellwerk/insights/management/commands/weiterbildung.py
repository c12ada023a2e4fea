"""`stellwerk weiterbildung`: import further-training offers from the BA Weiterbildungssuche."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError

from stellwerk.insights.weiterbildung import (
    DEFAULT_URL,
    MAX_PAGES,
    RADII,
    TrainingQuery,
    WeiterbildungClient,
    WeiterbildungError,
    import_training_offers,
)
from stellwerk.normalize.skills import default_lexicon
from stellwerk.reference.gazetteer import AmbiguousPlace, UnknownPlace, default_gazetteer

TIMEOUT_SECONDS = 30.0


class Command(BaseCommand):
    """Import the course dates a keyword search finds, optionally around a place, with their skills."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("keywords", nargs="+", help="search words, one search each (e.g. Pflege SQL)")
        parser.add_argument("--place", help="place (name, PLZ or slug); default: all of Germany")
        parser.add_argument("--radius", type=int, choices=RADII, default=50, help="km around --place")
        parser.add_argument("--pages", type=int, default=MAX_PAGES, help="at most this many pages per word")
        parser.add_argument("--funded-only", action="store_true", help="only offers a Bildungsgutschein pays")
        parser.add_argument("--url", default=DEFAULT_URL, help=f"API base URL (default {DEFAULT_URL})")
        parser.add_argument("--api-key", help="value of the X-API-Key header, if the API asks for one")

    def handle(self, *args: Any, **options: Any) -> None:
        place = None
        if options["place"]:
            try:
                place = default_gazetteer().resolve(options["place"])
            except (UnknownPlace, AmbiguousPlace) as exc:
                raise CommandError(str(exc)) from exc
        lexicon = default_lexicon()
        with httpx.Client(timeout=TIMEOUT_SECONDS) as http:
            client = WeiterbildungClient(http, options["url"], options["api_key"])
            for keyword in options["keywords"]:
                query = TrainingQuery(keyword, place, options["radius"], options["funded_only"])
                try:
                    summary = import_training_offers(client, query, lexicon, options["pages"])
                except WeiterbildungError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(
                    f"{keyword}: {summary.new} neu, {summary.updated} aktualisiert, "
                    f"{summary.unchanged} unverändert, {len(summary.rejected)} abgelehnt"
                )
                for reason in summary.rejected[:10]:
                    self.stderr.write(f"  {reason}")
