"""`ingest_ba` against a local imitation of the BA API: faults, resumption, the index matching the DB."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from sources.ba_upstream import (
    BaUpstream,
    FakeClock,
    Fault,
    sample_postings,
    synthetic_postings,
    with_duplicates,
)
from stellwerk.normalize.posting import default_normalizers
from stellwerk.postings.indexing import process_outbox, search_backend
from stellwerk.postings.ingest import ingest_ba
from stellwerk.postings.models import Posting, SourceRecord, SourceRun
from stellwerk.sources.ba_api import BaJobsucheClient, JobQuery
from stellwerk.sources.http import HttpClient, HttpPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def http() -> Iterator[HttpClient]:
    policy = HttpPolicy(requests_per_second=0, timeout=0.3, max_attempts=6)
    with HttpClient(policy=policy, clock=FakeClock(), rng=random.Random(7)) as client:
        yield client


def stored_refnrs() -> list[str]:
    return list(SourceRecord.objects.filter(source="ba").values_list("external_id", flat=True))


def test_after_a_run_with_faults_every_posting_offered_is_stored_exactly_once(
    http: HttpClient, reference_data: None, search_index: Path
) -> None:
    with BaUpstream(with_duplicates(sample_postings(), every=5)) as upstream:
        for fault in (Fault.slow(1.0), Fault.http(429, retry_after="2"), Fault.http(503), Fault.truncated()):
            upstream.add_fault(fault, endpoint="search")
        upstream.add_fault(Fault.malformed(), endpoint="details")
        upstream.add_fault(Fault.http(500), endpoint="details")
        client = BaJobsucheClient(http, base_url=upstream.base_url, page_size=10, details=True)
        run = ingest_ba(client, JobQuery(), default_normalizers())
        offered = upstream.refnrs()
    assert run.status == SourceRun.Status.FINISHED, run.errors
    refnrs = stored_refnrs()
    assert sorted(refnrs) == sorted(offered)
    assert len(offered) == 47
    assert run.new == 47
    # Postings with details carry their full text.
    assert Posting.objects.exclude(description="").count() >= 30
    process_outbox()
    assert search_backend().count() == Posting.objects.visible().count() == 47


def test_a_run_cut_off_by_a_failing_upstream_resumes_where_it_stopped(
    http: HttpClient, reference_data: None, search_index: Path
) -> None:
    with BaUpstream(synthetic_postings(250)) as upstream:
        upstream.add_fault(Fault.http(503), endpoint="search", page=3, times=10)
        client = BaJobsucheClient(http, base_url=upstream.base_url, page_size=50)
        first = ingest_ba(client, JobQuery(), default_normalizers())
        assert first.status == SourceRun.Status.FAILED
        assert first.errors[-1].startswith("Abgebrochen")
        assert len(stored_refnrs()) == 100
        pages_before = len(upstream.searches())
        second = ingest_ba(client, JobQuery(), default_normalizers())
        resumed_pages = sorted({request.page for request in upstream.searches()[pages_before:]})
        offered = upstream.refnrs()
    assert second.pk == first.pk
    assert second.status == SourceRun.Status.FINISHED
    assert sorted(stored_refnrs()) == sorted(offered)
    assert 1 not in resumed_pages
    assert 2 not in resumed_pages
