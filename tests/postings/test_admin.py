"""Editors see source runs and duplicate clusters in the admin."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from stellwerk.postings.importing import ImportSummary, Rejection
from stellwerk.postings.models import Cluster, Posting
from stellwerk.postings.runs import finish_run, record_progress, start_run


@pytest.fixture
def editor(client: Client, db: None) -> Client:
    client.force_login(User.objects.create_superuser("redaktion", "redaktion@example.org", "x"))
    return client


def test_source_runs_show_counts_and_errors(editor: Client) -> None:
    run = start_run("ba", {"was": "Pflege"})
    record_progress(run, ImportSummary(new=7, rejected=[Rejection("ba", "#3", "kein Titel")]))
    finish_run(run, error="Upstream antwortet nicht")
    listing = editor.get("/admin/postings/sourcerun/").content.decode()
    assert "fehlgeschlagen" in listing
    detail = editor.get(f"/admin/postings/sourcerun/{run.pk}/change/").content.decode()
    assert "ba #3: kein Titel" in detail
    assert "Upstream antwortet nicht" in detail


def test_a_cluster_lists_its_members_with_the_reason(editor: Client, sample_postings: None) -> None:
    first, second = Posting.objects.order_by("pk")[:2]
    now = timezone.now()
    cluster = Cluster.objects.create(canonical=first, size=2, first_seen=now, last_seen=now)
    Posting.objects.filter(pk__in=[first.pk, second.pk]).update(cluster=cluster)
    Posting.objects.filter(pk=second.pk).update(duplicate_reason="gleicher Text, gleicher Arbeitgeber")
    page = editor.get(f"/admin/postings/cluster/{cluster.pk}/change/").content.decode()
    assert "gleicher Text, gleicher Arbeitgeber" in page
    assert second.title in page
