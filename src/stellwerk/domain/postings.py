"""Records as they come from a source, and the posting fields mapped from them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record read from a source, its payload kept verbatim."""

    source: str
    external_id: str
    payload: JsonObject
    locator: str


@dataclass(frozen=True, slots=True)
class ReadError:
    """A part of the input that could not be read as a record at all."""

    source: str
    locator: str
    reason: str


@dataclass(frozen=True, slots=True)
class PostingData:
    """Posting fields mapped from a source payload, before reference data is applied."""

    title: str
    employer: str | None = None
    beruf: str | None = None
    place_name: str | None = None
    district: str | None = None
    postal_code: str | None = None
    region: str | None = None
    lat: float | None = None
    lon: float | None = None
    published: date | None = None
    modified: datetime | None = None
    start_date: date | None = None
    valid_through: date | None = None
    external_url: str | None = None
    source_url: str | None = None
    description: str = ""
    # Terms as the source states them in fields (BA or schema.org names), read before the text.
    terms: JsonObject | None = None
    # Pay as the source states it in fields, written out as a German phrase the salary parser reads.
    salary_text: str | None = None


class InvalidRecord(ValueError):
    """A record that was read but cannot become a posting; the message says why."""
