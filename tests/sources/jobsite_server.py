"""A local employer career site over real HTTP (127.0.0.1): JobPosting pages, robots.txt, sitemaps and traps.

Use it as a context manager; every page is registered by path and served until the site is closed:

    with JobSite() as site:
        url = site.page("/jobs/koch.html", json_ld_page(job_posting("Koch (m/w/d)", identifier="K-1")))
        site.robots("User-agent: *\\nDisallow: /intern/")
        ...
        assert site.hits("/robots.txt")

`career_site()` starts a site filled with a small, known career portal (see CAREER_SITE_* for what it holds),
for end-to-end tests of `stellwerk ingest jsonld`.
"""

from __future__ import annotations

import gzip
import json
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Chunks = Callable[[], Iterable[bytes]]


@dataclass(frozen=True)
class Reply:
    """One answer: a body (bytes, or chunks streamed without Content-Length), status and headers."""

    body: bytes | Chunks = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Hit:
    """A request the site received."""

    path: str
    headers: dict[str, str]
    at: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: JobSite


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        site = self.server.site
        headers = {key.lower(): value for key, value in self.headers.items()}
        reply = site._reply_for(self.path, headers)
        try:
            if reply.delay and site._closing.wait(reply.delay):
                return
            self._send(reply, headers)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (size limit, timeout): that is what some tests provoke

    def _send(self, reply: Reply, request: dict[str, str]) -> None:
        if _not_modified(reply, request):
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if reply.etag:
            self.send_header("ETag", reply.etag)
        if reply.last_modified:
            self.send_header("Last-Modified", reply.last_modified)
        if isinstance(reply.body, bytes):
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)
            return
        self.end_headers()
        for chunk in reply.body():
            self.wfile.write(chunk)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""


def _not_modified(reply: Reply, request: dict[str, str]) -> bool:
    if reply.status != 200:
        return False
    if reply.etag and request.get("if-none-match") == reply.etag:
        return True
    return bool(reply.last_modified and request.get("if-modified-since") == reply.last_modified)


