"""Turn what a job seeker typed into query words, each with the ways it may match a posting.

Every query word must match. A word matches through its own terms (in the title, a compound part of the
title, or the text), through a synonym of the curated lexicon, through the words of a compound it is made of
("Softwareentwickler" -> Software + Entwickler), or, for a title from the BA job-title list, through the
occupation (KldB code) postings are classified under; such a title matches where the job is named, not in
the description. The backend adds spelling variants for words the index does not know.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from stellwerk.domain.occupations import masculine_form
from stellwerk.reference.taxonomy import Taxonomy, default_taxonomy
from stellwerk.search.german import GermanAnalyzer, default_analyzer
from stellwerk.search.interfaces import MatchKind
from stellwerk.search.lexicon import SearchLexicon, default_lexicon

# A title shared by more occupations than this says too little about any of them.
MAX_OCCUPATIONS_PER_TITLE = 3
MAX_SPAN = 6
# Words that state a condition of the job rather than the job; they match the posting's terms too.
CONDITION_WORDS = {
    "Teilzeit": ("tz",), "Vollzeit": ("vz",), "Minijob": ("mj",), "Homeoffice": ("ho",), "Remote": ("ho",),
    "mobiles Arbeiten": ("ho",), "Schichtdienst": ("snw",), "Nachtschicht": ("snw",), "Wochenende": ("snw",),
    "befristet": ("befristet",), "unbefristet": ("unbefristet",), "Festanstellung": ("unbefristet",),
    "Ausbildung": ("ausbildung",), "Praktikum": ("praktikum",), "Werkstudent": ("werkstudent",),
    "Duales Studium": ("duales_studium",), "Trainee": ("trainee",), "Quereinsteiger": ("einstieg",),
    "Berufseinsteiger": ("einstieg",), "Junior": ("einstieg",),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way a query word can match: all of its terms, or one of its KldB codes."""

    kind: MatchKind
    terms: tuple[str, ...] = ()
    label: str = ""
    kldb: tuple[str, ...] = ()
    # Filter flags (search/facets.py) that match as well as the words: "Teilzeit" -> tz.
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class QueryWord:
    """Words of the query, as typed, that match together, and the alternatives they can match through."""

    text: str
    alternatives: tuple[Alternative, ...]
    # Words that only qualify the job ("Teilzeit") rank postings that say so first, without excluding the
    # many that do not state it.
    required: bool = True
    # The words are a title of the BA job-title list: they match where the job is named, not in descriptions.
    job_title: bool = False

    @property
    def terms(self) -> tuple[str, ...]:
        """Return the query's own terms for these words."""
        return self.alternatives[0].terms


class Thesaurus:
    """Synonym groups and BA job titles, looked up by their analysed terms."""

    def __init__(
        self,
        analyzer: GermanAnalyzer,
        groups: Iterable[Sequence[str]],
        occupation_titles: Iterable[tuple[str, str]],
    ) -> None:
        self.analyzer = analyzer
        self._synonyms: dict[tuple[str, ...], list[tuple[str, tuple[str, ...]]]] = {}
        for group in groups:
            forms = [(form, tuple(analyzer.terms(form))) for form in group]
            for _, key in forms:
                self._synonyms[key] = [(form, terms) for form, terms in forms if terms != key and terms]
        codes: dict[tuple[str, ...], set[str]] = {}
        for kldb, title in occupation_titles:
            key = tuple(analyzer.terms(masculine_form(title)))
            if key:
                codes.setdefault(key, set()).add(kldb)
        self._conditions = {tuple(analyzer.terms(word)): flags for word, flags in CONDITION_WORDS.items()}
        self._titles = set(codes)
        self._occupations = {
            key: tuple(sorted(found))
            for key, found in codes.items()
            if len(found) <= MAX_OCCUPATIONS_PER_TITLE
        }

    def plan(self, text: str) -> list[QueryWord]:
        """Return the query words of a search text with their alternatives."""
        words = self.analyzer.words(text)
        planned: list[QueryWord] = []
        start = 0
        while start < len(words):
            end = self._longest_known_span(words, start)
            tokens = [token for token, _ in words[start:end]]
            terms = tuple(dict.fromkeys(term for _, term in words[start:end]))
            planned.append(self._query_word(tokens, terms))
            start = end
        return _without_repeats(planned)

    def _longest_known_span(self, words: Sequence[tuple[str, str]], start: int) -> int:
        for end in range(min(len(words), start + MAX_SPAN), start + 1, -1):
            key = tuple(term for _, term in words[start:end])
            if key in self._synonyms or key in self._occupations or key in self._conditions:
                return end
        return start + 1

    def _query_word(self, tokens: Sequence[str], terms: tuple[str, ...]) -> QueryWord:
        alternatives = [Alternative(MatchKind.TITLE, terms, " ".join(tokens))]
        alternatives += [
            Alternative(MatchKind.SYNONYM, synonym_terms, form)
            for form, synonym_terms in self._synonyms.get(terms, [])
        ]
        if len(tokens) == 1 and (pieces := self.analyzer.pieces(tokens[0].lower())):
            piece_terms = tuple(self.analyzer.term(piece) for piece in pieces)
            alternatives.append(Alternative(MatchKind.PART, piece_terms, " + ".join(pieces)))
        if codes := self._occupations.get(terms):
            alternatives.append(Alternative(MatchKind.OCCUPATION, kldb=codes, label=" ".join(tokens)))
        flags = self._conditions.get(terms)
        if flags:
            alternatives.append(Alternative(MatchKind.CONDITION, flags=flags, label=" ".join(tokens)))
        return QueryWord(
            " ".join(tokens), tuple(alternatives), required=not flags, job_title=terms in self._titles
        )


def _without_repeats(words: list[QueryWord]) -> list[QueryWord]:
    seen: set[tuple[str, ...]] = set()
    unique = []
    for word in words:
        if word.terms not in seen:
            seen.add(word.terms)
            unique.append(word)
    return unique


def occupation_titles(taxonomy: Taxonomy) -> list[tuple[str, str]]:
    """Return (KldB code, title) for every BA job title and occupation name of the taxonomy."""
    titles = [(beruf.kldb, beruf.name) for beruf in taxonomy.berufe]
    for occupation in taxonomy.occupations:
        titles += [(occupation.kldb, title) for title in taxonomy.titles_for(occupation.kldb)]
    return titles


def build_thesaurus(analyzer: GermanAnalyzer, lexicon: SearchLexicon, taxonomy: Taxonomy) -> Thesaurus:
    """Return the thesaurus of a lexicon's synonym groups and a taxonomy's job titles."""
    return Thesaurus(analyzer, lexicon.groups, occupation_titles(taxonomy))


@functools.cache
def default_thesaurus() -> Thesaurus:
    """Return the thesaurus of the packaged lexicon and taxonomy, built once per process."""
    return build_thesaurus(default_analyzer(), default_lexicon(), default_taxonomy())
