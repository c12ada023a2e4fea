"""Incremental, explainable clusters of duplicate postings.

A new posting meets candidates from the LSH bands of its signature (informative texts only) and from exact
blocks: the same shingle set, the same raw record, the same (place, title) and the same (employer, title,
place), or (employer, title) for a posting without place. Candidates in another known town or of another
employer are dropped at once; the rest, most similar first, are verified by `compare`, which weighs text,
title, employer and place and says in German why. The posting joins the cluster of the best verified
candidate, or founds a cluster named after itself. Clusters are never merged afterwards, so their ids stay
stable for the database. The first known place, employer and working time of a cluster bind every later
member, so chains of copies without place cannot join postings of two towns; a copy without place that fits
clusters of two towns about equally well joins neither.

Rules of `compare`, in order:
- the same raw content hash: duplicate;
- different known places, incompatible known employers, working times that exclude each other ("Vollzeit"
  / "Teilzeit"), a title word that makes another job (a number, "Senior", "Ausbildung" ...) or dissimilar
  titles: not a duplicate. Places decide: one employer's ad for two towns is two offers on the market
  pages, even with the same text;
- the same title of a known, compatible employer in the same known place: duplicate, whatever the texts
  (aggregators wrap an ad in their own page; parallel ads of one employer read the same in a result list);
- otherwise the texts must both be informative (at least `min_text_words` words) and alike: an estimated
  Jaccard of `same_text`, or the shorter text `contained_text` inside the longer (truncated copies), or
  `similar_text` when the employer is known on both sides;
- a missing title counts as no evidence: such postings merge only on the same text.

The canonical member is the first by `canonical_rank`: the employer's own record, then by source priority,
then the richest record (informative text, employer and place known), then the earliest first seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

import numpy as np
import numpy.typing as npt

from stellwerk.dedup.fingerprints import (
    DedupPosting,
    Fingerprint,
    StaleFingerprintError,
    employers_compatible,
    fingerprint,
    fingerprints,
    title_conflict,
    title_similarity,
    working_time_conflict,
)
from stellwerk.dedup.minhash import LshIndex, MinHasher, containment, jaccard, jaccard_many

REASON_LENGTH = 300
_NAME_LENGTH = 60


@dataclass(frozen=True, slots=True)
class DedupSettings:
    """Sizes of signatures and LSH bands, and the thresholds of `compare` (tuned in bench/dedup.py)."""

    # 128 positions estimate a Jaccard similarity within about 0.045; 32 bands of 4 make a pair of
    # similarity 0.5 a candidate with 87 % and one of 0.1 with 0.3 %.
    num_perm: int = 128
    bands: int = 32
    shingle_size: int = 3
    # Fewer words are a title-only record or scraping boilerplate ("Vollständige Stellenbeschreibung bei
    # unserem Kooperationspartner"), which tells nothing about the job.
    min_text_words: int = 30
    similar_text: float = 0.4
    same_text: float = 0.6
    # Job boards frame a truncated teaser with their own header and footer, so a share below 1 is enough.
    contained_text: float = 0.75
    similar_title: float = 0.7
    # Sources preferred as the canonical record after the employer's own, e.g. ("jobsite", "ba").
    source_priority: tuple[str, ...] = ()
    candidate_floor: float = 0.2
    ambiguity_margin: float = 0.1
    max_verified: int = 64
    max_block: int = 256


class _Status(Enum):
    SAME = "same"
    SIMILAR = "similar"
    UNKNOWN = "unknown"
    DIFFERENT = "different"


@dataclass(frozen=True, slots=True)
class _Evidence:
    status: _Status
    phrase: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether two postings are one job, the estimated Jaccard of their shingles, and why, in German."""

    duplicate: bool
    similarity: float
    reason: str


@dataclass(frozen=True, slots=True)
class Assignment:
    """The cluster of a posting, the member it matched and why, in German, and the fingerprint to store.

    `new_cluster`: the posting founded its cluster (its id is the cluster id). `matched_id` is the member it
    was verified against, None for a new cluster and for a posting added again unchanged.
    """

    posting_id: str
    cluster_id: str
    new_cluster: bool
    matched_id: str | None
    similarity: float | None
    reason: str
    canonical_id: str
    canonical_changed: bool
    fingerprint: Fingerprint


