"""Fetch employer career pages politely: robots.txt, a pause per host, conditional GET, size limits, sitemaps.

Decisions, each covered by a test in tests/sources/test_web_pages.py:

- Every result is a value: a fetched page, "unchanged" (304), "refused" (robots.txt), or "failed" with the
  reason. No URL's failure raises, so one bad URL never stops the others.
- robots.txt is read once per origin (scheme, host, port) and kept for the fetcher's life (one crawl run).
  As RFC 9309 says: 2xx is parsed, other 4xx allow everything, 5xx and unreachable disallow everything; 401
  and 403 disallow too, as Python's robotparser does, because a site that locks its rules away is no
  invitation. `Crawl-delay` lengthens the pause between requests (up to MAX_CRAWL_DELAY seconds).
- Redirects are followed by hand (at most MAX_REDIRECTS), so that robots.txt and the pause apply to each hop.
- Conditional GET: the validators (ETag, Last-Modified) of a URL are read from a ValidatorStore and sent; a
  304 gives Unchanged. They are written only by `remember(page)`, which the caller calls after the page's
  postings are saved: a crash between fetching and saving must not make the next run skip the page.
- Size: a body beyond `max_bytes` (5 MB by default) is not read further; the limit counts decompressed
  bytes, so a compressed bomb is stopped too. A Content-Length above the limit fails before reading.
- HTML only for pages (text/html, application/xhtml+xml, or no type at all). The charset comes from the
  header, else a BOM or `<meta charset>`, else UTF-8; "iso-8859-1" means windows-1252 as in browsers.
  Invalid bytes are replaced (U+FFFD), never fatal, and `replaced_characters` says it happened.
- Retries (few and small on purpose, to be unified with the BA client later): 429, 500, 502, 503, 504 and
  connection errors or timeouts are retried `retries` times, after Retry-After (seconds or an HTTP date) or
  an exponential backoff; a Retry-After longer than `max_retry_wait` gives up at once.
- Sitemaps: `<urlset>` and `<sitemapindex>` (followed, loops and repeats skipped, at most `max_sitemaps`),
  gzipped or not, parsed with defusedxml, which refuses entity declarations and external references (the
  "billion laughs" bomb and file disclosure). `since` keeps entries whose lastmod is not older, and entries
  without lastmod, which cannot be judged; an index entry older than `since` skips that whole sitemap.
"""

from __future__ import annotations

import codecs
import re
import time
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Protocol
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser
from xml.etree.ElementTree import ParseError

import defusedxml  # type: ignore[import-untyped]
import httpx
from defusedxml.ElementTree import fromstring as parse_xml  # type: ignore[import-untyped]

USER_AGENT = "Stellwerk/0.1 (+https://github.com/stellwerk)"
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# The sitemap protocol's own limit for one file, uncompressed.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
# RFC 9309: crawlers must read at least 500 KiB of robots.txt and may ignore the rest.
ROBOTS_MAX_BYTES = 512 * 1024
MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 60.0
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
# robots.txt answers that forbid everything besides 5xx: locked away, or "too many requests" (as Google).
_ROBOTS_LOCKED = frozenset({401, 403, 429})
_DISALLOW_ALL = ["User-agent: *", "Disallow: /"]
_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# Browsers read these labels as windows-1252, and pages labelled so are written for browsers.
_WINDOWS_1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"}


# --- Results ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server gave to ask later whether a page changed."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        """Return the conditional request headers these validators allow."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


class ValidatorStore(Protocol):
    """Where the validators of fetched URLs are kept between runs."""

    def get(self, url: str) -> Validators | None:
        """Return the validators stored for a URL."""
        ...

    def put(self, url: str, validators: Validators) -> None:
        """Store the validators of a URL."""
        ...


class MemoryValidatorStore:
    """A ValidatorStore in memory, for one process and for tests."""

    def __init__(self) -> None:
        self._validators: dict[str, Validators] = {}

    def get(self, url: str) -> Validators | None:
        """Return the validators stored for a URL."""
        return self._validators.get(url)

    def put(self, url: str, validators: Validators) -> None:
        """Store the validators of a URL."""
        self._validators[url] = validators


