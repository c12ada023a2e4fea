"""Mapping BA occupation names to KldB codes."""

from __future__ import annotations

import pytest

from stellwerk.normalize.occupations import kldb_for_beruf
from stellwerk.reference.taxonomy import default_taxonomy


@pytest.mark.parametrize(
    ("beruf", "kldb"),
    [
        ("Medizininformatiker/in", "43134"),  # BA occupation list
        ("Gabelstaplerfahrer/in", "52531"),
        ("Informatiker/in", "43104"),  # only in the job-title list
        ("Elektrotechnikermeister/in/B. Prof. Elektrotechn.-Handwerk", "26393"),  # degree suffix dropped
        ("Techniker/in - Elektrotechnik (o. Schwerp.)/B. Prof. Technik", "26303"),
    ],
)
def test_known_names_map_to_their_code(beruf: str, kldb: str) -> None:
    assert kldb_for_beruf(default_taxonomy(), beruf) == kldb


def test_bachelor_professional_suffix_is_ignored() -> None:
    taxonomy = default_taxonomy()
    assert kldb_for_beruf(taxonomy, "Tischlermeister/in/B. Prof. Tischler-Handwerk") == kldb_for_beruf(
        taxonomy, "Tischlermeister/in"
    )
    assert kldb_for_beruf(taxonomy, "Tischlermeister/in") is not None


def test_unknown_names_give_none() -> None:
    assert kldb_for_beruf(default_taxonomy(), "Sternenflottenkapitän/in") is None
