"""Admin: editors write market articles; figures, pay statistics and training offers can be inspected."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html_join

from stellwerk.insights.articles import PLACEHOLDERS, unknown_placeholders
from stellwerk.insights.models import MarketAggregate, MarketArticle, RegionalSalary, TrainingOffer


class MarketArticleForm(forms.ModelForm[MarketArticle]):
    """The article form: refuses placeholders the pages cannot fill."""

    class Meta:
        model = MarketArticle
        fields = ("occupation", "place", "title", "body", "author", "published")

    def clean_body(self) -> str:
        """Refuse a text with placeholders no figure fills, naming them."""
        body: str = self.cleaned_data["body"]
        unknown = unknown_placeholders(body)
        if unknown:
            names = ", ".join(f"{{{{ {name} }}}}" for name in unknown)
            raise forms.ValidationError(f"Unbekannte Platzhalter: {names}")
        return body


@admin.register(MarketArticle)
class MarketArticleAdmin(admin.ModelAdmin[MarketArticle]):
    """Articles per occupation and place, with the list of placeholders."""

    form = MarketArticleForm
    list_display = ("__str__", "occupation", "place", "published", "updated_at")
    list_filter = ("published",)
    search_fields = ("title", "occupation__name", "occupation__kldb", "place__name")
    raw_id_fields = ("occupation", "place")
    readonly_fields = ("placeholders", "created_at", "updated_at")

    @admin.display(description="Platzhalter")
    def placeholders(self, obj: MarketArticle | None) -> str:
        """List the placeholders an article may use."""
        rows = ((f"{{{{ {name} }}}}", text) for name, text in PLACEHOLDERS.items())
        return format_html_join("", "<div><code>{}</code> – {}</div>", rows)


class _ReadOnly(admin.ModelAdmin[Any]):
    """Rows written by commands, not by hand."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MarketAggregate)
class MarketAggregateAdmin(_ReadOnly):
    """The precomputed figures."""

    list_display = ("kldb", "scope", "area", "active", "recent", "computed_at")
    list_filter = ("scope",)
    search_fields = ("kldb", "area")


@admin.register(RegionalSalary)
class RegionalSalaryAdmin(_ReadOnly):
    """Entgeltatlas figures fetched from its API."""

    list_display = ("kldb", "region", "age", "median_cents", "median_censored", "headcount", "fetched_at")
    list_filter = ("region", "age")
    search_fields = ("kldb",)


@admin.register(TrainingOffer)
class TrainingOfferAdmin(_ReadOnly):
    """Further-training course dates from the Weiterbildungssuche."""

    list_display = ("title", "provider", "place_name", "starts", "funding", "fetched_at")
    list_filter = ("funding", "mode")
    search_fields = ("title", "provider", "place_name", "external_id")
