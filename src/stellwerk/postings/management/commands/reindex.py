"""`stellwerk reindex`: rebuild the search index from the database and swap it in."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from stellwerk.postings.indexing import reindex


class Command(BaseCommand):
    """Rebuild the search index from all active postings; searches keep working on the old one meanwhile."""

    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        count = reindex()
        self.stdout.write(f"{count} Stellenangebote indexiert in {time.perf_counter() - started:.1f} s")
