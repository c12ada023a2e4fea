"""Django app configuration for the web front end."""

from django.apps import AppConfig


class WebConfig(AppConfig):
    """Pages for job seekers."""

    name = "stellwerk.web"
    label = "web"
    verbose_name = "Web"