@dataclass(slots=True)
class _Cluster:
    """Members and what the first member that states them says of place, employer and working time."""

    members: list[int]
    canonical: int
    place: str | None
    employer_key: str | None
    working_time: str

    @classmethod
    def founded_by(cls, row: int, fp: Fingerprint) -> _Cluster:
        """Return a new cluster of one posting."""
        return cls([row], row, fp.place, fp.employer_key, fp.working_time)


def compare(
    first: Fingerprint, second: Fingerprint, similarity: float, settings: DedupSettings | None = None
) -> Verdict:
    """Decide whether two postings are one job, given the estimated Jaccard of their signatures."""
    settings = settings or DedupSettings()
    if first.content_hash and first.content_hash == second.content_hash:
        return Verdict(True, similarity, "gleicher Rohdatensatz")
    place = _place(first, second)
    if place.status is _Status.DIFFERENT:
        return Verdict(False, similarity, _shorten(f"keine Dublette: {place.phrase}"))
    employer = _employer(first, second)
    title, text = _title(first, second, settings), _text(first, second, similarity, settings)
    evidence = (text, title, employer, place)
    problem = _problem(evidence)
    if problem:
        return Verdict(False, similarity, _shorten(f"keine Dublette: {problem}"))
    return Verdict(True, similarity, _shorten(", ".join(item.phrase for item in evidence)))


CanonicalRank = tuple[bool, int, int, float, int, str]


def canonical_rank(fp: Fingerprint, settings: DedupSettings | None = None) -> CanonicalRank:
    """Return the sort key of the canonical-member rule: the smallest key is the canonical member.

    The employer's own record first, then sources in the order of `settings.source_priority` (others after),
    then the richest record (informative text, employer and place known), then the earliest first seen and
    published, then the smallest id. Text length does not count: a job board's page around an ad is longer
    than the ad.
    """
    settings = settings or DedupSettings()
    priority = settings.source_priority
    source_rank = priority.index(fp.source) if fp.source in priority else len(priority)
    richness = (
        (fp.text_words >= settings.min_text_words) + (fp.employer_key is not None) + (fp.place is not None)
    )
    seen = fp.first_seen.timestamp() if fp.first_seen else float("inf")
    published = fp.published.toordinal() if fp.published else date.max.toordinal()
    return (not fp.employer_direct, source_rank, -richness, seen, published, fp.posting_id)


def _problem(evidence: tuple[_Evidence, ...]) -> str | None:
    """Return why the evidence does not make a duplicate, or None if it does."""
    text, title, employer, place = evidence
    for item in (place, employer, title):
        if item.status is _Status.DIFFERENT:
            return item.phrase
    # The same job title of one employer in one place is one offer to a seeker, even when the texts differ:
    # aggregators wrap the ad in their own page, and an employer's parallel ads read the same in a list.
    if (
        title.status is _Status.SAME
        and employer.status is not _Status.UNKNOWN
        and place.status is _Status.SAME
    ):
        return None
    if text.status is _Status.DIFFERENT:
        return text.phrase
    if title.status is _Status.UNKNOWN:
        return None if text.status is _Status.SAME else f"{title.phrase} und kein gleicher Text"
    if text.status is _Status.UNKNOWN:
        missing = [item.phrase for item in (title, employer, place) if item.status is not _Status.SAME]
        return f"kein vergleichbarer Text, {' und '.join(missing)}"
    if text.status is _Status.SIMILAR and employer.status is _Status.UNKNOWN:
        return f"{text.phrase} reicht nicht, {employer.phrase}"
    return None


