"""Recurring source runs: the sources file, when a run is due, and `stellwerk worker --once`."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from sources.ba_upstream import BaUpstream, sample_postings
from stellwerk.postings.models import Posting, SourceRun
from stellwerk.postings.schedule import InvalidSchedule, is_due, load_schedule, parse_interval

pytestmark = pytest.mark.django_db


def test_intervals_are_read_and_bad_ones_named() -> None:
    assert parse_interval("30m") == timedelta(minutes=30)
    assert parse_interval(" 6h") == timedelta(hours=6)
    assert parse_interval("1d") == timedelta(days=1)
    with pytest.raises(InvalidSchedule, match="'täglich' nicht lesbar"):
        parse_interval("täglich")


def test_the_sources_file_is_checked_entry_by_entry(tmp_path: Path) -> None:
    path = tmp_path / "sources.toml"
    path.write_text('[[ba]]\nwas = "Pflege"\nwo = "Dortmund"\numkreis = 25\nevery = "6h"\n', encoding="utf-8")
    (entry,) = load_schedule(path)
    assert (entry.kind, entry.name, entry.every) == ("ba", "ba-1", timedelta(hours=6))
    now = datetime(2026, 11, 29, 12, 0)
    assert entry.ba_query(None, now).veroeffentlichtseit is None
    assert entry.ba_query(now - timedelta(days=2, hours=3), now).veroeffentlichtseit == 3
    path.write_text('[[feed]]\nname = "klinikum"\n', encoding="utf-8")
    with pytest.raises(InvalidSchedule, match=r"\[\[feed\]\] Nr. 1: location"):
        load_schedule(path)
    path.write_text("[[rss]]\n", encoding="utf-8")
    with pytest.raises(InvalidSchedule, match="unbekannte Abschnitte"):
        load_schedule(path)


def test_the_worker_runs_what_is_due_once_and_then_waits(
    tmp_path: Path, settings: object, reference_data: None, search_index: Path
) -> None:
    ahead = (timezone.localdate() + timedelta(days=30)).isoformat()
    feed = tmp_path / "jobs.jsonl"
    feed.write_text(
        json.dumps(
            {"referencenumber": "K-1", "title": "Koch (m/w/d)", "city": "Dortmund", "expirationdate": ahead}
        )
        + "\n",
        encoding="utf-8",
    )
    with BaUpstream(sample_postings()) as upstream:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f'[[ba]]\nname = "ba-alle"\nbase_url = "{upstream.base_url}"\nevery = "6h"\n\n'
            f'[[feed]]\nname = "klinikum"\nlocation = "{feed}"\nevery = "1h"\ncomplete = true\n',
            encoding="utf-8",
        )
        settings.SOURCES_FILE = sources  # type: ignore[attr-defined]
        settings.BA_REQUESTS_PER_SECOND = 0  # type: ignore[attr-defined]
        out = io.StringIO()
        call_command("worker", "--once", stdout=out)
        assert SourceRun.objects.filter(status=SourceRun.Status.FINISHED).count() == 2
        assert Posting.objects.count() == 47 + 1
        assert out.getvalue().count("Suchindex neu aufgebaut") == 1
        call_command("worker", "--once", stdout=out)
        assert SourceRun.objects.count() == 2, "nothing was due the second time"
        assert out.getvalue().count("Suchindex neu aufgebaut") == 1, "rebuilt once a day, not every round"
        searches_before = len(upstream.searches())
        SourceRun.objects.filter(parameters__zeitplan="ba-alle").update(
            finished_at=timezone.now() - timedelta(hours=7)
        )
        call_command("worker", "--once", stdout=out)
        incremental = upstream.searches()[searches_before:]
    assert SourceRun.objects.count() == 3
    assert incremental
    assert all(request.params.get("veroeffentlichtseit") == "2" for request in incremental)
    (entry,) = [e for e in load_schedule(sources) if e.kind == "feed"]
    assert not is_due(entry, timezone.now())
