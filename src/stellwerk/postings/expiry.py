"""Expiry: postings past their end date, or gone from a source listed completely, leave search but stay."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db import transaction
from django.utils import timezone

from stellwerk.postings.indexing import enqueue
from stellwerk.postings.models import Posting

GONE = "nicht mehr bei der Quelle veröffentlicht"
_BATCH = 1000


def expiry_by_date(valid_through: date) -> str:
    """Return the reason for a posting whose end date has passed."""
    return f"gültig bis {valid_through:%d.%m.%Y}"


def expire_due(today: date | None = None) -> int:
    """Expire active postings whose end date has passed; return how many."""
    today = today or timezone.localdate()
    due = Posting.objects.filter(status=Posting.Status.ACTIVE, valid_through__lt=today)
    expired = 0
    for valid_through in due.values_list("valid_through", flat=True).distinct():
        if valid_through is None:  # excluded by the filter; narrows the type
            continue
        ids = list(due.filter(valid_through=valid_through).values_list("pk", flat=True))
        expired += _expire(ids, expiry_by_date(valid_through))
    return expired


def expire_missing(source: str, listed: Collection[str]) -> int:
    """Expire active postings of a completely listed source whose external id the listing no longer has."""
    candidates = Posting.objects.filter(status=Posting.Status.ACTIVE, source_record__source=source)
    gone = [
        pk
        for pk, external_id in candidates.values_list("pk", "source_record__external_id").iterator()
        if external_id not in listed
    ]
    return _expire(gone, GONE)


def _expire(ids: list[int], reason: str) -> int:
    now = timezone.now()
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        with transaction.atomic():
            Posting.objects.filter(pk__in=chunk).update(
                status=Posting.Status.EXPIRED, expired_at=now, expiry_reason=reason
            )
            enqueue(chunk)
    return len(ids)
