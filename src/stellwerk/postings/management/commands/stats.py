"""`stellwerk stats`: print counts of postings, sources, places and occupations."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from stellwerk.postings.stats import collect_stats


class Command(BaseCommand):
    """Print counts of postings, source records, employers, places, occupations and the index."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = collect_stats()
        if options["json"]:
            self.stdout.write(json.dumps(stats, ensure_ascii=False, sort_keys=True))
            return
        for key, value in stats.items():
            self.stdout.write(f"{key:>15}: {value}")
