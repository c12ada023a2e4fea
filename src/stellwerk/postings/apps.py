"""Django app configuration for postings."""

from django.apps import AppConfig


class PostingsConfig(AppConfig):
    """Postings and their sources."""

    name = "stellwerk.postings"
    label = "postings"
    verbose_name = "Stellenangebote"
    default_auto_field = "django.db.models.BigAutoField"
