"""Query planning: synonyms, compound words and BA job titles become alternatives of the words typed."""

from __future__ import annotations

from stellwerk.search.german import GermanAnalyzer
from stellwerk.search.interfaces import MatchKind
from stellwerk.search.query import Thesaurus, default_thesaurus


def kinds(text: str) -> list[list[MatchKind]]:
    return [[a.kind for a in word.alternatives] for word in default_thesaurus().plan(text)]


def test_words_keep_how_they_were_typed() -> None:
    words = default_thesaurus().plan("Informatiker in Dortmund")
    assert [w.text for w in words] == ["Informatiker", "Dortmund"]


def test_abbreviations_expand_to_their_synonyms() -> None:
    (mfa,) = default_thesaurus().plan("MFA")
    labels = {a.label for a in mfa.alternatives if a.kind == MatchKind.SYNONYM}
    assert "Medizinische Fachangestellte" in labels
    assert "Arzthelfer" in labels


def test_several_words_can_form_one_synonym() -> None:
    words = default_thesaurus().plan("Medizinische Fachangestellte Teilzeit")
    assert [w.text for w in words] == ["Medizinische Fachangestellte", "Teilzeit"]
    assert MatchKind.SYNONYM in kinds("Medizinische Fachangestellte")[0]


def test_english_and_german_titles_are_synonyms() -> None:
    (developer,) = default_thesaurus().plan("Developer")
    assert "Entwickler" in {a.label for a in developer.alternatives}
    (informatics,) = default_thesaurus().plan("Medical Informatics")
    assert "Medizininformatik" in {a.label for a in informatics.alternatives}


def test_compounds_also_match_their_words_apart() -> None:
    (word,) = default_thesaurus().plan("Softwareentwickler")
    parts = [a for a in word.alternatives if a.kind == MatchKind.PART]
    assert parts[0].terms == ("softwar", "entwickl")


def test_ba_job_titles_name_their_occupation() -> None:
    (word,) = default_thesaurus().plan("Fachinformatiker Systemintegration")
    (occupation,) = [a for a in word.alternatives if a.kind == MatchKind.OCCUPATION]
    assert occupation.kldb == ("43102",)


def test_titles_of_many_occupations_name_none() -> None:
    analyzer = GermanAnalyzer.from_texts(["Helfer"])
    titles = [(code, "Helfer/in") for code in ("11101", "21201", "22101", "23101")]
    thesaurus = Thesaurus(analyzer, [], [*titles, ("51311", "Lagerhelfer/in")])
    assert [a.kind for a in thesaurus.plan("Helfer")[0].alternatives] == [MatchKind.TITLE]
    assert thesaurus.plan("Lagerhelferin")[0].alternatives[-1].kldb == ("51311",)


def test_repeated_words_count_once_and_stop_words_not_at_all() -> None:
    assert [w.text for w in default_thesaurus().plan("Koch und Koch in der Küche")] == ["Koch", "Küche"]


def test_job_titles_are_known_also_where_they_name_too_many_occupations_to_match_by_code() -> None:
    titles = [("43104", "Informatiker/in"), *((f"7130{n}", "Berater/in") for n in range(1, 5))]
    thesaurus = Thesaurus(GermanAnalyzer.from_texts(["Informatiker", "Berater"]), [], titles)
    informatiker, berater, dortmund = thesaurus.plan("Informatiker Berater Dortmund")
    assert (informatiker.job_title, berater.job_title, dortmund.job_title) == (True, True, False)
    assert MatchKind.OCCUPATION not in [a.kind for a in berater.alternatives]
