"""`stellwerk runs`: list the latest source runs with their counts, errors and what they could not reach."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from stellwerk.postings.models import SourceRun


class Command(BaseCommand):
    """List the latest source runs: started, finished, status, counts, first errors and notes."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--limit", type=int, default=20, help="how many runs to show (default 20)")
        parser.add_argument("--errors", type=int, default=3, help="errors shown per run (default 3)")

    def handle(self, *args: Any, **options: Any) -> None:
        runs = SourceRun.objects.order_by("-started_at", "-pk")[: options["limit"]]
        if not runs:
            self.stdout.write("Noch keine Läufe.")
        for run in runs:
            self._show(run, options["errors"])

    def _show(self, run: SourceRun, shown_errors: int) -> None:
        started = timezone.localtime(run.started_at)
        finished = f"bis {timezone.localtime(run.finished_at):%H:%M:%S}" if run.finished_at else ""
        self.stdout.write(
            f"{started:%Y-%m-%d %H:%M:%S} {finished} {run.source} [{run.get_status_display()}] "
            f"{run.fetched} gelesen, {run.new} neu, {run.updated} aktualisiert, {run.unchanged} unverändert, "
            f"{run.rejected} abgelehnt, {run.expired} abgelaufen"
        )
        for error in run.errors[:shown_errors]:
            self.stdout.write(f"  Fehler: {error}")
        for note in run.notes:
            self.stdout.write(f"  Hinweis: {note}")
