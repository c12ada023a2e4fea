"""Keep the search index in step with the database through the outbox table."""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from stellwerk.postings.models import IndexOutbox, Posting, PostingQuerySet
from stellwerk.search.geo import curve_keys
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
    "salary_max_cents", "place_name", "region", "employer_id", "employer__name", "occupation__kldb",
    "occupation__name",
)  # fmt: skip


def document_for(posting: Posting) -> IndexDocument:
    """Return what the index keeps of a posting: text, place, date, occupation, employer, terms, pay."""
    occupation, employer = posting.occupation, posting.employer
    return _document(
        {
            **{name: getattr(posting, name) for name in _INDEXED_FIELDS if "__" not in name},
            "employer__name": employer.name if employer else None,
            "occupation__kldb": occupation.kldb if occupation else None,
            "occupation__name": occupation.name if occupation else None,
        }
    )


def _document(row: Mapping[str, Any]) -> IndexDocument:
    """Return the index document of a posting's indexed fields (named as in _INDEXED_FIELDS)."""
    title, employer = row["title"], row["employer__name"] or ""
    terms = row["terms"] or {}
    body = " ".join(part for part in (employer, row["description"]) if part)
    occupation_text = " ".join(part for part in (row["beruf"], row["occupation__name"]) if part)
    offer_kinds = frozenset(terms.get("angebotsart") or ())
    remote = terms.get("homeoffice")
    return IndexDocument(
        posting_id=row["pk"],
        title=title,
        body=body,
        lat=row["lat"],
        lon=row["lon"],
        published=row["published"],
        kldb=row["occupation__kldb"],
        employer=employer or None,
        employer_number=row["employer_id"] if employer else None,
        working_time=frozenset(terms.get("arbeitszeit") or ()),
        remote=Remote.FULL if remote == "full" else Remote.PARTIAL if remote == "partial" else None,
        fixed_term=terms.get("befristet"),
        temp_agency=bool(terms.get("zeitarbeit")),
        private_agency=bool(terms.get("pav")),
        offer_kinds=offer_kinds,
        entry_level=bool(offer_kinds & _ENTRY_KINDS or _ENTRY_LEVEL.search(title)),
        salary_min_cents=row["salary_min_cents"],
        salary_max_cents=row["salary_max_cents"],
        occupation_text=occupation_text,
        nationwide=bool(
            _NATIONWIDE.search(title)
            or (row["lat"] is None and _NATIONWIDE.search(f"{row['place_name']} {row['region']}"))
        ),
    )


def _searchable() -> PostingQuerySet:
    """Return the postings search shows: current ones, one per duplicate cluster."""
    return Posting.objects.visible()


def _documents(postings: PostingQuerySet) -> Iterator[IndexDocument]:
    """Yield the index documents of postings, reading only the indexed fields (no model instances)."""
    rows = postings.order_by("pk").values_list(*_INDEXED_FIELDS).iterator(chunk_size=_BATCH)
    for values in rows:
        yield _document(dict(zip(_INDEXED_FIELDS, values, strict=True)))


def process_outbox(backend: SearchBackend | None = None) -> int:
    """Apply pending outbox entries to the index then delete them; return how many postings were refreshed."""
    backend = backend or search_backend()
    refreshed = 0
    while True:
        entries = list(IndexOutbox.objects.order_by("pk").values_list("pk", "posting_id")[:_BATCH])
        if not entries:
            return refreshed
        ids = {posting_id for _, posting_id in entries}
        documents = list(_documents(_searchable().filter(pk__in=ids)))
        gone = ids - {document.posting_id for document in documents}
        backend.upsert(documents, gone)
        # Delete only what was applied: entries added meanwhile stay for the next round.
        IndexOutbox.objects.filter(pk__lte=max(pk for pk, _ in entries), posting_id__in=ids).delete()
        refreshed += len(ids)


def _documents_by_place(postings: PostingQuerySet) -> Iterator[IndexDocument]:
    """Yield the index documents of postings, postings near each other one after another, and those that
    can be done from anywhere (fully remote, nationwide) after all others."""
    # A radius search walks the postings of its circle and those that can be done from anywhere; indexed in
    # this order, they lie in a few stretches of the index rather than all over it, and the words of a
    # search are looked up in those stretches only.
    located = postings.values_list("pk", "lat", "lon").iterator(chunk_size=_BATCH * 10)
    # Three numbers a posting, read into one array: a million tuples would take a few hundred MB.
    values = (math.nan if value is None else value for row in located for value in row)
    rows = np.fromiter(values, dtype=float).reshape(-1, 3)
    pks = rows[:, 0].astype(np.int64)
    ordered = pks[np.lexsort((pks, curve_keys(rows[:, 1], rows[:, 2])))].tolist()
    anywhere: list[int] = []
    for document in _documents_in_order(ordered):
        if document.location_independent:
            anywhere.append(document.posting_id)
        else:
            yield document
    # Read again rather than held: they may be many, and their descriptions long.
    yield from _documents_in_order(anywhere)


def _documents_in_order(pks: list[int]) -> Iterator[IndexDocument]:
    """Yield the index documents of these postings in this order, skipping those no longer there."""
    for start in range(0, len(pks), _BATCH):
        batch = pks[start : start + _BATCH]
        # By primary key alone: with the conditions of `postings` as well, SQLite walks every active posting
        # for each batch. A posting changed since the first read is in the outbox, like any change made
        # while a reindex runs, and is brought up to date after it (see reindex).
        documents = {d.posting_id: d for d in _documents(Posting.objects.filter(pk__in=batch))}
        yield from (documents[pk] for pk in batch if pk in documents)


def reindex(backend: SearchBackend | None = None) -> int:
    """Build a fresh index of all active postings, swap it in, and return how many it holds."""
    backend = backend or search_backend()
    high_water = IndexOutbox.objects.order_by("-pk").values_list("pk", flat=True).first()
    count = backend.rebuild(_documents_by_place(_searchable()))
    if high_water is not None:
        # The new index already reflects every change up to the moment it was read.
        IndexOutbox.objects.filter(pk__lte=high_water).delete()
    return count


def reindex_if_older(age: timedelta, backend: SearchBackend | None = None) -> int | None:
    """Rebuild the index if its last rebuild is older than age (or there was none); return the count if so."""
    backend = backend or search_backend()
    built = backend.built_at()
    if built is not None and timezone.now() - built < age:
        return None
    return reindex(backend)


def enqueue(posting_ids: Iterable[int]) -> None:
    """Record postings for reindexing and refresh the index once the transaction commits."""
    IndexOutbox.objects.bulk_create([IndexOutbox(posting_id=pid) for pid in posting_ids])
    transaction.on_commit(process_outbox)
