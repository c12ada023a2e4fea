"""`stellwerk expire`: take postings past their end date out of search; they stay stored for history."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from stellwerk.postings.expiry import expire_due


class Command(BaseCommand):
    """Expire postings whose end date (validThrough) has passed; their pages answer 410."""

    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        count = expire_due()
        self.stdout.write(f"{count} Stellenangebot(e) abgelaufen")