class JobSite:
    """A career site on 127.0.0.1 with a free port, serving registered pages from a thread."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Reply]] = {}
        self._hits: list[Hit] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self
        # A short poll interval: closing the site waits for it, once per test.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.base_url = f"http://{host!s}:{port}"
        self.host = f"{host!s}:{port}"

    def __enter__(self) -> JobSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving; slow answers still waiting are cut short."""
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def url(self, path: str) -> str:
        """Return the absolute URL of a path on this site."""
        return self.base_url + path

    def page(
        self,
        path: str,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        status: int = 200,
        etag: str | None = None,
        last_modified: str | None = None,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> str:
        """Serve a page at a path and return its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        reply = Reply(
            data, status, {"Content-Type": content_type, **(headers or {})}, delay, etag, last_modified
        )
        return self.replies(path, reply)

    def replies(self, path: str, *replies: Reply) -> str:
        """Answer successive requests to a path with these replies, the last one repeating; return the URL."""
        with self._lock:
            self._routes[path] = list(replies)
        return self.url(path)

    def robots(self, text: str) -> str:
        """Serve a robots.txt."""
        return self.page("/robots.txt", text, content_type="text/plain; charset=utf-8")

    def sitemap(self, path: str, body: bytes, *, gzipped: bool = False) -> str:
        """Serve a sitemap, gzipped as a .xml.gz file when asked (no Content-Encoding, as servers do)."""
        if gzipped:
            return self.page(path, gzip.compress(body), content_type="application/gzip")
        return self.page(path, body, content_type="application/xml")

    def huge_page(self, path: str, size: int) -> str:
        """Serve an HTML page of `size` bytes, streamed without Content-Length and never held in memory."""
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"

        def chunks() -> Iterator[bytes]:
            yield b"<html><body>"
            for _ in range(size // len(chunk)):
                yield chunk

        return self.replies(path, Reply(chunks, headers={"Content-Type": "text/html"}))

    def hits(self, path: str | None = None) -> list[Hit]:
        """Return the requests received, all or to one path."""
        with self._lock:
            return [hit for hit in self._hits if path is None or hit.path == path]

    def _reply_for(self, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            count = sum(hit.path == path for hit in self._hits)
            self._hits.append(Hit(path, headers, time.monotonic()))
            replies = self._routes.get(path)
        if not replies:
            return Reply(b"<h1>Nicht gefunden</h1>", 404, {"Content-Type": "text/html; charset=utf-8"})
        return replies[min(count, len(replies) - 1)]


# --- Content ------------------------------------------------------------------------------------------------


def job_posting(
    title: str,
    *,
    identifier: str | None = None,
    place: str = "Dortmund",
    postal_code: str = "44137",
    employer: str = "Muster Kliniken GmbH",
    **extra: Any,
) -> dict[str, Any]:
    """Return a schema.org JobPosting object as employers write it."""
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": title,
        "description": f"<p>Wir suchen {escape(title)} für unser Team.</p>",
        "datePosted": "2026-01-06",
        # Always ahead, so the postings are current whenever the suite runs.
        "validThrough": f"{date.today().year + 1}-03-31T23:59:59+01:00",
        "employmentType": ["FULL_TIME"],
        "hiringOrganization": {"@type": "Organization", "name": employer},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": place,
                "postalCode": postal_code,
                "addressRegion": "Nordrhein-Westfalen",
                "addressCountry": "DE",
            },
        },
    }
    if identifier is not None:
        posting["identifier"] = {"@type": "PropertyValue", "name": employer, "value": identifier}
    posting.update(extra)
    return posting


def json_ld_page(*blocks: object, body: str = "<h1>Karriere</h1>") -> str:
    """Return an HTML page with one JSON-LD script per block; a str block is written as is (broken JSON)."""
    return (
        f"<!DOCTYPE html><html lang=de><head><title>Karriere</title>\n{json_ld_scripts(*blocks)}</head>"
        f"<body>{body}</body></html>"
    )


def json_ld_scripts(*blocks: object) -> str:
    """Return one JSON-LD script element per block, escaped as sites must ("</" as "<\\/")."""
    return "".join(
        '<script type="application/ld+json">'
        + (block if isinstance(block, str) else json.dumps(block, ensure_ascii=False).replace("</", "<\\/"))
        + "</script>\n"
        for block in blocks
    )


def microdata_page(title: str, *, place: str = "Bochum", postal_code: str = "44787") -> str:
    """Return an HTML page with one JobPosting in microdata, as older CMS templates write it."""
    return f"""<!DOCTYPE html><html lang=de><head><title>{escape(title)}</title></head><body>
<div itemscope itemtype="http://schema.org/JobPosting">
  <h1 itemprop="title">{escape(title)}</h1>
  <span itemprop="identifier" content="MD-{len(title)}"></span>
  <div itemprop="hiringOrganization" itemscope itemtype="http://schema.org/Organization">
    <span itemprop="name">Pflegedienst Sonnenschein &amp; Partner</span>
  </div>
  <div itemprop="jobLocation" itemscope itemtype="http://schema.org/Place">
    <div itemprop="address" itemscope itemtype="http://schema.org/PostalAddress">
      <span itemprop="postalCode">{postal_code}</span> <span itemprop="addressLocality">{escape(place)}</span>
    </div>
  </div>
  <time itemprop="datePosted" datetime="2026-01-10">10. Januar 2026</time>
  <meta itemprop="employmentType" content="PART_TIME">
  <div itemprop="description"><p>Ihre Aufgaben:</p><ul><li>Grundpflege</li><li>Dokumentation</li></ul>
    <script>alert("xss")</script></div>
  <div itemprop="baseSalary" itemscope itemtype="http://schema.org/MonetaryAmount">
    <meta itemprop="currency" content="EUR">
    <div itemprop="value" itemscope itemtype="http://schema.org/QuantitativeValue">
      <meta itemprop="minValue" content="19.50"><meta itemprop="maxValue" content="22.00">
      <meta itemprop="unitText" content="HOUR">
    </div>
  </div>
  <a itemprop="url" href="/jobs/pflege.html">Zur Stelle</a>
</div></body></html>"""


def urlset(*entries: str | tuple[str, str]) -> bytes:
    """Return a sitemap <urlset> of URLs, each optionally with its lastmod."""
    return _sitemap_xml("urlset", "url", entries)


def sitemap_index(*entries: str | tuple[str, str]) -> bytes:
    """Return a <sitemapindex> of sitemap URLs, each optionally with its lastmod."""
    return _sitemap_xml("sitemapindex", "sitemap", entries)


def _sitemap_xml(root: str, child: str, entries: Iterable[str | tuple[str, str]]) -> bytes:
    items = []
    for entry in entries:
        loc, lastmod = (entry, None) if isinstance(entry, str) else entry
        extra = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        items.append(f"<{child}><loc>{escape(loc)}</loc>{extra}</{child}>")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{"".join(items)}</{root}>'
    )
    return xml.encode("utf-8")


def xml_bomb() -> bytes:
    """Return a sitemap carrying the "billion laughs" entity expansion."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    return (
        f'<?xml version="1.0"?><!DOCTYPE urlset [{entities}]>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&lol9;</loc></url></urlset>'
    ).encode()


