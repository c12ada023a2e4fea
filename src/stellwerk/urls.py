"""URL configuration: web pages, JSON API, admin."""

from django.contrib import admin
from django.urls import include, path

from stellwerk.api.api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("stellwerk.web.urls")),
]
