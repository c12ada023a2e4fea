"""The connectors' HTTP layer against a real local server: retries, backoff, Retry-After, limits, rate."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import httpx
import pytest

from sources.ba_upstream import API_KEY, BaUpstream, FakeClock, Fault, sample_postings
from stellwerk.sources.http import (
    HttpClient,
    HttpPolicy,
    ResponseTooLarge,
    RetriesExhausted,
    UnexpectedStatus,
)

KEY = {"X-API-Key": API_KEY}


@pytest.fixture
def upstream() -> Iterator[BaUpstream]:
    """Serve the 47 sample postings."""
    with BaUpstream(sample_postings()) as server:
        yield server


def http_client(clock: FakeClock, **policy: object) -> HttpClient:
    settings: dict[str, object] = {"requests_per_second": 0, "timeout": 0.3, "max_attempts": 8} | policy
    return HttpClient(policy=HttpPolicy(**settings), clock=clock, rng=random.Random(7))  # type: ignore[arg-type]


def jobs_url(upstream: BaUpstream) -> str:
    return upstream.base_url + "/pc/v6/jobs"


def test_passing_faults_are_retried_until_the_answer_comes(upstream: BaUpstream) -> None:
    faults = [
        Fault.slow(2.0),
        Fault.http(500),
        Fault.http(502),
        Fault.http(503),
        Fault.truncated(),
        Fault.malformed(),
        Fault.disconnect(),
    ]
    for fault in faults:
        upstream.add_fault(fault)
    clock = FakeClock()
    with http_client(clock) as http:
        status, data = http.get_json(jobs_url(upstream), params={"size": "5"}, headers=KEY)
    assert status == 200
    assert data["maxErgebnisse"] == 47
    assert len(data["ergebnisliste"]) == 5
    assert len(upstream.requests) == len(faults) + 1
    assert len(clock.sleeps) == len(faults)


def test_retry_after_is_honoured_in_seconds_and_as_http_date_and_capped(upstream: BaUpstream) -> None:
    upstream.add_fault(Fault.http(429, retry_after="3"))
    upstream.add_fault(Fault.http(503, retry_after_in=7))
    upstream.add_fault(Fault.http(429, retry_after="3600"))
    clock = FakeClock()
    with http_client(clock, retry_after_max=60.0) as http:
        assert http.get_json(jobs_url(upstream), headers=KEY)[0] == 200
    assert clock.sleeps == [3.0, 7.0, 60.0]


def test_backoff_grows_exponentially_with_jitter_and_is_capped(upstream: BaUpstream) -> None:
    upstream.add_fault(Fault.http(500), times=6)
    clock = FakeClock()
    with http_client(clock, backoff_base=1.0, backoff_max=10.0) as http:
        http.get_json(jobs_url(upstream), headers=KEY)
    ceilings = [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert len(clock.sleeps) == len(ceilings)
    for slept, ceiling in zip(clock.sleeps, ceilings, strict=True):
        assert ceiling / 2 <= slept <= ceiling
    # Jitter: the waits are not simply the lower bounds.
    assert any(slept > ceiling / 2 + 0.01 for slept, ceiling in zip(clock.sleeps, ceilings, strict=True))


def test_exhausted_retries_raise_with_the_last_reason_in_plain_words(upstream: BaUpstream) -> None:
    upstream.add_fault(Fault.http(503), times=10)
    with http_client(FakeClock(), max_attempts=3) as http, pytest.raises(RetriesExhausted) as raised:
        http.get_json(jobs_url(upstream), headers=KEY)
    assert "gave up after 3 attempts" in str(raised.value)
    assert "HTTP 503" in str(raised.value)
    assert raised.value.status == 503
    assert len(upstream.requests) == 3


def test_a_timeout_is_retried_and_named_when_it_persists(upstream: BaUpstream) -> None:
    upstream.add_fault(Fault.slow(2.0), times=2)
    started = time.monotonic()
    with (
        http_client(FakeClock(), max_attempts=2, timeout=0.2) as http,
        pytest.raises(RetriesExhausted) as raised,
    ):
        http.get(jobs_url(upstream), headers=KEY)
    assert "no answer within 0.2 s" in str(raised.value)
    assert time.monotonic() - started < 1.5


def test_statuses_that_would_not_change_fail_at_once(upstream: BaUpstream) -> None:
    with http_client(FakeClock()) as http:
        with pytest.raises(UnexpectedStatus, match="HTTP 400") as raised:
            http.get_json(jobs_url(upstream), params={"size": "100", "page": "101"}, headers=KEY)
        assert raised.value.status == 400
        with pytest.raises(UnexpectedStatus, match="HTTP 403"):
            http.get_json(jobs_url(upstream))
        # A status the caller accepts is returned, without a body to parse.
        missing = upstream.base_url + "/pc/v4/jobdetails/eA=="
        assert http.get_json(missing, headers=KEY, accept=(200, 404)) == (404, None)
    assert len(upstream.requests) == 3


def test_an_answer_over_the_size_limit_is_abandoned(upstream: BaUpstream) -> None:
    with http_client(FakeClock(), max_response_bytes=1000) as http:
        with pytest.raises(ResponseTooLarge, match="announces"):
            http.get(jobs_url(upstream), params={"size": "50"}, headers=KEY)
        # Without a Content-Length the body is counted while it streams in.
        upstream.add_fault(Fault.huge(5_000_000))
        started = time.monotonic()
        with pytest.raises(ResponseTooLarge, match="exceeded the limit of 1,000 bytes"):
            http.get(jobs_url(upstream), headers=KEY)
        assert time.monotonic() - started < 1.0
    # Not retried: the same request would bring the same body.
    assert len(upstream.requests) == 2


def test_requests_to_one_host_keep_the_rate_and_hosts_do_not_wait_for_each_other() -> None:
    clock = FakeClock()
    sent: list[tuple[str, float]] = []

    def note(request: httpx.Request) -> None:
        sent.append((request.url.host, clock.monotonic()))

    with (
        BaUpstream(sample_postings()) as first,
        BaUpstream(sample_postings(), host="127.0.0.2") as second,
        httpx.Client(event_hooks={"request": [note]}) as raw,
        HttpClient(raw, HttpPolicy(requests_per_second=4.0), clock=clock) as http,
    ):
        for _ in range(4):
            http.get(jobs_url(first), headers=KEY)
            http.get(jobs_url(second), headers=KEY)
    for host in ("127.0.0.1", "127.0.0.2"):
        times = [at for name, at in sent if name == host]
        assert times == pytest.approx([0.0, 0.25, 0.5, 0.75])
    assert clock.now == pytest.approx(0.75)


def test_the_rate_limit_holds_in_real_time(upstream: BaUpstream) -> None:
    with HttpClient(policy=HttpPolicy(requests_per_second=20.0)) as http:
        for _ in range(5):
            http.get(jobs_url(upstream), params={"size": "1"}, headers=KEY)
    # Arrival times carry the scheduling noise of a shared machine; the span of four gaps does not lie.
    arrivals = [request.at for request in upstream.requests]
    assert arrivals[-1] - arrivals[0] >= 0.19


def test_a_policy_refuses_settings_that_cannot_work() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        HttpPolicy(max_attempts=0)
