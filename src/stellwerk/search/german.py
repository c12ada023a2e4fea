"""German text analysis, applied identically at index and at query time.

A term is a word lower-cased, Snowball-stemmed and folded (ä -> ae, ß -> ss), with feminine forms mapped onto
the masculine one ("Ärztin" -> "arzt", "Kauffrau" -> "kaufmann"). Compound words are split into the known
words they are made of ("Altenpflegefachkraft" -> alten, pflege, fachkraft, ...), so that a search for a part
finds the whole; the parts are indexed in a field of their own and count less than whole words.

The vocabulary that knows which words exist comes from the BA job-title list and the KldB names, plus the
curated words in data/synonyms_de.toml. Changing it changes the index terms: reindex afterwards.
"""

from __future__ import annotations

import functools
import math
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import Stemmer

from stellwerk.domain.text import fold
from stellwerk.reference.taxonomy import default_taxonomy
from stellwerk.search.lexicon import default_lexicon

# Gender forms collapse onto the stem of the masculine form, which Snowball already shares with "-in":
# Informatiker*in, Informatiker:in, Informatiker_in, Informatiker/-in, Informatiker(in) -> Informatikerin.
# The pattern starts with the marker and looks back for the word only then: a leading lookbehind would be
# tried at every position of long descriptions.
_GENDER_SUFFIX = re.compile(r"[*:_·(/](?<=\w[*:_·(/])-?(in(?:nen)?)\)?(?!\w)", re.IGNORECASE)
# "Kaufmann/-frau", "Fachmann/frau": the feminine alternative adds nothing once "frau" maps onto "mann".
_FRAU_ALTERNATIVE = re.compile(r"/(?<=mann/)-?frau\b", re.IGNORECASE)
_TOKEN = re.compile(r"\w+", re.UNICODE)
_HYPHENATED = re.compile(r"\w+(?:-\w+)+", re.UNICODE)
STOPWORDS = frozenset({
    "und", "oder", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einen", "eines",
    "im", "in", "am", "an", "auf", "aus", "bei", "mit", "von", "vom", "zu", "zur", "zum", "fuer", "für",
    "als", "ab", "bis", "sowie", "the", "and", "of", "for",
    "m", "w", "d", "f", "x", "gn", "mwd", "wmd", "dmw",
})  # fmt: skip
# Linking elements between the words of a compound: Berufs|kraftfahrer, Kinder|n|..., Pflege|fach|kraft.
_LINKS = ("", "s", "es", "n", "en", "e", "er", "ns")
MIN_PART = 4
# Words shorter than MIN_PART that are real compound parts often enough to split on.
SHORT_PARTS = frozenset({"bau", "kfz", "lkw", "pkw", "bus", "see", "hof", "zoo", "eis", "ski", "tier"})
_MIN_COMPOUND = 7
# Parts are split again from this length: Altenpflege -> Alten|Pflege, but not Software -> Soft|Ware.
_MIN_NESTED = 10
_CACHE_LIMIT = 400_000

_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe; the web server runs several threads.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("german")
    return stemmer


