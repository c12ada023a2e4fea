"""German analysis: the same terms for spelling variants at index and query time; compounds split."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.search.german import GermanAnalyzer, analyze, default_analyzer, tokenize


@pytest.mark.parametrize(
    "variants",
    [
        [
            "Informatiker",
            "Informatikerin",
            "Informatiker*in",
            "Informatiker:in",
            "InformatikerIn",
            "Informatiker_innen",
            "Informatiker/-in",
            "Informatiker(in)",
        ],
        ["München", "Muenchen", "MÜNCHEN"],
        ["Straße", "Strasse"],
        ["Pflegefachkraft", "Pflegefachkräfte"],
        ["Arzt", "Ärzte", "Ärztin", "Ärztinnen"],
        ["Koch", "Köchin"],
        ["Kaufmann", "Kauffrau", "Kaufleute", "Kaufmann/-frau"],
        ["Ingenieur", "Ingenieurin"],
    ],
)
def test_variants_share_their_terms(variants: list[str]) -> None:
    terms = {tuple(analyze(v)) for v in variants}
    assert len(terms) == 1, terms


def test_words_ending_in_in_that_are_no_feminine_forms_keep_it() -> None:
    assert analyze("Medizin") != analyze("Mediz")
    assert analyze("Maschinen") == analyze("Maschine")
    assert analyze("Termin") == ["termin"]


def test_gender_markers_and_stop_words_leave_no_terms() -> None:
    assert analyze("Koch (m/w/d) in Bamberg") == analyze("Koch Bamberg")


def test_distinct_words_stay_distinct() -> None:
    assert analyze("Koch") != analyze("Bäcker")


@pytest.mark.parametrize(
    ("word", "part"),
    [
        ("Medizininformatiker", "Informatiker"),
        ("Altenpflegefachkraft", "Pflege"),
        ("Altenpflegefachkraft", "Pflegefachkraft"),
        ("Altenpflegefachkraft", "Altenpflege"),
        ("Kinderkrankenpflegerin", "Krankenpfleger"),
        ("Softwareentwicklerin", "Entwickler"),
        ("Berufskraftfahrer", "Kraftfahrer"),
        ("Industriemechaniker", "Mechaniker"),
        ("Einzelhandelskauffrau", "Kaufmann"),
        ("Gabelstaplerfahrer", "Fahrer"),
    ],
)
def test_compounds_contain_their_parts(word: str, part: str) -> None:
    analyzer = default_analyzer()
    assert analyzer.terms(part)[0] in analyzer.parts(word.lower())


def test_simple_words_are_not_split_into_accidental_pieces() -> None:
    analyzer = default_analyzer()
    for word in ("informatiker", "verkaeufer", "erzieher", "terminplaner", "lehrerin", "mechanikerin"):
        assert analyzer.parts(word) == (), word


def test_linking_letters_stay_with_their_part() -> None:
    analyzer = default_analyzer()
    assert analyzer.segment("berufskraftfahrer") == ("berufs", "kraftfahrer")
    assert analyzer.pieces("softwareentwicklerin") == ("software", "entwickler")


def test_hyphenated_titles_also_index_the_joined_word() -> None:
    analyzer = default_analyzer()
    assert analyzer.terms("Softwareentwickler")[0] in analyzer.title_parts("Software-Entwickler (m/w/d)")


def test_a_small_vocabulary_splits_what_it_knows() -> None:
    analyzer = GermanAnalyzer.from_texts(["Lager", "Helfer"])
    assert analyzer.parts("lagerhelfer") == tuple(analyzer.terms("Lager Helfer"))
    assert analyzer.parts("lagerhalle") == ()


def test_tokenize_keeps_gender_forms_together() -> None:
    assert tokenize("Lehrer*innen, Kaufmann/-frau") == ["lehrerinnen", "kaufmann"]


@given(st.text())
def test_analysis_of_any_text_gives_non_empty_lower_case_terms(text: str) -> None:
    for term in analyze(text):
        assert term
        assert term == term.lower()
