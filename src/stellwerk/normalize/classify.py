"""Classify job postings into KldB 2010 occupations by their nearest BA reference titles.

The index holds the BA occupation names (Berufe), the BA job-title list and the KldB names, each filed
under its code, plus any labelled postings the classifier was trained with. A title is compared with
every row by the cosine of character n-gram TF-IDF vectors (a weighted nearest-neighbour vote): each row
at least half as similar as the closest one votes for its code with its similarity cubed, so near-identical
titles decide, and the votes are weighted by how many people work in each occupation (Entgeltatlas).
The packaged classifier blends these votes with a linear model over the title, the employer's name and
the description (classify_linear.py): employers' words tell the industry where the title does not
("Mitarbeiter" at a Klinikum). The rows that decided and the words that added most to the linear score
are the evidence; the confidence is calibrated on BA postings of unseen employers.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from stellwerk.domain.classification import Classification
from stellwerk.domain.occupations import masculine_form
from stellwerk.domain.results import Unknown
from stellwerk.domain.text import fold
from stellwerk.normalize.classify_linear import DESCRIPTION_CHARS as LINEAR_DESCRIPTION_CHARS
from stellwerk.normalize.classify_linear import LinearModel, PostingText, sparse_products
from stellwerk.normalize.titles import clean_title
from stellwerk.reference.taxonomy import Taxonomy

HEADCOUNTS_FILE = "kldb_headcounts.tsv.gz"
# The packaged index: reference titles plus labelled BA postings (scripts/build_classifier.py).
MODEL_FILE = "occupation_classifier.tsv.gz"
MODEL_FORMAT = "stellwerk-occupation-classifier 1"
# The packaged linear model over title, employer and description (classify_linear.py), blended in.
LINEAR_FILE = "occupation_linear.bin.gz"

# Where an index row comes from, as named in the evidence.
KLDB_NAME = "KldB"
BERUF = "BA-Beruf"
JOB_TITLE = "BA-Berufsbezeichnung"
POSTING = "Stellenanzeige"

METHOD_TITLE = "knn:title"
METHOD_DESCRIPTION = "knn:description"

# Occupations without an Entgeltatlas headcount (censored as too small, or new) count as this many.
UNLISTED_HEADCOUNT = 10
# Without a title the opening of the description stands in; further on it is mostly about the employer.
DESCRIPTION_CHARS = 200
EVIDENCE_ROWS = 3
EVIDENCE_TERMS = 4
CACHE_SIZE = 50_000
# Postings matched together: their similarities to all rows are one dense block of CHUNK x rows.
CHUNK = 64

# Words that say nothing about the occupation: working time, start date, calls to apply, fillers.
_NOISE_WORDS = frozenset({
    "vollzeit", "teilzeit", "minijob", "mini-job", "ab", "sofort", "gesucht", "unbefristet", "befristet",
    "festanstellung", "oder", "und", "fuer", "bei", "mit", "im", "in", "der", "die", "das", "den", "dem",
    "zur", "zum", "von", "als", "auf", "eintritt", "job", "jobs", "wir", "suchen", "dich", "sie", "ihr",
    "unser", "unsere", "neu", "std", "stunden", "m", "w", "d", "gn", "mwd",
})  # fmt: skip
_NOT_A_WORD = re.compile(r"[^a-z\s-]+")
_LEGAL_FORMS = frozenset({
    "gmbh", "mbh", "co", "kg", "ag", "se", "ohg", "ug", "gbr", "kgaa", "aor", "ggmbh", "ev",
    "haftungsbeschraenkt", "niederlassung", "nl", "zwnl",
})  # fmt: skip

# Confidence = logistic(intercept + a * vote share of the winner + b * its best similarity), fitted on
# BA postings of employers held out (bench/classification.py); with labelled postings the share tells more.
REFERENCE_CALIBRATION = (-3.43, 2.58, 2.90)
EXAMPLES_CALIBRATION = (-3.04, 3.75, 1.37)
LINEAR_CALIBRATION = (-2.85, 3.82, 1.00)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Vector = dict[int, float]


@dataclass(frozen=True, slots=True)
class Settings:
    """Tuning of the classifier; the defaults were chosen on BA postings (bench/classification.py)."""

    # Votes are similarity ** sharpness, so a near-identical title outweighs many vaguely similar ones.
    sharpness: float = 3.0
    # Exponent of the headcount prior: a common occupation wins a tie against a rare one.
    prior_weight: float = 0.35
    # Employers pick the posting's `beruf` from the BA occupation list, so its names vote more.
    beruf_weight: float = 2.0
    # With labelled postings in the index, a reference row votes as much as a real posting (0.25, 0.5 and
    # 2.0 scored lower on held-out employers).
    reference_weight: float = 1.0
    # The employer's words weigh 0.6 of the title's: 0.0 and 1.0 scored lower on held-out employers.
    employer_weight: float = 0.6
    # Rows far less similar than the best one only add noise to the vote.
    relative_floor: float = 0.5
    ngram_sizes: tuple[int, ...] = (3, 4, 5)
    # N-grams in more than this share of rows say little and cost most of the matching time.
    max_df: float = 0.02
    min_similarity: float = 0.25
    calibration: tuple[float, float, float] = REFERENCE_CALIBRATION
    # With a linear model a code's score is (1 - w) * its share of the votes + w * its linear probability;
    # with its sharpness this scored best on held-out employers (0.5, 0.6, 0.7 scored lower).
    linear_weight: float = 0.4
    # The linear scores are multiplied by this before the softmax that makes them probabilities (10, 20
    # and 30 scored lower).
    linear_sharpness: float = 15.0


@dataclass(frozen=True, slots=True)
class Example:
    """A labelled posting to learn from: its title, its KldB code and, if known, employer and description."""

    title: str
    kldb: str
    employer: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class IndexRow:
    """One row of the index: a title as shown in the evidence, filed under a code."""

    source: str
    kldb: str
    text: str
    weight: float = 1.0
    employer: str = ""


@dataclass(frozen=True, slots=True)
class _Query:
    text: str
    employer: str
    method: str
    shown: str
    posting: PostingText


def match_text(title: str) -> str:
    """Return a title as compared: without gender forms, noise words and punctuation, folded."""
    text = clean_title(title)
    if "/" in text or "(" in text:
        text = masculine_form(text)
    words = (word.strip("-") for word in _NOT_A_WORD.sub(" ", fold(text)).split())
    return " ".join(word for word in words if word and word not in _NOISE_WORDS)


def employer_text(employer: str) -> str:
    """Return an employer name as compared: folded words without legal forms."""
    return " ".join(word for word in match_text(employer).split() if word not in _LEGAL_FORMS)


@functools.lru_cache(maxsize=200_000)
def word_ngrams(word: str, sizes: tuple[int, ...] = (3, 4, 5), prefix: str = "") -> tuple[str, ...]:
    """Return the character n-grams of a word padded with a space on each side, each with prefix."""
    padded = f" {word} "
    return tuple(prefix + padded[i : i + size] for size in sizes for i in range(len(padded) - size + 1))


def reference_rows(taxonomy: Taxonomy, settings: Settings) -> list[IndexRow]:
    """Return the index rows of the taxonomy: KldB names, BA Berufe (Tätigkeiten) and BA job titles."""
    rows = [IndexRow(KLDB_NAME, o.kldb, o.name) for o in taxonomy.occupations]
    # Training and study programmes ("Bachelor of Arts - ...") are not what postings are titled.
    rows += [IndexRow(BERUF, b.kldb, b.name, settings.beruf_weight) for b in taxonomy.berufe if b.kind == "t"]
    codes = dict.fromkeys([o.kldb for o in taxonomy.occupations] + [b.kldb for b in taxonomy.berufe])
    rows += [IndexRow(JOB_TITLE, code, title) for code in codes for title in taxonomy.titles_for(code)]
    return rows


def example_rows(examples: Iterable[Example]) -> list[IndexRow]:
    """Return the index rows of labelled postings."""
    return [IndexRow(POSTING, e.kldb, e.title, 1.0, e.employer or "") for e in examples]


class OccupationClassifier:
    """Nearest-neighbour KldB classifier over reference titles and labelled postings, plus a linear model."""

    def __init__(
        self,
        rows: Iterable[IndexRow],
        headcounts: Mapping[str, int],
        settings: Settings | None = None,
        linear: LinearModel | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.headcounts = dict(headcounts)
        self.rows, texts = _merged(rows)
        if not self.rows:
            raise ValueError("a classifier needs at least one index row with words")
        self._codes = sorted({row.kldb for row in self.rows})
        self._names = {row.kldb: row.text for row in self.rows if row.source == KLDB_NAME}
        code_index = {code: i for i, code in enumerate(self._codes)}
        self._row_code: IntArray = np.array([code_index[row.kldb] for row in self.rows], dtype=np.int64)
        self._row_weight: FloatArray = np.array([row.weight for row in self.rows], dtype=np.float64)
        counts = np.array(
            [max(self.headcounts.get(c, UNLISTED_HEADCOUNT), 1) for c in self._codes], dtype=float
        )
        self._prior: FloatArray = counts**self.settings.prior_weight
        self._with_employers = any(row.employer for row in self.rows)
        firms = [employer_text(row.employer) if row.employer else "" for row in self.rows]
        self._vectorizer = _Vectorizer(texts, firms, self.settings)
        vectors = [self._vectorizer.vector(text, firm) for text, firm in zip(texts, firms, strict=True)]
        self._index = _InvertedIndex(vectors, len(self._vectorizer.vocabulary))
        self.linear = linear
        if linear is not None:
            unknown = set(linear.codes) - set(code_index)
            if unknown:
                raise ValueError(f"the linear model knows codes without index rows: {sorted(unknown)[:5]}")
            self._linear_code: IntArray = np.array([code_index[c] for c in linear.codes], dtype=np.int64)
            # Codes the linear model never saw get -1, which no weight is filed under.
            self._code_linear: IntArray = np.full(len(self._codes), -1, dtype=np.int64)
            self._code_linear[self._linear_code] = np.arange(len(linear.codes))
        self._cache: dict[tuple[str, str, str, PostingText], Classification | Unknown] = {}

    @classmethod
    def train(
        cls,
        taxonomy: Taxonomy,
        examples: Iterable[Example] = (),
        headcounts: Mapping[str, int] | None = None,
        settings: Settings | None = None,
        linear: LinearModel | None = None,
    ) -> OccupationClassifier:
        """Build a classifier of the taxonomy, examples, headcounts (default: packaged), linear model."""
        labelled = example_rows(examples)
        calibration = (
            LINEAR_CALIBRATION if linear else EXAMPLES_CALIBRATION if labelled else REFERENCE_CALIBRATION
        )
        settings = settings or Settings(calibration=calibration)
        rows = reference_rows(taxonomy, settings)
        if labelled:
            rows = [replace(row, weight=row.weight * settings.reference_weight) for row in rows] + labelled
        return cls(rows, packaged_headcounts() if headcounts is None else headcounts, settings, linear)

    @classmethod
    def load(
        cls, path: Path | Traversable, linear_path: Path | Traversable | None = None
    ) -> OccupationClassifier:
        """Load a classifier written by `save`, with the linear model at linear_path if given."""
        lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
        if not lines or lines[0] != f"# {MODEL_FORMAT}":
            raise ValueError(f"{path}: not a saved occupation classifier")
        settings = _settings_from_json(lines[1].split("\t", 1)[1])
        headcounts: dict[str, int] = {}
        rows: list[IndexRow] = []
        for line in lines[2:]:
            kind, *fields = line.split("\t")
            if kind == "H":
                headcounts[fields[0]] = int(fields[1])
            elif kind == "R":
                rows.append(IndexRow(fields[0], fields[1], fields[4], float(fields[2]), fields[3]))
        linear = LinearModel.load(linear_path.read_bytes(), str(linear_path)) if linear_path else None
        return cls(rows, headcounts, settings, linear)

    def save(self, path: Path, linear_path: Path | None = None) -> None:
        """Write the index as gzipped TSV (and the linear model); equal models give equal bytes."""
        lines = [f"# {MODEL_FORMAT}", f"#settings\t{json.dumps(asdict(self.settings), sort_keys=True)}"]
        lines += [f"H\t{code}\t{count}" for code, count in sorted(self.headcounts.items())]
        lines += ["\t".join(("R", r.source, r.kldb, repr(r.weight), r.employer, r.text)) for r in self.rows]
        path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8") + b"\n", mtime=0))
        if linear_path is not None:
            if self.linear is None:
                raise ValueError("this classifier has no linear model to save")
            self.linear.save(linear_path)

    def classify(
        self, title: str, employer: str | None = None, description: str | None = None
    ) -> Classification | Unknown:
        """Return the KldB code of a posting with confidence and evidence, or Unknown with the reason."""
        return self.classify_many([title], [employer], [description])[0]

    def classify_many(
        self,
        titles: Sequence[str],
        employers: Sequence[str | None] | None = None,
        descriptions: Sequence[str | None] | None = None,
    ) -> list[Classification | Unknown]:
        """Classify many postings at once; much faster per posting than one call each."""
        queries = [
            self._query(title, employers[i] if employers else None, descriptions[i] if descriptions else None)
            for i, title in enumerate(titles)
        ]
        keys = [(q.text, q.employer, q.method, q.posting) for q in queries]
        # Imports repeat titles ("Verkäufer (m/w/d)"): each distinct one is matched once, then cached.
        # Results are collected locally, since another thread may clear the shared cache meanwhile.
        found = {key: hit for key in keys if (hit := self._cache.get(key)) is not None}
        pending = {key: query for key, query in zip(keys, queries, strict=True) if key not in found}
        if pending:
            todo = list(pending.values())
            # Chunks keep the similarity arrays small enough for the CPU caches.
            results = [
                r for i in range(0, len(todo), CHUNK) for r in self._classify_chunk(todo[i : i + CHUNK])
            ]
            found.update(zip(pending, results, strict=True))
            if len(self._cache) + len(pending) > CACHE_SIZE:
                self._cache.clear()
            self._cache.update(zip(pending, results, strict=True))
        return [found[key] for key in keys]

    def _query(self, title: str, employer: str | None, description: str | None) -> _Query:
        text, method, shown = match_text(title or ""), METHOD_TITLE, title or ""
        if not text and description:
            shown = " ".join(description.split())[:DESCRIPTION_CHARS]
            text, method = match_text(shown), METHOD_DESCRIPTION
        firm = employer_text(employer) if employer else ""
        # Only the description's opening is read: the rest would only make the cache keys long.
        opening = (description or "")[:LINEAR_DESCRIPTION_CHARS]
        posting = PostingText(text, firm, opening) if self.linear else PostingText(text)
        # Employer n-grams mean something only where labelled postings with employers are in the index.
        return _Query(text, firm if self._with_employers else "", method, shown.strip(), posting)

    def _classify_chunk(self, queries: Sequence[_Query]) -> list[Classification | Unknown]:
        sims = self._index.similarities([self._vectorizer.vector(q.text, q.employer) for q in queries])
        top = sims.max(axis=1)
        query, row, sim, scores = self._votes(sims, top)
        linear, weight = self.linear, self.settings.linear_weight
        vectors = [linear.featurizer.vector(q.posting) for q in queries] if linear else []
        if linear:
            scores = (1.0 - weight) * scores + weight * self._linear_probabilities(linear, vectors)
        everyone = np.arange(len(queries))
        best = scores.argmax(axis=1)
        share = scores[everyone, best]
        scores[everyone, best] = -1.0
        runner_up = scores.argmax(axis=1)
        alternatives = scores[everyone, runner_up]
        evidence = self._evidence_rows(query, row, sim, best)
        added = linear.contributions(vectors, self._code_linear[best]) if linear else []
        results: list[Classification | Unknown] = []
        for i, q in enumerate(queries):
            if not q.text:
                results.append(Unknown("kein Titel"))
            elif top[i] < self.settings.min_similarity:
                results.append(Unknown(f"kein Referenztitel ähnelt „{q.shown}“"))
            else:
                terms = linear.strongest_terms(q.posting, added[i], EVIDENCE_TERMS) if linear else []
                alternative = (int(runner_up[i]), float(alternatives[i]))
                results.append(
                    self._classification(q, int(best[i]), float(share[i]), evidence[i], terms, alternative)
                )
        return results

    def _votes(self, sims: FloatArray, top: FloatArray) -> tuple[IntArray, IntArray, FloatArray, FloatArray]:
        """Return the voting (query, row, similarity) triples and each code's share of each query's votes,
        given each query's top similarity."""
        floor = np.maximum(self.settings.relative_floor * top, np.finfo(np.float64).tiny)
        query, row = np.nonzero(sims >= floor[:, None])
        sim = sims[query, row]
        ballots = np.bincount(
            query * len(self._codes) + self._row_code[row],
            weights=self._row_weight[row] * sim**self.settings.sharpness,
            minlength=len(sims) * len(self._codes),
        )
        votes = ballots.reshape(len(sims), len(self._codes)) * self._prior
        total = np.maximum(votes.sum(axis=1, keepdims=True), np.finfo(np.float64).tiny)
        return query, row, sim, votes / total

    def _linear_probabilities(self, linear: LinearModel, vectors: Sequence[Vector]) -> FloatArray:
        """Return the linear model's softmax probability of every code (in index order) for each vector."""
        scores = self.settings.linear_sharpness * linear.scores(vectors)
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        probabilities = np.zeros((len(vectors), len(self._codes)))
        probabilities[:, self._linear_code] = exp / exp.sum(axis=1, keepdims=True)
        return probabilities

    def _evidence_rows(
        self, query: IntArray, row: IntArray, sim: FloatArray, best: IntArray
    ) -> list[list[tuple[float, int]]]:
        """Return for each query its most similar rows filed under its best code, most similar first."""
        mine = self._row_code[row] == best[query]
        query, row, sim = query[mine], row[mine], sim[mine]
        order = np.lexsort((row, -sim, query))
        query, row, sim = query[order], row[order], sim[order]
        leading = np.arange(len(query)) - np.searchsorted(query, query) < EVIDENCE_ROWS
        evidence: list[list[tuple[float, int]]] = [[] for _ in range(len(best))]
        for q, r, s in zip(
            query[leading].tolist(), row[leading].tolist(), sim[leading].tolist(), strict=True
        ):
            evidence[q].append((s, r))
        return evidence

    def _classification(
        self,
        query: _Query,
        best: int,
        share: float,
        rows: list[tuple[float, int]],
        terms: list[str],
        alternative: tuple[int, float],
    ) -> Classification:
        a, b, c = self.settings.calibration
        # The linear model may pick a code no similar row is filed under: then nothing similar backs it.
        similarity = rows[0][0] if rows else 0.0
        confidence = 1.0 / (1.0 + math.exp(-(a + b * share + c * similarity)))
        code = self._codes[best]
        evidence = [f"KldB {code} {self._names.get(code, '')}".rstrip()]
        evidence += [self._shown(self.rows[r], sim) for sim, r in rows]
        if terms:
            evidence.append(f"Merkmale: {', '.join(terms)}")
        if alternative[1] > 0:
            evidence.append(f"Alternative: KldB {self._codes[alternative[0]]} ({alternative[1]:.0%})")
        return Classification(code, round(confidence, 4), tuple(evidence), query.method)

    @staticmethod
    def _shown(row: IndexRow, sim: float) -> str:
        # Postings name their employer: many carry the same title, and the employer tells them apart.
        firm = f", {row.employer}" if row.employer else ""
        return f"{row.source} „{row.text}“{firm} ({sim:.2f})"


