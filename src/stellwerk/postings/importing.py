"""Turn source records into postings: idempotent, batched, and losing nothing on bad input."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from stellwerk.domain.postings import InvalidRecord, PostingData, RawRecord, ReadError
from stellwerk.domain.text import fold, slugify
from stellwerk.normalize.occupations import kldb_for_beruf
from stellwerk.normalize.places import match_place
from stellwerk.normalize.titles import clean_title
from stellwerk.postings.indexing import enqueue
from stellwerk.postings.models import Employer, Occupation, Place, Posting, SourceRecord
from stellwerk.reference.gazetteer import Gazetteer
from stellwerk.reference.taxonomy import Taxonomy
from stellwerk.sources.ba_jobsuche import content_hash, map_record

BATCH_SIZE = 500


def demo_path() -> Path:
    """Return the packaged demo data set (real BA search results, factual fields only)."""
    return Path(str(resources.files("stellwerk") / "data" / "demo" / "ba_demo.json.gz"))


@dataclass(frozen=True, slots=True)
class Rejection:
    """A record that did not become a posting, and why."""

    source: str
    locator: str
    reason: str


@dataclass(slots=True)
class ImportSummary:
    """What an import did, for the command's report."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    @property
    def read(self) -> int:
        """Return how many records were read, including rejected ones."""
        return self.new + self.updated + self.unchanged + len(self.rejected)

    def reasons(self) -> Counter[str]:
        """Count rejections by reason."""
        return Counter(r.reason for r in self.rejected)


class _Resolver:
    """Caches the lookups an import repeats for every record: places, occupations, employers."""

    def __init__(self, gazetteer: Gazetteer, taxonomy: Taxonomy) -> None:
        self.gazetteer = gazetteer
        self.taxonomy = taxonomy
        self.place_ids = dict(Place.objects.values_list("slug", "pk"))
        self.occupation_ids = dict(Occupation.objects.values_list("kldb", "pk"))
        self.employers: dict[str, int] = dict(Employer.objects.values_list("key", "pk"))
        self.employer_slugs = set(Employer.objects.values_list("slug", flat=True))

    def employer_id(self, name: str | None) -> int | None:
        if not name:
            return None
        key = " ".join(fold(name).split())
        if key not in self.employers:
            base = slugify(name)[:100] or "arbeitgeber"
            slug = base
            for n in itertools.count(2):
                if slug not in self.employer_slugs:
                    break
                slug = f"{base}-{n}"
            employer = Employer.objects.create(name=name, key=key, slug=slug)
            self.employers[key] = employer.pk
            self.employer_slugs.add(slug)
        return self.employers[key]

    def posting_fields(self, data: PostingData) -> dict[str, object]:
        place = match_place(self.gazetteer, data.place_name, data.postal_code, data.region)
        kldb = kldb_for_beruf(self.taxonomy, data.beruf) if data.beruf else None
        lat, lon = data.lat, data.lon
        if (lat is None or lon is None) and place is not None:
            lat, lon = place.lat, place.lon
        title = clean_title(data.title)
        return {
            "title_raw": data.title[:500],
            "title": title[:500],
            "slug": slugify(title)[:100] or "stellenangebot",
            "employer_id": self.employer_id(data.employer),
            "place_id": self.place_ids.get(place.slug) if place else None,
            "place_name": (data.place_name or "")[:200],
            "postal_code": data.postal_code or "",
            "region": (data.region or "")[:100],
            "lat": lat,
            "lon": lon,
            "occupation_id": self.occupation_ids.get(kldb) if kldb else None,
            "beruf": (data.beruf or "")[:300],
            "description": data.description,
            "external_url": data.external_url or "",
            "source_url": data.source_url or "",
            "published": data.published,
            "start_date": data.start_date,
            "valid_through": data.valid_through,
            "status": _status(data.valid_through, timezone.localdate()),
        }


def _status(valid_through: date | None, today: date) -> str:
    expired = valid_through is not None and valid_through < today
    return Posting.Status.EXPIRED if expired else Posting.Status.ACTIVE


