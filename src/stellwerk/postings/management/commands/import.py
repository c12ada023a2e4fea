"""`stellwerk import`: import BA Jobsuche postings from JSON or CSV files."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from stellwerk.domain.postings import RawRecord, ReadError
from stellwerk.insights.aggregates import refresh_aggregates
from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.importing import ImportSummary, demo_path, import_records
from stellwerk.sources.ba_jobsuche import UnreadableInput, read_file

SHOWN_REJECTIONS = 20


class Command(BaseCommand):
    """Import BA Jobsuche results (API JSON, JSON Lines, flat or full-text CSV); a rerun changes nothing."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="JSON, JSONL or CSV files (optionally .gz)")
        parser.add_argument("--demo", action="store_true", help="import the packaged demo data set")

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = list(options["paths"])
        if options["demo"]:
            paths.append(demo_path())
        if not paths:
            raise CommandError("name at least one file to import, or --demo")
        # soft_wrap: paths and reasons stay on one line, so they can be read and grepped.
        console = Console(stderr=True, soft_wrap=True, highlight=False)
        items: list[RawRecord | ReadError] = []
        unreadable = 0
        for path in paths:
            try:
                items.extend(read_file(path))
            except UnreadableInput as exc:
                unreadable += 1
                console.print(f"[red]Nicht lesbar:[/red] {path}: {exc}")
        if not any(isinstance(item, RawRecord) for item in items):
            raise CommandError(f"nothing could be read from {len(paths)} file(s) ({unreadable} unreadable)")
        with Progress(
            TextColumn("Import"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console
        ) as progress:
            task = progress.add_task("import", total=len(items))
            summary = import_records(
                items, default_normalizers(), on_progress=lambda n: progress.advance(task, n)
            )
        self._report(summary, unreadable)
        # The market pages' figures follow the postings.
        refresh_aggregates()

    def _report(self, summary: ImportSummary, unreadable: int) -> None:
        write = self.stdout.write
        write(
            f"{summary.read} gelesen: {summary.new} neu, {summary.updated} aktualisiert, "
            f"{summary.unchanged} unverändert, {len(summary.rejected)} abgelehnt"
            + (f"; {unreadable} Datei(en) nicht lesbar" if unreadable else "")
        )
        for reason, count in summary.reasons().most_common():
            write(f"  abgelehnt ({count}×): {reason}")
        for rejection in summary.rejected[:SHOWN_REJECTIONS]:
            write(f"  {rejection.source} {rejection.locator}: {rejection.reason}")
        if len(summary.rejected) > SHOWN_REJECTIONS:
            write(f"  … und {len(summary.rejected) - SHOWN_REJECTIONS} weitere (siehe `stellwerk stats`)")
