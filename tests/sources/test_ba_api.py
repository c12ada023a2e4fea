"""The BA Jobsuche client against the imitation API: faults, the 10,000 cap, splitting, resuming, mapping."""

from __future__ import annotations

import itertools
import json
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sources.ba_upstream import (
    BaUpstream,
    FakeClock,
    Fault,
    UpstreamPosting,
    sample_postings,
    synthetic_postings,
    with_duplicates,
)
from stellwerk.domain.postings import RawRecord
from stellwerk.sources.ba_api import (
    MAX_REACHABLE,
    BaJobsucheClient,
    Checkpoint,
    CheckpointMismatch,
    JobQuery,
    Page,
)
from stellwerk.sources.ba_jobsuche import API_SOURCE, DETAILS_PART, SEARCH_PART, map_record
from stellwerk.sources.http import HttpClient, HttpPolicy, RetriesExhausted, UnexpectedStatus


@pytest.fixture
def upstream() -> Iterator[BaUpstream]:
    """Serve the 47 sample postings."""
    with BaUpstream(sample_postings()) as server:
        yield server


_OPEN: list[HttpClient] = []


@pytest.fixture(autouse=True)
def close_clients() -> Iterator[None]:
    """Close the HTTP clients a test made, so that no connection outlives it."""
    yield
    while _OPEN:
        _OPEN.pop().close()


def make_client(upstream: BaUpstream, clock: FakeClock | None = None, **options: Any) -> BaJobsucheClient:
    policy = HttpPolicy(requests_per_second=0, timeout=0.3, max_attempts=options.pop("max_attempts", 6))
    http = HttpClient(policy=policy, clock=clock or FakeClock(), rng=random.Random(3))
    _OPEN.append(http)
    return BaJobsucheClient(http, base_url=upstream.base_url, **options)


def records_of(pages: list[Page]) -> list[RawRecord]:
    return [record for page in pages for record in page.records]


def test_a_run_through_every_fault_yields_each_posting_once_with_its_details() -> None:
    postings = with_duplicates(sample_postings(), every=5)
    with BaUpstream(postings) as upstream:
        faults = {
            2: Fault.slow(2.0),
            3: Fault.http(429, retry_after="2"),
            4: Fault.http(500),
            5: Fault.http(503, retry_after_in=3),
            6: Fault.truncated(),
            7: Fault.malformed(),
            8: Fault.empty(),
            9: Fault.disconnect(),
        }
        for page, fault in faults.items():
            upstream.add_fault(fault, endpoint="search", page=page)
        for fault in (Fault.http(500), Fault.slow(2.0), Fault.truncated(), Fault.http(429, retry_after="1")):
            upstream.add_fault(fault, endpoint="details")
        pages = list(make_client(upstream, page_size=5, details=True).harvest(JobQuery()))
    records = records_of(pages)
    refnrs = [record.external_id for record in records]
    assert set(refnrs) == upstream.refnrs()
    assert len(refnrs) == len(set(refnrs)) == 47
    assert sum(page.duplicates for page in pages) == len(postings) - 47
    assert not any(page.shortfalls or page.errors or page.detail_failures for page in pages)
    assert pages[-1].done
    assert not any(page.done for page in pages[:-1])
    served = {posting.refnr: posting for posting in postings}
    for record in records:
        assert record.source == API_SOURCE
        assert record.payload[SEARCH_PART]["referenznummer"] == record.external_id
        # Partner postings have no detail page (404): the search item is kept, details are null.
        assert record.payload[DETAILS_PART] == served[record.external_id].details
    assert any(record.payload[DETAILS_PART] is None for record in records)


def test_details_that_fail_for_one_posting_keep_it_and_a_failing_upstream_ends_the_run(
    upstream: BaUpstream,
) -> None:
    upstream.add_fault(Fault.http(410), endpoint="details")
    first = next(make_client(upstream, page_size=5, details=True).harvest(JobQuery()))
    [failure] = first.detail_failures
    refnr = first.records[0].external_id
    assert failure.startswith(f"{refnr}: ")
    assert "HTTP 410" in failure
    assert first.records[0].payload[DETAILS_PART] is None
    assert all(record.payload[DETAILS_PART] for record in first.records[1:])
    upstream.add_fault(Fault.http(503), endpoint="details", times=3)
    with pytest.raises(RetriesExhausted, match="jobdetails"):
        next(make_client(upstream, page_size=5, details=True, max_attempts=3).harvest(JobQuery()))


def test_every_request_stays_within_the_api_limits_and_sends_the_key(upstream: BaUpstream) -> None:
    list(make_client(upstream, page_size=7).harvest(JobQuery(was="Pflege", veroeffentlichtseit=7)))
    assert upstream.searches()
    for request in upstream.searches():
        assert request.path.endswith("/pc/v6/jobs")
        assert request.headers["x-api-key"] == "jobboerse-jobsuche"
        assert request.size <= 100
        assert request.page * request.size <= MAX_REACHABLE
        assert request.params["was"] == "Pflege"
        assert request.params["veroeffentlichtseit"] == "7"


