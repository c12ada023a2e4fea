"""An imitation of the BA Jobsuche API on 127.0.0.1, with fault injection, for connector and end-to-end tests.

Use it as a context manager (or from a pytest fixture)::

    with BaUpstream(sample_postings()) as upstream:
        http = HttpClient(policy=HttpPolicy(timeout=0.3), clock=FakeClock())  # retries wait virtually
        client = BaJobsucheClient(http, base_url=upstream.base_url, details=True)
        upstream.add_fault(Fault.http(503, retry_after="2"), endpoint="search", page=2)
        ...
        assert upstream.refnrs() == {record.external_id for ...}
        upstream.set_postings([...])  # the next run finds other postings

What it serves, from a list of `UpstreamPosting`s (a v4 search item plus what the BA knows about it):

- `GET /pc/v6/jobs` (items in `ergebnisliste` with v6 names, `maxErgebnisse` a number; no `ergebnisliste` when
  nothing matches) and `GET /pc/v4/jobs` (`stellenangebote`, v4 names, counts as strings), under
  `/jobboerse/jobsuche-service`; `search_versions=("v6",)` answers 404 on v4, as the live API does now.
- `GET /pc/v4/jobdetails/{base64(refnr)}`: v6-style details, or 404 for a posting without a detail page.
- Parameters: `was` (substring of title or occupation), `wo` (place, Land or PLZ; `umkreis` is accepted and
  ignored), `berufsfeld`, `arbeitgeber`, `angebotsart`, `arbeitszeit` and `befristung` (';' lists),
  `veroeffentlichtseit` (days), `zeitarbeit=false`, `pav=false`, `page` (from 1) and `size` (default 25).
- The limits of the real API: size above 100 or page × size above 10,000 answer 400, as page 101 at size 100
  does live; a missing or wrong `X-API-Key` answers 403.
- Facets: `facetten.berufsfeld.counts` over the whole result (switch off with `facets=False`, as v6 may).

Faults (`Fault`), added with `add_fault` for matching requests and used up one by one: slow answers (the
client times out), any status with optional `Retry-After` (seconds or an HTTP date), truncated JSON (the body
cut short with a matching Content-Length), malformed JSON (an HTML error page with status 200), a dropped
connection mid-body, an empty page, and an oversized body. Duplicates across pages come from listing the same
posting twice (`with_duplicates`); sets above the 10,000 cap from `synthetic_postings`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from stellwerk.sources.ba_jobsuche import BUNDESLAENDER

API_KEY = "jobboerse-jobsuche"
MAX_SIZE = 100
MAX_WINDOW = 10_000
DEFAULT_SIZE = 25
SERVICE_PATH = "/jobboerse/jobsuche-service"
FIXTURE = Path(__file__).parent.parent / "fixtures" / "ba_search_sample.json"
BERUFSFELDER = (
    "Gesundheit",
    "Informatik",
    "Verkehr, Logistik",
    "Handwerk",
    "Büro, Verwaltung",
    "Gastronomie",
)

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class UpstreamPosting:
    """One posting the imitation serves: its v4 search item and the attributes the BA filters by."""

    item: JsonObject
    berufsfeld: str = "Gesundheit"
    befristung: int | None = 2
    arbeitszeit: frozenset[str] = frozenset({"vz"})
    angebotsart: int = 1
    zeitarbeit: bool = False
    pav: bool = False
    published_days_ago: int = 3
    details: JsonObject | None = None

    @property
    def refnr(self) -> str | None:
        """Return the reference number (None for an item made without one, which the client must report)."""
        value = self.item.get("refnr")
        return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Fault:
    """A way to answer a request wrongly; build one with the class methods."""

    kind: str
    status: int = 200
    seconds: float = 0.0
    retry_after: str | None = None
    retry_after_date: float | None = None
    size: int = 0

    @classmethod
    def slow(cls, seconds: float) -> Fault:
        """Answer correctly, but only after `seconds` (longer than the client's timeout)."""
        return cls("slow", seconds=seconds)

    @classmethod
    def http(
        cls, status: int, *, retry_after: str | None = None, retry_after_in: float | None = None
    ) -> Fault:
        """Answer with a status; Retry-After given verbatim, or as an HTTP date `retry_after_in` s ahead."""
        return cls("status", status=status, retry_after=retry_after, retry_after_date=retry_after_in)

    @classmethod
    def truncated(cls) -> Fault:
        """Answer 200 with the first half of the JSON body (Content-Length matching the cut body)."""
        return cls("truncated")

    @classmethod
    def malformed(cls) -> Fault:
        """Answer 200 with an HTML error page instead of JSON, as a misbehaving gateway does."""
        return cls("malformed")

    @classmethod
    def disconnect(cls) -> Fault:
        """Announce the full body, send half of it and close the connection."""
        return cls("disconnect")

    @classmethod
    def empty(cls) -> Fault:
        """Answer the page without items, `maxErgebnisse` unchanged."""
        return cls("empty")

    @classmethod
    def huge(cls, size: int) -> Fault:
        """Answer 200 with `size` bytes of JSON, without Content-Length, until the connection closes."""
        return cls("huge", size=size)


@dataclass(slots=True)
class _FaultRule:
    fault: Fault
    endpoint: str | None
    page: int | None
    params: Mapping[str, str]
    times: int


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """A request the imitation received, with the monotonic time it arrived."""

    endpoint: str
    path: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float

    @property
    def page(self) -> int:
        """Return the requested page (1 when not given)."""
        return int(self.params.get("page", "1"))

    @property
    def size(self) -> int:
        """Return the requested page size (the API's default when not given)."""
        return int(self.params.get("size", str(DEFAULT_SIZE)))


@dataclass(slots=True)
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class BaUpstream:
    """The BA Jobsuche API imitated by a real HTTP server in a thread on 127.0.0.1 (port chosen freely)."""

    def __init__(
        self,
        postings: Iterable[UpstreamPosting] = (),
        *,
        api_key: str = API_KEY,
        facets: bool = True,
        search_versions: Sequence[str] = ("v6", "v4"),
        host: str = "127.0.0.1",
    ) -> None:
        self._postings: tuple[UpstreamPosting, ...] = tuple(postings)
        # Paging repeats a search a hundred times: its matches and facet counts are computed once.
        self._matches: dict[tuple[tuple[str, str], ...], tuple[list[UpstreamPosting], dict[str, int]]] = {}
        self.api_key = api_key
        self.facets = facets
        # The live API answers 404 on /pc/v4/jobs since August 2026: pass ("v6",) to imitate that.
        self.search_versions = tuple(search_versions)
        self.requests: list[RecordedRequest] = []
        self._rules: list[_FaultRule] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server((host, 0), _Handler)
        self._server.upstream = self
        # A short poll interval lets close() return quickly.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="ba-upstream", daemon=True
        )

    @property
    def base_url(self) -> str:
        """Return the base URL, the counterpart of https://rest.arbeitsagentur.de/jobboerse/jobsuche-service."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{SERVICE_PATH}"

    def __enter__(self) -> BaUpstream:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def start(self) -> None:
        """Start serving in a background thread."""
        self._thread.start()

    def close(self) -> None:
        """Stop serving; slow answers still waiting are cut short."""
        self._stopping.set()
        self._server.shutdown()
        self._server.close_connections()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def postings(self) -> tuple[UpstreamPosting, ...]:
        """Return the postings served, in the order the search lists them."""
        return self._postings

    def set_postings(self, postings: Iterable[UpstreamPosting]) -> None:
        """Serve other postings from now on (new ones appeared, old ones expired)."""
        with self._lock:
            self._postings = tuple(postings)
            self._matches.clear()

    def add_fault(
        self,
        fault: Fault,
        *,
        endpoint: str | None = None,
        page: int | None = None,
        params: Mapping[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` matching requests with a fault; endpoint is "search" or "details"."""
        with self._lock:
            self._rules.append(_FaultRule(fault, endpoint, page, dict(params or {}), times))

    def refnrs(self) -> set[str]:
        """Return the reference numbers of every posting served."""
        return {posting.refnr for posting in self.postings if posting.refnr is not None}

    def searches(self) -> list[RecordedRequest]:
        """Return the search requests received so far."""
        return [request for request in self.requests if request.endpoint == "search"]

    # --- serving ---------------------------------------------------------------------------------------

    def _record(self, path: str, params: dict[str, str], headers: dict[str, str]) -> RecordedRequest:
        endpoint = "other"
        if path.startswith(f"{SERVICE_PATH}/pc/v4/jobdetails/"):
            endpoint = "details"
        elif path in (f"{SERVICE_PATH}/pc/{version}/jobs" for version in self.search_versions):
            endpoint = "search"
        request = RecordedRequest(endpoint, path, params, headers, time.monotonic())
        with self._lock:
            self.requests.append(request)
        return request

    def _take_fault(self, request: RecordedRequest) -> Fault | None:
        with self._lock:
            for rule in self._rules:
                if rule.times <= 0 or (rule.endpoint and rule.endpoint != request.endpoint):
                    continue
                if rule.page is not None and (request.endpoint != "search" or request.page != rule.page):
                    continue
                if any(request.params.get(k) != v for k, v in rule.params.items()):
                    continue
                rule.times -= 1
                return rule.fault
        return None

    def answer(self, request: RecordedRequest) -> _Answer:
        """Return the correct answer to a request (before any fault is applied)."""
        if request.headers.get("x-api-key") != self.api_key:
            return _json_answer(403, {"code": 403, "message": "Forbidden"})
        if request.endpoint == "details":
            return self._details(request.path.rsplit("/", 1)[-1])
        if request.endpoint != "search":
            return _json_answer(404, {"code": 404, "message": "Not Found"})
        return self._search(request, request.path.rsplit("/", 2)[-2])

    def _search(self, request: RecordedRequest, version: str) -> _Answer:
        try:
            page, size = request.page, request.size
        except ValueError:
            return _json_answer(400, {"code": 400, "message": "page and size must be numbers"})
        if not 1 <= size <= MAX_SIZE or page < 1 or page * size > MAX_WINDOW:
            return _json_answer(400, {"code": 400, "message": f"page {page} × size {size} out of bounds"})
        matches, counts = self._search_matches(request.params)
        chunk = matches[(page - 1) * size : page * size]
        return _json_answer(
            200, self._result(version, len(matches), counts, [p.item for p in chunk], page, size)
        )

    def _search_matches(self, params: Mapping[str, str]) -> tuple[list[UpstreamPosting], dict[str, int]]:
        key = tuple(sorted((name, value) for name, value in params.items() if name in _TESTS))
        with self._lock:
            if key not in self._matches:
                matches = _filter(self._postings, params)
                counts: dict[str, int] = {}
                for posting in matches:
                    counts[posting.berufsfeld] = counts.get(posting.berufsfeld, 0) + 1
                self._matches[key] = (matches, counts)
            return self._matches[key]

    def _result(
        self, version: str, total: int, counts: dict[str, int], items: list[JsonObject], page: int, size: int
    ) -> JsonObject:
        result: JsonObject
        if version == "v6":
            result = {"maxErgebnisse": total, "page": page, "size": size}
            if total:
                result["ergebnisliste"] = [to_v6(item) for item in items]
        else:
            result = {"stellenangebote": items, "maxErgebnisse": str(total), "page": str(page)}
            result["size"] = str(size)
        if self.facets:
            result["facetten"] = {
                "berufsfeld": {"counts": counts, "maxCount": max(counts.values(), default=0)}
            }
        return result

    def _details(self, code: str) -> _Answer:
        try:
            refnr = base64.b64decode(unquote(code), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return _json_answer(400, {"code": 400, "message": "not base64"})
        posting = next((p for p in self._postings if p.refnr == refnr), None)
        if posting is None or posting.details is None:
            return _json_answer(404, {"code": 404, "message": "Not Found"})
        return _json_answer(200, posting.details)


class _Server(ThreadingHTTPServer):
    # Keep-alive connections hold their handler threads; closing ends them (close_connections) instead.
    block_on_close = False
    daemon_threads = True
    upstream: BaUpstream

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.connections: set[socket.socket] = set()
        self.handlers: set[threading.Thread] = set()
        self.connections_lock = threading.Lock()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Track the connection and its thread while it is served."""
        with self.connections_lock:
            self.connections.add(request)
            self.handlers.add(threading.current_thread())
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.connections.discard(request)
                self.handlers.discard(threading.current_thread())

    def close_connections(self) -> None:
        """End every open connection, so that waiting handler threads finish and close their sockets."""
        with self.connections_lock:
            connections, handlers = list(self.connections), list(self.handlers)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        for thread in handlers:
            thread.join(timeout=5)

    def handle_error(self, request: object, client_address: object) -> None:
        """Stay quiet about clients that hung up (the client timed out on a slow answer)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the second waits for a delayed ACK.
    disable_nagle_algorithm = True
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean."""

    def do_GET(self) -> None:
        """Answer a GET, applying a pending fault if one matches."""
        upstream = self.server.upstream
        parts = urlsplit(self.path)
        params = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        headers = {key.lower(): value for key, value in self.headers.items()}
        request = upstream._record(parts.path, params, headers)
        fault = upstream._take_fault(request)
        if fault is not None and fault.kind == "slow":
            if upstream._stopping.wait(fault.seconds):
                return
            fault = None
        if fault is not None and fault.kind == "status":
            self._send(_fault_status(fault))
            return
        answer = upstream.answer(request)
        if fault is None or answer.status != 200:
            self._send(answer)
        elif fault.kind == "empty":
            self._send(_emptied(answer))
        else:
            self._send_broken(fault, answer)

    def _send(self, answer: _Answer, length: int | None = None) -> None:
        self.send_response_only(answer.status)
        headers = {"Content-Type": "application/json", "Date": formatdate(usegmt=True)} | answer.headers
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body) if length is None else length))
        self.end_headers()
        self.wfile.write(answer.body)

    def _send_broken(self, fault: Fault, answer: _Answer) -> None:
        half = answer.body[: len(answer.body) // 2]
        if fault.kind == "truncated":
            self._send(_Answer(200, half))
        elif fault.kind == "malformed":
            html = b"<html><body><h1>502 Bad Gateway</h1></body></html>"
            self._send(_Answer(200, html, {"Content-Type": "text/html"}))
        elif fault.kind == "disconnect":
            self._send(_Answer(200, half), length=len(answer.body))
            self.close_connection = True
        elif fault.kind == "huge":
            self.send_response_only(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(b'{"padding": "' + b"x" * fault.size + b'"}')
            self.close_connection = True


def _json_answer(status: int, data: Any) -> _Answer:
    return _Answer(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def _fault_status(fault: Fault) -> _Answer:
    headers: dict[str, str] = {}
    if fault.retry_after is not None:
        headers["Retry-After"] = fault.retry_after
    if fault.retry_after_date is not None:
        now = time.time()
        # Whole seconds on both, so that the client reads exactly the delay asked for.
        headers["Date"] = formatdate(int(now), usegmt=True)
        headers["Retry-After"] = formatdate(int(now) + fault.retry_after_date, usegmt=True)
    body = json.dumps({"code": fault.status, "message": "fault injected"}).encode("utf-8")
    return _Answer(fault.status, body, headers)


def _emptied(answer: _Answer) -> _Answer:
    data = json.loads(answer.body)
    for key in ("ergebnisliste", "stellenangebote"):
        if key in data:
            data[key] = []
    return _json_answer(200, data)


def _filter(postings: Sequence[UpstreamPosting], params: Mapping[str, str]) -> list[UpstreamPosting]:
    """Return the postings a search matches; each parameter's test is built once, not per posting."""
    tests = [_TESTS[name](value) for name, value in params.items() if name in _TESTS]
    return [posting for posting in postings if all(test(posting) for test in tests)]


def _text_test(value: str) -> Callable[[UpstreamPosting], bool]:
    needle = value.casefold()
    return lambda p: needle in f"{p.item.get('titel', '')} {p.item.get('beruf', '')}".casefold()


def _place_test(value: str) -> Callable[[UpstreamPosting], bool]:
    needle = value.casefold()
    return lambda p: (
        needle
        in {str((p.item.get("arbeitsort") or {}).get(key, "")).casefold() for key in ("ort", "region", "plz")}
    )


def _working_time_test(value: str) -> Callable[[UpstreamPosting], bool]:
    codes = set(value.split(";"))
    return lambda p: bool(codes & p.arbeitszeit)


def _fixed_term_test(value: str) -> Callable[[UpstreamPosting], bool]:
    allowed = set(value.split(";"))
    return lambda p: str(p.befristung) in allowed


_TESTS: dict[str, Callable[[str], Callable[[UpstreamPosting], bool]]] = {
    "was": _text_test,
    "wo": _place_test,
    "berufsfeld": lambda v: lambda p: p.berufsfeld == v,
    "arbeitgeber": lambda v: lambda p: str(p.item.get("arbeitgeber", "")).casefold() == v.casefold(),
    "angebotsart": lambda v: lambda p: str(p.angebotsart) == v,
    "arbeitszeit": _working_time_test,
    "befristung": _fixed_term_test,
    "veroeffentlichtseit": lambda v: lambda p: p.published_days_ago <= int(v),
    "zeitarbeit": lambda v: lambda p: v == "true" or not p.zeitarbeit,
    "pav": lambda v: lambda p: v == "true" or not p.pav,
}


# --- postings -------------------------------------------------------------------------------------------


def to_v6(item: JsonObject) -> JsonObject:
    """Return a v4 search item with the names and shapes of v6 (see BA_JOBSUCHE_V6.md), same data."""
    place = dict(item.get("arbeitsort") or {})
    coordinates = place.pop("koordinaten", None) or {}
    distance = place.pop("entfernung", None)
    address = {key: value for key, value in place.items() if key not in ("koordinaten",)}
    if "region" in address:
        address["region"] = str(address["region"]).upper()  # v6 writes Länder in capitals
    if "land" in address:
        address["land"] = str(address["land"]).upper()
    location: JsonObject = {"adresse": address}
    if coordinates:
        location |= {"breite": coordinates.get("lat"), "laenge": coordinates.get("lon")}
    v6: JsonObject = {} if item.get("refnr") is None else {"referenznummer": item["refnr"]}
    renames = {
        "titel": "stellenangebotsTitel",
        "beruf": "hauptberuf",
        "arbeitgeber": "firma",
        "kundennummerHash": "arbeitgeberKundennummerHash",
        "aktuelleVeroeffentlichungsdatum": "datumErsteVeroeffentlichung",
        "modifikationsTimestamp": "aenderungsdatum",
    }
    for old, new in renames.items():
        if old in item:
            v6[new] = item[old]
    if "beruf" in item:
        v6["alleBerufe"] = [item["beruf"]]
    if "eintrittsdatum" in item:
        v6["eintrittszeitraum"] = {"von": item["eintrittsdatum"]}
    v6["stellenlokationen"] = [location]
    if distance is not None:
        v6["entfernung"] = int(distance) if str(distance).isdigit() else distance
    if "externeUrl" in item:
        # Both spellings occur live; alternate them so that readers handle both.
        v6["externeURL" if sum(map(ord, str(item.get("refnr")))) % 2 else "externeUrl"] = item["externeUrl"]
    return v6


def details_for(item: JsonObject, *, salary: bool = True) -> JsonObject:
    """Return v6-style details of a v4 search item: its search data plus a description, terms and pay."""
    details = to_v6(item)
    title = item.get("titel") or item.get("beruf")
    employer = item.get("arbeitgeber", "uns")
    details |= {
        "stellenangebotsBeschreibung": (
            f"<h3>{title}</h3><p>Wir, {employer}, suchen Verstärkung.</p>"
            "<ul><li>Vollzeit</li><li>unbefristet</li></ul><script>track()</script>"
        ),
        "stellenangebotsart": "ARBEIT",
        "arbeitszeitVollzeit": True,
        "vertragsdauer": "UNBEFRISTET",
        "istArbeitnehmerUeberlassung": False,
        "allianzpartnerName": "arbeitsagentur.de",
    }
    if salary:
        details |= {"verguetungsangabe": "MONATSGEHALT", "gehaltsspanneVon": 3200, "gehaltsspanneBis": 3900}
    return details


def sample_postings() -> list[UpstreamPosting]:
    """Return the 47 postings of tests/fixtures/ba_search_sample.json, spread over fields and terms.

    Postings with an external URL (sourced from partners) have no detail page, as live.
    """
    items = json.loads(FIXTURE.read_text(encoding="utf-8"))["stellenangebote"]
    return [
        UpstreamPosting(
            item=item,
            berufsfeld=BERUFSFELDER[index % 3],
            befristung=(1, 2, None)[index % 3],
            published_days_ago=index % 10,
            details=None if item.get("externeUrl") else details_for(item),
        )
        for index, item in enumerate(items)
    ]


def synthetic_postings(
    count: int,
    *,
    berufsfelder: Sequence[str] = BERUFSFELDER[:3],
    laender: Sequence[str] = BUNDESLAENDER,
    abroad_every: int = 0,
    befristung: Sequence[int | None] = (1, 2),
    prefix: str = "S",
) -> list[UpstreamPosting]:
    """Return `count` small postings, round-robin over fields, Länder and fixed terms.

    Every `abroad_every`-th posting (if set) lies in Austria, which no Land-part of a search finds.
    """
    postings = []
    for n in range(count):
        abroad = bool(abroad_every) and n % abroad_every == abroad_every - 1
        land = "ÖSTERREICH" if abroad else "Deutschland"
        region = "Wien" if abroad else laender[n % len(laender)]
        item = {
            "refnr": f"{prefix}{n:07d}-S",
            "titel": f"Stelle {n}",
            "beruf": "Fachkraft",
            "arbeitgeber": f"Firma {n % 97}",
            "aktuelleVeroeffentlichungsdatum": "2026-09-01",
            "arbeitsort": {"ort": "Wien" if abroad else f"Ort {n % 50}", "region": region, "land": land},
        }
        postings.append(
            UpstreamPosting(
                item,
                berufsfeld=berufsfelder[n % len(berufsfelder)],
                befristung=befristung[n % len(befristung)],
            )
        )
    return postings


def with_duplicates(postings: Sequence[UpstreamPosting], every: int) -> list[UpstreamPosting]:
    """Return the postings with every `every`-th one listed a second time, further down (on a later page)."""
    repeated = list(postings[::every])
    middle = len(postings) // 2
    return [*postings[:middle], *repeated, *postings[middle:]]


class FakeClock:
    """A Clock for stellwerk.sources.http that records sleeps and advances time by them instead of waiting."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = 0.0
        self.epoch = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        """Return the virtual monotonic time."""
        return self.now

    def time(self) -> float:
        """Return the virtual wall-clock time."""
        return self.epoch + self.now

    def sleep(self, seconds: float) -> None:
        """Record the wait and advance the virtual time."""
        self.sleeps.append(seconds)
        self.now += seconds
