"""Cleaning job titles of gender markers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.normalize.titles import clean_title


@pytest.mark.parametrize(
    ("published", "clean"),
    [
        ("Pflegefachkraft (m/w/d)", "Pflegefachkraft"),
        ("Pflegefachkraft (w/m/d)", "Pflegefachkraft"),
        ("Erzieher (d/m/w)", "Erzieher"),
        ("Erzieher (gn)", "Erzieher"),
        ("Working Student (all genders)", "Working Student"),
        ("Verkäufer m/w/d Teilzeit", "Verkäufer Teilzeit"),
        ("Informatiker*in", "Informatiker"),
        ("Informatiker:in", "Informatiker"),
        ("Informatiker_in", "Informatiker"),
        ("Informatiker/-in", "Informatiker"),
        ("Reinigungskraft, Bürogebäude (m/w/d)", "Reinigungskraft, Bürogebäude"),
        ("Fachinformatiker Systemintegration  (m/w/d)", "Fachinformatiker Systemintegration"),
    ],
)
def test_gender_markers_are_removed(published: str, clean: str) -> None:
    assert clean_title(published) == clean


def test_a_title_made_only_of_markers_is_kept_as_published() -> None:
    assert clean_title("(m/w/d)") == "(m/w/d)"


@given(st.text())
def test_any_text_gives_a_string(text: str) -> None:
    assert isinstance(clean_title(text), str)