def _text(first: Fingerprint, second: Fingerprint, similarity: float, settings: DedupSettings) -> _Evidence:
    if min(first.text_words, second.text_words) < settings.min_text_words:
        return _Evidence(_Status.UNKNOWN, "kein vergleichbarer Beschreibungstext")
    if first.shingle_digest == second.shingle_digest:
        return _Evidence(_Status.SAME, "gleicher Text")
    if similarity >= settings.same_text:
        return _Evidence(_Status.SAME, f"gleicher Text (Jaccard {_decimal(similarity)})")
    smaller, larger = sorted((first.shingle_count, second.shingle_count))
    share = containment(similarity, smaller, larger)
    if smaller <= 0.8 * larger and share >= settings.contained_text:
        return _Evidence(
            _Status.SAME, f"gekürzter Text (zu {share:.0%} im längeren enthalten)".replace("%", " %")
        )
    if similarity >= settings.similar_text:
        return _Evidence(_Status.SIMILAR, f"ähnlicher Text (Jaccard {_decimal(similarity)})")
    return _Evidence(_Status.DIFFERENT, f"Text abweichend (Jaccard {_decimal(similarity)})")


def _title(first: Fingerprint, second: Fingerprint, settings: DedupSettings) -> _Evidence:
    if not first.title_key or not second.title_key:
        return _Evidence(_Status.UNKNOWN, "Titel fehlt")
    if working_time_conflict(first.working_time, second.working_time):
        times = f"{first.working_time.title()} / {second.working_time.title()}"
        return _Evidence(_Status.DIFFERENT, f"andere Arbeitszeit ({times})")
    if first.title_key == second.title_key:
        return _Evidence(_Status.SAME, "gleicher Titel")
    names = f"„{_name(first.title)}“ / „{_name(second.title)}“"
    conflict = title_conflict(first.title_key, second.title_key)
    if conflict:
        return _Evidence(_Status.DIFFERENT, f"anderer Titel ({names}, „{conflict}“)")
    score = title_similarity(first.title_key, second.title_key)
    if score >= settings.similar_title:
        return _Evidence(_Status.SIMILAR, f"ähnlicher Titel ({_decimal(score)})")
    return _Evidence(_Status.DIFFERENT, f"anderer Titel ({names})")


def _employer(first: Fingerprint, second: Fingerprint) -> _Evidence:
    if first.employer_key is None or second.employer_key is None:
        both = first.employer_key is None and second.employer_key is None
        return _Evidence(
            _Status.UNKNOWN, "Arbeitgeber unbekannt" if both else "Arbeitgeber einseitig unbekannt"
        )
    if first.employer_key == second.employer_key and first.employer == second.employer:
        return _Evidence(_Status.SAME, "gleicher Arbeitgeber")
    names = f"„{_name(first.employer or '')}“ / „{_name(second.employer or '')}“"
    if first.employer_key == second.employer_key:
        return _Evidence(_Status.SAME, f"gleicher Arbeitgeber ({names})")
    if employers_compatible(first.employer_key, second.employer_key):
        return _Evidence(_Status.SIMILAR, f"Arbeitgeber-Namensvariante ({names})")
    return _Evidence(_Status.DIFFERENT, f"anderer Arbeitgeber ({names})")


def _place(first: Fingerprint, second: Fingerprint) -> _Evidence:
    if first.place is None or second.place is None:
        both = first.place is None and second.place is None
        return _Evidence(_Status.UNKNOWN, "Ort unbekannt" if both else "Ort einseitig unbekannt")
    if first.place == second.place:
        return _Evidence(_Status.SAME, "gleicher Ort")
    return _Evidence(_Status.DIFFERENT, f"anderer Ort ({_name(first.place)} / {_name(second.place)})")


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _name(text: str) -> str:
    return text if len(text) <= _NAME_LENGTH else text[: _NAME_LENGTH - 1] + "…"


def _shorten(text: str) -> str:
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


