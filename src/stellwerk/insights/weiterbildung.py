"""BA Weiterbildungssuche connector: further-training course dates near a place, with the skills they cover.

The API (/pc/v1/bildungsangebot) answers with pages of course dates (`_embedded.termine`), each with its
course (`angebot`), provider, address and dates. Each date is kept verbatim and as a TrainingOffer, keyed by
its id, so a rerun updates what changed and adds what is new. The skills lexicon that reads postings reads
the course text too: that is how a page finds training for the skills its postings ask for.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.db import transaction
from django.utils import timezone

from stellwerk.domain.places import Place
from stellwerk.insights.demand import BERLIN
from stellwerk.insights.models import TrainingOffer, TrainingOfferSkill
from stellwerk.normalize.html import html_to_text
from stellwerk.normalize.skills import SkillLexicon

SOURCE = "ba-weiterbildung"
DEFAULT_URL = "https://rest.arbeitsagentur.de/infosysbub/wbsuche"
SEARCH_PATH = "/pc/v1/bildungsangebot"
PAGE_SIZE = 50
MAX_PAGES = 20
RADII = (25, 50, 100, 150, 200)
RETRIES = 3
BACKOFF_SECONDS = 0.5
SUMMARY_CHARS = 2000


class WeiterbildungError(RuntimeError):
    """The Weiterbildungssuche could not be reached or answered with something else than course dates."""


class InvalidTrainingRecord(ValueError):
    """A course date lacks its id or title; the message says which."""


@dataclass(frozen=True, slots=True)
class TrainingQuery:
    """What to ask the Weiterbildungssuche for: a keyword, optionally around a place."""

    keyword: str
    place: Place | None = None
    radius_km: int | None = None
    funded_only: bool = False

    def params(self) -> dict[str, str]:
        """Return the query parameters of the API."""
        params = {"sw": self.keyword, "size": str(PAGE_SIZE)}
        if self.place is not None:
            plz = self.place.postal_codes[0] if self.place.postal_codes else ""
            # Name, PLZ, longitude and latitude, joined by underscores.
            params["ort"] = f"{self.place.name}_{plz}_{self.place.lon}_{self.place.lat}"
            params["uk"] = str(self.radius_km) if self.radius_km in RADII else "50"
        else:
            params["uk"] = "Bundesweit"
        if self.funded_only:
            params["bg"] = "true"
        return params


@dataclass(frozen=True, slots=True)
class WeiterbildungClient:
    """Fetches pages of course dates from the Weiterbildungssuche at `base_url` with an injected client."""

    http: httpx.Client
    base_url: str = DEFAULT_URL
    api_key: str | None = None
    backoff_seconds: float = BACKOFF_SECONDS

    @property
    def url(self) -> str:
        """Return the search endpoint."""
        return self.base_url.rstrip("/") + SEARCH_PATH

    def course_dates(self, query: TrainingQuery, max_pages: int = MAX_PAGES) -> Iterator[Any]:
        """Yield the course dates of a search, page after page, up to max_pages."""
        for number in range(max_pages):
            document = self._get({**query.params(), "page": str(number)})
            embedded = document.get("_embedded") or {}
            dates = embedded.get("termine") or []
            if not isinstance(dates, list):
                raise WeiterbildungError(f"{self.url}: '_embedded.termine' is not a list")
            yield from dates
            total_pages = (document.get("page") or {}).get("totalPages")
            if not dates or not isinstance(total_pages, int) or number + 1 >= total_pages:
                return

    def _get(self, params: Mapping[str, str]) -> dict[str, Any]:
        headers = {"X-API-Key": self.api_key} if self.api_key else {}
        error = ""
        for attempt in range(RETRIES):
            try:
                response = self.http.get(self.url, params=params, headers=headers)
            except httpx.TransportError as exc:
                error = f"{self.url}: {exc}"
            else:
                if response.status_code == 200:
                    return _json_object(response, self.url)
                if response.status_code < 500 and response.status_code != 429:
                    raise WeiterbildungError(f"{self.url}: HTTP {response.status_code}")
                error = f"{self.url}: HTTP {response.status_code}"
            if attempt + 1 < RETRIES:
                time.sleep(self.backoff_seconds * 2**attempt)
        raise WeiterbildungError(error)


def _json_object(response: httpx.Response, url: str) -> dict[str, Any]:
    try:
        document = response.json()
    except ValueError as exc:
        raise WeiterbildungError(f"{url}: not JSON ({exc})") from exc
    if not isinstance(document, dict):
        raise WeiterbildungError(f"{url}: expected a JSON object, got {type(document).__name__}")
    return document


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _epoch_date(value: Any) -> date | None:
    """Return the Berlin date of an epoch-milliseconds timestamp, as the API gives course dates."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return datetime.fromtimestamp(value / 1000, tz=BERLIN).date()


