"""Score KldB codes by a linear model over a posting's title, employer name and description.

A posting's features are the character n-grams and words of its title, the words of its employer's name
("Klinikum", "Spedition" tell the industry) and the words of its description where there is one; each part
is a unit-length TF-IDF vector, weighted, and the sum is scaled to unit length. A code's score is the dot
product with its weights plus its bias. The weights are fitted at build time (a linear SVM,
scripts/build_classifier.py) and stored sparse, by feature, so scoring is gathering with numpy. The words
that add most to the winning code are the evidence.
"""

from __future__ import annotations

import functools
import gzip
import io
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from stellwerk.domain.text import fold

LINEAR_FORMAT = "stellwerk-occupation-linear 1"
# Feature names: title n-grams keep their padding spaces; words carry a prefix that names their part.
TITLE_WORD = "="
EMPLOYER_WORD = "@"
DESCRIPTION_WORD = "#"
# Past its opening a description is mostly about the employer and the benefits.
DESCRIPTION_CHARS = 1500
CACHE_SIZE = 50_000

_DESCRIPTION_WORD = re.compile(r"[a-z]{3,}")

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Vector = dict[int, float]


@dataclass(frozen=True, slots=True)
class FeatureSettings:
    """How a posting's parts are weighed against its title (whose weight is 1)."""

    ngram_sizes: tuple[int, ...] = (3, 4, 5)
    employer_weight: float = 1.0
    description_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class PostingText:
    """A posting as the linear model reads it: title and employer as compared (see `match_text`)."""

    title: str
    employer: str = ""
    description: str = ""


def description_words(description: str) -> list[str]:
    """Return the words of a description's opening that the model reads: folded, three letters or more."""
    return _DESCRIPTION_WORD.findall(fold(description[:DESCRIPTION_CHARS]))


@functools.lru_cache(maxsize=200_000)
def ngrams(word: str, sizes: tuple[int, ...]) -> tuple[str, ...]:
    """Return the character n-grams of a word padded with a space on each side."""
    padded = f" {word} "
    return tuple(padded[i : i + size] for size in sizes for i in range(len(padded) - size + 1))


def feature_parts(posting: PostingText, settings: FeatureSettings) -> list[tuple[Counter[str], float]]:
    """Return the feature counts of each part of a posting with the part's weight."""
    title: Counter[str] = Counter()
    for word in posting.title.split():
        title.update(ngrams(word, settings.ngram_sizes))
        title[TITLE_WORD + word] += 1
    parts = [(title, 1.0)]
    if posting.employer:
        employer = Counter(dict.fromkeys((EMPLOYER_WORD + w for w in posting.employer.split()), 1))
        parts.append((employer, settings.employer_weight))
    if posting.description:
        words = description_words(posting.description)
        description = Counter(dict.fromkeys((DESCRIPTION_WORD + w for w in words), 1))
        parts.append((description, settings.description_weight))
    return parts


