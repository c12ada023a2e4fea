"""Turn source records into postings: idempotent, batched, and losing nothing on bad input."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from stellwerk.dedup.fingerprints import DedupPosting
from stellwerk.domain.postings import InvalidRecord, PostingData, RawRecord, ReadError
from stellwerk.domain.text import fold, slugify
from stellwerk.normalize.posting import (
    NormalizedPosting,
    Normalizers,
    normalize_many,
    salary_json,
    terms_json,
)
from stellwerk.postings.dedup import assign_clusters, clusters_of, dedup_posting, refresh_clusters
from stellwerk.postings.dedup import forget as forget_clusters
from stellwerk.postings.expiry import GONE, expiry_by_date
from stellwerk.postings.indexing import enqueue
from stellwerk.postings.models import Employer, Occupation, Place, Posting, SourceRecord
from stellwerk.sources.ba_jobsuche import content_hash
from stellwerk.sources.registry import map_any

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

    def __init__(self, tools: Normalizers) -> None:
        self.tools = tools
        self.place_ids = dict(Place.objects.values_list("slug", "pk"))
        self.occupation_ids = dict(Occupation.objects.values_list("kldb", "pk"))
        self.employers: dict[str, int] = dict(Employer.objects.values_list("key", "pk"))
        self.employer_slugs = set(Employer.objects.values_list("slug", flat=True))
        self.place_slugs: dict[int, str] | None = None

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

    def compared(self, posting: Posting, employer: str | None) -> DedupPosting:
        """Return what duplicate detection compares of a posting just stored."""
        if self.place_slugs is None:
            self.place_slugs = {pk: slug for slug, pk in self.place_ids.items()}
        return dedup_posting(posting, employer, self.place_slugs.get(posting.place_id or 0))

    def posting_fields(self, data: PostingData, normalized: NormalizedPosting) -> dict[str, object]:
        place, kldb = normalized.place, normalized.kldb
        low, high = normalized.salary_month_cents
        return {
            "title_raw": data.title[:500],
            "title": normalized.title[:500],
            "slug": slugify(normalized.title)[:100] or "stellenangebot",
            "employer_id": self.employer_id(data.employer),
            "place_id": self.place_ids.get(place.slug) if place else None,
            "place_name": (data.place_name or "")[:200],
            "postal_code": data.postal_code or "",
            "region": (data.region or "")[:100],
            "lat": normalized.lat,
            "lon": normalized.lon,
            "occupation_id": self.occupation_ids.get(kldb) if kldb else None,
            "occupation_source": normalized.occupation_source,
            "occupation_confidence": normalized.occupation_confidence,
            "occupation_evidence": list(normalized.occupation_evidence),
            "beruf": (data.beruf or "")[:300],
            "description": data.description,
            "terms": terms_json(normalized.terms),
            "salary": salary_json(normalized.salary),
            "salary_min_cents": low,
            "salary_max_cents": high,
            "skills": list(normalized.skills),
            "unknowns": normalized.unknowns,
            "external_url": data.external_url or "",
            "source_url": data.source_url or "",
            "published": data.published,
            "start_date": data.start_date,
            "valid_through": data.valid_through,
            **_status(data.valid_through, timezone.localdate()),
        }


def _status(valid_through: date | None, today: date) -> dict[str, object]:
    """Return the status fields of a posting that its source has just delivered."""
    if valid_through is not None and valid_through < today:
        return {
            "status": Posting.Status.EXPIRED,
            "expired_at": timezone.now(),
            "expiry_reason": expiry_by_date(valid_through),
        }
    # Delivered again and current: a posting that had gone from its source's listing is back.
    return {"status": Posting.Status.ACTIVE, "expired_at": None, "expiry_reason": ""}


def import_records(
    items: Iterable[RawRecord | ReadError],
    tools: Normalizers,
    *,
    fetched_at: datetime | None = None,
    on_progress: Callable[[int], None] | None = None,
    force: bool = False,
) -> ImportSummary:
    """Store every record verbatim and create or update its posting; a bad record is kept with its error.

    With `force`, unchanged records are normalised again too (after the normalisers changed).
    """
    fetched_at = fetched_at or timezone.now()
    summary = ImportSummary()
    resolver = _Resolver(tools)
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, BATCH_SIZE)):
        try:
            with transaction.atomic():
                _import_batch(batch, resolver, fetched_at, summary, force)
        except BaseException:
            # The duplicate clusterer in memory took postings the rollback removed.
            forget_clusters()
            raise
        if on_progress:
            on_progress(len(batch))
    return summary


def stored_records() -> Iterator[RawRecord]:
    """Yield every stored source record as it was read, for normalising again."""
    rows = SourceRecord.objects.order_by("pk").values_list("source", "external_id", "payload", "locator")
    for source, external_id, payload, locator in rows.iterator(chunk_size=BATCH_SIZE):
        yield RawRecord(source=source, external_id=external_id, payload=payload, locator=locator)


def renormalize(tools: Normalizers, on_progress: Callable[[int], None] | None = None) -> ImportSummary:
    """Normalise every stored raw record again and update its posting; nothing is fetched."""
    return import_records(stored_records(), tools, on_progress=on_progress, force=True)


def _import_batch(
    batch: list[RawRecord | ReadError],
    resolver: _Resolver,
    fetched_at: datetime,
    summary: ImportSummary,
    force: bool,
) -> None:
    """Import one batch with a handful of bulk statements instead of several per record."""
    work = _Batch(batch, resolver, summary, fetched_at)
    for item in batch:
        if isinstance(item, ReadError):
            summary.rejected.append(Rejection(item.source, item.locator, item.reason))
        else:
            work.add(item, force)
    work.save()


class _Batch:
    """The records of one batch, the postings they touch, and what must be written."""

    def __init__(
        self,
        batch: list[RawRecord | ReadError],
        resolver: _Resolver,
        summary: ImportSummary,
        fetched_at: datetime,
    ) -> None:
        ids = {item.external_id for item in batch if isinstance(item, RawRecord)}
        self.records = {
            (r.source, r.external_id): r
            for r in SourceRecord.objects.filter(external_id__in=ids).select_related("posting")
        }
        self.postings = {key: p for key, r in self.records.items() if (p := _posting_of(r)) is not None}
        self.resolver, self.summary, self.fetched_at = resolver, summary, fetched_at
        self.new_records: dict[tuple[str, str], SourceRecord] = {}
        self.changed_records: dict[tuple[str, str], SourceRecord] = {}
        self.mapped: dict[tuple[str, str], PostingData] = {}
        self.created: set[tuple[str, str]] = set()
        self.seen: list[Posting] = []

    def add(self, item: RawRecord, force: bool) -> None:
        """Take one record: store it if new or changed, and map it to posting fields."""
        key = (item.source, item.external_id)
        digest = content_hash(item.payload)
        record = self.records.get(key)
        same = record is not None and record.content_hash == digest
        if record is not None and same and not force:
            self._unchanged(key, record, item.locator)
            return
        if record is None:
            record = SourceRecord(source=item.source, external_id=item.external_id)
            self.records[key] = self.new_records[key] = record
        if not same:
            # Normalising an unchanged record again keeps when it was fetched.
            record.payload, record.content_hash, record.fetched_at = item.payload, digest, self.fetched_at
            record.locator = item.locator[:200]
        error = self._map(key, item)
        if key not in self.new_records and (not same or error != record.error):
            self.changed_records[key] = record
        record.error = error

    def _unchanged(self, key: tuple[str, str], record: SourceRecord, locator: str) -> None:
        if record.error:
            self.summary.rejected.append(Rejection(record.source, locator, record.error))
            return
        self.summary.unchanged += 1
        if key in self.postings:
            self.seen.append(self.postings[key])

    def _map(self, key: tuple[str, str], item: RawRecord) -> str:
        """Map the record and count it; return the error, empty when it maps."""
        try:
            self.mapped[key] = map_any(item)
        except InvalidRecord as exc:
            self.mapped.pop(key, None)
            self.summary.rejected.append(Rejection(item.source, item.locator, str(exc)))
            return str(exc)
        # A repeat of a record earlier in the same batch updates the posting that one creates.
        if key in self.postings or key in self.created:
            self.summary.updated += 1
        else:
            self.summary.new += 1
            self.created.add(key)
        return ""

    def save(self) -> None:
        """Write records and postings in bulk and queue the postings for the index."""
        SourceRecord.objects.bulk_create(self.new_records.values())
        SourceRecord.objects.bulk_update(
            self.changed_records.values(), ["payload", "content_hash", "fetched_at", "locator", "error"]
        )
        _save_postings(self.mapped, self.records, self.postings, self.resolver)
        _mark_seen(self.seen, self.fetched_at)


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
) -> None:
    """Create or update the postings of mapped records in bulk and queue them for the index."""
    new, changed = [], []
    fields: list[str] = []
    employers: dict[int | None, str | None] = {}
    # One batch classifies every posting without a source label in a single call.
    normalized = normalize_many(list(mapped.values()), resolver.tools)
    for (key, data), fields_of in zip(mapped.items(), normalized, strict=True):
        employers[records[key].pk] = data.employer
        values = resolver.posting_fields(data, fields_of)
        fields = list(values)
        seen_at = records[key].fetched_at
        posting = postings.get(key)
        if posting is None:
            new.append(Posting(source_record=records[key], first_seen=seen_at, last_seen=seen_at, **values))
            continue
        for name, value in values.items():
            setattr(posting, name, value)
        posting.last_seen = max(posting.last_seen, seen_at)
        # bulk_update skips auto_now, so the change time is set here.
        posting.updated_at = timezone.now()
        changed.append(posting)
    Posting.objects.bulk_create(new)
    if changed:
        Posting.objects.bulk_update(changed, [*fields, "last_seen", "updated_at"])
    if new or changed:
        assign_clusters([(p, resolver.compared(p, employers[p.source_record_id])) for p in new + changed])
        enqueue([p.pk for p in new + changed])


def _mark_seen(postings: list[Posting], fetched_at: datetime) -> None:
    """Move last_seen forward by whole days only, so a rerun on the same day writes nothing.

    A posting that had gone from its source's complete listing and is delivered again unchanged is current
    again.
    """
    today = timezone.localdate(fetched_at)
    stale = [p.pk for p in postings if timezone.localdate(p.last_seen) < today]
    if stale:
        Posting.objects.filter(pk__in=stale).update(last_seen=fetched_at)
    back = [p.pk for p in postings if p.status == Posting.Status.EXPIRED and p.expiry_reason == GONE]
    if back:
        Posting.objects.filter(pk__in=back).update(
            status=Posting.Status.ACTIVE, expired_at=None, expiry_reason=""
        )
        enqueue(back)
        refresh_clusters(clusters_of(back))
