"""The Weiterbildungssuche importer against a local imitation: paging, mapping, skills, reruns, errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from insights.upstream import WeiterbildungUpstream, course_date
from stellwerk.insights.models import TrainingOffer, TrainingOfferSkill
from stellwerk.insights.weiterbildung import (
    InvalidTrainingRecord,
    TrainingQuery,
    WeiterbildungClient,
    WeiterbildungError,
    import_training_offers,
    map_course_date,
)
from stellwerk.normalize.skills import default_lexicon
from stellwerk.reference.gazetteer import default_gazetteer


@pytest.fixture
def upstream() -> Iterator[WeiterbildungUpstream]:
    dates = [course_date(100 + n, f"Datenbanken mit SQL, Kurs {n}") for n in range(120)]
    dates.append(course_date(999, "Pflege-Grundkurs", angebot={"id": 1, "titel": "Pflege-Grundkurs"}))
    with WeiterbildungUpstream(dates) as server:
        yield server


@pytest.fixture
def client(upstream: WeiterbildungUpstream) -> Iterator[WeiterbildungClient]:
    with httpx.Client(timeout=5) as http:
        yield WeiterbildungClient(http, upstream.base_url, backoff_seconds=0)


def test_a_course_date_maps_to_an_offer_with_skills_cost_dates_and_place() -> None:
    fields = map_course_date(course_date(7, "Datenbanken mit SQL"), default_lexicon())
    assert fields["external_id"] == "7"
    assert fields["title"] == "Datenbanken mit SQL"
    assert fields["provider"] == "Akademie West"
    assert (fields["place_name"], fields["postal_code"]) == ("Dortmund", "44135")
    assert fields["cost_cents"] == 189_050
    assert fields["starts"] == date(2026, 1, 1)
    assert fields["funding"] is True
    assert fields["url"] == "https://bildung.example.org/kurs"
    assert "sql" in fields["skills"]
    assert fields["summary"].startswith("Grundlagen SQL")


def test_a_fee_of_zero_is_not_a_price_and_foreign_currency_is_not_euros() -> None:
    lexicon = default_lexicon()
    assert map_course_date(course_date(1, "Kurs", kostenWert="0.0"), lexicon)["cost_cents"] is None
    assert map_course_date(course_date(1, "Kurs", kostenWaehrung="CHF"), lexicon)["cost_cents"] is None
    assert map_course_date(course_date(1, "Kurs", kostenWert="auf Anfrage"), lexicon)["cost_cents"] is None


def test_records_without_id_or_title_are_refused() -> None:
    lexicon = default_lexicon()
    with pytest.raises(InvalidTrainingRecord, match="without an id"):
        map_course_date({"angebot": {"titel": "x"}}, lexicon)
    with pytest.raises(InvalidTrainingRecord, match="without a title"):
        map_course_date(course_date(5, "  "), lexicon)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
        max_leaves=20,
    )
)
def test_any_json_either_maps_or_is_refused_with_a_reason(payload: object) -> None:
    try:
        fields = map_course_date(payload, default_lexicon())
    except InvalidTrainingRecord:
        return
    assert fields["title"]


@pytest.mark.django_db
def test_import_pages_through_the_results_and_is_idempotent(
    client: WeiterbildungClient, upstream: WeiterbildungUpstream
) -> None:
    query = TrainingQuery("SQL", default_gazetteer().resolve("Dortmund"), 50)
    summary = import_training_offers(client, query, default_lexicon())
    assert (summary.new, summary.updated, summary.unchanged) == (120, 0, 0)
    assert [r.query["page"] for r in upstream.requests] == [["0"], ["1"], ["2"]]
    first = upstream.requests[0].query
    assert first["sw"] == ["SQL"]
    assert first["uk"] == ["50"]
    assert first["ort"][0].startswith("Dortmund_44")
    assert TrainingOfferSkill.objects.filter(skill_id="sql").count() == 120
    again = import_training_offers(client, query, default_lexicon())
    assert (again.new, again.updated, again.unchanged) == (0, 0, 120)


@pytest.mark.django_db
def test_a_changed_course_is_updated_and_a_bad_one_reported(
    client: WeiterbildungClient, upstream: WeiterbildungUpstream
) -> None:
    query = TrainingQuery("Pflege")
    import_training_offers(client, query, default_lexicon())
    upstream.dates[-1]["angebot"]["titel"] = "Pflege-Grundkurs mit Wundmanagement"
    upstream.dates.append({"id": None, "angebot": {"titel": "Pflege ohne Nummer"}})
    summary = import_training_offers(client, query, default_lexicon())
    assert (summary.new, summary.updated) == (0, 1)
    assert summary.rejected == ["course date without an id"]
    assert TrainingOffer.objects.get(external_id="999").title == "Pflege-Grundkurs mit Wundmanagement"
    assert upstream.requests[0].query["uk"] == ["Bundesweit"]


@pytest.mark.django_db
def test_max_pages_bounds_the_import(client: WeiterbildungClient) -> None:
    summary = import_training_offers(client, TrainingQuery("SQL"), default_lexicon(), max_pages=1)
    assert summary.new == 50


def test_server_errors_are_retried_then_reported(
    client: WeiterbildungClient, upstream: WeiterbildungUpstream
) -> None:
    upstream.fail_next(503)
    assert len(list(client.course_dates(TrainingQuery("Pflege")))) == 1
    upstream.fail_next(500, 500, 500)
    with pytest.raises(WeiterbildungError, match="HTTP 500"):
        list(client.course_dates(TrainingQuery("Pflege")))
