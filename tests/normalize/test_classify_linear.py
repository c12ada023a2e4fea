"""The linear occupation model: features of title, employer and description, sparse weights, blending."""

from __future__ import annotations

import gzip
import math
from pathlib import Path

import numpy as np
import pytest

from stellwerk.domain.classification import Classification
from stellwerk.normalize.classify import BERUF, KLDB_NAME, IndexRow, OccupationClassifier, Settings
from stellwerk.normalize.classify_linear import (
    EMPLOYER_WORD,
    TITLE_WORD,
    FeatureSettings,
    Featurizer,
    LinearModel,
    PostingText,
)

NURSING, WAREHOUSE = "81302", "51311"
POSTINGS = [
    PostingText("mitarbeiter", "klinikum sonnenberg"),
    PostingText("mitarbeiter", "spedition huber logistik"),
    PostingText("pflegefachkraft", "klinikum sonnenberg", "Pflege auf der Station"),
    PostingText("lagerhelfer", "spedition huber logistik", "Kommissionierung im Lager"),
]


def featurizer() -> Featurizer:
    return Featurizer.fit(POSTINGS, FeatureSettings())


def employer_model(keep: float = 0.0) -> LinearModel:
    # Only the employer decides: clinics employ nurses, forwarders warehouse staff.
    features = featurizer()
    coef = np.zeros((2, len(features.names)))
    coef[0, features.vocabulary[EMPLOYER_WORD + "klinikum"]] = 2.0
    coef[1, features.vocabulary[EMPLOYER_WORD + "spedition"]] = 2.0
    coef[1, features.vocabulary[EMPLOYER_WORD + "logistik"]] = 0.01
    return LinearModel.from_dense([NURSING, WAREHOUSE], features, coef, np.array([0.0, 0.1]), keep)


def test_a_vector_has_unit_length_and_its_parts() -> None:
    features = featurizer()
    vector = features.vector(POSTINGS[2])
    assert math.isclose(sum(w * w for w in vector.values()), 1.0)
    names = {features.names[column] for column in vector}
    assert {TITLE_WORD + "pflegefachkraft", EMPLOYER_WORD + "klinikum", "#pflege", " pfl"} <= names


def test_unknown_words_add_nothing() -> None:
    assert featurizer().vector(PostingText("zqxy", "zirkus")) == {}


def test_scores_are_the_dot_products_plus_bias() -> None:
    model = employer_model()
    vectors = [model.featurizer.vector(p) for p in POSTINGS[:2]]
    scores = model.scores(vectors)
    klinikum = model.featurizer.vocabulary[EMPLOYER_WORD + "klinikum"]
    assert scores[0, 0] == pytest.approx(2.0 * vectors[0][klinikum])
    assert scores[0, 1] == pytest.approx(0.1)
    assert scores[0].argmax() == 0
    assert scores[1].argmax() == 1


def test_small_weights_are_dropped() -> None:
    assert len(employer_model(keep=0.0).weights) == 3
    assert len(employer_model(keep=0.05).weights) == 2


def test_the_strongest_terms_name_the_deciding_word() -> None:
    model = employer_model()
    vectors = [model.featurizer.vector(p) for p in POSTINGS[:2]]
    clinic, forwarder = model.contributions(vectors, np.array([0, 1]))
    assert [t.split(" (")[0] for t in model.strongest_terms(POSTINGS[0], clinic, 3)] == [
        "Arbeitgeber: klinikum"
    ]
    assert [t.split(" (")[0] for t in model.strongest_terms(POSTINGS[1], forwarder, 3)] == [
        "Arbeitgeber: spedition",
        "Arbeitgeber: logistik",
    ]
    klinikum = model.featurizer.vocabulary[EMPLOYER_WORD + "klinikum"]
    assert clinic == {column: 0.0 for column in vectors[0]} | {klinikum: 2.0 * vectors[0][klinikum]}


def test_a_saved_model_loads_alike_and_saves_the_same_bytes(tmp_path: Path) -> None:
    model = employer_model()
    model.save(tmp_path / "linear.bin.gz")
    loaded = LinearModel.load((tmp_path / "linear.bin.gz").read_bytes())
    vectors = [loaded.featurizer.vector(p) for p in POSTINGS]
    assert np.allclose(loaded.scores(vectors), model.scores(vectors))
    loaded.save(tmp_path / "again.bin.gz")
    assert (tmp_path / "again.bin.gz").read_bytes() == (tmp_path / "linear.bin.gz").read_bytes()


def test_loading_something_else_fails_clearly() -> None:
    with pytest.raises(ValueError, match="not a saved linear occupation model"):
        LinearModel.load(gzip.compress(b"kldb\ttitle\n"))


def blended(linear_weight: float) -> OccupationClassifier:
    rows = [
        IndexRow(KLDB_NAME, NURSING, "Gesundheits- und Krankenpfleger/in"),
        IndexRow(BERUF, NURSING, "Mitarbeiter/in Pflege", 2.0),
        IndexRow(BERUF, WAREHOUSE, "Lagerhelfer/in", 2.0),
        IndexRow(BERUF, WAREHOUSE, "Mitarbeiter/in Lager", 2.0),
    ]
    # In an index this small every n-gram is in a large share of the rows.
    settings = Settings(max_df=1.0, linear_weight=linear_weight)
    return OccupationClassifier(rows, {NURSING: 1000, WAREHOUSE: 1000}, settings, employer_model())


def clinic_and_forwarder(linear_weight: float) -> tuple[Classification, Classification]:
    classifier = blended(linear_weight)
    clinic = classifier.classify("Mitarbeiter (m/w/d)", "Klinikum Sonnenberg GmbH")
    forwarder = classifier.classify("Mitarbeiter (m/w/d)", "Spedition Huber GmbH")
    assert isinstance(clinic, Classification)
    assert isinstance(forwarder, Classification)
    return clinic, forwarder


def test_with_the_linear_model_the_employer_decides_an_ambiguous_title() -> None:
    clinic, forwarder = clinic_and_forwarder(0.5)
    assert (clinic.kldb, forwarder.kldb) == (NURSING, WAREHOUSE)
    assert any(line.startswith("Merkmale: Arbeitgeber: klinikum") for line in clinic.evidence)


def test_without_the_linear_weight_the_employer_does_not_decide() -> None:
    clinic, forwarder = clinic_and_forwarder(0.0)
    assert clinic.kldb == forwarder.kldb


def test_a_classifier_saves_and_loads_its_linear_model(tmp_path: Path) -> None:
    classifier = blended(0.5)
    classifier.save(tmp_path / "index.tsv.gz", tmp_path / "linear.bin.gz")
    loaded = OccupationClassifier.load(tmp_path / "index.tsv.gz", tmp_path / "linear.bin.gz")
    postings = [("Mitarbeiter", "Klinikum Sonnenberg"), ("Lagerhelfer", "Spedition Huber"), ("Pflege", None)]
    assert [loaded.classify(*p) for p in postings] == [classifier.classify(*p) for p in postings]