class Featurizer:
    """Turn postings into unit-length TF-IDF vectors over a fixed vocabulary."""

    def __init__(self, vocabulary: Sequence[str], idf: FloatArray, settings: FeatureSettings) -> None:
        self.names = list(vocabulary)
        self.vocabulary = {name: column for column, name in enumerate(self.names)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self._idf = self.idf.tolist()
        self.settings = settings
        self._words: dict[str, tuple[int, ...]] = {}

    @classmethod
    def fit(cls, postings: Iterable[PostingText], settings: FeatureSettings, min_df: int = 1) -> Featurizer:
        """Learn the vocabulary (features in at least min_df postings) and its IDF from postings."""
        frequency: Counter[str] = Counter()
        count = 0
        for posting in postings:
            count += 1
            for part, _ in feature_parts(posting, settings):
                frequency.update(part.keys())
        names = sorted(name for name, df in frequency.items() if df >= min_df)
        idf = np.array([math.log((1 + count) / (1 + frequency[n])) + 1.0 for n in names], dtype=np.float64)
        return cls(names, idf, settings)

    def vector(self, posting: PostingText) -> Vector:
        """Return a posting's vector as {column: weight}: the TF-IDF of `feature_parts`, weighted."""
        title: Counter[int] = Counter()
        for word in posting.title.split():
            title.update(self.word_columns(word))
        parts = [(title, 1.0)]
        if posting.employer:
            parts.append(
                (self._columns(EMPLOYER_WORD, posting.employer.split()), self.settings.employer_weight)
            )
        if posting.description:
            words = description_words(posting.description)
            parts.append((self._columns(DESCRIPTION_WORD, words), self.settings.description_weight))
        vector: Vector = {}
        for counts, scale in parts:
            weights = {
                column: self._idf[column] if count == 1 else (1.0 + math.log(count)) * self._idf[column]
                for column, count in counts.items()
            }
            length = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for column, weight in weights.items():
                vector[column] = vector.get(column, 0.0) + scale * weight / length
        length = math.sqrt(sum(w * w for w in vector.values())) or 1.0
        return {column: weight / length for column, weight in vector.items()}

    def word_columns(self, word: str) -> tuple[int, ...]:
        """Return the columns of a title word's n-grams and of the word itself, repeated n-grams repeated."""
        known = self._words.get(word)
        if known is None:
            names = (*ngrams(word, self.settings.ngram_sizes), TITLE_WORD + word)
            known = tuple(column for name in names if (column := self.vocabulary.get(name)) is not None)
            if len(self._words) > CACHE_SIZE:
                self._words.clear()
            self._words[word] = known
        return known

    def _columns(self, prefix: str, words: Iterable[str]) -> Counter[int]:
        # Employer and description words count once each, however often they occur.
        found = (self.vocabulary.get(prefix + word) for word in words)
        return Counter(dict.fromkeys((column for column in found if column is not None), 1))


class LinearModel:
    """Per-code weights of features, stored sparse by feature, with a bias per code."""

    def __init__(
        self,
        codes: Sequence[str],
        featurizer: Featurizer,
        starts: IntArray,
        targets: IntArray,
        weights: FloatArray,
        bias: FloatArray,
    ) -> None:
        if len(starts) != len(featurizer.names) + 1 or len(bias) != len(codes):
            raise ValueError("linear model arrays do not fit its vocabulary and codes")
        self.codes = list(codes)
        self.featurizer = featurizer
        self.starts = np.asarray(starts, dtype=np.int64)
        self.targets = np.asarray(targets, dtype=np.int64)
        self.weights = np.asarray(weights, dtype=np.float64)
        self.bias = np.asarray(bias, dtype=np.float64)
        # Each entry's (column, code) as one sorted number, to look single weights up by binary search.
        columns = np.repeat(np.arange(len(featurizer.names)), np.diff(self.starts))
        self._keys: IntArray = columns * len(self.codes) + self.targets

    @classmethod
    def from_dense(
        cls, codes: Sequence[str], featurizer: Featurizer, coef: FloatArray, bias: FloatArray, keep: float
    ) -> LinearModel:
        """Return a model of a codes x features weight matrix without its weights no larger than keep."""
        rows, columns = np.nonzero(np.abs(coef.T) > keep)
        starts = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=coef.shape[1]))))
        # Stored as float16, so the model reads back the same as it is used.
        weights = coef.T[rows, columns].astype(np.float16).astype(np.float64)
        return cls(codes, featurizer, starts, columns, weights, bias.astype(np.float32).astype(np.float64))

    def scores(self, vectors: Sequence[Vector]) -> FloatArray:
        """Return the score of every code for every vector, as a vectors x codes array."""
        return sparse_products(vectors, self.starts, self.targets, self.weights, len(self.codes)) + self.bias

    def contributions(self, vectors: Sequence[Vector], codes: IntArray) -> list[dict[int, float]]:
        """Return for each vector what each of its columns adds to the score of its code."""
        columns = np.fromiter((c for v in vectors for c in v), dtype=np.int64)
        values = np.fromiter((w for v in vectors for w in v.values()), dtype=np.float64)
        owners = np.repeat(np.arange(len(vectors)), [len(v) for v in vectors])
        keys = columns * len(self.codes) + codes[owners]
        found = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        added = np.where(self._keys[found] == keys, values * self.weights[found], 0.0).tolist()
        ends = np.cumsum([len(v) for v in vectors]).tolist()
        listed = columns.tolist()
        return [
            dict(zip(listed[a:b], added[a:b], strict=True)) for a, b in zip([0, *ends], ends, strict=False)
        ]

    def strongest_terms(self, posting: PostingText, added: dict[int, float], count: int) -> list[str]:
        """Return the words of a posting that add most to its code's score, given its `contributions`."""
        vocabulary = self.featurizer.vocabulary
        terms: dict[str, float] = {}
        for word in posting.title.split():
            columns = dict.fromkeys(self.featurizer.word_columns(word))
            terms[f"Titel: {word}"] = sum(added.get(column, 0.0) for column in columns)
        for word in posting.employer.split():
            terms[f"Arbeitgeber: {word}"] = added.get(vocabulary.get(EMPLOYER_WORD + word, -1), 0.0)
        if posting.description:
            for word in dict.fromkeys(description_words(posting.description)):
                terms[f"Beschreibung: {word}"] = added.get(vocabulary.get(DESCRIPTION_WORD + word, -1), 0.0)
        strongest = sorted(terms.items(), key=lambda item: (-item[1], item[0]))[:count]
        return [f"{term} ({weight:+.2f})" for term, weight in strongest if weight > 0]

    def save(self, path: Path) -> None:
        """Write the model to a gzipped file, byte-identical for equal models."""
        header = {
            "codes": self.codes,
            "settings": asdict(self.featurizer.settings),
            "vocabulary": self.featurizer.names,
        }
        body = io.BytesIO()
        body.write(f"# {LINEAR_FORMAT}\n{json.dumps(header, ensure_ascii=False)}\n".encode())
        arrays: list[npt.NDArray[Any]] = [
            self.featurizer.idf.astype(np.float32),
            self.starts.astype(np.int32),
            self.targets.astype(np.uint16),
            self.weights.astype(np.float16),
            self.bias.astype(np.float32),
        ]
        for array in arrays:
            np.save(body, array, allow_pickle=False)
        path.write_bytes(gzip.compress(body.getvalue(), mtime=0))

    @classmethod
    def load(cls, data: bytes, name: str = "linear model") -> LinearModel:
        """Read a model written by `save` from its (gzipped) bytes."""
        body = io.BytesIO(gzip.decompress(data))
        if body.readline().decode("utf-8").rstrip("\n") != f"# {LINEAR_FORMAT}":
            raise ValueError(f"{name}: not a saved linear occupation model")
        header = json.loads(body.readline())
        settings = header["settings"]
        settings["ngram_sizes"] = tuple(settings["ngram_sizes"])
        idf, starts, targets, weights, bias = (np.load(body, allow_pickle=False) for _ in range(5))
        featurizer = Featurizer(header["vocabulary"], idf, FeatureSettings(**settings))
        return cls(header["codes"], featurizer, starts, targets, weights, bias)


def sparse_products(
    vectors: Sequence[Vector], starts: IntArray, targets: IntArray, weights: FloatArray, width: int
) -> FloatArray:
    """Return vectors x width dot products with a matrix stored by column: starts, targets, weights."""
    columns = np.fromiter((c for v in vectors for c in v), dtype=np.int64)
    values = np.fromiter((w for v in vectors for w in v.values()), dtype=np.float64)
    owners = np.repeat(np.arange(len(vectors)), [len(v) for v in vectors])
    positions, lengths = _entries(columns, starts)
    cells = np.repeat(owners * width, lengths) + targets[positions]
    products = np.repeat(values, lengths) * weights[positions]
    sums = np.bincount(cells, weights=products, minlength=len(vectors) * width)
    return sums.astype(np.float64, copy=False).reshape(len(vectors), width)


def _entries(columns: IntArray, starts: IntArray) -> tuple[IntArray, IntArray]:
    """Return the positions of all stored entries of the columns, and how many each column has."""
    begins = starts[columns]
    lengths = starts[columns + 1] - begins
    # Gathered without a Python loop: each column's run of positions, one after the other.
    positions = np.repeat(begins - (np.cumsum(lengths) - lengths), lengths) + np.arange(lengths.sum())
    return positions, lengths
