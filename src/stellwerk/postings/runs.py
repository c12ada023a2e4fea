"""Source runs: every connector run is recorded with its counts and errors, and an interrupted one resumes."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from stellwerk.postings.importing import ImportSummary
from stellwerk.postings.models import SourceRun

# Enough errors to see what went wrong, few enough to keep the row small.
KEPT_ERRORS = 200


def run_key(source: str, parameters: Mapping[str, Any]) -> str:
    """Return the fingerprint of a run's source and parameters, by which a rerun finds its predecessor."""
    text = json.dumps({"source": source, "parameters": parameters}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def start_run(source: str, parameters: Mapping[str, Any], *, resume: bool = True) -> SourceRun:
    """Start a run, or take up the last one of the same source and parameters that did not finish."""
    key = run_key(source, parameters)
    if resume:
        # A run killed outright stays "running"; one that failed keeps its checkpoint too.
        last = SourceRun.objects.filter(key=key).order_by("-started_at", "-pk").first()
        if last is not None and last.status != SourceRun.Status.FINISHED and last.checkpoint is not None:
            last.status = SourceRun.Status.RUNNING
            last.save(update_fields=["status"])
            return last
    return SourceRun.objects.create(
        source=source, key=key, parameters=dict(parameters), started_at=timezone.now()
    )


def record_progress(run: SourceRun, summary: ImportSummary, checkpoint: Any = None) -> None:
    """Add what one stored page or batch did to the run, and move its checkpoint past it."""
    run.fetched += summary.read
    run.new += summary.new
    run.updated += summary.updated
    run.unchanged += summary.unchanged
    run.rejected += len(summary.rejected)
    room = KEPT_ERRORS - len(run.errors)
    run.errors.extend(f"{r.source} {r.locator}: {r.reason}" for r in summary.rejected[: max(room, 0)])
    if checkpoint is not None:
        run.checkpoint = checkpoint
    run.save(update_fields=["fetched", "new", "updated", "unchanged", "rejected", "errors", "checkpoint"])


def add_note(run: SourceRun, note: str) -> None:
    """Record something the run could not do completely, in words for editors."""
    run.notes.append(note)
    run.save(update_fields=["notes"])


def add_error(run: SourceRun, error: str) -> None:
    """Record an error of the run, within the kept number of errors."""
    if len(run.errors) < KEPT_ERRORS:
        run.errors.append(error)
        run.save(update_fields=["errors"])


def finish_run(run: SourceRun, *, error: str | None = None, expired: int = 0) -> SourceRun:
    """Close a run as finished, or as failed with the reason; a failed run keeps its checkpoint."""
    run.finished_at = timezone.now()
    run.expired += expired
    if error is None:
        run.status = SourceRun.Status.FINISHED
        run.checkpoint = None
    else:
        run.status = SourceRun.Status.FAILED
        add_error(run, error)
    run.save(update_fields=["finished_at", "status", "checkpoint", "expired"])
    return run
