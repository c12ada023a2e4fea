"""Autocomplete: occupations and curated terms for Was, places with PLZ and Land for Wo."""

from __future__ import annotations

from stellwerk.reference.gazetteer import default_gazetteer
from stellwerk.search.lexicon import default_lexicon
from stellwerk.search.suggest import default_occupation_suggester, suggest_occupations, suggest_places


def values(prefix: str) -> list[str]:
    return [s.value for s in suggest_occupations(prefix, default_occupation_suggester(), default_lexicon())]


def test_titles_and_occupations_start_with_what_was_typed() -> None:
    assert "Informatiker" in values("Informat")
    assert values("Koch")[0] == "Koch"
    assert "Fachinformatiker - Systemintegration" in values("Fachinf")
    found = suggest_occupations("Koch", default_occupation_suggester(), default_lexicon())
    assert found[0].kldb == "29302"


def test_later_words_of_a_title_count_too() -> None:
    assert "Fachinformatiker - Systemintegration" in values("Systemint")


def test_curated_terms_are_suggested_too() -> None:
    assert values("MF")[0] == "MFA"


def test_places_come_with_plz_and_land_and_a_value_that_resolves() -> None:
    gazetteer = default_gazetteer()
    found = suggest_places("Bamb", gazetteer)
    assert found[0].value == "Bamberg"
    assert found[0].plz
    assert found[0].land == "Bayern"
    for suggestion in found:
        assert gazetteer.resolve(suggestion.value).name in suggestion.label


def test_postal_codes_suggest_their_places() -> None:
    found = suggest_places("9604", default_gazetteer())
    assert found[0].value == "96047 Bamberg"


def test_too_little_input_suggests_nothing() -> None:
    assert suggest_places("B", default_gazetteer()) == []
    assert values("") == []