class _Vectorizer:
    """Unit-length TF-IDF vectors of a title's n-grams, plus a down-weighted part for the employer's name.

    A text's vector is the sum of its words' vectors, so each distinct word is weighted once and cached.
    """

    def __init__(self, titles: Sequence[str], firms: Sequence[str], settings: Settings) -> None:
        self.employer_weight = settings.employer_weight
        self.sizes = settings.ngram_sizes
        frequency: Counter[str] = Counter()
        for title, firm in zip(titles, firms, strict=True):
            frequency.update({gram for word in title.split() for gram in word_ngrams(word, self.sizes)})
            frequency.update({gram for word in firm.split() for gram in word_ngrams(word, self.sizes, "@")})
        ceiling = max(1.0, settings.max_df * len(titles))
        kept = [(gram, df) for gram, df in frequency.items() if df <= ceiling]
        self.vocabulary = {gram: column for column, (gram, _) in enumerate(kept)}
        self.idf = [math.log((1 + len(titles)) / (1 + df)) + 1.0 for _, df in kept]
        self._words: dict[tuple[str, str], list[tuple[int, float]]] = {}

    def vector(self, title: str, firm: str) -> Vector:
        """Return the vector of a title (and employer) as {column: weight}."""
        vector = self._part(title, "")
        if firm:
            vector.update((column, self.employer_weight * w) for column, w in self._part(firm, "@").items())
            vector = _unit(vector)
        return vector

    def _part(self, text: str, prefix: str) -> Vector:
        part: Vector = {}
        for word in text.split():
            for column, weight in self._word(word, prefix):
                part[column] = part.get(column, 0.0) + weight
        return _unit(part)

    def _word(self, word: str, prefix: str) -> list[tuple[int, float]]:
        known = self._words.get((word, prefix))
        if known is None:
            counts = Counter(word_ngrams(word, self.sizes, prefix))
            columns = [(self.vocabulary[g], c) for g, c in counts.items() if g in self.vocabulary]
            known = [(column, (1.0 + math.log(c)) * self.idf[column]) for column, c in columns]
            if len(self._words) > CACHE_SIZE:
                self._words.clear()
            self._words[(word, prefix)] = known
        return known


