"""Duplicate clusters in the database: postings join clusters as they are stored; seekers see one per job.

The clusterer (stellwerk.dedup) lives in memory, restored once per process from the fingerprints stored with
the postings, and kept current with postings other processes stored since. Within a process, imports add to
it batch by batch in the transaction that stores the postings.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max, Min

from stellwerk.dedup.clusters import Assignment, Clusterer, DedupSettings, canonical_rank
from stellwerk.dedup.fingerprints import DedupPosting, Fingerprint, StaleFingerprintError
from stellwerk.postings.models import Cluster, Posting

# The employer's own channels before the BA's aggregate listing: their record is the richer one as a rule.
SETTINGS = DedupSettings(source_priority=("jsonld", "ba"))
_lock = threading.Lock()
_state: _Memory | None = None


class _Memory:
    """The process's clusterer, its clusters' database ids, and how far it has read the database."""

    def __init__(self) -> None:
        self.clusterer = Clusterer(SETTINGS)
        self.high_water = 0
        # Clusterer cluster id -> database cluster id, for clusters of more than one posting.
        self.database_ids: dict[str, int] = {}

    def catch_up(self) -> None:
        """Add postings stored by other processes (or before this one started) to the clusterer."""
        rows = (
            Posting.objects.filter(pk__gt=self.high_water, dedup_fingerprint__isnull=False)
            .order_by("pk")
            .values_list("pk", "dedup_fingerprint", "cluster_id")
        )
        entries = []
        for pk, data, cluster_id in rows.iterator(chunk_size=5000):
            self.high_water = pk
            if str(pk) in self.clusterer or not isinstance(data, dict):
                continue
            try:
                fingerprint = Fingerprint.from_dict(data)
            except StaleFingerprintError:
                continue  # `stellwerk dedup --rebuild` computes it anew
            key = f"c{cluster_id}" if cluster_id is not None else str(pk)
            if cluster_id is not None:
                self.database_ids[key] = cluster_id
            entries.append((fingerprint, key))
        if entries:
            self.clusterer.restore(entries)


def _memory() -> _Memory:
    global _state
    if _state is None:
        _state = _Memory()
    _state.catch_up()
    return _state


def forget() -> None:
    """Drop the in-memory clusterer, e.g. after a transaction that added to it was rolled back."""
    global _state
    with _lock:
        _state = None


def dedup_posting(posting: Posting, employer: str | None, place: str | None) -> DedupPosting:
    """Return what duplicate detection compares of a posting; `place` is the municipality's slug."""
    return DedupPosting(
        id=str(posting.pk),
        source=posting.source_record.source,
        title=posting.title_raw,
        employer=employer,
        # The municipality, not the PLZ: two postal codes of one town are one place.
        place=place,
        place_name=posting.place_name or None,
        text=posting.description,
        published=posting.published,
        first_seen=posting.first_seen,
        content_hash=posting.source_record.content_hash,
    )


def assign_clusters(postings: Sequence[tuple[Posting, DedupPosting]]) -> list[Assignment]:
    """Put new or changed postings into duplicate clusters and store why; run inside the import's transaction.

    If that transaction is rolled back, call `forget()`: the clusterer would hold postings the database lacks.
    """
    if not postings:
        return []
    with _lock:
        memory = _memory()
        stored = [posting for posting, _ in postings]
        before = {p.cluster_id for p in stored if p.cluster_id is not None}
        assignments = memory.clusterer.add_many([compared for _, compared in postings])
        touched = _store(stored, assignments, memory)
        memory.high_water = max(memory.high_water, *(p.pk for p in stored))
    refresh_clusters(touched | before)
    return assignments


