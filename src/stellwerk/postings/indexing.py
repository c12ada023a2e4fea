"""Keep the search index in step with the database through the outbox table."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction

from stellwerk.postings.models import IndexOutbox, Posting, PostingQuerySet
from stellwerk.search.interfaces import IndexDocument, Remote, SearchBackend
from stellwerk.search.tantivy_backend import TantivySearch

_BATCH = 2000


@functools.cache
def _backend_for(path: str) -> TantivySearch:
    return TantivySearch(Path(path))


def search_backend() -> SearchBackend:
    """Return the search backend for the configured index directory (one per process)."""
    return _backend_for(str(settings.SEARCH_INDEX_DIR))


# Title words that mark a job open to beginners.
_ENTRY_LEVEL = re.compile(
    r"\b(?:junior|einsteiger\w*|berufseinsteiger\w*|quereinsteiger\w*|berufsanf(?:ä|ae)nger\w*|"
    r"absolvent\w*|trainee\w*|graduate)\b",
    re.IGNORECASE,
)
# Postings offered for all of Germany rather than at their employer's address.
_NATIONWIDE = re.compile(r"\b(?:bundesweit|deutschlandweit)\b", re.IGNORECASE)
_ENTRY_KINDS = frozenset({"berufseinstieg", "trainee"})
# Only what the index needs: loading whole postings (HTML, JSON, signatures) would dominate a reindex.
_INDEXED_FIELDS = (
    "pk", "title", "beruf", "description", "lat", "lon", "published", "terms", "salary_min_cents",
    "salary_max_cents", "place_name", "region", "employer__name", "occupation__kldb", "occupation__name",
)  # fmt: skip


def document_for(posting: Posting) -> IndexDocument:
    """Return what the index keeps of a posting: text, place, date, occupation, employer, terms, pay."""
    occupation = posting.occupation
    employer = posting.employer.name if posting.employer else ""
    terms = posting.terms or {}
    body = " ".join(
        part
        for part in (employer, posting.beruf, occupation.name if occupation else "", posting.description)
        if part
    )
    offer_kinds = frozenset(terms.get("angebotsart") or ())
    remote = terms.get("homeoffice")
    return IndexDocument(
        posting_id=posting.pk,
        title=posting.title,
        body=body,
        lat=posting.lat,
        lon=posting.lon,
        published=posting.published,
        kldb=occupation.kldb if occupation else None,
        employer=employer or None,
        working_time=frozenset(terms.get("arbeitszeit") or ()),
        remote=Remote.FULL if remote == "full" else Remote.PARTIAL if remote == "partial" else None,
        fixed_term=terms.get("befristet"),
        temp_agency=bool(terms.get("zeitarbeit")),
        private_agency=bool(terms.get("pav")),
        offer_kinds=offer_kinds,
        entry_level=bool(offer_kinds & _ENTRY_KINDS or _ENTRY_LEVEL.search(posting.title)),
        salary_min_cents=posting.salary_min_cents,
        salary_max_cents=posting.salary_max_cents,
        nationwide=bool(
            _NATIONWIDE.search(posting.title)
            or (posting.lat is None and _NATIONWIDE.search(f"{posting.place_name} {posting.region}"))
        ),
    )


def _searchable() -> PostingQuerySet:
    """Return the postings search shows: current ones, one per duplicate cluster."""
    return Posting.objects.visible().select_related("employer", "occupation")


def _indexable() -> Iterator[Posting]:
    postings = _searchable().only(*_INDEXED_FIELDS)
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
        active = list(_searchable().filter(pk__in=ids).only(*_INDEXED_FIELDS))
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
