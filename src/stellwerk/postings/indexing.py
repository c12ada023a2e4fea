"""Keep the search index in step with the database through the outbox table."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stellwerk.postings.models import IndexOutbox, Posting
from stellwerk.search.interfaces import IndexDocument, SearchBackend
from stellwerk.search.tantivy_backend import TantivySearch

_BATCH = 2000


@functools.cache
def _backend_for(path: str) -> TantivySearch:
    return TantivySearch(Path(path))


def search_backend() -> SearchBackend:
    """Return the search backend for the configured index directory (one per process)."""
    return _backend_for(str(settings.SEARCH_INDEX_DIR))


def document_for(posting: Posting) -> IndexDocument:
    """Return what the index keeps of a posting: analysed text, coordinates, date, occupation."""
    occupation = posting.occupation
    employer = posting.employer.name if posting.employer else ""
    body = " ".join(
        part
        for part in (employer, posting.beruf, occupation.name if occupation else "", posting.description)
        if part
    )
    return IndexDocument(
        posting_id=posting.pk,
        title=posting.title,
        body=body,
        lat=posting.lat,
        lon=posting.lon,
        published=posting.published,
        kldb=occupation.kldb if occupation else None,
    )


def _indexable() -> Iterator[Posting]:
    postings = Posting.objects.filter(status=Posting.Status.ACTIVE).select_related("employer", "occupation")
    return postings.order_by("pk").iterator(chunk_size=_BATCH)


def process_outbox(backend: SearchBackend | None = None) -> int:
    """Apply pending outbox entries to the index then delete them; return how many postings were refreshed."""
    backend = backend or search_backend()
    refreshed = 0
    while True:
        entries = list(IndexOutbox.objects.order_by("pk").values_list("pk", "posting_id")[:_BATCH])
        if not entries:
            return refreshed
        ids = {posting_id for _, posting_id in entries}
        active = list(
            Posting.objects.filter(pk__in=ids, status=Posting.Status.ACTIVE).select_related(
                "employer", "occupation"
            )
        )
        gone = ids - {p.pk for p in active}
        backend.upsert((document_for(p) for p in active), gone)
        # Delete only what was applied: entries added meanwhile stay for the next round.
        IndexOutbox.objects.filter(pk__lte=max(pk for pk, _ in entries), posting_id__in=ids).delete()
        refreshed += len(ids)


def reindex(backend: SearchBackend | None = None) -> int:
    """Build a fresh index of all active postings, swap it in, and return how many it holds."""
    backend = backend or search_backend()
    high_water = IndexOutbox.objects.order_by("-pk").values_list("pk", flat=True).first()
    count = backend.rebuild(document_for(p) for p in _indexable())
    if high_water is not None:
        # The new index already reflects every change up to the moment it was read.
        IndexOutbox.objects.filter(pk__lte=high_water).delete()
    return count


def enqueue(posting_ids: Iterable[int]) -> None:
    """Record postings for reindexing and refresh the index once the transaction commits."""
    IndexOutbox.objects.bulk_create([IndexOutbox(posting_id=pid) for pid in posting_ids])
    transaction.on_commit(process_outbox)
