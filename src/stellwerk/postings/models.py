"""Data model: raw source records, postings, employers, places, occupations, and the index outbox."""

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
    updated_at = models.DateTimeField(auto_now=True)

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
