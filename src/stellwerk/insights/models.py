"""Data model: precomputed market figures, regional pay statistics, further training offers, articles."""

from __future__ import annotations

from django.db import models

from stellwerk.postings.models import Occupation, Place


class MarketAggregate(models.Model):
    """The figures of one occupation (or of all) in one area, computed ahead by `refresh_aggregates`."""

    class Scope(models.TextChoices):
        PLACE = "ort", "Ort"
        LAND = "land", "Land"
        COUNTRY = "de", "Deutschland"

    scope = models.CharField(max_length=4, choices=Scope.choices)
    area = models.CharField(
        max_length=120, blank=True, help_text="Place slug, Land name, or empty for Germany."
    )
    kldb = models.CharField("KldB 2010", max_length=5, blank=True, help_text="Empty: all occupations.")
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    active = models.PositiveIntegerField("aktuelle Angebote", default=0)
    recent = models.PositiveIntegerField("Angebote der letzten 12 Monate", default=0)
    figures = models.JSONField(default=dict)
    digest = models.CharField(max_length=32, help_text="Changes whenever the figures change (ETag).")
    changed_at = models.DateTimeField(help_text="Latest change of a posting counted here.")
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = "Marktkennzahl"
        verbose_name_plural = "Marktkennzahlen"
        constraints = [
            models.UniqueConstraint(fields=("scope", "area", "kldb"), name="marketaggregate_unique_cell"),
        ]
        # Pages list the cells of an occupation or of an area by count, and find cells near a point.
        indexes = [
            models.Index(fields=("scope", "kldb", "active"), name="marketaggregate_by_kldb"),
            models.Index(fields=("scope", "area", "active"), name="marketaggregate_by_area"),
            models.Index(fields=("scope", "kldb", "lat"), name="marketaggregate_nearby"),
        ]

    def __str__(self) -> str:
        return f"{self.kldb or 'alle'} in {self.area or 'Deutschland'}"


class RegionalSalary(models.Model):
    """An Entgeltatlas statistic fetched from its API for one KldB code, region and group."""

    kldb = models.CharField("KldB 2010", max_length=5)
    region_id = models.PositiveSmallIntegerField("Region (Entgeltatlas)")
    region = models.CharField(max_length=100)
    age = models.CharField("Alter", max_length=60, default="Gesamt")
    age_id = models.PositiveSmallIntegerField("Altersgruppe (Entgeltatlas)", default=1)
    gender = models.CharField("Geschlecht", max_length=30, default="Gesamt")
    industry = models.CharField("Branche", max_length=200, default="Gesamt")
    level = models.CharField("Anforderungsniveau", max_length=30, blank=True)
    median_cents = models.PositiveIntegerField(null=True, blank=True)
    median_censored = models.BooleanField(default=False)
    q25_cents = models.PositiveIntegerField(null=True, blank=True)
    q25_censored = models.BooleanField(default=False)
    q75_cents = models.PositiveIntegerField(null=True, blank=True)
    q75_censored = models.BooleanField(default=False)
    headcount = models.PositiveIntegerField("Beschäftigte", null=True, blank=True)
    ceiling_cents = models.PositiveIntegerField("Beitragsbemessungsgrenze (Cent)")
    reference_date = models.DateField("Stichtag")
    source_url = models.URLField(max_length=500)
    fetched_at = models.DateTimeField()

    class Meta:
        verbose_name = "Regionales Entgelt"
        verbose_name_plural = "Regionale Entgelte"
        constraints = [
            models.UniqueConstraint(
                fields=("kldb", "region_id", "age_id", "gender", "industry"), name="regionalsalary_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kldb} {self.region} ({self.age})"


class TrainingOffer(models.Model):
    """A further-training course date from the BA Weiterbildungssuche, with the skills its text names."""

    source = models.CharField(max_length=40, default="ba-weiterbildung")
    external_id = models.CharField(max_length=40, help_text="The id of the course date (Termin).")
    offer_id = models.CharField(max_length=40, blank=True, help_text="The id of the course (Angebot).")
    title = models.CharField("Titel", max_length=500)
    provider = models.CharField("Anbieter", max_length=300, blank=True)
    place_name = models.CharField("Ort", max_length=200, blank=True)
    postal_code = models.CharField(max_length=5, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    starts = models.DateField("Beginn", null=True, blank=True)
    ends = models.DateField("Ende", null=True, blank=True)
    flexible_start = models.BooleanField("Einstieg jederzeit", default=False)
    mode = models.CharField("Unterrichtsform", max_length=100, blank=True)
    schedule = models.CharField("Unterrichtszeit", max_length=100, blank=True)
    duration = models.CharField("Dauer", max_length=100, blank=True)
    cost_cents = models.PositiveIntegerField("Kosten (Cent)", null=True, blank=True)
    funding = models.BooleanField("förderfähig (Bildungsgutschein)", default=False)
    url = models.URLField(max_length=1000, blank=True)
    summary = models.TextField("Inhalt (Text)", blank=True)
    skills = models.JSONField(default=list, blank=True)
    payload = models.JSONField(help_text="The record exactly as the source delivered it.")
    content_hash = models.CharField(max_length=64)
    fetched_at = models.DateTimeField()

    class Meta:
        verbose_name = "Weiterbildungsangebot"
        verbose_name_plural = "Weiterbildungsangebote"
        constraints = [
            models.UniqueConstraint(fields=("source", "external_id"), name="trainingoffer_unique_per_source"),
        ]
        indexes = [models.Index(fields=("lat", "lon"), name="trainingoffer_location")]

    def __str__(self) -> str:
        return self.title


class TrainingOfferSkill(models.Model):
    """A skill a training offer covers, as a row so offers can be found by skill on every database."""

    offer = models.ForeignKey(TrainingOffer, on_delete=models.CASCADE, related_name="skill_rows")
    skill_id = models.CharField(max_length=100, db_index=True)

    class Meta:
        verbose_name = "Kenntnis eines Weiterbildungsangebots"
        verbose_name_plural = "Kenntnisse von Weiterbildungsangeboten"
        constraints = [
            models.UniqueConstraint(fields=("offer", "skill_id"), name="trainingofferskill_unique"),
        ]

    def __str__(self) -> str:
        return self.skill_id


class MarketArticle(models.Model):
    """An editor's text on an occupation in a place (or nationwide): Markdown with figure placeholders."""

    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="articles")
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        help_text="Leer lassen für den bundesweiten Text.",
    )
    title = models.CharField("Überschrift", max_length=200, blank=True)
    body = models.TextField(
        "Text (Markdown)",
        help_text="Platzhalter wie {{ gehalt.median }} oder {{ nachfrage.trend }} werden mit Zahlen gefüllt.",
    )
    published = models.BooleanField("veröffentlicht", default=False)
    author = models.CharField("Autor/in", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Redaktioneller Text"
        verbose_name_plural = "Redaktionelle Texte"
        constraints = [
            models.UniqueConstraint(fields=("occupation", "place"), name="marketarticle_unique_per_place"),
            models.UniqueConstraint(
                fields=("occupation",),
                condition=models.Q(place__isnull=True),
                name="marketarticle_unique_nationwide",
            ),
        ]

    def __str__(self) -> str:
        where = self.place.name if self.place else "Deutschland"
        return self.title or f"{self.occupation} in {where}"
