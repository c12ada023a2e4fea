"""Build postings straight in the database, with the history (first seen) a test needs."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from stellwerk.postings.models import Employer, Occupation, Place, Posting, SourceRecord

_numbers = itertools.count(1)


def employer(name: str) -> Employer:
    """Return the employer of this name, creating it."""
    found, _ = Employer.objects.get_or_create(
        key=name.lower(), defaults={"name": name, "slug": f"ag-{next(_numbers)}"}
    )
    return found


def posting(
    kldb: str,
    place: str | None,
    *,
    first_seen: datetime | None = None,
    days_ago: int = 0,
    employer_name: str | None = None,
    status: str = Posting.Status.ACTIVE,
    **fields: Any,
) -> Posting:
    """Create one posting of a KldB code in a place (slug), first seen `days_ago` days ago."""
    seen = first_seen or timezone.now() - timedelta(days=days_ago)
    number = next(_numbers)
    record = SourceRecord.objects.create(
        source="test", external_id=f"t-{number}", payload={}, content_hash="x", fetched_at=seen
    )
    where = Place.objects.get(slug=place) if place else None
    return Posting.objects.create(
        source_record=record,
        title_raw=f"Stelle {number}",
        title=f"Stelle {number}",
        slug=f"stelle-{number}",
        occupation=Occupation.objects.get(kldb=kldb),
        place=where,
        lat=where.lat if where else None,
        lon=where.lon if where else None,
        employer=employer(employer_name) if employer_name else None,
        first_seen=seen,
        last_seen=seen,
        status=status,
        **fields,
    )