def _cost_cents(termin: Mapping[str, Any]) -> int | None:
    if _text(termin.get("kostenWaehrung")) not in ("", "EUR"):
        return None
    try:
        amount = Decimal(_text(termin.get("kostenWert")))
    except InvalidOperation:
        return None
    # "0.0" is what providers enter when the fee is on request or covered by a voucher: not a price.
    if amount <= 0:
        return None
    return int((amount * 100).to_integral_value())


def _web_url(*candidates: Any) -> str:
    for candidate in candidates:
        text = _text(candidate)
        if text.startswith("www."):
            text = "https://" + text
        parts = urlsplit(text)
        if parts.scheme in ("http", "https") and parts.netloc:
            return text[:1000]
    return ""


def _coordinate(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def map_course_date(termin: Any, lexicon: SkillLexicon) -> dict[str, Any]:
    """Return the TrainingOffer fields of one course date; raise InvalidTrainingRecord without id or title."""
    if not isinstance(termin, dict) or termin.get("id") is None:
        raise InvalidTrainingRecord("course date without an id")
    offer = _object(termin.get("angebot"))
    title = _text(offer.get("titel"))
    if not title:
        raise InvalidTrainingRecord(f"course date {termin['id']} without a title")
    address = _object(termin.get("adresse"))
    town = _object(address.get("ortStrasse") or address.get("ortStraße"))
    point = _object(address.get("koordinaten"))
    content = html_to_text(_text(offer.get("inhalt")))
    keywords = [_text(_object(k).get("suchwort")) for k in offer.get("suchworte") or []]
    skill_text = "\n".join([title, content, *keywords])
    return {
        "external_id": str(termin["id"]),
        "offer_id": str(offer.get("id") or ""),
        "title": title[:500],
        "provider": _text(_object(offer.get("bildungsanbieter")).get("name"))[:300],
        "place_name": _text(town.get("name"))[:200],
        "postal_code": str(town.get("plz") or "")[:5],
        "lat": _coordinate(point.get("lat")),
        "lon": _coordinate(point.get("lon")),
        "starts": _epoch_date(termin.get("beginn")),
        "ends": _epoch_date(termin.get("ende")),
        "flexible_start": termin.get("individuellerEinstieg") is True,
        "mode": _text(_object(termin.get("unterrichtsform")).get("bezeichnung"))[:100],
        "schedule": _text(_object(termin.get("unterrichtszeit")).get("bezeichnung"))[:100],
        "duration": _text(_object(termin.get("dauer")).get("bezeichnung"))[:100],
        "cost_cents": _cost_cents(termin),
        "funding": termin.get("foerderung") is True,
        "url": _web_url(termin.get("link"), offer.get("link")),
        "summary": content[:SUMMARY_CHARS],
        "skills": list(dict.fromkeys(m.skill.id for m in lexicon.extract(skill_text))),
    }


@dataclass(slots=True)
class TrainingImportSummary:
    """What an import of course dates did."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[str] = field(default_factory=list)


def _hash(payload: Any) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def import_training_offers(
    client: WeiterbildungClient, query: TrainingQuery, lexicon: SkillLexicon, max_pages: int = MAX_PAGES
) -> TrainingImportSummary:
    """Fetch course dates and store each new or changed one with its skills; bad dates are reported."""
    summary = TrainingImportSummary()
    for termin in client.course_dates(query, max_pages):
        try:
            fields = map_course_date(termin, lexicon)
        except InvalidTrainingRecord as exc:
            summary.rejected.append(str(exc))
            continue
        _store(termin, fields, summary)
    return summary


@transaction.atomic
def _store(payload: dict[str, Any], fields: dict[str, Any], summary: TrainingImportSummary) -> None:
    digest = _hash(payload)
    existing = TrainingOffer.objects.filter(source=SOURCE, external_id=fields["external_id"]).first()
    if existing is not None and existing.content_hash == digest:
        summary.unchanged += 1
        return
    values = {**fields, "payload": payload, "content_hash": digest, "fetched_at": timezone.now()}
    if existing is None:
        offer = TrainingOffer.objects.create(source=SOURCE, **values)
        summary.new += 1
    else:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        offer = existing
        offer.skill_rows.all().delete()
        summary.updated += 1
    TrainingOfferSkill.objects.bulk_create(
        [TrainingOfferSkill(offer=offer, skill_id=skill_id) for skill_id in fields["skills"]]
    )
