"""Page validators (ETag, Last-Modified) kept in the database, so conditional requests work across runs."""

from __future__ import annotations

from django.utils import timezone

from stellwerk.postings.models import PageValidator
from stellwerk.sources.web_pages import Validators


class DatabaseValidatorStore:
    """A ValidatorStore over the PageValidator table."""

    def get(self, url: str) -> Validators | None:
        """Return the validators stored for a URL."""
        row = PageValidator.objects.filter(url=url[:1000]).first()
        if row is None:
            return None
        return Validators(etag=row.etag or None, last_modified=row.last_modified or None)

    def put(self, url: str, validators: Validators) -> None:
        """Store the validators of a URL."""
        PageValidator.objects.update_or_create(
            url=url[:1000],
            defaults={
                "etag": (validators.etag or "")[:300],
                "last_modified": (validators.last_modified or "")[:100],
                "checked_at": timezone.now(),
            },
        )
