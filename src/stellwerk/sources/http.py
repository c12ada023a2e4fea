"""HTTP for the connectors: per-host rate limits, retries with backoff, bounded answers, plain-worded errors.

Decisions, each covered by a test in tests/sources/test_http.py:

- Every attempt, retries included, first waits for its host's rate limit (requests per second, per host name).
  Waiting reserves the slot under a lock, so threads sharing a client keep the limit too.
- Timeouts, connection errors, 429, 500, 502, 503, 504 and a 200 whose JSON does not parse (a proxy cut the
  body short) are retried up to `max_attempts` in all. Other statuses the caller did not accept (400, 401,
  403, 404 ...) fail at once: asking again would get the same answer.
- The wait before a retry is exponential (`backoff_base` × 2^(attempt-1), at most `backoff_max`) with "equal
  jitter": half of it fixed, half random, so that clients that failed together do not return together.
  A `Retry-After` on a 429 or 503 replaces it, in seconds or as an HTTP date (read against the answer's own
  `Date` header when it has one, so that clock skew does not matter), capped at `retry_after_max`.
- An answer is streamed and abandoned as soon as it exceeds `max_response_bytes` (decoded), or at once when
  its Content-Length says so: one bad upstream must not fill the memory.
- Time comes from an injectable `Clock`, so tests measure waits without waiting.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "stellwerk/0.1 (self-hosted job-market platform)"


class Clock(Protocol):
    """Where waits and time come from; tests inject one that does not sleep."""

    def monotonic(self) -> float:
        """Return seconds on a clock that never goes back."""
        ...

    def time(self) -> float:
        """Return the wall-clock time in seconds since the epoch."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait for the given number of seconds."""
        ...


class SystemClock:
    """The real clock."""

    def monotonic(self) -> float:
        """Return time.monotonic()."""
        return time.monotonic()

    def time(self) -> float:
        """Return time.time()."""
        return time.time()

    def sleep(self, seconds: float) -> None:
        """Sleep for real."""
        time.sleep(seconds)


