"""`stellwerk entgelte`: fetch regional pay statistics from the Entgeltatlas API for the market pages."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

import httpx
from django.core.management.base import BaseCommand, CommandError

from stellwerk.insights.entgeltatlas import (
    CITY_REGIONS,
    DEFAULT_API_KEY,
    DEFAULT_URL,
    EntgeltatlasClient,
    fetch_regional_salaries,
    regions_for,
)
from stellwerk.insights.models import MarketAggregate
from stellwerk.reference.gazetteer import AmbiguousPlace, UnknownPlace, default_gazetteer

TIMEOUT_SECONDS = 20.0


class Command(BaseCommand):
    """Fetch Entgeltatlas figures (overall and under 25) for places' cities and Länder."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--place",
            action="append",
            default=[],
            help="place (name, PLZ or slug); repeatable; default: the cities the Entgeltatlas covers",
        )
        parser.add_argument(
            "--kldb",
            action="append",
            default=[],
            help="5-digit KldB code; repeatable; default: the occupations with current postings there",
        )
        parser.add_argument("--url", default=DEFAULT_URL, help=f"API base URL (default {DEFAULT_URL})")
        parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="value of the X-API-Key header")

    def handle(self, *args: Any, **options: Any) -> None:
        gazetteer = default_gazetteer()
        try:
            places = [gazetteer.resolve(name) for name in options["place"] or sorted(CITY_REGIONS)]
        except (UnknownPlace, AmbiguousPlace) as exc:
            raise CommandError(str(exc)) from exc
        regions = [region for place in places for region in regions_for(place)]
        kldbs = options["kldb"] or sorted(
            set(
                MarketAggregate.objects.filter(
                    scope=MarketAggregate.Scope.PLACE, area__in=[p.slug for p in places], active__gt=0
                )
                .exclude(kldb="")
                .values_list("kldb", flat=True)
            )
        )
        with httpx.Client(timeout=TIMEOUT_SECONDS) as http:
            client = EntgeltatlasClient(http, options["url"], options["api_key"])
            summary = fetch_regional_salaries(client, kldbs, regions)
        self.stdout.write(
            f"{summary.stored} Statistiken gespeichert, {summary.empty} Abfragen ohne Ergebnis, "
            f"{len(summary.errors)} Fehler ({len(kldbs)} Berufe, {len(set(regions))} Regionen)"
        )
        for error in summary.errors[:20]:
            self.stderr.write(f"  {error}")