@dataclass(slots=True)
class _Store:
    """Rows of fingerprints and signatures; a removed posting leaves a None row behind."""

    width: int
    fingerprints: list[Fingerprint | None] = field(default_factory=list)
    signatures: npt.NDArray[np.uint32] = field(init=False)
    row_of: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.signatures = np.zeros((1024, self.width), dtype=np.uint32)

    def unchanged(self, row: int, fp: Fingerprint) -> bool:
        """Tell whether a row holds exactly this fingerprint."""
        stored = self.fingerprints[row]
        same_signature = self.signatures[row].tobytes() == fp.signature
        return stored is not None and same_signature and stored == fp.without_signature()

    def append(self, fps: list[Fingerprint], signatures: npt.NDArray[np.uint32]) -> range:
        start = len(self.fingerprints)
        rows = range(start, start + len(fps))
        needed = rows.stop
        if needed > len(self.signatures):
            grown = np.zeros((max(needed, 2 * len(self.signatures)), self.width), dtype=np.uint32)
            grown[:start] = self.signatures[:start]
            self.signatures = grown
        self.signatures[start:needed] = signatures
        # The signature lives in the matrix only: a second copy in each fingerprint would double its memory.
        self.fingerprints.extend(fp.without_signature() for fp in fps)
        for row, fp in zip(rows, fps, strict=True):
            self.row_of[fp.posting_id] = row
        return rows


