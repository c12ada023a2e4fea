"""Data model: raw source records and source runs, postings and their duplicate clusters, reference tables."""

from __future__ import annotations

from django.db import models
from django.urls import reverse


class Place(models.Model):
    """A municipality from the packaged gazetteer."""

    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    land = models.CharField(max_length=60)
    kreis = models.CharField(max_length=200, blank=True)
    lat = models.FloatField()
    lon = models.FloatField()
    postal_codes = models.JSONField(default=list)
    population = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = "Ort"
        verbose_name_plural = "Orte"
        ordering = ("name",)

    def __str__(self) -> str:
        return f"{self.name} ({self.land})"


class Occupation(models.Model):
    """An occupation type of the KldB 2010 at its finest (5-digit) level."""

    kldb = models.CharField("KldB 2010", max_length=5, unique=True)
    name = models.CharField(max_length=300)

    class Meta:
        verbose_name = "Beruf (KldB 2010)"
        verbose_name_plural = "Berufe (KldB 2010)"
        ordering = ("kldb",)

    def __str__(self) -> str:
        return f"{self.kldb} {self.name}"


class Employer(models.Model):
    """An employer as named in postings; `key` folds spelling variants of the name."""

    name = models.CharField(max_length=300)
    key = models.CharField(max_length=300, unique=True)
    slug = models.SlugField(max_length=120, unique=True)

    class Meta:
        verbose_name = "Arbeitgeber"
        verbose_name_plural = "Arbeitgeber"
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class SourceRecord(models.Model):
    """One record exactly as a source delivered it, with the outcome of processing it."""

    source = models.CharField(max_length=40)
    external_id = models.CharField(max_length=200)
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    fetched_at = models.DateTimeField()
    locator = models.CharField(max_length=200, blank=True, help_text="Where in the input it was found.")
    error = models.TextField(blank=True, help_text="Why it could not become a posting; empty when it did.")

    class Meta:
        verbose_name = "Quelldatensatz"
        verbose_name_plural = "Quelldatensätze"
        constraints = [
            models.UniqueConstraint(fields=("source", "external_id"), name="sourcerecord_unique_per_source"),
        ]
        indexes = [models.Index(fields=("source", "error"))]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class SourceRun(models.Model):
    """One run of a connector: what it fetched, what it stored, what failed, and where to resume."""

    class Status(models.TextChoices):
        RUNNING = "running", "läuft"
        FINISHED = "finished", "abgeschlossen"
        FAILED = "failed", "fehlgeschlagen"

    source = models.CharField(max_length=40)
    key = models.CharField(
        max_length=64, db_index=True, help_text="Fingerprint of source and parameters; a rerun resumes by it."
    )
    parameters = models.JSONField(default=dict)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    fetched = models.PositiveIntegerField("gelesen", default=0)
    new = models.PositiveIntegerField("neu", default=0)
    updated = models.PositiveIntegerField("aktualisiert", default=0)
    unchanged = models.PositiveIntegerField("unverändert", default=0)
    rejected = models.PositiveIntegerField("abgelehnt", default=0)
    expired = models.PositiveIntegerField("abgelaufen", default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="The first errors of the run, with reasons."
    )
    checkpoint = models.JSONField(null=True, blank=True, help_text="Where an interrupted run resumes.")
    notes = models.JSONField(default=list, blank=True, help_text="What the run could not reach, and why.")

    class Meta:
        verbose_name = "Quell-Lauf"
        verbose_name_plural = "Quell-Läufe"
        ordering = ("-started_at",)

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M}"


