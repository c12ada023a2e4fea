"""Data-quality figures: how much of each posting field normalisation could determine."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from stellwerk.postings.models import Cluster, Posting, SourceRecord

CONFIDENCE_BANDS = ((0.9, 1.01, "≥ 0,9"), (0.7, 0.9, "0,7–0,9"), (0.5, 0.7, "0,5–0,7"), (0.0, 0.5, "< 0,5"))
TOP = 10


@dataclass(frozen=True, slots=True)
class Share:
    """A count out of a total."""

    count: int
    total: int

    @property
    def percent(self) -> float:
        """Return the share in percent (0 when there is nothing to count)."""
        return 100.0 * self.count / self.total if self.total else 0.0


@dataclass(slots=True)
class QualityReport:
    """Coverage of the normalised fields over all postings, and what failed."""

    postings: int
    geocoded: Share
    classified: dict[str, Share]
    with_salary: Share
    with_skills: Share
    with_terms: Share
    # Postings folded into another source's posting of the same job, and the clusters they form.
    duplicates: Share = field(default_factory=lambda: Share(0, 0))
    duplicate_clusters: int = 0
    unresolved_places: list[tuple[str, int]] = field(default_factory=list)
    unclassified_titles: list[tuple[str, int]] = field(default_factory=list)
    errors_by_source: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    records_by_source: dict[str, int] = field(default_factory=dict)


def _top(queryset: QuerySet[Posting], column: str) -> list[tuple[str, int]]:
    rows = queryset.values(column).annotate(n=Count("pk")).order_by("-n", column)[:TOP]
    return [(row[column], row["n"]) for row in rows]


def _classified(postings: QuerySet[Posting], total: int) -> dict[str, Share]:
    bands = {"Angabe der Quelle": postings.filter(occupation_source=Posting.OccupationSource.SOURCE).count()}
    by_classifier = postings.filter(occupation_source=Posting.OccupationSource.CLASSIFIER)
    for low, high, label in CONFIDENCE_BANDS:
        in_band = by_classifier.filter(occupation_confidence__gte=low, occupation_confidence__lt=high)
        bands[f"Klassifikator {label}"] = in_band.count()
    bands["nicht klassifiziert"] = postings.filter(occupation__isnull=True).count()
    return {label: Share(count, total) for label, count in bands.items()}


def quality_report() -> QualityReport:
    """Measure coverage of place, occupation, salary, skills and terms, and list what failed most often."""
    postings = Posting.objects.all()
    total = postings.count()
    errors: dict[str, list[tuple[str, int]]] = {}
    failed = SourceRecord.objects.exclude(error="").values("source", "error").annotate(n=Count("pk"))
    for row in failed.order_by("source", "-n", "error"):
        errors.setdefault(row["source"], []).append((row["error"], row["n"]))
    records = dict(SourceRecord.objects.values_list("source").annotate(n=Count("pk")).order_by("source"))
    return QualityReport(
        postings=total,
        geocoded=Share(postings.filter(place__isnull=False).count(), total),
        classified=_classified(postings, total),
        with_salary=Share(
            postings.filter(Q(salary_min_cents__isnull=False) | Q(salary_max_cents__isnull=False)).count(),
            total,
        ),
        with_skills=Share(postings.exclude(skills=[]).count(), total),
        with_terms=Share(postings.exclude(terms={}).count(), total),
        duplicates=Share(postings.filter(cluster__isnull=False, canonical_of__isnull=True).count(), total),
        duplicate_clusters=Cluster.objects.count(),
        unresolved_places=_top(postings.filter(place__isnull=True).exclude(place_name=""), "place_name"),
        unclassified_titles=_top(postings.filter(occupation__isnull=True), "title"),
        errors_by_source={source: rows[:TOP] for source, rows in errors.items()},
        records_by_source=records,
    )
