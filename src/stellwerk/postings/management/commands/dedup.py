"""`stellwerk dedup --rebuild`: compute every posting's duplicate cluster anew."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from stellwerk.postings.dedup import rebuild_clusters
from stellwerk.postings.indexing import process_outbox
from stellwerk.postings.models import Posting


class Command(BaseCommand):
    """Rebuild the duplicate clusters of all postings (after the rules changed); imports keep them current."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="forget all clusters and build them anew")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["rebuild"]:
            raise CommandError("clusters are kept current by every import; use --rebuild to build them anew")
        clusters = rebuild_clusters()
        process_outbox()
        members = Posting.objects.filter(cluster__isnull=False).count()
        self.stdout.write(f"{clusters} Dublettengruppen mit {members} Stellenangeboten")
