"""Imitations of the Entgeltatlas and the Weiterbildungssuche APIs on 127.0.0.1, with injectable failures.

    with EntgeltatlasUpstream() as upstream:
        upstream.add(record(kldb="43104", region=22, median=4800))
        upstream.fail_next(503)  # the next request answers 503, the one after that normally
        client = EntgeltatlasClient(httpx.Client(), upstream.base_url, backoff_seconds=0)

Both record every request (path and query) so tests can check what the connectors asked for.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

ENTGELTATLAS_KEY = "test-key"
REGION_NAMES = {1: "Deutschland", 8: "Nordrhein-Westfalen", 12: "Bayern", 22: "Dortmund"}
AGE_NAMES = {1: "Gesamt", 2: "unter 25"}


@dataclass(frozen=True, slots=True)
class Request:
    """A request the imitation received."""

    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


class _Upstream:
    """A threaded HTTP server answering GET requests through `answer`."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                request = Request(parts.path, parse_qs(parts.query), dict(self.headers.items()))
                status, body = upstream._respond(request)
                data = json.dumps(body, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output clean."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """Return the root URL the imitation answers at."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, *statuses: int) -> None:
        """Answer the next requests with these statuses, one each."""
        with self._lock:
            self._failures.extend(statuses)

    def _respond(self, request: Request) -> tuple[int, Any]:
        with self._lock:
            self.requests.append(request)
            if self._failures:
                return self._failures.pop(0), {"message": "injected failure"}
        return self.answer(request)

    def answer(self, request: Request) -> tuple[int, Any]:
        """Return the status and JSON body for a request."""
        raise NotImplementedError

    def __enter__(self) -> _Upstream:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def atlas_record(
    kldb: str,
    region: int,
    median: int,
    q25: int,
    q75: int,
    headcount: int = 1234,
    age: int = 1,
    ceiling: int = 7100,
    level: str = "Experte",
) -> dict[str, Any]:
    """Return an Entgeltatlas API record (amounts in whole euros, -2 censored, -1 withheld)."""
    return {
        "kldb": kldb,
        "region": {
            "id": region,
            "bezeichnung": REGION_NAMES.get(region, f"Region {region}"),
            "schluessel": str(region),
            "oberRegionId": None,
            "oberRegionBezeichnung": None,
            "beitragsBemessungsGrenze": ceiling,
        },
        "gender": {"id": 1, "bezeichnung": "Gesamt"},
        "ageCategory": {"id": age, "bezeichnung": AGE_NAMES.get(age, str(age))},
        "performanceLevel": {"id": 4, "bezeichnung": level},
        "branche": {"id": 1, "bezeichnung": "Gesamt"},
        "entgelt": median,
        "entgeltQ25": q25,
        "entgeltQ75": q75,
        "besetzung": headcount,
    }


class EntgeltatlasUpstream(_Upstream):
    """GET /pc/v1/entgelte/{kldb}?r=&a=&g=&b= with the X-API-Key header; a JSON list of records."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[dict[str, Any]] = []

    def add(self, *records: dict[str, Any]) -> None:
        """Serve these records."""
        self.records.extend(records)

    def answer(self, request: Request) -> tuple[int, Any]:
        """Answer with the records of the code, region and age asked for."""
        if request.headers.get("X-API-Key") != ENTGELTATLAS_KEY:
            return 403, {"message": "missing or wrong X-API-Key"}
        prefix = "/pc/v1/entgelte/"
        if not request.path.startswith(prefix):
            return 404, {"message": "unknown path"}
        code = request.path.removeprefix(prefix)
        region = int(_first(request.query, "r", "1"))
        age = int(_first(request.query, "a", "1"))
        found = [
            r
            for r in self.records
            if r["kldb"].startswith(code) and r["region"]["id"] == region and r["ageCategory"]["id"] == age
        ]
        return 200, found


def course_date(termin_id: int, title: str, **changes: Any) -> dict[str, Any]:
    """Return a Weiterbildungssuche course date (Termin) in the API's shape."""
    termin: dict[str, Any] = {
        "id": termin_id,
        "unterrichtsform": {"id": 101, "bezeichnung": "Präsenzveranstaltung"},
        "unterrichtszeit": {"id": 1, "bezeichnung": "Vollzeit"},
        "dauer": {"id": 4, "bezeichnung": "mehr als 1 Monat bis 3 Monate"},
        "angebot": {
            "id": termin_id * 10,
            "titel": title,
            "inhalt": "<p>Grundlagen <b>SQL</b> und Datenbanken</p><ul><li>HL7 FHIR</li></ul>",
            "link": "https://bildung.example.org/kurs",
            "bildungsanbieter": {"id": 7, "name": "Akademie West"},
            "suchworte": [{"suchwort": "Datenbanken"}],
        },
        "adresse": {
            "ortStrasse": {"id": 1, "plz": "44135", "name": "Dortmund"},
            "koordinaten": {"lat": 51.5136, "lon": 7.4653},
        },
        "kostenWert": "1890.5",
        "kostenWaehrung": "EUR",
        "foerderung": True,
        "link": None,
        "beginn": 1767225600000,
        "ende": 1775001600000,
        "individuellerEinstieg": False,
    }
    termin.update(changes)
    return termin


class WeiterbildungUpstream(_Upstream):
    """GET /pc/v1/bildungsangebot?sw=&ort=&uk=&page=&size=: pages of `_embedded.termine`, pages from 0."""

    def __init__(self, dates: list[dict[str, Any]]) -> None:
        super().__init__()
        self.dates = dates

    def answer(self, request: Request) -> tuple[int, Any]:
        """Answer a page of the course dates whose title or keywords contain the search word."""
        if request.path != "/pc/v1/bildungsangebot":
            return 404, {"message": "unknown path"}
        word = _first(request.query, "sw", "").lower()
        size = int(_first(request.query, "size", "20"))
        page = int(_first(request.query, "page", "0"))
        matching = [d for d in self.dates if word in json.dumps(d["angebot"], ensure_ascii=False).lower()]
        total_pages = max(1, -(-len(matching) // size))
        shown = matching[page * size : (page + 1) * size]
        return 200, {
            "_embedded": {"termine": shown},
            "page": {"size": size, "totalElements": len(matching), "totalPages": total_pages, "number": page},
        }


def _first(query: Mapping[str, list[str]], name: str, default: str) -> str:
    values = query.get(name)
    return values[0] if values else default