def _words_as_written(text: str) -> list[str]:
    """Split text into words as written (NFC), with gender forms joined to one word."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = _FRAU_ALTERNATIVE.sub("", _GENDER_SUFFIX.sub(r"\1", text))
    return _TOKEN.findall(text)


def tokenize(text: str) -> list[str]:
    """Split text into lower-case words, with gender forms joined to one word."""
    return [token.lower() for token in _words_as_written(text)]


def plain_term(token: str) -> str:
    """Return the stemmed, folded form of one lower-case word, without vocabulary knowledge."""
    # Stem before folding: Snowball knows umlauts and also treats "ae"/"ue" spellings alike. Folding
    # decomposes compatibility characters, which can bring back capitals ("𝕊" -> "S").
    return fold(_stemmer().stemWord(token)).lower()


def is_indexed_word(token: str) -> bool:
    """Tell whether a lower-case word becomes a term: not a stop word, not a single letter."""
    return token not in STOPWORDS and (len(token) >= 2 or token.isdigit())


@dataclass(frozen=True, slots=True)
class TitleAnalysis:
    """A title's terms, the terms of its compounds' parts, and its words folded but not stemmed."""

    terms: list[str]
    parts: list[str]
    words: list[str]


class GermanAnalyzer:
    """Turns German text into index terms and splits compound words, with a vocabulary of known words."""

    def __init__(self, words: Mapping[str, int]) -> None:
        # words: folded lower-case words with how often they occur in the vocabulary's sources.
        self._words = {w: n for w, n in words.items() if len(w) >= MIN_PART or w in SHORT_PARTS}
        self._stems = {plain_term(w) for w in self._words}
        self._terms: dict[str, str] = {}
        # Words as written -> term, or "" for words that give none (stop words): the fast path of terms().
        self._written: dict[str, str] = {}
        self._parts: dict[str, tuple[str, ...]] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[str], extra_words: Iterable[str] = ()) -> GermanAnalyzer:
        """Build the vocabulary from texts (job titles, occupation names) and extra curated words."""
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(fold(token) for token in tokenize(text))
        for word in extra_words:
            counts[fold(word.lower())] += 1
        return cls(counts)

    def term(self, token: str) -> str:
        """Return the index term of one lower-case word."""
        found = self._terms.get(token)
        if found is None:
            if len(self._terms) > _CACHE_LIMIT:
                self._terms.clear()
            found = self._terms[token] = self._normalise_gender(token, plain_term(token))
        return found

    def _normalise_gender(self, token: str, term: str) -> str:
        # Snowball leaves "-in" on feminine forms (arztin, kochin, ingenieurin, beamtin), "-inn" on plurals.
        # Only words written with -in/-innen qualify: "Maschinen" is no feminine of "Masch".
        feminine = token.endswith(("in", "innen"))
        for suffix in ("inn", "in"):
            if feminine and term.endswith(suffix) and len(term) - len(suffix) >= 3:
                base = term[: -len(suffix)]
                if base in self._stems:
                    return base
        if term.endswith(("frau", "leut")) and len(term) > 4:
            return term[:-4] + "mann"
        return term

    def terms(self, text: str) -> list[str]:
        """Return the index terms of a text: words without stop words, stemmed, folded."""
        # The hot loop of indexing: one dict lookup per word once the word has been seen.
        known = self._written.get
        terms = []
        for word in _words_as_written(text):
            term = known(word)
            if term is None:
                term = self._learn(word)
            if term:
                terms.append(term)
        return terms

    def _learn(self, word: str) -> str:
        token = word.lower()
        term = self.term(token) if is_indexed_word(token) else ""
        if len(self._written) > _CACHE_LIMIT:
            self._written.clear()
        self._written[word] = term
        return term

    def words(self, text: str) -> list[tuple[str, str]]:
        """Return each indexed word of a text as written, with its term, in order."""
        pairs = [(word, self._written.get(word) or self._learn(word)) for word in _words_as_written(text)]
        return [(word, term) for word, term in pairs if term]

    def title_parts(self, text: str) -> list[str]:
        """Return the compound parts of a title's words and the joined forms of its hyphenated words."""
        return self.title(text).parts

    def title(self, text: str) -> TitleAnalysis:
        """Analyse a title in one pass: its terms, compound parts and folded words."""
        known = self._written.get
        terms: list[str] = []
        parts: list[str] = []
        words: list[str] = []
        for word in _words_as_written(text):
            term = known(word)
            if term is None:
                term = self._learn(word)
            if term:
                terms.append(term)
            lower = word.lower()
            words.append(fold(lower))
            parts.extend(self.parts(lower))
        if "-" in text:
            for hyphenated in _HYPHENATED.findall(unicodedata.normalize("NFC", text)):
                joined = "".join(tokenize(hyphenated))
                if is_indexed_word(joined):
                    parts.append(self.term(joined))
        return TitleAnalysis(terms, parts, words)

    def parts(self, token: str) -> tuple[str, ...]:
        """Return the terms of the known words a compound word is made of, at every level, without itself."""
        found = self._parts.get(token)
        if found is None:
            if len(self._parts) > _CACHE_LIMIT:
                self._parts.clear()
            found = self._parts[token] = self._split_all(fold(self._masculine(token)), self.term(token))
        return found

    def pieces(self, token: str) -> tuple[str, ...]:
        """Return the words a compound is made of at its top level (folded), or () for a simple word."""
        word = fold(self._masculine(token))
        pieces = self.segment(word) if len(word) >= _MIN_COMPOUND else None
        return pieces or ()

    def _masculine(self, token: str) -> str:
        # Split "Entwicklerin" as "Entwickler": a feminine ending glued to the head is no word of its own.
        for suffix in ("innen", "in"):
            base = token[: -len(suffix)]
            if token.endswith(suffix) and len(base) >= 3 and self.term(base) == self.term(token):
                return base
        return token

    def _split_all(self, word: str, own_term: str) -> tuple[str, ...]:
        """Return the terms of every run of the word's smallest known parts, short of the whole word."""
        leaves = self._leaves(word) if len(word) >= _MIN_COMPOUND else [word]
        spans = (
            "".join(leaves[start:end])
            for start in range(len(leaves))
            for end in range(start + 1, len(leaves) + 1)
            if end - start < len(leaves)
        )
        # Every leaf is a known word of MIN_PART letters or one of SHORT_PARTS, even where its stem is shorter
        # ("Lager" -> "lag").
        parts = dict.fromkeys(self.term(span) for span in spans)
        return tuple(p for p in parts if p != own_term)

    def _leaves(self, word: str) -> list[str]:
        """Split a word into known words, and those again: Altenpflegefachkraft -> alten|pflege|fach|kraft."""
        pieces = self.segment(word)
        if pieces is None:
            return [word]
        return [
            leaf
            for piece in pieces
            for leaf in (self._leaves(piece) if len(piece) >= _MIN_NESTED else [piece])
        ]

    def segment(self, word: str) -> tuple[str, ...] | None:
        """Split a folded word into known words (each with its linking letters), or None if it is none."""
        return _best_segmentation(word, self._words, self._stems)


