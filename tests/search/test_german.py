"""German analysis: the same terms for spelling variants at index and query time."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from stellwerk.search.german import analyze


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
        ],
        ["München", "Muenchen", "MÜNCHEN"],
        ["Straße", "Strasse"],
        ["Pflegefachkraft", "Pflegefachkräfte"],
        ["Arzt", "Ärzte"],
    ],
)
def test_variants_share_their_terms(variants: list[str]) -> None:
    terms = {tuple(analyze(v)) for v in variants}
    assert len(terms) == 1, terms


def test_gender_markers_and_stop_words_leave_no_terms() -> None:
    assert analyze("Koch (m/w/d) in Bamberg") == analyze("Koch Bamberg")


def test_distinct_words_stay_distinct() -> None:
    assert analyze("Koch") != analyze("Bäcker")


@given(st.text())
def test_analysis_of_any_text_gives_non_empty_ascii_terms(text: str) -> None:
    for term in analyze(text):
        assert term
        assert term == term.lower()
