"""Counts that describe the database and the index."""

from __future__ import annotations

from django.db.models import Count, Q

from stellwerk.postings.indexing import search_backend
from stellwerk.postings.models import Cluster, Employer, Occupation, Place, Posting, SourceRecord


def collect_stats() -> dict[str, object]:
    """Return counts of postings, sources, reference data and the index."""
    by_source = {
        row["source"]: {"records": row["records"], "rejected": row["rejected"]}
        for row in SourceRecord.objects.values("source")
        .annotate(records=Count("pk"), rejected=Count("pk", filter=~Q(error="")))
        .order_by("source")
    }
    return {
        "postings": Posting.objects.count(),
        "active": Posting.objects.filter(status=Posting.Status.ACTIVE).count(),
        # Active and one per job: what search shows.
        "visible": Posting.objects.visible().count(),
        "duplicate_clusters": Cluster.objects.count(),
        "sources": len(by_source),
        "source_records": sum(s["records"] for s in by_source.values()),
        "by_source": by_source,
        "employers": Employer.objects.count(),
        "places": Place.objects.count(),
        "occupations": Occupation.objects.count(),
        "indexed": search_backend().count(),
    }