class _InvertedIndex:
    """For each n-gram, the rows that contain it and its weight there: cosine similarity by gathering."""

    def __init__(self, vectors: Sequence[Vector], width: int) -> None:
        columns = np.array([c for v in vectors for c in v], dtype=np.int64)
        order = np.argsort(columns, kind="stable")
        owners = np.repeat(np.arange(len(vectors)), [len(v) for v in vectors])
        self.rows: IntArray = owners[order]
        self.weights = np.array([w for v in vectors for w in v.values()], dtype=np.float64)[order]
        self.starts: IntArray = np.concatenate(([0], np.cumsum(np.bincount(columns, minlength=width))))
        self.size = len(vectors)

    def similarities(self, queries: Sequence[Vector]) -> FloatArray:
        """Return the cosine similarity of every query to every row, as a queries x rows array."""
        return sparse_products(queries, self.starts, self.rows, self.weights, self.size)


@functools.cache
def default_classifier() -> OccupationClassifier:
    """Return the packaged classifier (reference titles, BA postings, linear model), built once a process."""
    data = resources.files("stellwerk").joinpath("data")
    linear = data.joinpath(LINEAR_FILE)
    return OccupationClassifier.load(data.joinpath(MODEL_FILE), linear if linear.is_file() else None)


def packaged_headcounts(path: Path | None = None) -> dict[str, int]:
    """Return the employment headcount of each KldB code (Entgeltatlas), from the packaged file."""
    source: Traversable = path or resources.files("stellwerk").joinpath("data", HEADCOUNTS_FILE)
    text = gzip.decompress(source.read_bytes()).decode("utf-8")
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, count = line.split("\t")
            counts[code] = int(count)
    return counts


def _merged(rows: Iterable[IndexRow]) -> tuple[list[IndexRow], list[str]]:
    # A name in several lists (Beruf and job title) is a canonical name: one row with the summed weight.
    merged: dict[tuple[str, str, str], IndexRow] = {}
    for row in rows:
        key = (match_text(row.text), row.kldb, employer_text(row.employer) if row.employer else "")
        if key[0]:
            known = merged.get(key)
            if known:
                merged[key] = replace(known, weight=known.weight + row.weight)
            else:
                # One line each, so that a saved classifier's TSV reads back the same rows.
                merged[key] = replace(row, text=_one_line(row.text), employer=_one_line(row.employer))
    return list(merged.values()), [text for text, _, _ in merged]


def _unit(vector: Vector) -> Vector:
    length = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {column: w / length for column, w in vector.items()}


def _settings_from_json(text: str) -> Settings:
    values = json.loads(text)
    values["calibration"] = tuple(values["calibration"])
    values["ngram_sizes"] = tuple(values["ngram_sizes"])
    return Settings(**values)


def _one_line(text: str) -> str:
    return " ".join(text.split())