class UpstreamError(Exception):
    """An upstream gave no usable answer; the message says why in plain words."""

    def __init__(self, message: str, *, url: str, attempts: int = 1, status: int | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.attempts = attempts
        self.status = status


class RetriesExhausted(UpstreamError):
    """Every attempt failed with a fault that might have passed (timeout, 429, 5xx, broken body)."""


class UnexpectedStatus(UpstreamError):
    """The upstream answered with a status that asking again would not change (400, 403, ...)."""


class ResponseTooLarge(UpstreamError):
    """The answer was larger than the configured limit and was abandoned."""


@dataclass(frozen=True, slots=True)
class HttpPolicy:
    """Limits and retry settings for one HttpClient."""

    requests_per_second: float = 2.0
    # Host name -> requests per second, for hosts that allow more or less than the default; 0 means no limit.
    host_rates: Mapping[str, float] = field(default_factory=dict)
    max_attempts: int = 5
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    retry_after_max: float = 120.0
    timeout: float = 30.0
    max_response_bytes: int = 16 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.max_response_bytes < 1:
            raise ValueError("max_response_bytes must be positive")

    def rate_for(self, host: str) -> float:
        """Return the requests per second allowed for a host (0: unlimited)."""
        return self.host_rates.get(host, self.requests_per_second)


@dataclass(frozen=True, slots=True)
class Response:
    """A complete answer: status, headers and the body, read within the size limit."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes


class RateLimiter:
    """Space requests to each host at least 1/rate seconds apart."""

    def __init__(self, policy: HttpPolicy, clock: Clock) -> None:
        self._policy = policy
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> float:
        """Wait for the host's next free slot; return the seconds waited."""
        rate = self._policy.rate_for(host)
        if rate <= 0:
            return 0.0
        with self._lock:
            now = self._clock.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + 1.0 / rate
        delay = start - now
        if delay > 0:
            self._clock.sleep(delay)
        return delay


class _Retry(Exception):
    """One attempt failed in a way that may pass; `delay` is the server's wish, if it said one."""

    def __init__(self, reason: str, status: int | None = None, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.delay = delay


class HttpClient:
    """GET with rate limit, retries and a size limit over an httpx.Client (owned if none is given)."""

    def __init__(
        self,
        client: httpx.Client | None = None,
        policy: HttpPolicy | None = None,
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.policy = policy or HttpPolicy()
        self.clock = clock or SystemClock()
        self._owned = client is None
        self._client = client or httpx.Client(headers={"User-Agent": USER_AGENT}, follow_redirects=True)
        self._rng = rng or random.Random()
        self.limiter = limiter or RateLimiter(self.policy, self.clock)

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying httpx.Client if this client created it."""
        if self._owned:
            self._client.close()

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Collection[int] = (200,),
    ) -> Response:
        """Return the answer with an accepted status; retry passing faults; raise UpstreamError."""
        response, _ = self._fetch(url, params, headers, accept, decode=False)
        return response

    def get_json(
        self,
        url: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        accept: Collection[int] = (200,),
    ) -> tuple[int, Any]:
        """Return (status, parsed JSON) for a 200, (status, None) for another accepted status."""
        response, data = self._fetch(url, params, headers, accept, decode=True)
        return response.status, data

    def _fetch(
        self,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        accept: Collection[int],
        decode: bool,
    ) -> tuple[Response, Any]:
        host = httpx.URL(url).host
        failure = _Retry("no attempt made")
        for attempt in range(1, self.policy.max_attempts + 1):
            self.limiter.wait(host)
            try:
                return self._attempt(url, params, headers, accept, decode, attempt)
            except _Retry as exc:
                failure = exc
            if attempt < self.policy.max_attempts:
                self.clock.sleep(self._delay(attempt, failure.delay))
        raise RetriesExhausted(
            f"{_shown(url)}: gave up after {self.policy.max_attempts} attempts; last: {failure.reason}",
            url=url,
            attempts=self.policy.max_attempts,
            status=failure.status,
        )

    def _attempt(
        self,
        url: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        accept: Collection[int],
        decode: bool,
        attempt: int,
    ) -> tuple[Response, Any]:
        response = self._send(url, params, headers, attempt)
        if response.status in RETRY_STATUSES and response.status not in accept:
            raise _Retry(f"HTTP {response.status}", response.status, self._retry_after(response))
        if response.status not in accept:
            snippet = response.content[:200].decode("utf-8", "replace").strip()
            raise UnexpectedStatus(
                f"{_shown(url)}: HTTP {response.status}" + (f" ({snippet})" if snippet else ""),
                url=url,
                attempts=attempt,
                status=response.status,
            )
        if not decode or response.status != 200:
            return response, None
        try:
            return response, json.loads(response.content)
        except ValueError as exc:
            raise _Retry(f"the answer is not valid JSON ({exc}); {len(response.content)} bytes") from None

    def _send(
        self, url: str, params: Mapping[str, str] | None, headers: Mapping[str, str] | None, attempt: int
    ) -> Response:
        try:
            with self._client.stream(
                "GET", url, params=params, headers=headers, timeout=self.policy.timeout
            ) as answer:
                content = self._read_limited(answer, url, attempt)
                return Response(str(answer.url), answer.status_code, answer.headers, content)
        except httpx.TimeoutException:
            raise _Retry(f"no answer within {self.policy.timeout:g} s") from None
        except httpx.UnsupportedProtocol as exc:
            raise UpstreamError(f"{_shown(url)}: {exc}", url=url, attempts=attempt) from None
        except httpx.TransportError as exc:
            raise _Retry(f"connection failed ({type(exc).__name__}: {exc})") from None

    def _read_limited(self, answer: httpx.Response, url: str, attempt: int) -> bytes:
        limit = self.policy.max_response_bytes
        declared = answer.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ResponseTooLarge(
                f"{_shown(url)}: the answer announces {int(declared):,} bytes, more than the limit of "
                f"{limit:,}",
                url=url,
                attempts=attempt,
                status=answer.status_code,
            )
        chunks: list[bytes] = []
        size = 0
        for chunk in answer.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(
                    f"{_shown(url)}: the answer exceeded the limit of {limit:,} bytes and was abandoned",
                    url=url,
                    attempts=attempt,
                    status=answer.status_code,
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _retry_after(self, response: Response) -> float | None:
        value = response.headers.get("retry-after", "").strip()
        if not value:
            return None
        if value.isdigit():
            return float(value)
        when = _http_date(value)
        if when is None:
            return None  # unreadable: fall back to our own backoff
        now = _http_date(response.headers.get("date", "")) or self.clock.time()
        return max(0.0, when - now)

    def _delay(self, attempt: int, requested: float | None) -> float:
        if requested is not None:
            return min(requested, self.policy.retry_after_max)
        ceiling = min(self.policy.backoff_max, self.policy.backoff_base * 2.0 ** (attempt - 1))
        return ceiling / 2 + self._rng.random() * ceiling / 2


def _http_date(value: str) -> float | None:
    """Return the epoch seconds of an HTTP date, or None when it is not one."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.timestamp()


def _shown(url: str) -> str:
    """Return the URL without its query, short enough for a message."""
    return url.split("?", 1)[0]