class Clusterer:
    """Hold the duplicate clusters of all postings seen and place each new posting in one."""

    def __init__(self, settings: DedupSettings | None = None) -> None:
        self.settings = settings or DedupSettings()
        self.hasher = MinHasher(self.settings.num_perm, self.settings.shingle_size)
        self._lsh = LshIndex(self.settings.num_perm, self.settings.bands)
        self._store = _Store(self.settings.num_perm)
        self._cluster_of: list[str] = []
        self._clusters: dict[str, _Cluster] = {}
        # Most blocks hold one posting: the row itself, a list only from the second on, saves memory.
        self._index: dict[int, int | list[int]] = {}

    def fingerprint(self, posting: DedupPosting) -> Fingerprint:
        """Compute a posting's fingerprint with this clusterer's hasher."""
        return fingerprint(posting, self.hasher)

    def add(self, posting: DedupPosting) -> Assignment:
        """Place a posting in the cluster of its best verified duplicate, or in a new cluster of its own."""
        return self.add_many([posting])[0]

    def add_many(self, postings: Sequence[DedupPosting]) -> list[Assignment]:
        """Place many postings in order, fingerprinting them in one batch; the same result as `add` each."""
        return self._add_all(fingerprints(postings, self.hasher))

    def add_fingerprint(self, fp: Fingerprint) -> Assignment:
        """Place a posting by its fingerprint; adding an unchanged posting again changes nothing."""
        self._check(fp)
        return self._add_all([fp])[0]

    def _add_all(self, fps: list[Fingerprint]) -> list[Assignment]:
        if not fps:
            return []
        signatures = np.frombuffer(b"".join(fp.signature for fp in fps), dtype=np.uint32)
        band_keys = self._lsh.keys_many(signatures.reshape(len(fps), -1))
        # The merged part of the LSH index is searched once for the batch; it does not change before
        # `compact`, and what the batch adds is found among the recent additions.
        merged = self._lsh.query_merged(band_keys)
        assignments = [self._add(*item) for item in zip(fps, band_keys, merged, strict=True)]
        self._lsh.compact()
        return assignments

    def _add(self, fp: Fingerprint, band_keys: npt.NDArray[np.uint64], merged: list[int]) -> Assignment:
        known = self._store.row_of.get(fp.posting_id)
        if known is not None:
            if self._store.unchanged(known, fp):
                return self._unchanged(fp, known)
            self.remove(fp.posting_id)
        signature = fp.signature_array()
        # Only informative texts go through LSH: without one, a duplicate needs the same title, employer and
        # place, which the block indexes find exactly, and short shingle sets would crowd the LSH buckets.
        informative = self._informative(fp)
        banded = merged + self._lsh.query_recent(band_keys) if informative else []
        filed, lookup = _index_keys(fp)
        match, similarity, reason = self._best_match(fp, signature, banded, lookup)
        row = self._store.append([fp], signature.reshape(1, -1))[0]
        self._cluster_of.append("")
        if informative:
            self._lsh.add(row, band_keys)
        self._index_row(row, filed)
        return self._assign(fp, row, match, similarity, reason)

    def restore(self, entries: Iterable[tuple[Fingerprint, str]]) -> None:
        """Load stored fingerprints with their cluster ids, as at startup; a cluster id is a member's id."""
        fps, cluster_ids, seen = [], [], set(self._store.row_of)
        for fp, cluster_id in entries:
            self._check(fp)
            if fp.posting_id in seen:
                raise ValueError(f"posting {fp.posting_id!r} is known already")
            seen.add(fp.posting_id)
            fps.append(fp)
            cluster_ids.append(cluster_id)
        _check_cluster_ids(fps, cluster_ids)
        if not fps:
            return
        signatures = np.frombuffer(b"".join(fp.signature for fp in fps), dtype=np.uint32)
        signatures = signatures.reshape(len(fps), self.settings.num_perm)
        rows = self._store.append(fps, signatures)
        self._cluster_of.extend(cluster_ids)
        banded = np.asarray([self._informative(fp) for fp in fps], dtype=bool)
        lsh_rows = np.arange(rows.start, rows.stop, dtype=np.int64)[banded]
        self._lsh.add_many(lsh_rows, self._lsh.keys_many(signatures[banded]))
        for fp, row, cluster_id in zip(fps, rows, cluster_ids, strict=True):
            self._index_row(row, _index_keys(fp)[0])
            self._join(cluster_id, row, fp)

    def remove(self, posting_id: str) -> None:
        """Forget a posting; its cluster keeps its id and elects another canonical member if needed."""
        row = self._store.row_of.pop(posting_id)
        self._store.fingerprints[row] = None
        cluster_id = self._cluster_of[row]
        cluster = self._clusters[cluster_id]
        cluster.members.remove(row)
        if not cluster.members:
            del self._clusters[cluster_id]
        elif cluster.canonical == row:
            cluster.canonical = min(cluster.members, key=self._rank)

    def cluster_of(self, posting_id: str) -> str:
        """Return the id of the posting's cluster."""
        return self._cluster_of[self._store.row_of[posting_id]]

    def members(self, cluster_id: str) -> tuple[str, ...]:
        """Return the ids of a cluster's members in the order they were added."""
        return tuple(self._fp(row).posting_id for row in self._clusters[cluster_id].members)

    def canonical(self, cluster_id: str) -> str:
        """Return the id of a cluster's canonical member."""
        return self._fp(self._clusters[cluster_id].canonical).posting_id

    def clusters(self) -> dict[str, tuple[str, ...]]:
        """Return every cluster id with its members' ids."""
        return {cluster_id: self.members(cluster_id) for cluster_id in self._clusters}

    def explain(self, first_id: str, second_id: str) -> Verdict:
        """Say whether two known postings are duplicates by the rules of `compare`, and why."""
        first, second = self._store.row_of[first_id], self._store.row_of[second_id]
        signatures = self._store.signatures
        similarity = jaccard(signatures[first], signatures[second])
        return compare(self._fp(first), self._fp(second), similarity, self.settings)

    def __len__(self) -> int:
        return len(self._store.row_of)

    def __contains__(self, posting_id: object) -> bool:
        return posting_id in self._store.row_of

    def _check(self, fp: Fingerprint) -> None:
        if len(fp.signature) != 4 * self.settings.num_perm:
            raise StaleFingerprintError(
                f"signature of {len(fp.signature) // 4} positions, expected {self.settings.num_perm}"
            )

    def _best_match(
        self, fp: Fingerprint, signature: npt.NDArray[np.uint32], banded: list[int], index_keys: list[int]
    ) -> tuple[int | None, float | None, str]:
        accepted: list[tuple[int, float, str]] = []
        first_rejection = ""
        candidates, vetoed = self._candidates(fp, signature, banded, index_keys)
        if not candidates and vetoed is not None:
            similarity = jaccard(signature, self._store.signatures[vetoed])
            candidates = [(similarity, vetoed)]
        for similarity, row in candidates:
            verdict = compare(fp, self._fp(row), similarity, self.settings)
            problem = self._cluster_problem(fp, row) if verdict.duplicate else verdict.reason
            if problem is None:
                accepted.append((row, similarity, verdict.reason))
                if fp.place:
                    break
            else:
                first_rejection = (
                    first_rejection or f"ähnlichste Anzeige {self._fp(row).posting_id}: {problem}"
                )
        if accepted:
            return self._unambiguous(accepted)
        if not first_rejection:
            return None, None, "neue Gruppe: keine ähnliche Anzeige gefunden"
        return None, None, _shorten(f"neue Gruppe; {first_rejection}")

    def _unambiguous(self, accepted: list[tuple[int, float, str]]) -> tuple[int | None, float | None, str]:
        """Return the best match, unless a posting without place fits groups in two places about as well."""
        row, similarity, reason = accepted[0]
        place = self._clusters[self._cluster_of[row]].place
        for other, other_similarity, _ in accepted[1:]:
            other_place = self._clusters[self._cluster_of[other]].place
            close = similarity - other_similarity < self.settings.ambiguity_margin
            if close and place and other_place and other_place != place:
                # One employer's ad for two towns, copied without the town: which one it is cannot be told.
                return None, None, f"neue Gruppe: mehrdeutig, passt zu Gruppen in {place} und {other_place}"
        return row, similarity, reason

    def _candidates(
        self, fp: Fingerprint, signature: npt.NDArray[np.uint32], banded: list[int], index_keys: list[int]
    ) -> tuple[list[tuple[float, int]], int | None]:
        """Return (estimated Jaccard, row) of live candidates, most similar first, and one vetoed row.

        Rows of another known town or another employer are vetoed before any numpy or `compare`: large
        blocks and shared boilerplate would otherwise cost a comparison each. One of them is returned to
        explain a new cluster.
        """
        indexed = self._indexed(index_keys)
        fingerprints = self._store.fingerprints
        first_word = fp.employer_key.split(" ", 1)[0] if fp.employer_key else None
        live, vetoed = [], None
        for row in dict.fromkeys([*banded, *sorted(indexed)]):
            other = fingerprints[row]
            if other is None:
                continue
            if (fp.place and other.place and other.place != fp.place) or (
                first_word and other.employer_key and not other.employer_key.startswith(first_word)
            ):
                vetoed = row if vetoed is None else vetoed
                continue
            live.append(row)
        if not live:
            return [], vetoed
        similarities = jaccard_many(signature, self._store.signatures[live]).tolist()
        # A band hit below the floor is chance: no rule of `compare` accepts so little shared text.
        floor = self.settings.candidate_floor
        scored = [
            (share, row)
            for share, row in zip(similarities, live, strict=True)
            if share >= floor or row in indexed
        ]
        scored.sort(key=_most_similar_first)
        return scored[: self.settings.max_verified], vetoed

    def _informative(self, fp: Fingerprint) -> bool:
        return fp.text_words >= self.settings.min_text_words

    def _cluster_problem(self, fp: Fingerprint, row: int) -> str | None:
        """Return why a verified duplicate still cannot join its cluster: the cluster says otherwise."""
        cluster = self._clusters[self._cluster_of[row]]
        if fp.place and cluster.place and fp.place != cluster.place:
            return f"keine Dublette: die Gruppe liegt in einem anderen Ort ({_name(cluster.place)})"
        employers = fp.employer_key and cluster.employer_key
        if employers and not employers_compatible(fp.employer_key or "", cluster.employer_key or ""):
            return "keine Dublette: die Gruppe gehört zu einem anderen Arbeitgeber"
        if working_time_conflict(fp.working_time, cluster.working_time):
            return f"keine Dublette: die Gruppe hat eine andere Arbeitszeit ({cluster.working_time.title()})"
        return None

    def _assign(
        self, fp: Fingerprint, row: int, match: int | None, similarity: float | None, reason: str
    ) -> Assignment:
        if match is None:
            cluster_id = self._new_cluster_id(fp.posting_id)
            self._cluster_of[row] = cluster_id
            self._clusters[cluster_id] = _Cluster.founded_by(row, fp)
            return Assignment(fp.posting_id, cluster_id, True, None, None, reason, fp.posting_id, True, fp)
        cluster_id = self._cluster_of[match]
        before = self._clusters[cluster_id].canonical
        self._join(cluster_id, row, fp)
        canonical = self._clusters[cluster_id].canonical
        matched_id = self._fp(match).posting_id
        return Assignment(
            fp.posting_id, cluster_id, False, matched_id, similarity, reason,
            self._fp(canonical).posting_id, canonical != before, fp,
        )  # fmt: skip

    def _join(self, cluster_id: str, row: int, fp: Fingerprint) -> None:
        self._cluster_of[row] = cluster_id
        cluster = self._clusters.get(cluster_id)
        if cluster is None:
            self._clusters[cluster_id] = _Cluster.founded_by(row, fp)
            return
        cluster.members.append(row)
        cluster.place = cluster.place or fp.place
        cluster.employer_key = cluster.employer_key or fp.employer_key
        cluster.working_time = cluster.working_time or fp.working_time
        if self._rank(row) < self._rank(cluster.canonical):
            cluster.canonical = row

    def _unchanged(self, fp: Fingerprint, row: int) -> Assignment:
        cluster_id = self._cluster_of[row]
        canonical = self.canonical(cluster_id)
        return Assignment(fp.posting_id, cluster_id, False, None, None, "unverändert", canonical, False, fp)

    def _new_cluster_id(self, posting_id: str) -> str:
        cluster_id, number = posting_id, 1
        while cluster_id in self._clusters:
            number += 1
            cluster_id = f"{posting_id}~{number}"
        return cluster_id

    def _index_row(self, row: int, keys: list[int]) -> None:
        index = self._index
        for key in keys:
            held = index.get(key)
            if held is None:
                index[key] = row
            elif isinstance(held, int):
                index[key] = [held, row]
            else:
                held.append(row)

    def _indexed(self, keys: list[int]) -> set[int]:
        """Return the rows filed under any of the keys, the latest `max_block` of each block."""
        rows: set[int] = set()
        for key in keys:
            held = self._index.get(key)
            if isinstance(held, int):
                rows.add(held)
            elif held:
                rows.update(held[-self.settings.max_block :])
        return rows

    def _rank(self, row: int) -> CanonicalRank:
        return canonical_rank(self._fp(row), self.settings)

    def _fp(self, row: int) -> Fingerprint:
        fp = self._store.fingerprints[row]
        if fp is None:
            raise KeyError(f"row {row} was removed")
        return fp