@dataclass(frozen=True, slots=True)
class FetchedPage:
    """A page as fetched: its text decoded, and where it ended up after redirects."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str
    text: str
    validators: Validators
    fetched_at: datetime
    replaced_characters: bool = False


@dataclass(frozen=True, slots=True)
class Unchanged:
    """The server says the page has not changed since the stored validators."""

    url: str


@dataclass(frozen=True, slots=True)
class Refused:
    """robots.txt does not allow us to fetch the URL."""

    url: str
    reason: str


@dataclass(frozen=True, slots=True)
class Failed:
    """The URL could not be fetched or read; `status` is the last HTTP status, if any."""

    url: str
    reason: str
    status: int | None = None


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """One URL a sitemap lists, with its last modification when given."""

    url: str
    lastmod: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sitemap:
    """A parsed sitemap: `kind` is "urlset" (pages) or "sitemapindex" (further sitemaps)."""

    kind: str
    entries: tuple[SitemapEntry, ...]


class SitemapError(ValueError):
    """A sitemap that cannot be read or is refused; the message says why."""


FetchResult = FetchedPage | Unchanged | Refused | Failed
SitemapResult = SitemapEntry | Refused | Failed


@dataclass(frozen=True, slots=True)
class _Body:
    """A final response with its body read (2xx) or skipped."""

    url: str
    status: int
    headers: httpx.Headers
    content: bytes


class _TooLarge(Exception):
    """The body exceeds the limit."""


@dataclass(frozen=True, slots=True)
class _Robots:
    """The rules of one origin; `failure` says why robots.txt could not be read, if it could not."""

    parser: RobotFileParser
    delay: float
    failure: Failed | None


# --- Fetching -----------------------------------------------------------------------------------------------


class PageFetcher:
    """Fetch pages and sitemaps over an injected httpx client, politely and without raising per URL."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        user_agent: str = USER_AGENT,
        validators: ValidatorStore | None = None,
        min_interval: float = 1.0,
        max_bytes: int = DEFAULT_MAX_BYTES,
        timeout: float = 10.0,
        retries: int = 2,
        backoff: float = 1.0,
        max_retry_wait: float = 60.0,
        max_sitemaps: int = 1000,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.client = client
        self.user_agent = user_agent
        self.validators = validators if validators is not None else MemoryValidatorStore()
        self.min_interval = min_interval
        self.max_bytes = max_bytes
        self.timeout = httpx.Timeout(timeout)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_retry_wait = max_retry_wait
        self.max_sitemaps = max_sitemaps
        self._clock = clock
        self._sleep = sleep
        self._robots: dict[str, _Robots] = {}
        self._last_request: dict[str, float] = {}

    def fetch(self, url: str) -> FetchResult:
        """Fetch one HTML page, asking only for changes when validators are stored for it."""
        stored = self.validators.get(url)
        outcome = self._get(url, self.max_bytes, stored)
        if not isinstance(outcome, _Body):
            return outcome
        content_type = outcome.headers.get("content-type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type and media_type not in HTML_TYPES:
            return Failed(url, f"not an HTML page (Content-Type {media_type})", outcome.status)
        text, charset, replaced = decode_html(outcome.content, content_type)
        return FetchedPage(
            url=url,
            final_url=outcome.url,
            status=outcome.status,
            content_type=media_type or "text/html",
            charset=charset,
            text=text,
            validators=Validators(outcome.headers.get("etag"), outcome.headers.get("last-modified")),
            fetched_at=datetime.now(UTC),
            replaced_characters=replaced,
        )

    def fetch_all(self, urls: Iterable[str]) -> Iterator[FetchResult]:
        """Fetch pages one after another; each URL gives one result."""
        for url in urls:
            yield self.fetch(url)

    def remember(self, page: FetchedPage) -> None:
        """Store a page's validators for the next run; call it after the page's postings are saved."""
        if page.validators.etag or page.validators.last_modified:
            self.validators.put(page.url, page.validators)

    def robots_sitemaps(self, url: str) -> list[str]:
        """Return the sitemap URLs the robots.txt of a URL's site names (`Sitemap:` lines)."""
        if not _is_web_url(url):
            return []
        return list(self._robots_for(url).parser.site_maps() or [])

    def read_sitemap(self, url: str, *, since: datetime | None = None) -> Iterator[SitemapResult]:
        """Yield the page URLs of a sitemap or sitemap index, optionally only those modified since a time."""
        if since is not None and since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        queue, seen_sitemaps, seen_pages = deque([url]), set[str](), set[str]()
        while queue:
            current = queue.popleft()
            if current in seen_sitemaps:
                continue
            if len(seen_sitemaps) >= self.max_sitemaps:
                yield Failed(current, f"more than {self.max_sitemaps} sitemaps; the rest is skipped")
                return
            seen_sitemaps.add(current)
            sitemap = self._sitemap(current)
            if not isinstance(sitemap, Sitemap):
                yield sitemap
                continue
            for entry in sitemap.entries:
                if since is not None and entry.lastmod is not None and entry.lastmod < since:
                    continue
                if sitemap.kind == "sitemapindex":
                    queue.append(entry.url)
                elif entry.url not in seen_pages:
                    seen_pages.add(entry.url)
                    yield entry

    def _sitemap(self, url: str) -> Sitemap | Refused | Failed:
        outcome = self._get(url, SITEMAP_MAX_BYTES, None)
        if isinstance(outcome, Unchanged):
            return Failed(url, "answered 304 Not Modified to an unconditional request", 304)
        if not isinstance(outcome, _Body):
            return outcome
        try:
            return parse_sitemap(outcome.content, base_url=outcome.url)
        except SitemapError as exc:
            return Failed(url, f"sitemap: {exc}", outcome.status)

    def _get(
        self, url: str, max_bytes: int, stored: Validators | None
    ) -> _Body | Unchanged | Refused | Failed:
        """Follow redirects by hand, checking robots.txt for every hop."""
        headers = {"User-Agent": self.user_agent, **(stored.request_headers() if stored else {})}
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not _is_web_url(current):
                return Failed(url, f"not an http(s) URL: {current!r}")
            robots = self._robots_for(current)
            if not robots.parser.can_fetch(self.user_agent, current):
                return _refusal(url, current, robots.failure)
            outcome = self._request(current, headers, max_bytes)
            if isinstance(outcome, Failed):
                return Failed(url, outcome.reason, outcome.status)
            location = outcome.headers.get("location")
            if outcome.status in _REDIRECTS and location:
                current = urljoin(current, location)
                continue
            if outcome.status == 304:
                return Unchanged(url)
            if outcome.status >= 300:
                return Failed(url, f"HTTP {outcome.status}", outcome.status)
            return outcome
        return Failed(url, f"more than {MAX_REDIRECTS} redirects")

    def _request(
        self, url: str, headers: dict[str, str], max_bytes: int, *, truncate: bool = False
    ) -> _Body | Failed:
        """Send one GET, retrying server errors, 429 and connection failures a few times."""
        for attempt in range(self.retries + 1):
            self._wait_turn(url)
            wait: float | None = None
            try:
                body = self._stream(url, headers, max_bytes, truncate)
            except _TooLarge as exc:
                return Failed(url, f"larger than {max_bytes} bytes ({exc}); stopped reading")
            except httpx.TimeoutException:
                problem, status = f"no answer within {self.timeout.read} s", None
            except httpx.TransportError as exc:
                problem, status = f"connection failed: {exc or type(exc).__name__}", None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                return Failed(url, f"unreadable response: {exc or type(exc).__name__}")
            else:
                if body.status not in RETRY_STATUSES:
                    return body
                problem, status = f"HTTP {body.status}", body.status
                wait = retry_after(body.headers.get("retry-after"))
            delay = wait if wait is not None else self.backoff * 2**attempt
            if attempt == self.retries:
                break
            if delay > self.max_retry_wait:
                return Failed(url, f"{problem}; asked to wait {delay:.0f} s, longer than we wait", status)
            self._sleep(delay)
        return Failed(url, f"{problem} (tried {self.retries + 1} times)", status)

    def _stream(self, url: str, headers: dict[str, str], max_bytes: int, truncate: bool) -> _Body:
        with self.client.stream(
            "GET", url, headers=headers, timeout=self.timeout, follow_redirects=False
        ) as response:
            if not response.is_success:
                return _Body(str(response.url), response.status_code, response.headers, b"")
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes and not truncate:
                raise _TooLarge(f"Content-Length {declared}")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    if not truncate:
                        raise _TooLarge(f"more than {max_bytes} bytes received")
                    chunks.append(chunk[: max_bytes - size])
                    break
                chunks.append(chunk)
            return _Body(str(response.url), response.status_code, response.headers, b"".join(chunks))

    def _wait_turn(self, url: str) -> None:
        """Sleep until the host's pause since our last request to it has passed."""
        origin = _origin(url)
        robots = self._robots.get(origin)
        interval = max(self.min_interval, robots.delay if robots else 0.0)
        last = self._last_request.get(origin)
        if last is not None:
            wait = last + interval - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request[origin] = self._clock()

    def _robots_for(self, url: str) -> _Robots:
        origin = _origin(url)
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        return self._robots[origin]

    def _read_robots(self, origin: str) -> _Robots:
        parser = RobotFileParser(f"{origin}/robots.txt")
        outcome = self._robots_body(f"{origin}/robots.txt")
        if isinstance(outcome, Failed):
            parser.parse(_DISALLOW_ALL if _robots_forbid(outcome.status) else [])
            return _Robots(parser, 0.0, outcome)
        parser.parse(outcome.content.decode("utf-8", "replace").splitlines())
        delay = parser.crawl_delay(self.user_agent)
        return _Robots(parser, min(float(delay or 0.0), MAX_CRAWL_DELAY), None)

    def _robots_body(self, url: str) -> _Body | Failed:
        """Fetch robots.txt, following up to MAX_REDIRECTS redirects as RFC 9309 asks."""
        headers = {"User-Agent": self.user_agent}
        for _ in range(MAX_REDIRECTS + 1):
            outcome = self._request(url, headers, ROBOTS_MAX_BYTES, truncate=True)
            if isinstance(outcome, Failed):
                return outcome
            location = outcome.headers.get("location")
            if outcome.status in _REDIRECTS and location:
                url = urljoin(url, location)
                continue
            if outcome.status >= 300:
                return Failed(url, f"HTTP {outcome.status}", outcome.status)
            return outcome
        # As RFC 9309 says: too many redirects count as an unavailable robots.txt (4xx).
        return Failed(url, "too many redirects", 404)


def _refusal(url: str, current: str, failure: Failed | None) -> Refused | Failed:
    """Say why robots.txt keeps us from a URL; an unreadable robots.txt is a failure of the site."""
    origin = _origin(current)
    if failure is None:
        return Refused(url, f"robots.txt of {origin} disallows {current}")
    if failure.status in _ROBOTS_LOCKED:
        return Refused(
            url, f"robots.txt of {origin} answered HTTP {failure.status}, which forbids everything"
        )
    return Failed(url, f"robots.txt of {origin} could not be read ({failure.reason})", failure.status)


def _robots_forbid(status: int | None) -> bool:
    """Say whether an unavailable robots.txt forbids everything (unreachable, 5xx, locked) or nothing."""
    return status is None or status >= 500 or status in _ROBOTS_LOCKED


def _is_web_url(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme in {"http", "https"} and bool(parts.hostname) and parts.port != 0
    except ValueError:  # "http://[::1" and invalid ports
        return False


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def retry_after(value: str | None) -> float | None:
    """Return the seconds a Retry-After header asks to wait (delay seconds or an HTTP date), else None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# --- Decoding -----------------------------------------------------------------------------------------------


def decode_html(content: bytes, content_type: str = "") -> tuple[str, str, bool]:
    """Return a page's text, the charset used, and whether invalid bytes were replaced."""
    charset = _charset(content, content_type)
    try:
        return content.decode(charset), charset, False
    except UnicodeDecodeError:
        return content.decode(charset, "replace"), charset, True


def _charset(content: bytes, content_type: str) -> str:
    if content.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    declared = _CHARSET.search(content_type)
    label = declared.group(1) if declared else None
    if label is None:
        meta = _META_CHARSET.search(content[:4096])
        label = meta.group(1).decode("ascii") if meta else "utf-8"
    label = label.lower()
    if label in _WINDOWS_1252:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return "utf-8"


# --- Sitemaps -----------------------------------------------------------------------------------------------


def parse_sitemap(content: bytes, *, base_url: str = "", max_bytes: int = SITEMAP_MAX_BYTES) -> Sitemap:
    """Parse a sitemap or sitemap index, gzipped or not; raise SitemapError for anything unsafe or broken."""
    if content.startswith(b"\x1f\x8b"):
        content = _gunzip(content, max_bytes)
    try:
        root = parse_xml(content, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as exc:
        raise SitemapError(f"refused, it declares XML entities or external references ({exc})") from None
    except ParseError as exc:
        raise SitemapError(f"not well-formed XML ({exc})") from None
    kind = _local_name(root.tag)
    if kind not in {"urlset", "sitemapindex"}:
        raise SitemapError(f"not a sitemap: the root element is <{kind}>")
    child = "url" if kind == "urlset" else "sitemap"
    entries = []
    for element in root:
        if _local_name(element.tag) != child:
            continue
        fields = {_local_name(field.tag): (field.text or "").strip() for field in element}
        url = urljoin(base_url, fields["loc"]) if fields.get("loc") else ""
        if _is_web_url(url):
            entries.append(SitemapEntry(url, _lastmod(fields.get("lastmod", ""))))
    return Sitemap(kind, tuple(entries))


def _gunzip(content: bytes, max_bytes: int) -> bytes:
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(content, max_bytes + 1)
    except zlib.error as exc:
        raise SitemapError(f"broken gzip data ({exc})") from None
    if len(data) > max_bytes:
        raise SitemapError(f"larger than {max_bytes} bytes once unpacked")
    if not decompressor.eof:
        raise SitemapError("broken gzip data (the file ends early)")
    return data


def _local_name(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _lastmod(text: str) -> datetime | None:
    """Return a W3C datetime ("2025-01-05", "2025-01-05T10:00:00+01:00") as an aware time, else None."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
