"""Classifying posting titles into KldB 2010 codes, with confidence and evidence."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.domain.classification import Classification
from stellwerk.domain.results import Unknown
from stellwerk.normalize.classify import (
    BERUF,
    KLDB_NAME,
    METHOD_DESCRIPTION,
    METHOD_TITLE,
    POSTING,
    Example,
    IndexRow,
    OccupationClassifier,
    default_classifier,
    match_text,
    packaged_headcounts,
)
from stellwerk.normalize.occupations import kldb_for_beruf
from stellwerk.reference.taxonomy import default_taxonomy


def classified(title: str, employer: str | None = None, description: str | None = None) -> Classification:
    result = default_classifier().classify(title, employer, description)
    assert isinstance(result, Classification), result
    return result


@pytest.mark.parametrize(
    ("title", "kldb"),
    [
        ("Gesundheits- und Krankenpfleger (m/w/d)", "81302"),
        ("Fachinformatiker Systemintegration", "43102"),
        ("Gabelstaplerfahrer", "52531"),
        ("Medizininformatiker", "43134"),
        ("Lagerhelfer (m/w/d)", "51311"),
    ],
)
def test_obvious_titles_get_their_code(title: str, kldb: str) -> None:
    assert classified(title).kldb == kldb


@pytest.mark.parametrize(
    ("title", "beruf"),
    [
        ("Erzieher (m/w/d)", "Erzieher/in"),
        ("Berufskraftfahrer CE", "Berufskraftfahrer/in"),
        ("Industriemechaniker (m/w/d) Instandhaltung", "Industriemechaniker/in"),
        ("Steuerfachangestellte (m/w/d) Teilzeit", "Steuerfachangestellte/r"),
        ("Elektroniker für Energie- und Gebäudetechnik", "Elektroniker/in - Energie- und Gebäudetechnik"),
        ("Koch (m/w/d)", "Koch/Köchin"),
        ("Verkäufer (w/m/d) in Voll- und Teilzeit", "Verkäufer/in"),
    ],
)
def test_posting_titles_get_the_code_of_their_ba_occupation(title: str, beruf: str) -> None:
    assert classified(title).kldb == kldb_for_beruf(default_taxonomy(), beruf)


def test_a_clear_title_is_confident_and_shows_the_reference_it_matched() -> None:
    result = classified("Gabelstaplerfahrer (m/w/d)")
    assert result.confidence >= 0.6
    assert result.method == METHOD_TITLE
    assert result.evidence[0].startswith("KldB 52531 ")
    assert any("Gabelstaplerfahrer/in" in line for line in result.evidence[1:])


def test_a_vague_title_is_less_confident_than_a_clear_one() -> None:
    assert classified("Mitarbeiter Produktion").confidence < classified("Gabelstaplerfahrer").confidence


@pytest.mark.parametrize("title", ["xqzv blorf", "12345", "(m/w/d)", "!!!"])
def test_gibberish_is_unknown_or_barely_confident(title: str) -> None:
    result = default_classifier().classify(title)
    assert isinstance(result, Unknown) or result.confidence < 0.3


def test_no_title_and_no_description_is_unknown_with_a_reason() -> None:
    result = default_classifier().classify("", "Lager GmbH")
    assert isinstance(result, Unknown)
    assert result.reason == "kein Titel"


def test_without_a_title_the_description_decides() -> None:
    result = classified("", description="Gabelstaplerfahrer für unser Zentrallager in Bamberg gesucht.")
    assert result.kldb == "52531"
    assert result.method == METHOD_DESCRIPTION


def test_batch_and_single_calls_agree_and_repeat_themselves() -> None:
    titles = ["Koch (m/w/d)", "Lagerhelfer", "Koch (m/w/d)", "", "Bankkaufmann", "xqzv"]
    classifier = OccupationClassifier.train(default_taxonomy())
    batch = classifier.classify_many(titles)
    assert batch == [classifier.classify(t) for t in titles]
    assert classifier.classify_many(titles) == batch


def test_labelled_postings_teach_titles_the_reference_lacks() -> None:
    examples = [Example("Zauberlehrling Spezial", "81302", "Klinikum Sonnenberg")] * 3
    classifier = OccupationClassifier.train(default_taxonomy(), examples)
    result = classifier.classify("Zauberlehrling Spezial (m/w/d)", "Klinikum Sonnenberg")
    assert isinstance(result, Classification)
    assert result.kldb == "81302"
    assert any(line.startswith(POSTING) for line in result.evidence)
    # Without the examples the reference alone thinks of a magician.
    assert getattr(default_classifier().classify("Zauberlehrling Spezial"), "kldb", None) != "81302"


def small_classifier() -> OccupationClassifier:
    rows = [
        IndexRow(KLDB_NAME, "52531", "Kranführer/innen und Bediener/innen verwandter Hebeeinrichtungen"),
        IndexRow(BERUF, "52531", "Gabelstaplerfahrer/in", 2.0),
        IndexRow(BERUF, "29302", "Koch/Köchin", 2.0),
        IndexRow(POSTING, "29302", "Jungkoch\tFrühschicht", 1.0, "Gasthof Post"),
    ]
    return OccupationClassifier(rows, {"52531": 1000, "29302": 5000})


def test_a_saved_classifier_loads_and_classifies_alike(tmp_path: Path) -> None:
    original = small_classifier()
    original.save(tmp_path / "model.tsv.gz")
    loaded = OccupationClassifier.load(tmp_path / "model.tsv.gz")
    titles = ["Gabelstaplerfahrer", "Koch", "Jungkoch", "Staplerfahrer"]
    assert loaded.classify_many(titles) == original.classify_many(titles)
    loaded.save(tmp_path / "again.tsv.gz")
    assert (tmp_path / "again.tsv.gz").read_bytes() == (tmp_path / "model.tsv.gz").read_bytes()


def test_loading_something_else_fails_clearly(tmp_path: Path) -> None:
    path = tmp_path / "other.tsv.gz"
    path.write_bytes(gzip.compress(b"kldb\ttitle\n"))
    with pytest.raises(ValueError, match="not a saved occupation classifier"):
        OccupationClassifier.load(path)


def test_the_packaged_headcounts_cover_the_common_occupations() -> None:
    counts = packaged_headcounts()
    assert counts["62102"] > 100_000  # Verkauf, fachlich ausgerichtet
    assert all(len(code) == 5 and count > 0 for code, count in counts.items())


def test_match_text_drops_gender_forms_noise_and_umlauts() -> None:
    assert match_text("Verkäufer (m/w/d) in Voll- oder Teilzeit ab sofort") == "verkaeufer voll"
    assert match_text("Kaufmann/-frau für Büromanagement") == "kaufmann bueromanagement"


@pytest.mark.parametrize(
    ("kldb", "confidence"),
    [("5253", 0.5), ("525311", 0.5), ("5253x", 0.5), ("52531", -0.1), ("52531", 1.5)],
)
def test_a_classification_rejects_impossible_values(kldb: str, confidence: float) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - both checks raise ValueError with different messages
        Classification(kldb, confidence, ("evidence",), METHOD_TITLE)


def test_a_classification_knows_its_group_and_level() -> None:
    result = Classification("43134", 0.9, ("BA-Beruf „Medizininformatiker/in“ (1.00)",), METHOD_TITLE)
    assert (result.group, result.level) == ("431", 4)


@given(st.text(max_size=200), st.none() | st.text(max_size=80), st.none() | st.text(max_size=400))
def test_any_text_gives_a_classification_or_unknown(
    title: str, employer: str | None, text: str | None
) -> None:
    result = default_classifier().classify(title, employer, text)
    if isinstance(result, Classification):
        assert 0.0 <= result.confidence <= 1.0
        assert result.evidence
    else:
        assert isinstance(result, Unknown)
        assert result.reason


def test_the_packaged_classifier_learned_from_real_postings_and_shows_them() -> None:
    result = classified("Mitarbeiter Produktion (m/w/d)")
    postings = [line for line in result.evidence if line.startswith(POSTING)]
    assert postings, result.evidence
    # A posting's evidence names its employer: the same title means different work in different firms.
    assert all("“, " in line for line in postings)


def test_the_packaged_classifier_shows_the_words_that_decided() -> None:
    result = classified("Gabelstaplerfahrer (m/w/d)", "Spedition Huber Logistik GmbH")
    features = [line for line in result.evidence if line.startswith("Merkmale: ")]
    assert len(features) == 1
    assert "Titel: gabelstaplerfahrer (+" in features[0]


def test_the_employer_decides_a_title_that_names_no_occupation() -> None:
    alone = classified("Mitarbeiter (m/w/d)")
    clinic = classified("Mitarbeiter (m/w/d)", "Klinikum Bamberg")
    assert alone.kldb[0] != "8"
    assert clinic.kldb[0] == "8"  # Gesundheit, Soziales, Lehre und Erziehung
    assert any("Arbeitgeber: klinikum" in line for line in clinic.evidence)
