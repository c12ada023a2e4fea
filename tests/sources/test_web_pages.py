"""Fetching career pages politely from a local site: robots.txt, pauses, 304s, limits, retries, sitemaps."""

from __future__ import annotations

import contextlib
import gzip
import itertools
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sources.jobsite_server import (
    CAREER_SITE_PAGES,
    CAREER_SITE_POSTINGS,
    CAREER_SITE_READ_ERRORS,
    CAREER_SITE_REFUSED,
    CAREER_SITE_TITLES,
    JobSite,
    Reply,
    career_site,
    external_entity_sitemap,
    job_posting,
    json_ld_page,
    sitemap_index,
    urlset,
    xml_bomb,
)
from stellwerk.domain.postings import RawRecord, ReadError
from stellwerk.sources.jsonld import extract_job_postings
from stellwerk.sources.web_pages import (
    USER_AGENT,
    Failed,
    FetchedPage,
    MemoryValidatorStore,
    PageFetcher,
    Refused,
    SitemapEntry,
    SitemapError,
    Unchanged,
    decode_html,
    parse_sitemap,
    retry_after,
)

PAGE = json_ld_page(job_posting("Koch (m/w/d)", identifier="K-1"))


class FakeClock:
    """A monotonic clock that moves only when the fetcher sleeps, so pauses can be asserted exactly."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def site() -> Iterator[JobSite]:
    with JobSite() as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False) as http:
        yield http


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def fetcher(client: httpx.Client, clock: FakeClock, **options: object) -> PageFetcher:
    return PageFetcher(client, clock=clock, sleep=clock.sleep, **options)  # type: ignore[arg-type]


# --- Pages --------------------------------------------------------------------------------------------------


def test_a_page_is_fetched_with_our_user_agent_and_decoded(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    url = site.page("/jobs/koch.html", PAGE)
    page = fetcher(client, clock).fetch(url)
    assert isinstance(page, FetchedPage)
    assert (page.url, page.final_url, page.status, page.content_type) == (url, url, 200, "text/html")
    assert page.text == PAGE
    assert page.fetched_at.tzinfo is not None
    assert [hit.headers["user-agent"] for hit in site.hits()] == [USER_AGENT, USER_AGENT]
    assert [hit.path for hit in site.hits()] == ["/robots.txt", "/jobs/koch.html"]


def test_robots_txt_is_read_once_per_site_and_obeyed_for_our_user_agent(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    site.robots("User-agent: *\nDisallow: /intern/\n\nUser-agent: Stellwerk\nDisallow: /stellwerk-nicht/\n")
    allowed = [site.page(f"/jobs/{n}.html", PAGE) for n in range(3)]
    secret = site.page("/stellwerk-nicht/a.html", PAGE)
    results = list(fetcher(client, clock).fetch_all([*allowed, secret]))
    assert all(isinstance(result, FetchedPage) for result in results[:3])
    assert isinstance(results[3], Refused)
    assert "robots.txt" in results[3].reason
    assert not site.hits("/stellwerk-nicht/a.html")
    assert len(site.hits("/robots.txt")) == 1
    # The user agent is a parameter, and robots.txt groups are matched by its product token.
    other = fetcher(client, clock, user_agent="Andere/1.0").fetch(secret)
    assert isinstance(other, FetchedPage)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(404, FetchedPage), (410, FetchedPage), (403, Refused), (401, Refused), (429, Refused), (503, Failed)],
)
def test_an_unavailable_robots_txt_allows_or_forbids_as_rfc_9309_says(
    site: JobSite, client: httpx.Client, clock: FakeClock, status: int, outcome: type
) -> None:
    site.replies("/robots.txt", Reply(b"", status))
    url = site.page("/jobs/koch.html", PAGE)
    result = fetcher(client, clock, retries=0).fetch(url)
    assert isinstance(result, outcome)
    if outcome is not FetchedPage:
        assert not site.hits("/jobs/koch.html")
    if outcome is Failed:
        reason = f"robots.txt of {site.base_url} could not be read (HTTP 503 (tried 1 times))"
        assert result == Failed(url, reason, 503)


def test_an_unreachable_site_fails_without_fetching_blind(client: httpx.Client, clock: FakeClock) -> None:
    with JobSite() as gone:
        url = gone.url("/jobs/koch.html")
    result = fetcher(client, clock, retries=0).fetch(url)
    assert isinstance(result, Failed)
    assert result.reason.startswith(f"robots.txt of {gone.base_url} could not be read (connection failed:")


def test_requests_to_one_host_keep_the_minimum_interval_and_other_hosts_do_not_wait(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    urls = [site.page(f"/jobs/{n}.html", PAGE) for n in range(3)]
    with JobSite() as other:
        elsewhere = other.page("/jobs/x.html", PAGE)
        pages = fetcher(client, clock, min_interval=2.5)
        for url in urls:
            pages.fetch(url)
        assert clock.sleeps == [2.5, 2.5, 2.5]  # robots.txt, then three pages: three pauses
        pages.fetch(elsewhere)
        # The other host's robots.txt is asked at once; only its page waits for its own robots.txt request.
        assert clock.sleeps == [2.5, 2.5, 2.5, 2.5]


def test_crawl_delay_lengthens_the_pause(site: JobSite, client: httpx.Client, clock: FakeClock) -> None:
    site.robots("User-agent: *\nCrawl-delay: 7\n")
    pages = fetcher(client, clock, min_interval=1.0)
    pages.fetch(site.page("/a.html", PAGE))
    pages.fetch(site.page("/b.html", PAGE))
    # The delay applies from the robots.txt request on.
    assert clock.sleeps == [7.0, 7.0]


def test_the_pause_is_real_with_the_real_clock(site: JobSite, client: httpx.Client) -> None:
    urls = [site.page(f"/jobs/{n}.html", PAGE) for n in range(2)]
    list(PageFetcher(client, min_interval=0.2).fetch_all(urls))
    times = [hit.at for hit in site.hits()]
    assert all(later - earlier >= 0.19 for earlier, later in itertools.pairwise(times))


@pytest.mark.parametrize(
    ("validators", "header"),
    [
        ({"etag": '"v1"'}, "if-none-match"),
        ({"last_modified": "Tue, 06 Jan 2026 08:00:00 GMT"}, "if-modified-since"),
    ],
)
def test_a_remembered_page_is_asked_for_changes_and_a_304_gives_unchanged(
    site: JobSite, client: httpx.Client, clock: FakeClock, validators: dict[str, str], header: str
) -> None:
    url = site.page("/jobs/koch.html", PAGE, **validators)  # type: ignore[arg-type]
    store = MemoryValidatorStore()
    pages = fetcher(client, clock, validators=store)
    first = pages.fetch(url)
    assert isinstance(first, FetchedPage)
    # Not remembered yet (the postings were not saved): the page is fetched in full again.
    assert isinstance(pages.fetch(url), FetchedPage)
    pages.remember(first)
    assert isinstance(pages.fetch(url), Unchanged)
    assert [header in hit.headers for hit in site.hits("/jobs/koch.html")] == [False, False, True]
    # A changed page is fetched in full.
    site.page(
        "/jobs/koch.html", PAGE + "<!-- neu -->", etag='"v2"', last_modified="Wed, 07 Jan 2026 08:00:00 GMT"
    )
    changed = pages.fetch(url)
    assert isinstance(changed, FetchedPage)
    assert changed.text.endswith("<!-- neu -->")


def test_a_50_mb_page_is_stopped_at_the_limit(site: JobSite, client: httpx.Client, clock: FakeClock) -> None:
    url = site.huge_page("/huge.html", 50 * 1024 * 1024)
    started = time.monotonic()
    result = fetcher(client, clock).fetch(url)
    assert isinstance(result, Failed)
    assert result.reason.startswith("larger than 5242880 bytes")
    assert "stopped reading" in result.reason
    assert time.monotonic() - started < 5


def test_a_declared_oversize_page_is_refused_before_reading(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    url = site.page("/big.html", b"x" * 2000)
    result = fetcher(client, clock, max_bytes=1000).fetch(url)
    assert isinstance(result, Failed)
    assert "Content-Length 2000" in result.reason


def test_a_compressed_bomb_is_measured_unpacked(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    bomb = gzip.compress(b" " * (8 * 1024 * 1024))
    url = site.page("/bomb.html", bomb, headers={"Content-Encoding": "gzip"})
    result = fetcher(client, clock).fetch(url)
    assert isinstance(result, Failed)
    assert "larger than" in result.reason


def test_only_html_is_taken_as_a_page(site: JobSite, client: httpx.Client, clock: FakeClock) -> None:
    pdf = site.page("/stelle.pdf", b"%PDF-1.4", content_type="application/pdf")
    bare = site.page("/bare", PAGE, content_type="")
    pages = fetcher(client, clock)
    result = pages.fetch(pdf)
    assert isinstance(result, Failed)
    assert result.reason == "not an HTML page (Content-Type application/pdf)"
    assert isinstance(pages.fetch(bare), FetchedPage)


def test_invalid_utf8_is_replaced_and_charsets_are_honoured(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    broken = site.page("/kaputt.html", b"<p>M\xfcnchen \xff\xfe K\xc3\xb6ln</p>")
    latin = site.page(
        "/latin.html", "<p>München</p>".encode("latin-1"), content_type="text/html; charset=ISO-8859-1"
    )
    meta = site.page(
        "/meta.html",
        '<meta charset="windows-1252"><p>Köln – Süd</p>'.encode("cp1252"),
        content_type="text/html",
    )
    pages = fetcher(client, clock)
    page = pages.fetch(broken)
    assert isinstance(page, FetchedPage)
    assert page.replaced_characters
    assert page.text == "<p>M\ufffdnchen \ufffd\ufffd Köln</p>"
    latin_page, meta_page = pages.fetch(latin), pages.fetch(meta)
    assert isinstance(latin_page, FetchedPage)
    assert isinstance(meta_page, FetchedPage)
    assert (latin_page.text, latin_page.charset, latin_page.replaced_characters) == (
        "<p>München</p>",
        "cp1252",
        False,
    )
    assert meta_page.text.endswith("<p>Köln – Süd</p>")


def test_a_slow_answer_times_out(site: JobSite, client: httpx.Client, clock: FakeClock) -> None:
    url = site.page("/slow.html", PAGE, delay=3.0)
    started = time.monotonic()
    result = fetcher(client, clock, timeout=0.3, retries=1).fetch(url)
    assert isinstance(result, Failed)
    assert result.reason == "no answer within 0.3 s (tried 2 times)"
    assert time.monotonic() - started < 2.5
    assert len(site.hits("/slow.html")) == 2


def test_429_and_503_are_retried_after_retry_after(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    url = site.replies(
        "/busy.html",
        Reply(b"", 429, {"Retry-After": "3"}),
        Reply(b"", 503),
        Reply(PAGE.encode(), 200, {"Content-Type": "text/html; charset=utf-8"}),
    )
    page = fetcher(client, clock, min_interval=0.0, backoff=0.5).fetch(url)
    assert isinstance(page, FetchedPage)
    assert clock.sleeps == [3.0, 1.0]  # Retry-After, then the backoff of the second attempt


def test_a_server_that_stays_down_fails_after_the_retries(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    url = site.replies("/down.html", Reply(b"", 503))
    result = fetcher(client, clock, retries=2).fetch(url)
    assert result == Failed(url, "HTTP 503 (tried 3 times)", 503)
    assert len(site.hits("/down.html")) == 3


def test_a_retry_after_beyond_our_patience_gives_up_at_once(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    url = site.replies("/later.html", Reply(b"", 429, {"Retry-After": "3600"}))
    result = fetcher(client, clock, max_retry_wait=60.0).fetch(url)
    assert isinstance(result, Failed)
    assert result.reason == "HTTP 429; asked to wait 3600 s, longer than we wait"
    assert len(site.hits("/later.html")) == 1


def test_redirects_are_followed_and_checked_against_robots_txt(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    site.robots("User-agent: *\nDisallow: /intern/\n")
    target = site.page("/jobs/koch.html", PAGE)
    moved = site.replies("/alt.html", Reply(b"", 301, {"Location": "/jobs/koch.html"}))
    sneaky = site.replies("/kurz", Reply(b"", 302, {"Location": "/intern/geheim.html"}))
    loop = site.replies("/loop", Reply(b"", 302, {"Location": "/loop"}))
    pages = fetcher(client, clock)
    page = pages.fetch(moved)
    assert isinstance(page, FetchedPage)
    assert (page.url, page.final_url) == (moved, target)
    assert isinstance(pages.fetch(sneaky), Refused)
    assert not site.hits("/intern/geheim.html")
    assert pages.fetch(loop) == Failed(loop, "more than 5 redirects")


def test_one_bad_url_never_stops_the_others(site: JobSite, client: httpx.Client, clock: FakeClock) -> None:
    good = site.page("/jobs/koch.html", PAGE)
    missing = site.url("/jobs/weg.html")
    results = list(
        fetcher(client, clock).fetch_all(["ftp://example.org/x", "http://", "http://[::1", missing, good])
    )
    assert [type(result).__name__ for result in results] == [
        "Failed",
        "Failed",
        "Failed",
        "Failed",
        "FetchedPage",
    ]
    assert results[3] == Failed(missing, "HTTP 404", 404)


# --- Sitemaps -----------------------------------------------------------------------------------------------


def test_a_sitemap_index_with_plain_and_gzipped_sitemaps_lists_every_page(
    client: httpx.Client, clock: FakeClock
) -> None:
    with career_site() as site:
        entries = list(fetcher(client, clock).read_sitemap(site.url("/sitemap.xml")))
        assert all(isinstance(entry, SitemapEntry) for entry in entries)
        listed = {entry.url for entry in entries if isinstance(entry, SitemapEntry)}
        assert listed == {site.url(path) for path in (*CAREER_SITE_PAGES, *CAREER_SITE_REFUSED)}


def test_the_sitemaps_named_in_robots_txt_are_found(client: httpx.Client, clock: FakeClock) -> None:
    with career_site() as site:
        pages = fetcher(client, clock)
        assert pages.robots_sitemaps(site.url("/jobs/koch.html")) == [site.url("/sitemap.xml")]
        assert pages.robots_sitemaps("mailto:jobs@example.de") == []
    with JobSite() as bare:
        assert fetcher(client, clock).robots_sitemaps(bare.base_url) == []


def test_lastmod_filters_pages_and_whole_sitemaps(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    site.sitemap(
        "/sitemap.xml",
        sitemap_index(
            (site.url("/alt.xml"), "2025-06-01"), (site.url("/neu.xml"), "2026-01-07T10:00:00+01:00")
        ),
    )
    site.sitemap("/alt.xml", urlset(site.url("/alt.html")))
    site.sitemap(
        "/neu.xml",
        urlset(
            (site.url("/a.html"), "2026-01-05"),
            (site.url("/b.html"), "2026-01-07T09:00:00Z"),
            (site.url("/c.html"), "2026-01-06T23:30:00-01:00"),
            site.url("/d.html"),
            (site.url("/e.html"), "bald"),
        ),
    )
    since = datetime(2026, 1, 7, tzinfo=UTC)
    entries = list(fetcher(client, clock).read_sitemap(site.url("/sitemap.xml"), since=since))
    # Entries without a readable lastmod cannot be judged and are kept.
    assert [e.url.rsplit("/", 1)[1] for e in entries if isinstance(e, SitemapEntry)] == [
        "b.html",
        "c.html",
        "d.html",
        "e.html",
    ]
    assert not site.hits("/alt.xml")


def test_sitemap_loops_and_repeats_are_read_once(
    site: JobSite, client: httpx.Client, clock: FakeClock
) -> None:
    site.sitemap(
        "/sitemap.xml", sitemap_index(site.url("/sitemap.xml"), site.url("/a.xml"), site.url("/b.xml"))
    )
    site.sitemap("/a.xml", urlset(site.url("/x.html"), site.url("/y.html")))
    site.sitemap("/b.xml", urlset(site.url("/x.html")))
    entries = list(fetcher(client, clock).read_sitemap(site.url("/sitemap.xml")))
    assert [e.url for e in entries if isinstance(e, SitemapEntry)] == [
        site.url("/x.html"),
        site.url("/y.html"),
    ]
    assert len(site.hits("/sitemap.xml")) == 1


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (xml_bomb(), "refused, it declares XML entities"),
        (external_entity_sitemap(), "refused, it declares XML entities"),
        (b"<urlset><url><loc>http://x</loc></url>", "not well-formed XML"),
        (b"<html><body>Sitemap</body></html>", "not a sitemap: the root element is <html>"),
        (b"\x1f\x8b\x08\x00kaputt", "broken gzip data"),
    ],
    ids=["billion-laughs", "external-entity", "broken", "html", "broken-gzip"],
)
def test_unsafe_or_broken_sitemaps_fail_with_a_reason_and_the_rest_is_read(
    site: JobSite, client: httpx.Client, clock: FakeClock, body: bytes, reason: str
) -> None:
    site.sitemap("/sitemap.xml", sitemap_index(site.url("/bad.xml"), site.url("/good.xml")))
    site.sitemap("/bad.xml", body)
    site.sitemap("/good.xml", urlset(site.url("/jobs/koch.html")))
    bad, good = fetcher(client, clock).read_sitemap(site.url("/sitemap.xml"))
    assert isinstance(bad, Failed)
    assert bad.url == site.url("/bad.xml")
    assert bad.reason.startswith(f"sitemap: {reason}")
    assert good == SitemapEntry(site.url("/jobs/koch.html"))


def test_a_gzip_bomb_sitemap_is_stopped_at_the_limit() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 3_000_000 + b"</urlset>")
    with pytest.raises(SitemapError, match="larger than 1000000 bytes once unpacked"):
        parse_sitemap(bomb, max_bytes=1_000_000)


def test_relative_and_non_http_locations_are_resolved_or_dropped() -> None:
    sitemap = parse_sitemap(
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc> /jobs/a.html </loc></url><url><loc>mailto:x@y.de</loc></url><url></url></urlset>",
        base_url="https://karriere.example.de/sitemap.xml",
    )
    assert sitemap.kind == "urlset"
    assert sitemap.entries == (SitemapEntry("https://karriere.example.de/jobs/a.html"),)


# --- The whole way: sitemap, pages, postings ----------------------------------------------------------------


def test_crawling_the_career_site_finds_every_posting(client: httpx.Client, clock: FakeClock) -> None:
    with career_site() as site:
        pages = fetcher(client, clock, validators=MemoryValidatorStore())
        found: list[RawRecord | ReadError] = []
        refused = []
        for entry in pages.read_sitemap(site.url("/sitemap.xml")):
            assert isinstance(entry, SitemapEntry)
            page = pages.fetch(entry.url)
            if isinstance(page, Refused):
                refused.append(page.url)
                continue
            assert isinstance(page, FetchedPage)
            found += extract_job_postings(page.text, page.final_url)
            pages.remember(page)
        records = [item for item in found if isinstance(item, RawRecord)]
        assert len(records) == CAREER_SITE_POSTINGS
        assert sum(isinstance(item, ReadError) for item in found) == CAREER_SITE_READ_ERRORS
        assert {r.payload["posting"]["title"] for r in records} == CAREER_SITE_TITLES
        assert refused == [site.url(path) for path in CAREER_SITE_REFUSED]
        # A second run asks for changes: the pages with validators answer 304.
        again = [pages.fetch(site.url(path)) for path in CAREER_SITE_PAGES]
        assert [type(result).__name__ for result in again] == [
            "Unchanged",
            "Unchanged",
            "FetchedPage",
            "FetchedPage",
        ]


# --- Pure helpers -------------------------------------------------------------------------------------------


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("120") == 120.0
    assert retry_after(None) is None
    assert retry_after("bald") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    future = retry_after("Fri, 01 Jan 2100 00:00:00 GMT")
    assert future is not None
    assert future > 365 * 24 * 3600


@given(st.binary(max_size=300), st.text(max_size=40))
def test_decoding_any_bytes_with_any_content_type_never_raises(content: bytes, content_type: str) -> None:
    text, charset, replaced = decode_html(content, content_type)
    assert text == content.decode(charset, "replace")
    try:
        content.decode(charset)
    except UnicodeDecodeError:
        assert replaced
    else:
        assert not replaced


@given(st.binary(max_size=300))
def test_parsing_any_bytes_as_a_sitemap_gives_a_sitemap_or_a_sitemap_error(content: bytes) -> None:
    with contextlib.suppress(SitemapError):
        parse_sitemap(content)


@given(
    st.lists(
        st.sampled_from(["<url>", "</url>", "<loc>", "</loc>", "http://a.de/x", "<!DOCTYPE x>", "&amp;"])
    )
)
def test_parsing_sitemap_like_fragments_never_raises_anything_else(parts: list[str]) -> None:
    content = (
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + "".join(parts) + "</urlset>"
    ).encode()
    with contextlib.suppress(SitemapError):
        parse_sitemap(content)
