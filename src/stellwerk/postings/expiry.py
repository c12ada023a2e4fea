"""Expiry: postings past their end date, or gone from a source listed completely, leave search but stay."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db import transaction
from django.utils import timezone

from stellwerk.postings.dedup import clusters_of, refresh_clusters
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


def expire_page_postings(source: str, page_url: str, keep: Collection[str], reason: str) -> int:
    """Expire the active postings a page carried that it carries no longer (all, when the page is gone)."""
    on_page = Posting.objects.filter(
        status=Posting.Status.ACTIVE, source_record__source=source, source_record__payload__page_url=page_url
    ).exclude(source_record__external_id__in=list(keep))
    return _expire(list(on_page.values_list("pk", flat=True)), reason)


def expire_unlisted_pages(source: str, origin: str, listed: Collection[str]) -> int:
    """Expire active postings of a site whose page its complete sitemap no longer lists."""
    of_site = Posting.objects.filter(
        status=Posting.Status.ACTIVE,
        source_record__source=source,
        source_record__payload__page_url__startswith=origin,
    ).values_list("pk", "source_record__payload__page_url")
    return _expire([pk for pk, url in of_site.iterator() if url not in listed], GONE)


def _expire(ids: list[int], reason: str) -> int:
    now = timezone.now()
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        with transaction.atomic():
            Posting.objects.filter(pk__in=chunk).update(
                status=Posting.Status.EXPIRED, expired_at=now, expiry_reason=reason
            )
            enqueue(chunk)
            # A cluster whose canonical posting expired shows another current member.
            refresh_clusters(clusters_of(chunk))
    return len(ids)