def _store(postings: Sequence[Posting], assignments: list[Assignment], memory: _Memory) -> set[int]:
    """Write the assignments to the postings; return the database clusters they touched."""
    by_id = {str(p.pk): p for p in postings}
    touched: set[int] = set()
    for assignment in assignments:
        posting = by_id[assignment.posting_id]
        posting.dedup_fingerprint = assignment.fingerprint.to_dict()
        if assignment.matched_id is None and not assignment.new_cluster:
            continue  # unchanged: it stays where it is
        members = memory.clusterer.members(assignment.cluster_id)
        if len(members) == 1:
            posting.cluster_id, posting.duplicate_reason = None, ""
            continue
        cluster_id = memory.database_ids.get(assignment.cluster_id)
        if cluster_id is None:
            cluster_id = _create_cluster(assignment, members, by_id)
            memory.database_ids[assignment.cluster_id] = cluster_id
        posting.cluster_id = cluster_id
        posting.duplicate_reason = assignment.reason if assignment.matched_id is not None else ""
        touched.add(cluster_id)
    Posting.objects.bulk_update(postings, ["dedup_fingerprint", "cluster_id", "duplicate_reason"])
    return touched


def _create_cluster(assignment: Assignment, members: tuple[str, ...], by_id: dict[str, Posting]) -> int:
    """Create the database cluster of a lone posting that just gained its first duplicate."""
    seen = [p for m in members if (p := by_id.get(m)) is not None]
    stored = Posting.objects.filter(pk__in=[int(m) for m in members if m not in by_id])
    first_seen = min([p.first_seen for p in seen] + [p.first_seen for p in stored])
    last_seen = max([p.last_seen for p in seen] + [p.last_seen for p in stored])
    cluster = Cluster.objects.create(
        canonical_id=int(assignment.canonical_id), first_seen=first_seen, last_seen=last_seen
    )
    stored.update(cluster=cluster)
    for posting in seen:
        posting.cluster_id = cluster.pk
    return cluster.pk


def refresh_clusters(cluster_ids: Iterable[int]) -> None:
    """Recount clusters, their first and last sight, and pick the canonical member among the current ones."""
    from stellwerk.postings.indexing import enqueue

    for cluster_id in set(cluster_ids):
        members = list(Posting.objects.filter(cluster_id=cluster_id).select_related("source_record"))
        if not members:
            Cluster.objects.filter(pk=cluster_id).delete()
            continue
        current = [m for m in members if m.status == Posting.Status.ACTIVE] or members
        canonical = min(current, key=_rank)
        seen = Posting.objects.filter(cluster_id=cluster_id).aggregate(Min("first_seen"), Max("last_seen"))
        Cluster.objects.filter(pk=cluster_id).update(
            canonical=canonical,
            size=len(members),
            first_seen=seen["first_seen__min"],
            last_seen=seen["last_seen__max"],
        )
        # Which member seekers find may have changed.
        enqueue([m.pk for m in members])


def _rank(posting: Posting) -> tuple[object, ...]:
    if posting.dedup_fingerprint:
        try:
            return (0, canonical_rank(Fingerprint.from_dict(posting.dedup_fingerprint), SETTINGS))
        except StaleFingerprintError:
            pass
    return (1, posting.first_seen, posting.pk)


def clusters_of(posting_ids: Iterable[int]) -> set[int]:
    """Return the clusters the given postings belong to."""
    return set(
        Posting.objects.filter(pk__in=list(posting_ids), cluster__isnull=False).values_list(
            "cluster_id", flat=True
        )
    )


def rebuild_clusters(batch_size: int = 1000) -> int:
    """Compute every posting's fingerprint and cluster anew (after the rules changed); return the clusters."""
    forget()
    with transaction.atomic():
        Posting.objects.update(cluster=None, duplicate_reason="", dedup_fingerprint=None)
        Cluster.objects.all().delete()
    postings = Posting.objects.select_related("source_record", "employer", "place").order_by("pk")
    last = 0
    while batch := list(postings.filter(pk__gt=last)[:batch_size]):
        with transaction.atomic():
            assign_clusters(
                [
                    (
                        p,
                        dedup_posting(
                            p, p.employer.name if p.employer else None, p.place.slug if p.place else None
                        ),
                    )
                    for p in batch
                ]
            )
        last = batch[-1].pk
    return Cluster.objects.count()
