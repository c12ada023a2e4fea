"""The curated synonym list: it loads, and its rules are enforced."""

from __future__ import annotations

import pytest

from stellwerk.search.lexicon import LexiconError, SearchLexicon, default_lexicon


def test_the_packaged_list_loads_with_its_version() -> None:
    lexicon = default_lexicon()
    assert lexicon.version.count(".") == 2
    assert len(lexicon.groups) >= 90
    assert ("MFA", "Medizinische Fachangestellte", "Arzthelfer", "Praxishelfer") in lexicon.groups
    assert "gabelstapler" in lexicon.compound_words


def document(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "version": "2026.11.2",
        "changelog": [{"version": "2026.11.2", "note": "x"}],
        "synonyms": [{"forms": ["A", "B"]}],
    }
    base.update(changes)
    return base


@pytest.mark.parametrize(
    "changes",
    [
        {"version": "11/2026"},
        {"changelog": [{"version": "2026.11.1"}]},
        {"synonyms": [{"forms": ["A"]}]},
        {"synonyms": [{"forms": ["A", "B"]}, {"forms": ["b", "C"]}]},
        {"synonyms": [{"forms": ["A", ""]}]},
    ],
)
def test_rule_breaking_lists_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(LexiconError):
        SearchLexicon.from_document(document(**changes))


def test_a_valid_document_builds() -> None:
    lexicon = SearchLexicon.from_document(document(compounds={"words": ["lager"]}))
    assert lexicon.groups == (("A", "B"),)
    assert lexicon.compound_words == ("lager",)
