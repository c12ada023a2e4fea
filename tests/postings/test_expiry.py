"""Expiry: past the end date or gone from a complete listing, a posting leaves search but stays stored."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from stellwerk.domain.postings import RawRecord
from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.expiry import GONE, expire_due, expire_missing
from stellwerk.postings.importing import import_records
from stellwerk.postings.indexing import process_outbox, search_backend
from stellwerk.postings.models import Posting
from stellwerk.search.interfaces import SearchQuery

pytestmark = pytest.mark.django_db


def record(refnr: str, title: str = "Pflegefachkraft (m/w/d)", **fields: object) -> RawRecord:
    payload = {"refnr": refnr, "titel": title, "arbeitgeber": "Klinikum Dortmund", **fields}
    payload.setdefault("arbeitsort", {"ort": "Dortmund", "plz": "44137"})
    return RawRecord(source="ba", external_id=refnr, payload=payload, locator=refnr)


def found(text: str) -> set[int]:
    process_outbox()
    return {hit.posting_id for hit in search_backend().search(SearchQuery(text=text)).hits}


def test_a_posting_past_its_end_date_expires_and_leaves_search(
    reference_data: None, search_index: Path
) -> None:
    soon = timezone.localdate() + timedelta(days=3)
    import_records([record("1"), record("2", "Pflegefachkraft Intensivstation")], default_normalizers())
    Posting.objects.filter(source_record__external_id="1").update(valid_through=soon)
    assert expire_due(today=soon + timedelta(days=1)) == 1
    expired = Posting.objects.get(source_record__external_id="1")
    assert expired.status == Posting.Status.EXPIRED
    assert expired.expiry_reason == f"gültig bis {soon:%d.%m.%Y}"
    assert found("Pflegefachkraft") == {Posting.objects.get(source_record__external_id="2").pk}
    assert expire_due(today=soon + timedelta(days=1)) == 0


def test_a_posting_gone_from_a_complete_listing_expires_and_comes_back_when_listed_again(
    reference_data: None, search_index: Path
) -> None:
    tools = default_normalizers()
    import_records([record("1", "Pflegefachkraft"), record("2", "Pflegehelfer"), record("3", "MFA")], tools)
    assert expire_missing("ba", {"1", "3"}) == 1
    gone = Posting.objects.get(source_record__external_id="2")
    assert (gone.status, gone.expiry_reason) == (Posting.Status.EXPIRED, GONE)
    assert gone.pk not in found("Pflegehelfer")
    import_records([record("2", "Pflegehelfer")], tools)
    back = Posting.objects.get(pk=gone.pk)
    assert (back.status, back.expiry_reason, back.expired_at) == (Posting.Status.ACTIVE, "", None)
    assert back.pk in found("Pflegehelfer")


def test_other_sources_are_not_expired_by_a_listing(reference_data: None, search_index: Path) -> None:
    import_records([record("1")], default_normalizers())
    assert expire_missing("feed:klinikum", set()) == 0
    assert Posting.objects.get().status == Posting.Status.ACTIVE