def test_a_retired_v4_search_path_is_named_as_such() -> None:
    with BaUpstream(sample_postings(), search_versions=("v6",)) as upstream:
        with pytest.raises(UnexpectedStatus, match="moved to v6"):
            make_client(upstream, version="v4").search(JobQuery())
        assert make_client(upstream).search(JobQuery()).total == 47


def test_a_wrong_api_key_fails_clearly(upstream: BaUpstream) -> None:
    http = HttpClient(policy=HttpPolicy(requests_per_second=0))
    _OPEN.append(http)
    client = BaJobsucheClient(http, base_url=upstream.base_url, api_key="falsch")
    with pytest.raises(UnexpectedStatus, match="HTTP 403"):
        list(client.harvest(JobQuery()))


def test_v4_and_v6_answers_of_the_same_postings_map_to_equal_posting_data(upstream: BaUpstream) -> None:
    mapped: dict[tuple[str, bool], dict[str, Any]] = {}
    for version in ("v4", "v6"):
        for details in (False, True):
            client = make_client(upstream, version=version, details=details, page_size=20)
            records = records_of(list(client.harvest(JobQuery())))
            mapped[version, details] = {record.external_id: map_record(record) for record in records}
    assert mapped["v4", False].keys() == upstream.refnrs()
    assert mapped["v4", False] == mapped["v6", False]
    assert mapped["v4", True] == mapped["v6", True]
    with_details = [data for data in mapped["v6", True].values() if data.description]
    assert with_details
    assert all(data.salary_text and data.terms for data in with_details)
    v4_paths = {request.path.rsplit("/", 2)[-2] for request in upstream.searches()}
    assert v4_paths == {"v4", "v6"}


def test_results_over_the_cap_are_split_by_occupation_field_and_resumed_without_loss() -> None:
    with BaUpstream(synthetic_postings(12_000)) as upstream:
        client = make_client(upstream)
        first_run: list[Page] = []
        for page in client.harvest(JobQuery()):
            first_run.append(page)
            if len(first_run) == 45:
                break  # the process dies after storing this page
        saved = json.loads(json.dumps(first_run[-1].checkpoint))
        second_run = list(make_client(upstream).harvest(JobQuery(), checkpoint=saved))
    refnrs = {record.external_id for record in records_of(first_run + second_run)}
    assert refnrs == upstream.refnrs()
    assert not any(page.shortfalls for page in first_run + second_run)
    parts = {page.query.berufsfeld for page in first_run + second_run}
    assert parts == {None, "Gesundheit", "Informatik", "Verkehr, Logistik"}
    assert all(request.page * request.size <= MAX_REACHABLE for request in upstream.searches())
    # The second run starts where the first stopped: one probe, 44 pages, then the rest, none twice. Distinct
    # requests are counted, as a loaded machine may time out and retry one.
    asked = {tuple(sorted(request.params.items())) for request in upstream.searches()}
    assert len(asked) == len(first_run) + len(second_run)
    assert Checkpoint.from_json(second_run[-1].checkpoint).done


def test_without_facets_the_split_goes_by_land_and_postings_abroad_are_reported() -> None:
    postings = synthetic_postings(10_500, abroad_every=50)
    abroad = {p.refnr for p in postings if p.item["arbeitsort"]["land"] != "Deutschland"}
    with BaUpstream(postings, facets=False) as upstream:
        pages = list(make_client(upstream).harvest(JobQuery()))
    refnrs = {record.external_id for record in records_of(pages)}
    assert refnrs >= upstream.refnrs() - abroad
    shortfalls = [gap for page in pages for gap in page.shortfalls]
    assert len(shortfalls) == 1
    assert shortfalls[0].count == len(abroad) == 210
    assert "Bundesland" in shortfalls[0].reason
    assert shortfalls[0].query == JobQuery()
    assert "210 Stellen nicht abrufbar" in shortfalls[0].note()
    assert Checkpoint.from_json(pages[-1].checkpoint).unreachable == 210


def test_a_part_no_split_can_shrink_is_fetched_to_the_cap_and_the_rest_reported() -> None:
    postings = synthetic_postings(10_050, berufsfelder=["Gesundheit"], laender=["Bayern"], befristung=[1])
    with BaUpstream(postings) as upstream:
        pages = list(make_client(upstream).harvest(JobQuery()))
    refnrs = [record.external_id for record in records_of(pages)]
    assert len(refnrs) == len(set(refnrs)) == MAX_REACHABLE
    shortfalls = [gap for page in pages for gap in page.shortfalls]
    assert [(gap.count, gap.query) for gap in shortfalls] == [(50, JobQuery(wo="Bayern", befristung=(1,)))]
    assert "keine Aufteilung" in shortfalls[0].reason


