"""The posting page: every source of a job, duplicates folded into one page, expired offers answer 410."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from stellwerk.postings.models import Cluster, Posting

pytestmark = pytest.mark.django_db


def pair_of_same_occupation() -> tuple[Posting, Posting]:
    codes = Posting.objects.filter(occupation__isnull=False, place__isnull=False).values_list(
        "occupation_id", flat=True
    )
    for code in codes.order_by("occupation_id").distinct():
        postings = list(Posting.objects.filter(occupation_id=code, place__isnull=False).order_by("pk")[:2])
        if len(postings) == 2:
            return postings[0], postings[1]
    raise AssertionError("the sample has no two postings of one occupation")


def test_an_expired_posting_answers_410_with_similar_current_offers(
    client: Client, sample_postings: None
) -> None:
    gone, current = pair_of_same_occupation()
    Posting.objects.filter(pk=gone.pk).update(
        status=Posting.Status.EXPIRED, expired_at=timezone.now(), expiry_reason="gültig bis 01.11.2026"
    )
    response = client.get(gone.get_absolute_url())
    assert response.status_code == 410
    page = response.content.decode()
    assert "nicht mehr verfügbar (gültig bis 01.11.2026)" in page
    assert current.get_absolute_url() in page
    assert 'content="noindex"' in page
    assert "application/ld+json" not in page


def test_a_duplicate_leads_to_its_canonical_posting_which_lists_every_source(
    client: Client, sample_postings: None
) -> None:
    canonical, duplicate = pair_of_same_occupation()
    now = timezone.now()
    cluster = Cluster.objects.create(canonical=canonical, size=2, first_seen=now, last_seen=now)
    Posting.objects.filter(pk=canonical.pk).update(cluster=cluster)
    Posting.objects.filter(pk=duplicate.pk).update(
        cluster=cluster, duplicate_reason="gleicher Text (Jaccard 0,93), gleicher Arbeitgeber"
    )
    response = client.get(duplicate.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == canonical.get_absolute_url()
    page = client.get(canonical.get_absolute_url()).content.decode()
    assert "Veröffentlicht bei 2 Quellen" in page
    assert duplicate.source_record.external_id in page
    assert "Als dasselbe Angebot erkannt: gleicher Text (Jaccard 0,93), gleicher Arbeitgeber" in page
