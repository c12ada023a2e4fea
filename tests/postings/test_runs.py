"""Source runs are recorded with counts and errors, and an unfinished run is taken up again."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from stellwerk.postings.importing import ImportSummary, Rejection
from stellwerk.postings.models import SourceRun
from stellwerk.postings.runs import KEPT_ERRORS, add_note, finish_run, record_progress, run_key, start_run

pytestmark = pytest.mark.django_db


def test_the_key_depends_on_source_and_parameters_not_their_order() -> None:
    assert run_key("ba", {"was": "Pflege", "wo": "Dortmund"}) == run_key(
        "ba", {"wo": "Dortmund", "was": "Pflege"}
    )
    assert run_key("ba", {"was": "Pflege"}) != run_key("ba", {"was": "MFA"})
    assert run_key("ba", {"was": "Pflege"}) != run_key("jsonld", {"was": "Pflege"})


def test_progress_adds_up_and_keeps_a_bounded_list_of_errors() -> None:
    run = start_run("ba", {"was": "Pflege"})
    rejected = [Rejection("ba", f"#{i}", "kein Titel") for i in range(KEPT_ERRORS + 5)]
    record_progress(run, ImportSummary(new=3, updated=1, unchanged=2, rejected=rejected), {"page": 1})
    record_progress(run, ImportSummary(new=2), {"page": 2})
    run.refresh_from_db()
    assert (run.fetched, run.new, run.updated, run.unchanged, run.rejected) == (
        3 + 1 + 2 + KEPT_ERRORS + 5 + 2,
        5,
        1,
        2,
        KEPT_ERRORS + 5,
    )
    assert len(run.errors) == KEPT_ERRORS
    assert run.errors[0] == "ba #0: kein Titel"
    assert run.checkpoint == {"page": 2}


def test_an_interrupted_run_is_resumed_from_its_checkpoint_and_a_finished_one_is_not() -> None:
    first = start_run("ba", {"was": "Pflege"})
    record_progress(first, ImportSummary(new=5), {"page": 3})
    # The process was killed: the row still says "running".
    again = start_run("ba", {"was": "Pflege"})
    assert again.pk == first.pk
    assert again.checkpoint == {"page": 3}
    finish_run(again)
    again.refresh_from_db()
    assert (again.status, again.checkpoint) == (SourceRun.Status.FINISHED, None)
    assert start_run("ba", {"was": "Pflege"}).pk != first.pk


def test_a_failed_run_keeps_its_reason_and_checkpoint_and_notes() -> None:
    run = start_run("ba", {"was": "MFA"})
    record_progress(run, ImportSummary(new=1), {"page": 1})
    add_note(run, "120 Stellen nicht erreichbar: Abfrage über 10.000 Treffer")
    finish_run(run, error="Upstream antwortet nicht: 503 nach 5 Versuchen")
    run.refresh_from_db()
    assert run.status == SourceRun.Status.FAILED
    assert run.errors[-1].startswith("Upstream antwortet nicht")
    assert run.notes == ["120 Stellen nicht erreichbar: Abfrage über 10.000 Treffer"]
    assert start_run("ba", {"was": "MFA"}).pk == run.pk
    assert start_run("ba", {"was": "MFA"}, resume=False).pk != run.pk


def test_the_runs_command_lists_counts_errors_and_notes() -> None:
    run = start_run("ba", {"was": "Pflege"})
    record_progress(run, ImportSummary(new=4, rejected=[Rejection("ba", "#9", "kein Titel")]))
    add_note(run, "3 Stellen nicht erreichbar")
    finish_run(run)
    out = io.StringIO()
    call_command("runs", stdout=out)
    text = out.getvalue()
    assert "ba [abgeschlossen] 5 gelesen, 4 neu, 0 aktualisiert, 0 unverändert, 1 abgelehnt" in text
    assert "Fehler: ba #9: kein Titel" in text
    assert "Hinweis: 3 Stellen nicht erreichbar" in text
