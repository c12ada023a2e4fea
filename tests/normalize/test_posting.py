"""One normalisation pass over a mapped posting."""

from __future__ import annotations

import pytest

from stellwerk.domain.postings import PostingData
from stellwerk.normalize.posting import (
    default_normalizers,
    normalize_many,
    normalize_posting,
    salary_json,
    terms_json,
)

DESCRIPTION = (
    "Wir suchen Sie in Vollzeit, unbefristet, mit bis zu zwei Tagen Homeoffice pro Woche. "
    "Vergütung: 4.200 € - 5.100 € brutto monatlich. "
    "Kenntnisse in HL7, FHIR und SQL sowie Datenschutz (DSGVO)."
)


@pytest.fixture(scope="module")
def tools():  # type: ignore[no-untyped-def]
    return default_normalizers()


def test_source_label_wins_and_text_fields_are_read(tools) -> None:  # type: ignore[no-untyped-def]
    data = PostingData(
        title="Medizininformatiker (m/w/d)",
        beruf="Medizininformatiker/in",
        place_name="Dortmund",
        postal_code="44137",
        description=DESCRIPTION,
    )
    result = normalize_posting(data, tools)
    assert result.title == "Medizininformatiker"
    assert result.kldb == "43134"
    assert result.occupation_source == "source"
    assert result.occupation_confidence == 1.0
    assert result.place is not None
    assert result.place.name == "Dortmund"
    assert result.lat == pytest.approx(51.51, abs=0.05)
    assert result.salary_month_cents == (420_000, 510_000)
    assert {"hl7", "fhir", "sql"} <= {s.lower() for s in result.skills}
    terms = terms_json(result.terms)
    assert terms["arbeitszeit"] == ["ho", "vz"]
    assert terms["befristet"] is False
    assert terms["homeoffice"] == "partial"
    assert salary_json(result.salary)["betraege"][0]["zeitraum"] == "month"
    assert "salary" not in result.unknowns


def test_without_a_source_label_the_classifier_decides(tools) -> None:  # type: ignore[no-untyped-def]
    result = normalize_posting(PostingData(title="Pflegefachkraft (m/w/d) Intensivstation"), tools)
    assert result.occupation_source == "classifier"
    assert result.kldb is not None
    assert result.kldb.startswith("813")
    assert 0 < (result.occupation_confidence or 0) <= 1
    assert result.occupation_evidence


def test_a_batch_gives_what_one_by_one_gives(tools) -> None:  # type: ignore[no-untyped-def]
    postings = [
        PostingData(title="Koch (m/w/d)", place_name="Bamberg", description=DESCRIPTION),
        PostingData(title="Medizininformatiker (m/w/d)", beruf="Medizininformatiker/in"),
        PostingData(title="Lagerhelfer", employer="Spedition Muster GmbH"),
        PostingData(title="", description="Wir suchen eine Reinigungskraft für unser Büro."),
        PostingData(title="xqzv blorf"),
        PostingData(title="Koch (m/w/d)", beruf="kein Beruf der BA"),
    ]
    batch = normalize_many(postings, tools)
    assert batch == [normalize_posting(p, tools) for p in postings]
    assert [r.occupation_source for r in batch][:3] == ["classifier", "source", "classifier"]


def test_what_stays_unknown_says_why(tools) -> None:  # type: ignore[no-untyped-def]
    result = normalize_posting(PostingData(title="Koch", place_name="Atlantis"), tools)
    assert result.place is None
    assert "Atlantis" in result.unknowns["place"]
    assert result.unknowns["salary"]
    assert result.salary is None
    assert result.salary_month_cents == (None, None)
    assert terms_json(result.terms) == {}


def test_stated_fields_win_over_the_text(tools) -> None:  # type: ignore[no-untyped-def]
    data = PostingData(
        title="Pflegefachkraft (m/w/d) in Teilzeit",
        place_name="Dortmund",
        description="Vergütung nach Vereinbarung. Unbefristete Stelle.",
        terms={"arbeitszeit": "vz", "befristung": "1"},
        salary_text="3.300 € – 3.800 € brutto pro Monat",
    )
    result = normalize_posting(data, tools)
    assert result.terms.working_time == {"vz"}
    assert result.terms.fixed_term is True
    assert result.salary_month_cents == (330_000, 380_000)