def external_entity_sitemap() -> bytes:
    """Return a sitemap that tries to read a local file through an external entity."""
    return (
        b'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>&secret;</loc></url></urlset>'
    )


# --- A known career portal ----------------------------------------------------------------------------------

# What career_site() holds: pages in its sitemaps, postings on them, and the blocks that cannot be read.
CAREER_SITE_PAGES = ("/jobs/koch.html", "/jobs/team.html", "/jobs/pflege.html", "/jobs/kaputt.html")
CAREER_SITE_REFUSED = ("/intern/entwurf.html",)
CAREER_SITE_POSTINGS = 5
CAREER_SITE_READ_ERRORS = 1
CAREER_SITE_TITLES = frozenset(
    {
        "Koch (m/w/d)",
        "Pflegefachkraft (m/w/d)",
        "Medizininformatiker (m/w/d)",
        "Servicekraft (m/w/d)",
        "Altenpfleger (m/w/d) in Teilzeit",
    }
)


def career_site() -> JobSite:
    """Start a site with JSON-LD, @graph, microdata and broken pages, robots.txt and nested sitemaps."""
    site = JobSite()
    salary = {
        "@type": "MonetaryAmount",
        "currency": "EUR",
        "value": {"@type": "QuantitativeValue", "minValue": 3200, "maxValue": 3800, "unitText": "MONTH"},
    }
    site.page(
        "/jobs/koch.html",
        json_ld_page(job_posting("Koch (m/w/d)", identifier="K-100", baseSalary=salary)),
        etag='"koch-v1"',
    )
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "Organization", "name": "Muster Kliniken GmbH"},
            job_posting("Pflegefachkraft (m/w/d)", identifier="P-200"),
            job_posting("Medizininformatiker (m/w/d)", identifier="M-300", jobLocationType="TELECOMMUTE"),
        ],
    }
    site.page("/jobs/team.html", json_ld_page(graph), last_modified="Tue, 06 Jan 2026 08:00:00 GMT")
    site.page("/jobs/pflege.html", microdata_page("Altenpfleger (m/w/d) in Teilzeit"))
    site.page(
        "/jobs/kaputt.html",
        json_ld_page('{"@type": "JobPosting", "title": "Kaputt",}', job_posting("Servicekraft (m/w/d)")),
    )
    site.page("/intern/entwurf.html", json_ld_page(job_posting("Entwurf (m/w/d)")))
    site.robots(f"User-agent: *\nDisallow: /intern/\n\nSitemap: {site.url('/sitemap.xml')}\n")
    site.sitemap(
        "/sitemap.xml", sitemap_index(site.url("/sitemap-jobs.xml"), site.url("/sitemap-more.xml.gz"))
    )
    site.sitemap(
        "/sitemap-jobs.xml",
        urlset(
            (site.url("/jobs/koch.html"), "2026-01-06"),
            (site.url("/jobs/team.html"), "2026-01-06T09:00:00+01:00"),
            site.url("/intern/entwurf.html"),
        ),
    )
    more = urlset(site.url("/jobs/pflege.html"), site.url("/jobs/kaputt.html"))
    site.sitemap("/sitemap-more.xml.gz", more, gzipped=True)
    return site
