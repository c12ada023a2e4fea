"""The index follows the database: each visible posting with its terms; expired ones and duplicates not."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from stellwerk.postings.indexing import (
    _documents,
    _documents_by_place,
    _searchable,
    document_for,
    enqueue,
    process_outbox,
    reindex,
    reindex_if_older,
    search_backend,
)
from stellwerk.postings.models import Cluster, Posting
from stellwerk.search.interfaces import Remote, SearchQuery

pytestmark = pytest.mark.django_db


def indexed_ids(**kwargs: object) -> set[int]:
    result = search_backend().search(SearchQuery(limit=100, **kwargs))  # type: ignore[arg-type]
    return {hit.posting_id for hit in result.hits}


def test_the_fast_reindex_path_gives_the_same_documents_as_document_for(sample_postings: None) -> None:
    fast = {d.posting_id: d for d in _documents(_searchable())}
    postings = Posting.objects.select_related("employer", "occupation")
    assert fast == {p.pk: document_for(p) for p in postings}


def test_a_reindex_reads_postings_near_each_other_one_after_another(sample_postings: None) -> None:
    remote = Posting.objects.filter(lat__isnull=False).order_by("pk").first()
    assert remote is not None
    remote.terms = {**(remote.terms or {}), "homeoffice": "full"}
    remote.save()
    by_place = list(_documents_by_place(_searchable()))
    assert sorted(d.posting_id for d in by_place) == sorted(d.posting_id for d in _documents(_searchable()))
    # Postings that can be done from anywhere come last, then each place's postings together, and postings
    # without coordinates after those with.
    assert by_place[-1].posting_id == remote.pk
    places = [(d.lat, d.lon) for d in by_place[:-1]]
    runs = [place for i, place in enumerate(places) if i == 0 or places[i - 1] != place]
    assert len(runs) == len(set(runs))
    located = [place for place in places if place != (None, None)]
    assert places[: len(located)] == located


def test_terms_pay_and_kind_reach_the_index(sample_postings: None) -> None:
    posting = Posting.objects.filter(lat__isnull=False).first()
    assert posting is not None
    posting.terms = {
        "arbeitszeit": ["tz", "ho"], "homeoffice": "full", "befristet": False, "zeitarbeit": True,
        "angebotsart": ["trainee"],
    }  # fmt: skip
    posting.salary_min_cents, posting.salary_max_cents = 300000, 350000
    posting.published = date(2025, 9, 30)
    with transaction.atomic():
        posting.save()
        enqueue([posting.pk])
    process_outbox()
    document = document_for(posting)
    assert document.remote == Remote.FULL
    assert document.entry_level
    assert document.location_independent
    assert posting.pk in indexed_ids(working_time=frozenset({"tz"}))
    assert indexed_ids(remote=Remote.FULL) == {posting.pk}
    assert posting.pk in indexed_ids(remote=Remote.FULL, fixed_term=False, entry_level=True)
    assert posting.pk not in indexed_ids(include_temp_agency=False)
    assert posting.pk in indexed_ids(salary_from_cents=340000)
    assert posting.pk in indexed_ids(published_since=date(2025, 9, 30))


def test_expired_postings_and_duplicates_leave_the_index(sample_postings: None, search_index: Path) -> None:
    expired, duplicate, canonical = Posting.objects.order_by("pk")[:3]
    now = timezone.now()
    with transaction.atomic():
        Posting.objects.filter(pk=expired.pk).update(status=Posting.Status.EXPIRED)
        cluster = Cluster.objects.create(canonical=canonical, size=2, first_seen=now, last_seen=now)
        Posting.objects.filter(pk__in=[duplicate.pk, canonical.pk]).update(cluster=cluster)
        enqueue([expired.pk, duplicate.pk, canonical.pk])
    process_outbox()
    shown = indexed_ids()
    assert expired.pk not in shown
    assert duplicate.pk not in shown
    assert canonical.pk in shown
    assert reindex() == 45
    assert search_backend().count() == 45


def test_the_index_is_rebuilt_when_its_last_rebuild_is_older_than_asked(sample_postings: None) -> None:
    backend = search_backend()
    visible = Posting.objects.visible().count()
    assert reindex_if_older(timedelta(days=1), backend) == visible
    built = backend.built_at()
    assert built is not None
    assert timezone.now() - built < timedelta(minutes=5)
    assert reindex_if_older(timedelta(days=1), backend) is None
    assert reindex_if_older(timedelta(0), backend) == visible
    assert backend.built_at() != built
