"""The `stellwerk aggregate`, `entgelte` and `weiterbildung` commands, against local imitations."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from insights.factory import posting
from insights.upstream import (
    ENTGELTATLAS_KEY,
    EntgeltatlasUpstream,
    WeiterbildungUpstream,
    atlas_record,
    course_date,
)
from stellwerk.insights.models import MarketAggregate, RegionalSalary, TrainingOffer

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_aggregate_reports_what_it_computed(reference_data: None) -> None:
    posting("43104", "dortmund")
    assert re.fullmatch(r"6 Kennzahlen aus 1 Stellenangeboten in \d+,\d s berechnet\n", run("aggregate"))
    assert MarketAggregate.objects.filter(kldb="43104").count() == 3


def test_entgelte_fetches_the_occupations_with_postings_in_a_place(reference_data: None) -> None:
    posting("43104", "dortmund")
    run("aggregate")
    with EntgeltatlasUpstream() as upstream:
        upstream.add(atlas_record("43104", 22, 5100, 4200, -2), atlas_record("43104", 8, 5000, 4100, 6200))
        output = run(
            "entgelte", "--place", "Dortmund", "--url", upstream.base_url, "--api-key", ENTGELTATLAS_KEY
        )
        assert {r.query["r"][0] for r in upstream.requests} == {"22", "8"}
    assert output.startswith(
        "2 Statistiken gespeichert, 2 Abfragen ohne Ergebnis, 0 Fehler (1 Berufe, 2 Regionen)"
    )
    assert RegionalSalary.objects.count() == 2
    with pytest.raises(CommandError, match="Nirgendwo"):
        run("entgelte", "--place", "Nirgendwo", "--url", "http://127.0.0.1:9")


def test_weiterbildung_imports_each_keyword(reference_data: None) -> None:
    care = course_date(2, "Pflegekurs")
    care["angebot"]["inhalt"] = "<p>Grundpflege</p>"
    with WeiterbildungUpstream([course_date(1, "SQL-Grundlagen"), care]) as upstream:
        output = run("weiterbildung", "SQL", "Pflege", "--place", "Dortmund", "--url", upstream.base_url)
    assert output.splitlines() == [
        "SQL: 1 neu, 0 aktualisiert, 0 unverändert, 0 abgelehnt",
        "Pflege: 1 neu, 0 aktualisiert, 0 unverändert, 0 abgelehnt",
    ]
    assert TrainingOffer.objects.count() == 2
    with WeiterbildungUpstream([]) as upstream:
        upstream.fail_next(404)
        with pytest.raises(CommandError, match="HTTP 404"):
            run("weiterbildung", "SQL", "--url", upstream.base_url)