def _index_keys(fp: Fingerprint) -> tuple[list[int], list[int]]:
    """Return the block keys a posting is filed under, and the ones to look its duplicates up by.

    Keys are Python hashes of tuples: the index lives in one process only, and an int is a fraction of
    the size of a string of employer, title and place. One employer's title across many towns (a chain's
    "Verkäufer", a staffing agency's "Produktionshelfer") makes a large (employer, title) block; a posting
    with a place looks in its (employer, title, place) block instead, and only one without a place searches
    the whole (employer, title) block.
    """
    filed = [hash(("text", fp.shingle_digest))]
    if fp.content_hash:
        filed.append(hash(("raw", fp.content_hash)))
    if fp.title_key and fp.place:
        filed.append(hash(("place", fp.place, fp.title_key)))
    lookup = list(filed)
    if fp.title_key and fp.employer_key:
        by_employer = hash(("employer", fp.employer_key, fp.title_key))
        by_employer_place = hash(("employer", fp.employer_key, fp.title_key, fp.place))
        filed.append(by_employer)
        if fp.place:
            filed.append(by_employer_place)
        lookup.append(by_employer_place if fp.place else by_employer)
    return filed, lookup


def _most_similar_first(candidate: tuple[float, int]) -> tuple[float, int]:
    similarity, row = candidate
    return -similarity, row


def _check_cluster_ids(fps: list[Fingerprint], cluster_ids: list[str]) -> None:
    # A cluster is named after one of its members, so ids of clusters founded later cannot collide with it.
    cluster_of = {fp.posting_id: cluster_id for fp, cluster_id in zip(fps, cluster_ids, strict=True)}
    strangers = sorted(
        cluster_id for cluster_id in set(cluster_ids) if cluster_of.get(cluster_id) != cluster_id
    )
    if strangers:
        raise ValueError(f"a cluster id must be the id of one of its members; not so for {strangers[:5]}")