class PageValidator(models.Model):
    """The ETag and Last-Modified a page last answered with, for conditional requests."""

    url = models.CharField(max_length=1000, unique=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    checked_at = models.DateTimeField()

    class Meta:
        verbose_name = "Seiten-Validator"
        verbose_name_plural = "Seiten-Validatoren"

    def __str__(self) -> str:
        return self.url


class Cluster(models.Model):
    """Postings of one job from several sources or reposts; seekers see the canonical one."""

    canonical = models.OneToOneField(
        "Posting", null=True, blank=True, on_delete=models.SET_NULL, related_name="canonical_of"
    )
    size = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        verbose_name = "Dublettengruppe"
        verbose_name_plural = "Dublettengruppen"

    def __str__(self) -> str:
        return f"Gruppe {self.pk} ({self.size})"


class PostingQuerySet(models.QuerySet["Posting"]):
    """Queries seekers' views share."""

    def visible(self) -> PostingQuerySet:
        """Return the postings seekers see: active, and only the canonical one of a duplicate cluster."""
        return self.filter(status=Posting.Status.ACTIVE).filter(
            models.Q(cluster__isnull=True) | models.Q(canonical_of__isnull=False)
        )


class Posting(models.Model):
    """A job offer as shown to seekers."""

    class Status(models.TextChoices):
        ACTIVE = "active", "aktiv"
        EXPIRED = "expired", "abgelaufen"

    class OccupationSource(models.TextChoices):
        SOURCE = "source", "Angabe der Quelle"
        CLASSIFIER = "classifier", "automatisch klassifiziert"
        NONE = "", "unbekannt"

    source_record = models.OneToOneField(SourceRecord, on_delete=models.PROTECT, related_name="posting")
    title_raw = models.CharField("Titel wie veröffentlicht", max_length=500)
    title = models.CharField("Titel", max_length=500)
    slug = models.SlugField(max_length=120)
    employer = models.ForeignKey(
        Employer, null=True, blank=True, on_delete=models.PROTECT, related_name="postings"
    )
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="postings")
    place_name = models.CharField("Arbeitsort wie veröffentlicht", max_length=200, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)
    region = models.CharField(max_length=100, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    occupation = models.ForeignKey(
        Occupation, null=True, blank=True, on_delete=models.PROTECT, related_name="postings"
    )
    occupation_source = models.CharField(
        max_length=12, choices=OccupationSource.choices, blank=True, default=""
    )
    occupation_confidence = models.FloatField(null=True, blank=True)
    occupation_evidence = models.JSONField(default=list, blank=True)
    beruf = models.CharField("Beruf laut Quelle", max_length=300, blank=True)
    description = models.TextField(blank=True)
    terms = models.JSONField(default=dict, blank=True)
    salary = models.JSONField(
        default=dict, blank=True, help_text="Amounts and tariffs as stated, with the text."
    )
    salary_min_cents = models.PositiveIntegerField("Gehalt ab (Monat, Cent)", null=True, blank=True)
    salary_max_cents = models.PositiveIntegerField("Gehalt bis (Monat, Cent)", null=True, blank=True)
    skills = models.JSONField(default=list, blank=True)
    unknowns = models.JSONField(
        default=dict, blank=True, help_text="Fields that normalisation could not determine, with the reason."
    )
    external_url = models.URLField(max_length=1000, blank=True)
    source_url = models.URLField(max_length=1000, blank=True)
    published = models.DateField(null=True, blank=True)
    start_date = models.DateField(null=True, blank=True)
    valid_through = models.DateField(null=True, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    expired_at = models.DateTimeField(null=True, blank=True)
    expiry_reason = models.CharField(max_length=200, blank=True)
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    duplicate_reason = models.CharField(
        "Grund der Zuordnung", max_length=300, blank=True, help_text="Why it joined its cluster."
    )
    dedup_fingerprint = models.JSONField(
        null=True,
        blank=True,
        help_text="What duplicate detection compares (dedup.Fingerprint), to rebuild it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = PostingQuerySet.as_manager()

    class Meta:
        verbose_name = "Stellenangebot"
        verbose_name_plural = "Stellenangebote"
        indexes = [
            models.Index(fields=("status", "published")),
            models.Index(fields=("occupation", "status")),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        """Return the posting page's path."""
        return reverse("web:posting", kwargs={"posting_id": self.pk, "slug": self.slug})


class IndexOutbox(models.Model):
    """Postings whose search-index entry must be refreshed; written in the same transaction as the change."""

    posting_id = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Index-Auftrag"
        verbose_name_plural = "Index-Aufträge"

    def __str__(self) -> str:
        return f"Posting {self.posting_id}"
