"""Admin for editors: postings, duplicate clusters, source runs and raw records with their errors."""

from __future__ import annotations

from django.contrib import admin

from stellwerk.postings.models import Cluster, Employer, Occupation, Place, Posting, SourceRecord, SourceRun


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin[Posting]):
    """Postings with search by title, employer and place."""

    list_display = ("title", "employer", "place_name", "published", "status", "cluster")
    list_filter = ("status", "source_record__source")
    readonly_fields = ("cluster", "duplicate_reason", "expired_at", "expiry_reason")
    exclude = ("dedup_fingerprint",)
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


@admin.register(SourceRun)
class SourceRunAdmin(admin.ModelAdmin[SourceRun]):
    """Every connector run with its counts, errors and what it could not reach."""

    list_display = ("source", "started_at", "finished_at", "status", "fetched", "new", "updated", "rejected")
    list_filter = ("source", "status")
    readonly_fields = [f.name for f in SourceRun._meta.get_fields()]


class ClusterMemberInline(admin.TabularInline[Posting, Cluster]):
    """The postings of a cluster and why each one joined it."""

    model = Posting
    fields = ("title", "employer", "place_name", "first_seen", "status", "duplicate_reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Cluster)
class ClusterAdmin(admin.ModelAdmin[Cluster]):
    """Duplicate clusters: one job from several sources, with the reason each member joined."""

    list_display = ("pk", "canonical", "size", "first_seen", "last_seen")
    raw_id_fields = ("canonical",)
    inlines = (ClusterMemberInline,)
