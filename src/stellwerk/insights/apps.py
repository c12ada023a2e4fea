"""Django app configuration for market insights."""

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Figures about occupations and places, further training offers and editorial articles."""

    name = "stellwerk.insights"
    label = "insights"
    verbose_name = "Arbeitsmarkt"
    default_auto_field = "django.db.models.BigAutoField"
