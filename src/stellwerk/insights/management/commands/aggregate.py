"""`stellwerk aggregate`: recompute the market figures of every occupation and place from the postings."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stellwerk.insights.aggregates import refresh_aggregates


class Command(BaseCommand):
    """Recompute the market figures (demand, pay, employers, skills) of every occupation and place."""

    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        summary = refresh_aggregates()
        cells, postings = (f"{n:,}".replace(",", ".") for n in (summary.cells, summary.postings))
        seconds = f"{summary.seconds:.1f}".replace(".", ",")
        self.stdout.write(f"{cells} Kennzahlen aus {postings} Stellenangeboten in {seconds} s berechnet")