def import_records(
    items: Iterable[RawRecord | ReadError],
    gazetteer: Gazetteer,
    taxonomy: Taxonomy,
    *,
    fetched_at: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Store every record verbatim and create or update its posting; a bad record is kept with its error."""
    fetched_at = fetched_at or timezone.now()
    summary = ImportSummary()
    resolver = _Resolver(gazetteer, taxonomy)
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        with transaction.atomic():
            _import_batch(batch, resolver, fetched_at, summary)
        if on_progress:
            on_progress(len(batch))
    return summary


def _import_batch(
    batch: list[RawRecord | ReadError], resolver: _Resolver, fetched_at: datetime, summary: ImportSummary
) -> None:
    """Import one batch with a handful of bulk statements instead of several per record."""
    ids = {item.external_id for item in batch if isinstance(item, RawRecord)}
    records = {
        (r.source, r.external_id): r
        for r in SourceRecord.objects.filter(external_id__in=ids).select_related("posting")
    }
    postings = {key: p for key, record in records.items() if (p := _posting_of(record)) is not None}
    new_records: dict[tuple[str, str], SourceRecord] = {}
    changed_records: dict[tuple[str, str], SourceRecord] = {}
    mapped: dict[tuple[str, str], PostingData] = {}
    created: set[tuple[str, str]] = set()
    seen: list[Posting] = []
    for item in batch:
        if isinstance(item, ReadError):
            summary.rejected.append(Rejection(item.source, item.locator, item.reason))
            continue
        key = (item.source, item.external_id)
        digest = content_hash(item.payload)
        record = records.get(key)
        if record is not None and record.content_hash == digest:
            if record.error:
                summary.rejected.append(Rejection(item.source, item.locator, record.error))
            else:
                summary.unchanged += 1
                seen.extend([postings[key]] if key in postings else [])
            continue
        if record is None:
            record = records[key] = new_records[key] = SourceRecord(
                source=item.source, external_id=item.external_id
            )
        elif key not in new_records:
            changed_records[key] = record
        record.payload, record.content_hash, record.fetched_at = item.payload, digest, fetched_at
        record.locator = item.locator[:200]
        try:
            mapped[key] = map_record(item)
        except InvalidRecord as exc:
            record.error = str(exc)
            mapped.pop(key, None)
            summary.rejected.append(Rejection(item.source, item.locator, record.error))
            continue
        record.error = ""
        # A repeat of a record earlier in the same batch updates the posting that one creates.
        if key in postings or key in created:
            summary.updated += 1
        else:
            summary.new += 1
            created.add(key)
    SourceRecord.objects.bulk_create(new_records.values())
    SourceRecord.objects.bulk_update(
        changed_records.values(), ["payload", "content_hash", "fetched_at", "locator", "error"]
    )
    _save_postings(mapped, records, postings, resolver, fetched_at)
    _mark_seen(seen, fetched_at)


def _posting_of(record: SourceRecord) -> Posting | None:
    try:
        return record.posting
    except Posting.DoesNotExist:
        return None


def _save_postings(
    mapped: dict[tuple[str, str], PostingData],
    records: dict[tuple[str, str], SourceRecord],
    postings: dict[tuple[str, str], Posting],
    resolver: _Resolver,
    fetched_at: datetime,
) -> None:
    """Create or update the postings of mapped records in bulk and queue them for the index."""
    new, changed = [], []
    fields: list[str] = []
    for key, data in mapped.items():
        values = resolver.posting_fields(data)
        fields = list(values)
        posting = postings.get(key)
        if posting is None:
            new.append(
                Posting(source_record=records[key], first_seen=fetched_at, last_seen=fetched_at, **values)
            )
            continue
        for name, value in values.items():
            setattr(posting, name, value)
        posting.last_seen = max(posting.last_seen, fetched_at)
        # bulk_update skips auto_now, so the change time is set here.
        posting.updated_at = timezone.now()
        changed.append(posting)
    Posting.objects.bulk_create(new)
    if changed:
        Posting.objects.bulk_update(changed, [*fields, "last_seen", "updated_at"])
    if new or changed:
        enqueue([p.pk for p in new + changed])


def _mark_seen(postings: list[Posting], fetched_at: datetime) -> None:
    """Move last_seen forward by whole days only, so a rerun on the same day writes nothing."""
    today = timezone.localdate(fetched_at)
    stale = [p.pk for p in postings if timezone.localdate(p.last_seen) < today]
    if stale:
        Posting.objects.filter(pk__in=stale).update(last_seen=fetched_at)
