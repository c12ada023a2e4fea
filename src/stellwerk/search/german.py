"""German text analysis, applied identically at index and at query time."""

from __future__ import annotations

import re
import threading
import unicodedata

import Stemmer

from stellwerk.domain.text import fold

# Gender forms collapse onto the stem of the masculine form, which Snowball already shares with "-in":
# Informatiker*in, Informatiker:in, Informatiker_in, Informatiker/-in, Informatiker(in) -> Informatikerin.
_GENDER_SUFFIX = re.compile(r"(?<=\w)(?:[*:_·]|/-?|\()(in(?:nen)?)\)?(?!\w)", re.IGNORECASE)
_TOKEN = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset({
    "und", "oder", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einen", "eines",
    "im", "in", "am", "an", "auf", "aus", "bei", "mit", "von", "vom", "zu", "zur", "zum", "fuer", "für",
    "als", "ab", "bis", "sowie", "the", "and", "of", "for",
    "m", "w", "d", "f", "x", "gn", "mwd", "wmd", "dmw",
})  # fmt: skip

_local = threading.local()


def _stemmer() -> Stemmer.Stemmer:
    # PyStemmer objects are not thread-safe; the web server runs several threads.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = Stemmer.Stemmer("german")
    return stemmer


def tokenize(text: str) -> list[str]:
    """Split text into lower-case words, with gender forms joined to one word."""
    text = unicodedata.normalize("NFC", text)
    text = _GENDER_SUFFIX.sub(r"\1", text)
    return [token.lower() for token in _TOKEN.findall(text)]


def analyze(text: str) -> list[str]:
    """Return the index terms of a text: words without stop words, stemmed, folded."""
    stem = _stemmer().stemWord
    terms = []
    for token in tokenize(text):
        if token in STOPWORDS or (len(token) < 2 and not token.isdigit()):
            continue
        # Stem before folding: Snowball knows umlauts and also treats "ae"/"ue" spellings alike.
        terms.append(fold(stem(token)))
    return terms