def test_a_harvest_that_fails_midway_resumes_from_the_last_stored_page(upstream: BaUpstream) -> None:
    upstream.add_fault(Fault.http(503), endpoint="search", page=5, times=3)
    stored: list[Page] = []
    pages = make_client(upstream, page_size=5, max_attempts=3).harvest(JobQuery())
    with pytest.raises(RetriesExhausted):
        stored.extend(pages)
    assert [page.number for page in stored] == [1, 2, 3, 4]
    rest = list(make_client(upstream, page_size=5).harvest(JobQuery(), stored[-1].checkpoint))
    assert [page.number for page in rest] == [5, 6, 7, 8, 9, 10]
    assert {r.external_id for r in records_of(stored + rest)} == upstream.refnrs()
    # A finished checkpoint fetches nothing more.
    assert list(make_client(upstream, page_size=5).harvest(JobQuery(), rest[-1].checkpoint)) == []


def test_a_checkpoint_of_another_query_or_version_is_refused(upstream: BaUpstream) -> None:
    page = next(make_client(upstream, page_size=5).harvest(JobQuery(wo="Bamberg")))
    with pytest.raises(CheckpointMismatch, match="wo=Bamberg"):
        next(make_client(upstream).harvest(JobQuery(wo="Berlin"), page.checkpoint))
    with pytest.raises(CheckpointMismatch):
        next(make_client(upstream, version="v4").harvest(JobQuery(wo="Bamberg"), page.checkpoint))
    with pytest.raises(CheckpointMismatch, match="damaged"):
        next(make_client(upstream).harvest(JobQuery(wo="Bamberg"), {**page.checkpoint, "tasks": [{}]}))


def test_a_page_that_stays_short_is_reported_and_the_harvest_goes_on(upstream: BaUpstream) -> None:
    upstream.add_fault(Fault.empty(), endpoint="search", page=2, times=3)
    clock = FakeClock()
    pages = list(make_client(upstream, clock, page_size=10).harvest(JobQuery()))
    gaps = [gap for page in pages for gap in page.shortfalls]
    assert [(gap.count, "Seite 2" in gap.reason) for gap in gaps] == [(10, True)]
    assert len({r.external_id for r in records_of(pages)}) == 37
    assert clock.sleeps == [2.0, 2.0]


def test_items_that_cannot_be_records_become_read_errors() -> None:
    postings = [*sample_postings()[:3], UpstreamPosting({"titel": "ohne Nummer", "beruf": "Koch/Köchin"})]
    with BaUpstream(postings) as upstream:
        pages = list(make_client(upstream).harvest(JobQuery()))
    assert len(records_of(pages)) == 3
    [error] = pages[0].errors
    assert error.source == API_SOURCE
    assert error.locator.startswith("v6 Seite 1 [3]")
    assert "referenznummer" in error.reason


def test_a_search_without_matches_yields_one_finished_page(upstream: BaUpstream) -> None:
    pages = list(make_client(upstream).harvest(JobQuery(was="Astronaut")))
    assert [(page.total, page.records, page.done) for page in pages] == [(0, (), True)]


def test_the_rate_limit_is_kept_across_searches_and_details(upstream: BaUpstream) -> None:
    clock = FakeClock()
    sent: list[float] = []
    with httpx.Client(event_hooks={"request": [lambda request: sent.append(clock.monotonic())]}) as raw:
        http = HttpClient(raw, HttpPolicy(requests_per_second=3.0), clock=clock)
        client = BaJobsucheClient(http, base_url=upstream.base_url, page_size=20, details=True)
        list(client.harvest(JobQuery()))
    assert len(sent) > 40
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert min(gaps) >= 1 / 3 - 1e-9


def test_queries_are_sent_as_the_api_reads_them_and_survive_a_checkpoint() -> None:
    query = JobQuery(
        was="Pflegefachkraft",
        wo="Dortmund",
        umkreis=25,
        arbeitszeit=("vz", "tz"),
        befristung=(2,),
        zeitarbeit=False,
        angebotsart=1,
    )
    assert query.params() == {
        "was": "Pflegefachkraft",
        "wo": "Dortmund",
        "umkreis": "25",
        "angebotsart": "1",
        "arbeitszeit": "vz;tz",
        "befristung": "2",
        "zeitarbeit": "false",
    }
    assert JobQuery.from_json(json.loads(json.dumps(query.to_json()))) == query
    assert JobQuery().describe() == "alle Stellen"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"veroeffentlichtseit": 101}, "veroeffentlichtseit"),
        ({"arbeitszeit": ("vollzeit",)}, "arbeitszeit"),
        ({"befristung": (3,)}, "befristung"),
        ({"angebotsart": 3}, "angebotsart"),
    ],
)
def test_a_query_the_api_would_not_understand_is_refused(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        JobQuery(**options)


def test_a_page_beyond_the_cap_is_never_requested(upstream: BaUpstream) -> None:
    client = make_client(upstream)
    with pytest.raises(ValueError, match="beyond"):
        client.search(JobQuery(), page=101, size=100)
    with pytest.raises(ValueError, match="page_size"):
        make_client(upstream, page_size=101)