@functools.cache
def _log_frequency(count: int) -> float:
    return math.log(count + 1)


def _best_segmentation(word: str, words: Mapping[str, int], stems: set[str]) -> tuple[str, ...] | None:
    """Return the split of word into the fewest known words, the commoner ones on a tie."""
    length = len(word)
    # best[i]: (number of pieces, -sum of log frequencies, pieces) for word[i:], or None.
    best: list[tuple[int, float, tuple[str, ...]] | None] = [None] * (length + 1)
    best[length] = (0, 0.0, ())
    for start in range(length - 3, -1, -1):
        candidates: list[tuple[int, float, tuple[str, ...]]] = []
        for end in range(start + 3, length + 1):
            piece = word[start:end]
            if end == length:
                long_enough = len(piece) >= MIN_PART or piece in SHORT_PARTS
                if start > 0 and long_enough and (piece in words or plain_term(piece) in stems):
                    candidates.append((1, -_log_frequency(words.get(piece, 1)), (piece,)))
                continue
            if piece not in words:
                continue
            for link in _LINKS:
                rest = end + len(link)
                tail = best[rest] if rest < length and word.startswith(link, end) else None
                if tail is not None:
                    # The linking letters stay with their word, so that the pieces spell the word again.
                    score = tail[1] - _log_frequency(words[piece])
                    candidates.append((tail[0] + 1, score, (piece + link, *tail[2])))
        best[start] = min(candidates) if candidates else None
    found = best[0]
    return found[2] if found is not None and len(found[2]) > 1 else None


@functools.cache
def default_analyzer() -> GermanAnalyzer:
    """Return the analyzer with the packaged vocabulary, built once per process."""
    taxonomy = default_taxonomy()
    texts: list[str] = [o.name for o in taxonomy.occupations]
    texts += [b.long_name for b in taxonomy.berufe]
    for occupation in taxonomy.occupations:
        texts += taxonomy.titles_for(occupation.kldb)
    return GermanAnalyzer.from_texts(texts, default_lexicon().compound_words)


def analyze(text: str) -> list[str]:
    """Return the index terms of a text with the packaged vocabulary."""
    return default_analyzer().terms(text)
