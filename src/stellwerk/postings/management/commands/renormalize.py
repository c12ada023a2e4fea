"""`stellwerk renormalize`: normalise every stored raw record again, after the normalisers changed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.importing import renormalize
from stellwerk.postings.models import SourceRecord


class Command(BaseCommand):
    """Normalise all stored source records again (titles, places, occupations, terms, salary, skills)."""

    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(stderr=True, soft_wrap=True, highlight=False)
        with Progress(
            TextColumn("Normalisieren"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("renormalize", total=SourceRecord.objects.count())
            summary = renormalize(default_normalizers(), on_progress=lambda n: progress.advance(task, n))
        self.stdout.write(
            f"{summary.read} Datensätze normalisiert: {summary.new} neue Stellenangebote, "
            f"{summary.updated} aktualisiert, {len(summary.rejected)} abgelehnt"
        )
