"""Editors write articles in the admin; placeholders the pages cannot fill are refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from stellwerk.insights.admin import MarketArticleForm
from stellwerk.postings.models import Occupation

pytestmark = pytest.mark.django_db


def form(body: str) -> MarketArticleForm:
    occupation, _ = Occupation.objects.get_or_create(kldb="43104", defaults={"name": "Informatik"})
    return MarketArticleForm({"occupation": occupation.pk, "body": body, "title": "", "author": ""})


def test_known_placeholders_pass_and_unknown_ones_are_named() -> None:
    assert form("Median {{ gehalt.median }}, {{ nachfrage.trend }}").is_valid()
    refused = form("{{ gehalt.maximum }} und {{gehalt.median}}")
    assert not refused.is_valid()
    assert refused.errors["body"] == ["Unbekannte Platzhalter: {{ gehalt.maximum }}"]


def test_the_admin_lists_articles_and_shows_the_placeholders(client: Client) -> None:
    User.objects.create_superuser("redaktion", "r@example.org", "geheim")
    client.login(username="redaktion", password="geheim")
    assert client.get("/admin/insights/marketarticle/").status_code == 200
    add = client.get("/admin/insights/marketarticle/add/")
    assert add.status_code == 200
    for path in (
        "/admin/insights/marketaggregate/",
        "/admin/insights/trainingoffer/",
        "/admin/insights/regionalsalary/",
    ):
        assert client.get(path).status_code == 200
