"""Admin for editors: postings, employers and the raw source records with their errors."""

from __future__ import annotations

from django.contrib import admin

from stellwerk.postings.models import Employer, Occupation, Place, Posting, SourceRecord


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin[Posting]):
    """Postings with search by title, employer and place."""

    list_display = ("title", "employer", "place_name", "published", "status")
    list_filter = ("status", "source_record__source")
    search_fields = ("title", "employer__name", "place_name", "postal_code", "source_record__external_id")
    raw_id_fields = ("source_record", "employer", "place", "occupation")
    date_hierarchy = "published"


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin[SourceRecord]):
    """Raw records as delivered; rejected ones carry their error."""

    list_display = ("source", "external_id", "fetched_at", "locator", "error")
    list_filter = ("source",)
    search_fields = ("external_id", "error")
    readonly_fields = ("source", "external_id", "payload", "content_hash", "fetched_at", "locator", "error")


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin[Employer]):
    """Employers as named in postings."""

    list_display = ("name", "slug")
    search_fields = ("name",)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin[Place]):
    """Places of the gazetteer."""

    list_display = ("name", "kreis", "land", "population")
    search_fields = ("name", "slug")


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin[Occupation]):
    """KldB 2010 occupation types."""

    list_display = ("kldb", "name")
    search_fields = ("kldb", "name")
