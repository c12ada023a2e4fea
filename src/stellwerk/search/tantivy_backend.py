"""Search backend on tantivy: an embedded index in the data directory, swapped atomically on rebuild.

Text is analysed in Python (search/german.py) and handed to tantivy as space-separated terms. Radius searches
use the geographic cells of search/geo.py: postings in cells wholly inside the circle match by term; of the
cells along its edge, the distinct points postings sit at are counted out of the index and checked by their
exact distance, and the points inside match by term. The work grows with the number of points along the
circle's edge, not with the number of postings inside it, and every part of it runs inside tantivy.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import math
import os
import shutil
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import tantivy

from stellwerk.domain.text import fold
from stellwerk.reference.taxonomy import default_taxonomy
from stellwerk.search import facets as facet_counts
from stellwerk.search.geo import (
    LOCATION_KEY_ERROR_KM,
    Cover,
    cell_keys,
    cover,
    haversine_array,
    key_locations,
    location_key,
)
from stellwerk.search.german import GermanAnalyzer, default_analyzer
from stellwerk.search.interfaces import (
    GeoFilter,
    IndexDocument,
    MatchKind,
    MatchReason,
    Remote,
    SearchHit,
    SearchQuery,
    SearchResult,
    Sort,
)
from stellwerk.search.lexicon import default_lexicon
from stellwerk.search.query import Alternative, QueryWord, Thesaurus, build_thesaurus, default_thesaurus

TITLE_BOOST = 3.0
PART_BOOST = 1.5
BERUF_BOOST = 1.0
BODY_BOOST = 1.0
# How much a match through a synonym, a compound's words or a spelling variant counts against the word itself.
ALTERNATIVE_WEIGHT = {MatchKind.SYNONYM: 0.6, MatchKind.PART: 0.5, MatchKind.SPELLING: 0.4}
# Of the other ways a word matches, this share is added to the best one.
TIE_BREAKER = 0.1
# A posting whose terms state what a condition word says ("Teilzeit") ranks as if its title said it.
CONDITION_SCORE = 2.0
# A posting matched only through its occupation ranks below every textual match of the same word.
OCCUPATION_SCORE = 0.5
# Words the index does not know get spelling variants from this length on (two edits from FUZZY_TWO on).
FUZZY_MIN_LENGTH = 5
FUZZY_TWO = 9
# Bump when the schema or the analysis of indexed text changes: older indexes must be rebuilt.
INDEX_FORMAT = "2026.12-search-6"
_FORMAT_FILE = "stellwerk-format"
# Written when a rebuild from all documents is complete: when, in ISO 8601.
_BUILT_FILE = "stellwerk-built"
_WRITER_HEAP = 64_000_000
_POINTER = "CURRENT"
_NO_SALARY = -1
# A distance-sorted page is cut from at most this many postings of a shrunken circle, sorted in Python.
_DISTANCE_CANDIDATES = 2_000
_DISTANCE_ROUNDS = 8
# Fetching every match of a query starts with this many, then all if there are more.
_FIRST_FETCH = 1_000
# Sets of up to this many postings are matched id by id rather than as a term set (see _ids).
_ID_TERMS = 1_500
# Distinct titles, occupations and employers whose index fields are remembered while indexing.
_TEXT_CACHE = 50_000
# Employer names remembered per process, by number (a number always stands for the same name).
_EMPLOYER_NAMES = 100_000
# The points along a circle's edge are counted in one aggregation of at most this many buckets (tantivy's
# limit is 65,000); beyond it, the edge's postings are checked one by one.
_EDGE_POINTS = 60_000
# A distance-sorted page looks for its postings in circles of these shares of the radius before the whole
# one: postings spread roughly with the area, so the nearest page of a big circle usually lies in a small one,
# and ranking the points of a small circle costs a fraction of ranking all points of the big one.
_DISTANCE_STEPS = (0.125, 0.5)
# Below this radius (km) every posting of a circle counts as equally near; the newest come first.
_DISTANCE_RESOLUTION_KM = 0.05


BODY_TOKENIZER = "stellwerk_body"
_BODY_MAX_WORD = 40


def body_analyzer() -> tantivy.TextAnalyzer:
    """Return the analyzer of posting bodies: words, lower case, German stems, folded to ASCII."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(_BODY_MAX_WORD))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("german"))
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


_local = threading.local()
_COUNTER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="stellwerk-facets")


def body_terms(text: str) -> list[str]:
    """Return the body terms of a text, as the index analyses bodies."""
    analyzer = getattr(_local, "body", None)
    if analyzer is None:
        # One analyzer per thread: an analyzer keeps state while it tokenizes.
        analyzer = _local.body = body_analyzer()
    terms: list[str] = analyzer.analyze(text)
    return terms


# Employers without a database number are counted by the hash of their name, with this bit set: exact, but
# a column with such large numbers is counted more slowly.
_EMPLOYER_HASHED = 1 << 63

# Cell terms carry this bit in the place field: location keys stay below 2**57, cell keys below 2**43.
_CELL = 1 << 62


def _cell_terms(keys: Iterable[int]) -> list[int]:
    return [key | _CELL for key in keys]


@functools.lru_cache(maxsize=4096)
def _cover(lat: float, lon: float, radius_km: float) -> Cover:
    # Seekers search around the same few thousand places and radii again and again.
    return cover(lat, lon, radius_km)


def _with_tokenizers(index: tantivy.Index) -> tantivy.Index:
    index.register_tokenizer(BODY_TOKENIZER, body_analyzer())
    return index


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    builder.add_text_field("title", stored=True, tokenizer_name="whitespace")
    builder.add_text_field("parts", stored=True, tokenizer_name="whitespace", index_option="freq")
    # The body is analysed by tantivy itself (in Rust, on the writer's threads): it is most of the text, and
    # analysing it in Python would bound indexing speed. Its analyzer agrees with search/german.py on
    # case, umlauts, ß and stems; the title, which decides relevance most, gets the full German analysis.
    builder.add_text_field("body", tokenizer_name=BODY_TOKENIZER, index_option="freq")
    # The occupation the source names and its KldB name: short, repeated, and telling.
    builder.add_text_field("beruf", tokenizer_name="whitespace", index_option="freq")
    # The title's words unstemmed, for spelling variants: "Mechatronicker" stems far from "Mechatroniker".
    builder.add_text_field("title_words", tokenizer_name="whitespace", index_option="basic")
    # Codes and employers are numbers: counting numbers costs what the matches cost, whereas counting text
    # values costs what the whole vocabulary of the field costs (tens of thousands of employers).
    builder.add_integer_field("kldb", stored=True, indexed=True)
    builder.add_integer_field("kldb3", indexed=True)
    # The columns facets count are unsigned and small (see search/facets.py): the occupation by its number,
    # the employer by its number in the database (a hash of the name, to filter by, would count slowly).
    builder.add_unsigned_field("occupation", fast=True)
    builder.add_integer_field("employer_id", indexed=True)
    builder.add_unsigned_field("employer_number", indexed=True, fast=True)
    builder.add_text_field("employer", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("flags", stored=True, tokenizer_name="raw", index_option="basic")
    for mask in facet_counts.MASKS:
        builder.add_unsigned_field(mask, fast=True)
    builder.add_unsigned_field("published", indexed=True, fast=True)
    builder.add_integer_field("salary", indexed=True, fast=True)
    builder.add_unsigned_field("salary_band", fast=True)
    builder.add_float_field("lat", fast=True)
    builder.add_float_field("lon", fast=True)
    # Where a posting is, as terms to match: the cells that hold it (with _CELL set) and the point it sits
    # at (geo.location_key). One field for both makes a circle one term set: a union of two cost more to
    # walk than the term set itself. A term set on a fast field would scan the whole column.
    builder.add_unsigned_field("place", indexed=True)
    # The point again, as a column to count the distinct points of a circle's edge.
    builder.add_unsigned_field("loc_key", fast=True)
    return builder.build()


SCHEMA = _schema()


@functools.lru_cache(maxsize=_TEXT_CACHE)
def employer_id(name: str) -> int:
    """Return the number an employer is filtered and counted by: a hash of its folded words."""
    key = " ".join(fold(name).split()).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "big") >> 1


@functools.lru_cache(maxsize=_TEXT_CACHE)
def _title_fields(analyzer: GermanAnalyzer, title: str) -> dict[str, str]:
    # Titles repeat across postings ("Verkäufer (m/w/d)"): each distinct one is analysed once.
    analysis = analyzer.title(title)
    words = analysis.terms, analysis.parts, analysis.words
    return dict(zip(("title", "parts", "title_words"), (" ".join(w) for w in words), strict=True))


@functools.lru_cache(maxsize=_TEXT_CACHE)
def _occupation_field(analyzer: GermanAnalyzer, text: str) -> str:
    return " ".join(analyzer.terms(text))


@functools.lru_cache(maxsize=1024)
def _packed(flags: tuple[str, ...]) -> dict[str, int]:
    return facet_counts.pack(flags)


def _to_tantivy(document: IndexDocument, analyzer: GermanAnalyzer) -> tantivy.Document:
    flags = facet_counts.document_flags(document)
    salary = document.salary_max_cents or document.salary_min_cents
    fields: dict[str, Any] = {
        "id": document.posting_id,
        **_title_fields(analyzer, document.title),
        "body": document.body,
        "beruf": _occupation_field(analyzer, document.occupation_text),
        "flags": flags,
        **_packed(tuple(flags)),
        "published": facet_counts.day_number(document.published),
        "salary": salary if salary is not None else _NO_SALARY,
        "salary_band": facet_counts.salary_band(salary),
    }
    if document.kldb:
        fields["kldb"] = int(document.kldb)
        fields["kldb3"] = int(document.kldb[:3])
        fields["occupation"] = facet_counts.occupation_number(document.kldb)
    if document.employer:
        fields["employer"] = document.employer
        fields["employer_id"] = employer_id(document.employer)
        number = document.employer_number
        fields["employer_number"] = number if number is not None else _EMPLOYER_HASHED | fields["employer_id"]
    if document.lat is not None and document.lon is not None:
        fields["lat"] = document.lat
        fields["lon"] = document.lon
        fields["loc_key"] = location_key(document.lat, document.lon)
        fields["place"] = [*_cell_terms(cell_keys(document.lat, document.lon)), fields["loc_key"]]
    return tantivy.Document.from_dict(fields, SCHEMA)


def _all(clauses: Sequence[tantivy.Query]) -> tantivy.Query:
    if not clauses:
        return tantivy.Query.all_query()
    if len(clauses) == 1:
        return clauses[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Must, clause) for clause in clauses])


def _any(clauses: Sequence[tantivy.Query]) -> tantivy.Query:
    if not clauses:
        return tantivy.Query.empty_query()
    if len(clauses) == 1:
        return clauses[0]
    return tantivy.Query.boolean_query([(tantivy.Occur.Should, clause) for clause in clauses])


def _filter(query: tantivy.Query) -> tantivy.Query:
    """Return a query that matches the same postings but adds nothing to their score."""
    return tantivy.Query.const_score_query(query, 0.0)


def _term(field: str, value: str | int) -> tantivy.Query:
    return tantivy.Query.term_query(SCHEMA, field, value)


def _terms(field: str, values: Iterable[str | int]) -> tantivy.Query:
    return tantivy.Query.term_set_query(SCHEMA, field, list(values))


def _one_of(field: str, values: Sequence[str | int]) -> tantivy.Query:
    """Return a query for a few values of a field: one term query each."""
    # A term set query first collects every posting of its terms into a bit set: for a flag or an occupation
    # that half the index has, that is most of a query's time, even where the other clauses match only a
    # few thousand postings. Single terms are advanced to those few instead.
    return _any([_term(field, value) for value in values])


def _ids(posting_ids: Sequence[int]) -> tantivy.Query:
    """Return a query for these postings."""
    if len(posting_ids) > _ID_TERMS:
        return _terms("id", posting_ids)
    # A term set on a fast field scans the whole column, costing milliseconds at a million postings; up to
    # a thousand or so single-term lookups are cheaper.
    return _any([_term("id", posting_id) for posting_id in posting_ids])


def _at_least(field: str, low: int, kind: tantivy.FieldType) -> tantivy.Query:
    return tantivy.Query.range_query(SCHEMA, field, kind, low, None)


def index_format() -> str:
    """Return the format an index must have to be read: the schema's and the occupation numbering's."""
    # The occupations are counted by their place in the packaged KldB list: a new list renumbers them.
    return f"{INDEX_FORMAT} occupations-{facet_counts.occupation_numbering()}"


class IndexOutdated(RuntimeError):
    """The index on disk was built by another version of the schema or analysis; it must be rebuilt."""


def _check_format(generation: Path) -> None:
    try:
        found = (generation / _FORMAT_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        found = "unknown"
    if found != index_format():
        raise IndexOutdated(
            f"the search index in {generation} has format {found}, this version needs {index_format()}: "
            "run `stellwerk reindex`"
        )


@dataclass(frozen=True, slots=True)
class _Page:
    addresses: list[tantivy.DocAddress]
    scores: list[float]
    count: int


class TantivySearch:
    """A tantivy index under `directory`; generations live in subfolders named by the CURRENT file."""

    def __init__(
        self,
        directory: Path,
        analyzer: GermanAnalyzer | None = None,
        thesaurus: Thesaurus | None = None,
    ) -> None:
        self.directory = directory
        self._analyzer = analyzer
        self._thesaurus = thesaurus
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._index: tantivy.Index | None = None
        # The identity of the index's meta file when it was last reloaded: every commit writes a new one.
        self._loaded: tuple[int, int, int] | None = None
        self._employer_names: dict[int, str | None] = {}

    @property
    def analyzer(self) -> GermanAnalyzer:
        """Return the analyzer documents and queries go through."""
        if self._analyzer is None:
            self._analyzer = self._thesaurus.analyzer if self._thesaurus else default_analyzer()
        return self._analyzer

    @property
    def thesaurus(self) -> Thesaurus:
        """Return the synonyms and job titles queries are expanded with."""
        if self._thesaurus is None:
            analyzer = self._analyzer
            self._thesaurus = (
                build_thesaurus(analyzer, default_lexicon(), default_taxonomy())
                if analyzer
                else default_thesaurus()
            )
        return self._thesaurus

    # -- generations -------------------------------------------------------------------------------

    def _current_generation(self) -> str | None:
        try:
            return (self.directory / _POINTER).read_text(encoding="utf-8").strip() or None
        except FileNotFoundError:
            return None

    def _open(self) -> tantivy.Index:
        """Return the index of the current generation, creating the first one if there is none."""
        generation = self._current_generation()
        with self._lock:
            if self._index is not None and generation == self._generation:
                return self._index
            if generation is None:
                with self._write_lock():
                    generation = self._current_generation() or self._new_generation()
            _check_format(self.directory / generation)
            self._index = _with_tokenizers(
                tantivy.Index(SCHEMA, path=str(self.directory / generation), reuse=True)
            )
            self._generation = generation
            self._loaded = None
            return self._index

    def _new_generation(self) -> str:
        name, _ = self._create_generation()
        self._point_to(name)
        return name

    def _create_generation(self) -> tuple[str, tantivy.Index]:
        """Create the next generation's folder with an empty index; callers point to it when it is ready."""
        self.directory.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[4:]) for p in self.directory.glob("gen-*") if p.name[4:].isdigit()]
        name = f"gen-{max(numbers, default=0) + 1}"
        (self.directory / name).mkdir()
        (self.directory / name / _FORMAT_FILE).write_text(index_format(), encoding="utf-8")
        return name, _with_tokenizers(tantivy.Index(SCHEMA, path=str(self.directory / name), reuse=False))

    def _point_to(self, generation: str) -> None:
        tmp = self.directory / f"{_POINTER}.tmp"
        tmp.write_text(generation, encoding="utf-8")
        os.replace(tmp, self.directory / _POINTER)

    @contextmanager
    def _write_lock(self) -> Iterator[None]:
        """Serialise writers across processes (importer, worker, reindex)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "write.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    # -- writing -----------------------------------------------------------------------------------

    def upsert(self, documents: Iterable[IndexDocument], deleted: Iterable[int]) -> None:
        """Add or replace documents and remove deleted postings, then commit."""
        index = self._open()
        analyzer = self.analyzer
        with self._write_lock():
            writer = index.writer(heap_size=_WRITER_HEAP, num_threads=1)
            for posting_id in deleted:
                writer.delete_documents_by_term("id", posting_id)
            for document in documents:
                writer.delete_documents_by_term("id", document.posting_id)
                writer.add_document(_to_tantivy(document, analyzer))
            writer.commit()
            writer.wait_merging_threads()

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        """Build a new generation from all documents, swap it in, and remove the old ones."""
        analyzer = self.analyzer
        with self._write_lock():
            old = self._current_generation()
            name, index = self._create_generation()
            # One writer thread: each segment is then one stretch of the order the documents come in (reindex
            # sends them in place order), so a radius search meets few segments, each in few places. Several
            # threads would deal the postings out among their segments: 1M postings searched 10-15% slower.
            writer = index.writer(heap_size=_WRITER_HEAP * 2, num_threads=1)
            count = 0
            for document in documents:
                writer.add_document(_to_tantivy(document, analyzer))
                count += 1
            writer.commit()
            writer.wait_merging_threads()
            (self.directory / name / _BUILT_FILE).write_text(datetime.now(UTC).isoformat(), encoding="utf-8")
            self._point_to(name)
            for stale in self.directory.glob("gen-*"):
                if stale.name not in {name, old}:
                    shutil.rmtree(stale, ignore_errors=True)
            if old and old != name:
                # Readers in other processes may still have the old files mapped; on POSIX that is safe.
                shutil.rmtree(self.directory / old, ignore_errors=True)
        return count

    # -- reading -----------------------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        index = self._open()
        # Reloading reads the index's metadata, a third of a millisecond per search; a commit (by this or
        # another process) writes a new meta file, so an unchanged one means there is nothing to reload.
        try:
            meta = os.stat(self.directory / str(self._generation) / "meta.json")
            seen: tuple[int, int, int] | None = (meta.st_ino, meta.st_mtime_ns, meta.st_size)
        except FileNotFoundError:
            seen = None
        if seen is None or seen != self._loaded:
            index.reload()
            self._loaded = seen
            # An employer's number stays, but the name its postings give may have changed.
            self._employer_names.clear()
        return index.searcher()

    def count(self) -> int:
        """Return the number of indexed postings."""
        return int(self._searcher().num_docs)

    def built_at(self) -> datetime | None:
        """Return when the current index was built from all documents; None if it never was."""
        generation = self._current_generation()
        try:
            text = (self.directory / str(generation) / _BUILT_FILE).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        return datetime.fromisoformat(text.strip())

    def warm(self) -> None:
        """Load the analyzer, the thesaurus and the index."""
        self.thesaurus.plan("Pflegefachkraft Teilzeit")
        self._searcher()

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the page of hits for a query, with facet counts if asked for."""
        plan = self.thesaurus.plan(query.text)
        if query.sort == Sort.RELEVANCE and not plan:
            # Without words there is no relevance to rank by; newest first is what seekers expect.
            query = replace(query, sort=Sort.DATE)
        if query.sort == Sort.DISTANCE and query.geo is None:
            raise ValueError("sorting by distance needs a place")
        searcher = self._searcher()
        search = _Search(searcher, query, plan, self.analyzer, self._employer_names)
        return search.run()


class _Search:
    """One search against one searcher: builds the queries, pages, and explains the hits."""

    def __init__(
        self,
        searcher: tantivy.Searcher,
        query: SearchQuery,
        plan: list[QueryWord],
        analyzer: GermanAnalyzer,
        employer_names: dict[int, str | None],
    ) -> None:
        self.searcher = searcher
        self.employer_names = employer_names
        self.query = query
        self.plan = [_with_spelling(searcher, word) for word in plan]
        words = _word_queries(self.plan, analyzer)
        required = [_best_of(queries) for word, queries in words if word.required]
        filters = _filter_clauses(query)
        if required or all(word.required for word in self.plan):
            optional = [one for word, queries in words if not word.required for one in queries]
            self.base = _ranked_by([*required, *filters], optional)
        else:
            # Optional words alone: the postings that match any of them.
            self.base = _all([_any([_best_of(queries) for _, queries in words]), *filters])

    def run(self) -> SearchResult:
        query, geo = self.query, self.query.geo
        located = self._circle(geo, geo.radius_km) if geo else None
        elsewhere = _term("flags", "ortsunabhaengig")
        final = self.base
        if located is not None:
            place = _any([located, elsewhere]) if query.include_location_independent else located
            final = _all([self.base, _filter(place)])
        # Facets are counted on a second core while this one finds the page (tantivy releases the GIL).
        counting = _COUNTER.submit(self._aggregate, final) if query.facets else None
        if geo is not None and located is not None and query.sort == Sort.DISTANCE:
            page = self._page_by_distance(final, located, elsewhere, geo, counting)
        else:
            page = self._page(final)
        hits = self._hits(page)
        if counting is None:
            return SearchResult(count=page.count, hits=hits)
        # The facets are read when the caller first asks: it loads the page's postings while they are counted.
        found = facet_counts.Pending(
            lambda: facet_counts.facets(counting.result(), query.today, self._employer)
        )
        return SearchResult(count=page.count, hits=hits, facets=found)

    # -- the place --------------------------------------------------------------------------------

    def _circle(self, geo: GeoFilter, radius_km: float) -> tantivy.Query:
        """Return a query for the postings within radius_km of the place, by their exact distance."""
        cells = _cover(geo.lat, geo.lon, radius_km)
        # The cells wholly inside and the points inside along the edge make one term set.
        places: list[int] = _cell_terms(cells.inside)
        inside: list[tantivy.Query] = []
        if cells.edge:
            edge = _terms("place", _cell_terms(cells.edge))
            counted = self._points(edge)
            if counted is None:
                inside += self._near(_filter(_all([self.base, edge])), geo, radius_km)
            else:
                points = counted[0]
                lats, lons = key_locations(points)
                distances = haversine_array(geo.lat, geo.lon, lats, lons)
                near = points[distances <= radius_km - LOCATION_KEY_ERROR_KM]
                # A point within a metre of the edge is checked posting by posting, by exact coordinates.
                unsure = points[np.abs(distances - radius_km) < LOCATION_KEY_ERROR_KM]
                places += near.tolist()
                if len(unsure):
                    inside += self._near(
                        _filter(_all([self.base, _terms("place", unsure.tolist())])), geo, radius_km
                    )
        return _any([_terms("place", places), *inside] if places else inside)

    def _points(self, query: tantivy.Query) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None:
        """Return the location keys of the postings a query matches and how many sit at each one, or None
        if there are too many points for one count."""
        request = {"points": {"terms": {"field": "loc_key", "size": _EDGE_POINTS}}}
        try:
            found = self.searcher.aggregate(query, request)["points"]
        except ValueError:  # more buckets than tantivy allows
            return None
        if found.get("sum_other_doc_count"):
            return None
        buckets = found["buckets"]
        keys = np.array([int(bucket["key"]) for bucket in buckets], dtype=np.int64)
        return keys, np.array([int(bucket["doc_count"]) for bucket in buckets], dtype=np.int64)

    def _near(self, query: tantivy.Query, geo: GeoFilter, radius_km: float) -> list[tantivy.Query]:
        """Return a query for those postings of a query that lie within radius_km, checked one by one."""
        near = [
            posting_id
            for posting_id, distance in self._distances(query, geo)
            if distance is not None and distance <= radius_km
        ]
        return [_ids(near)] if near else []

    def _distances(self, query: tantivy.Query, geo: GeoFilter) -> list[tuple[int, float | None]]:
        """Return the id and the distance from the place of every posting the query matches."""
        addresses = self._all_addresses(query)
        return list(zip(self._ids(addresses), self._distances_of(addresses, geo), strict=True))

    def _all_addresses(self, query: tantivy.Query) -> list[tantivy.DocAddress]:
        result = self.searcher.search(query, limit=_FIRST_FETCH, count=True)
        if _count(result) > _FIRST_FETCH:
            result = self.searcher.search(query, limit=_count(result), count=False)
        return [address for _, address in result.hits]

    def _distances_of(self, addresses: list[tantivy.DocAddress], geo: GeoFilter) -> list[float | None]:
        """Return each posting's great-circle distance from the place, None where it has no coordinates."""
        if not addresses:
            return []
        lats = np.array(self.searcher.fast_field_values("lat", addresses), dtype=float)
        lons = np.array(self.searcher.fast_field_values("lon", addresses), dtype=float)
        distances = haversine_array(geo.lat, geo.lon, lats, lons)
        return [None if math.isnan(d) else d for d in distances.tolist()]

    # -- pages ------------------------------------------------------------------------------------

    def _page(self, final: tantivy.Query) -> _Page:
        query = self.query
        order = {Sort.DATE: "published", Sort.SALARY: "salary"}.get(query.sort)
        result = self.searcher.search(
            final, limit=max(1, query.limit), count=True, offset=query.offset, order_by_field=order
        )
        scores = [0.0 if order else float(key) for key, _ in result.hits]
        return _Page([address for _, address in result.hits], scores, _count(result))

    def _page_by_distance(
        self,
        final: tantivy.Query,
        located: tantivy.Query,
        elsewhere: tantivy.Query,
        geo: GeoFilter,
        counting: Future[dict[str, Any]] | None,
    ) -> _Page:
        """Return the page of the nearest postings; location-independent ones follow the farthest."""
        query = self.query
        wanted = query.offset + query.limit
        nearest = self._nearest_in_smaller_circles(geo, wanted)
        if nearest is not None:
            page = nearest[query.offset : wanted]
            return _Page(page, [0.0] * len(page), self._total(final, counting))
        near = _all([self.base, _filter(located)])
        addresses: list[tantivy.DocAddress] = []
        counted = self._points(near)
        if counted is not None:
            near_count = int(counted[1].sum())
            if query.offset < near_count:
                addresses = self._nearest_points(near, *counted, geo, wanted)[query.offset : wanted]
        else:
            near_count = self._total(near)
            if near_count and query.offset < near_count:
                addresses = self._nearest(geo, min(wanted, near_count), near_count)[query.offset : wanted]
        total = self._total(final, counting)
        rest = query.limit - len(addresses)
        if rest > 0 and total > near_count:
            # A location-independent posting inside the circle was listed by its distance already.
            others = _all([self.base, _filter(elsewhere)]).and_must_not_match(located)
            offset = max(0, query.offset - near_count)
            result = self.searcher.search(
                others, limit=rest, offset=offset, count=False, order_by_field="published"
            )
            addresses += [address for _, address in result.hits]
        return _Page(addresses, [0.0] * len(addresses), total)

    def _nearest_in_smaller_circles(self, geo: GeoFilter, wanted: int) -> list[tantivy.DocAddress] | None:
        """Return the wanted nearest postings, nearest first, if a circle smaller than the searched one holds
        that many; None if none does."""
        for share in _DISTANCE_STEPS:
            radius = geo.radius_km * share
            near = _all([self.base, _filter(self._circle(geo, radius))])
            counted = self._points(near)
            if counted is None:
                return None
            if int(counted[1].sum()) >= wanted:
                # Every posting outside this circle is farther away than every posting inside it.
                return self._nearest_points(near, *counted, geo, wanted)
        return None

    def _total(self, query: tantivy.Query, counting: Future[dict[str, Any]] | None = None) -> int:
        """Return how many postings a query matches; from its facet counts where they are under way."""
        # The facets count every match anyway: the total comes from them rather than from one more search.
        if counting is not None:
            return facet_counts.total(counting.result())
        return _count(self.searcher.search(query, limit=1, count=True))

    def _nearest_points(
        self,
        near: tantivy.Query,
        points: npt.NDArray[np.int64],
        counts: npt.NDArray[np.int64],
        geo: GeoFilter,
        wanted: int,
    ) -> list[tantivy.DocAddress]:
        """Return the wanted nearest postings, nearest first, ties newest first, from the points they sit at
        and how many sit at each: all postings of the nearest points, then the newest of the next one."""
        lats, lons = key_locations(points)
        order = np.lexsort((points, haversine_array(geo.lat, geo.lon, lats, lons)))
        # The points before `boundary` hold fewer postings than wanted together; that one completes them.
        cumulative = np.cumsum(counts[order])
        boundary = int(np.searchsorted(cumulative, wanted))
        if boundary < len(order) and cumulative[boundary] <= _DISTANCE_CANDIDATES:
            # Few enough postings up to the boundary point: fetch them all at once and rank them here.
            closest = points[order[: boundary + 1]].tolist()
            return self._ranked_by_distance(self._all_addresses(_all([near, _terms("place", closest)])), geo)[
                :wanted
            ]
        addresses: list[tantivy.DocAddress] = []
        if boundary:
            addresses = self._ranked_by_distance(
                self._all_addresses(_all([near, _terms("place", points[order[:boundary]].tolist())])), geo
            )
        if boundary < len(order):
            at_boundary = _all([near, _term("place", int(points[order[boundary]]))])
            result = self.searcher.search(
                at_boundary, limit=wanted - len(addresses), count=False, order_by_field="published"
            )
            addresses += [address for _, address in result.hits]
        return addresses

    def _ranked_by_distance(
        self, addresses: list[tantivy.DocAddress], geo: GeoFilter
    ) -> list[tantivy.DocAddress]:
        """Return postings nearest first, ties newest first."""
        days = _ints(self.searcher.fast_field_values("published", addresses))
        distances = self._distances_of(addresses, geo)
        ranked = sorted(
            range(len(addresses)), key=lambda i: (distances[i] or 0.0, -days[i], addresses[i].doc)
        )
        return [addresses[i] for i in ranked]

    def _nearest(self, geo: GeoFilter, wanted: int, total: int) -> list[tantivy.DocAddress]:
        """Return the wanted nearest postings of the circle, nearest first, ties newest first, by shrinking
        the circle (for circles with more points than one count can hold)."""
        radius, count = geo.radius_km, total
        smaller = 0.0
        for _ in range(_DISTANCE_ROUNDS):
            if count <= _DISTANCE_CANDIDATES or radius <= _DISTANCE_RESOLUTION_KM:
                break
            # Postings spread roughly with the area: aim at a circle with a few times the wanted number.
            target = max(wanted, min(3 * wanted, _DISTANCE_CANDIDATES // 2))
            guess = radius * math.sqrt(target / count)
            tried = guess if smaller < guess < radius else (smaller + radius) / 2
            found = self._total(self._within(geo, tried))
            if found >= wanted:
                radius, count = tried, found
            else:
                smaller = tried
        circle = self._within(geo, radius)
        if count > _DISTANCE_CANDIDATES:
            # So many at one spot that distance cannot tell them apart: take the newest of them.
            result = self.searcher.search(circle, limit=wanted, count=False, order_by_field="published")
            return [address for _, address in result.hits]
        return self._ranked_by_distance(self._all_addresses(circle), geo)[:wanted]

    def _within(self, geo: GeoFilter, radius_km: float) -> tantivy.Query:
        return _all([self.base, _filter(self._circle(geo, radius_km))])

    # -- hits, facets -----------------------------------------------------------------------------

    def _hits(self, page: _Page) -> list[SearchHit]:
        ids = self._ids(page.addresses)
        geo = self.query.geo
        distances = self._distances_of(page.addresses, geo) if geo else [None] * len(ids)
        field, remote_bit = facet_counts.BITS["ortsunabhaengig"]
        masks = _ints(self.searcher.fast_field_values(field, page.addresses))
        hits = []
        for position, address in enumerate(page.addresses):
            distance = distances[position]
            hits.append(
                SearchHit(
                    posting_id=ids[position],
                    score=page.scores[position],
                    distance_km=round(distance, 1) if distance is not None else None,
                    location_independent=bool(masks[position] & remote_bit),
                    reasons=self._reasons(address) if self.plan else (),
                )
            )
        return hits

    def _reasons(self, address: tantivy.DocAddress) -> tuple[MatchReason, ...]:
        stored = self.searcher.doc(address).to_dict()
        code = (stored.get("kldb") or [None])[0]
        seen = _Stored(
            title=set(" ".join(stored.get("title", [])).split()),
            parts=set(" ".join(stored.get("parts", [])).split()),
            kldb=f"{code:05d}" if code is not None else None,
            flags=set(stored.get("flags", [])),
        )
        return tuple(reason for word in self.plan if (reason := _reason(word, seen)) is not None)

    def _employer(self, number: int) -> str | None:
        """Return the name of an employer by its number, from any of its postings."""
        if number in self.employer_names:
            return self.employer_names[number]
        result = self.searcher.search(_term("employer_number", number), limit=1, count=False)
        if not result.hits:
            return None
        names = self.searcher.doc(result.hits[0][1]).to_dict().get("employer") or [None]
        name = str(names[0]) if names[0] else None
        if len(self.employer_names) > _EMPLOYER_NAMES:
            self.employer_names.clear()
        self.employer_names[number] = name
        return name

    def _ids(self, addresses: list[tantivy.DocAddress]) -> list[int]:
        return _ints(self.searcher.fast_field_values("id", addresses))

    def _aggregate(self, final: tantivy.Query) -> dict[str, Any]:
        aggregations: dict[str, Any] = self.searcher.aggregate(final, facet_counts.aggregation_request())
        return aggregations


# -- query building -----------------------------------------------------------------------------------


def _with_spelling(searcher: tantivy.Searcher, word: QueryWord) -> QueryWord:
    """Add spelling variants to a single word the index does not know at all."""
    if len(word.terms) != 1 or not word.required:
        return word
    term = word.terms[0]
    known = any(searcher.doc_freq(field, term) for field in ("title", "parts", "beruf"))
    if (
        len(term) < FUZZY_MIN_LENGTH
        or known
        or any(searcher.doc_freq("body", t) for t in body_terms(word.text))
    ):
        return word
    spelling = Alternative(MatchKind.SPELLING, (term, *body_terms(word.text)), fold(word.text.lower()))
    return replace(word, alternatives=(*word.alternatives, spelling))


def _word_queries(
    plan: list[QueryWord], analyzer: GermanAnalyzer
) -> list[tuple[QueryWord, list[tantivy.Query]]]:
    """Return each word of the plan with one query per way it matches."""
    return [
        (word, [_alternative_query(a, analyzer, in_body=_in_body(word)) for a in word.alternatives])
        for word in plan
    ]


def _best_of(alternatives: list[tantivy.Query]) -> tantivy.Query:
    """Return a query for a word that scores the best way it matches."""
    # The best way a word matches counts, not the sum of all: a posting that matches three synonyms of a
    # word is no better a match for it than one that uses the word itself.
    return tantivy.Query.disjunction_max_query(alternatives, TIE_BREAKER)


def _ranked_by(required: list[tantivy.Query], optional: list[tantivy.Query]) -> tantivy.Query:
    """Return a query that needs every required clause and adds the score of each optional one matching."""
    # Each optional clause wraps the query so far, rather than all of them forming one union beside it:
    # tantivy then looks each one up at the postings that match only. A union scores every posting of its
    # clauses, and a condition ("Teilzeit": a quarter of all postings work part-time) made that most of a
    # search's time. Ranking is hardly affected: the optional clauses are alternatives of words that only
    # rank, and a posting now gets the sum of those that match, not the best of each word.
    combined = _all(required)
    for clause in optional:
        combined = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, combined), (tantivy.Occur.Should, clause)]
        )
    return combined


def _in_body(word: QueryWord) -> bool:
    """Return whether a word may match in the description, not only where the job is named."""
    # A job title finds the postings of that job by their title, occupation name and occupation code. In
    # descriptions its stem matches far more: "Entwickler" and "Entwicklung" both stem to "entwickl", and
    # every other description offers "persönliche Entwicklung", so a quarter of all postings matched
    # "Entwickler" and had to be ranked. Skills and other words ("SAP", "Dialyse") still match anywhere.
    # Condition words ("Vollzeit") only rank: the posting's terms say it better than its description, and
    # every other description mentions them, which made ranking by them cost most of a search.
    return word.required and not word.job_title


def _alternative_query(
    alternative: Alternative, analyzer: GermanAnalyzer, *, in_body: bool = True
) -> tantivy.Query:
    if alternative.kind == MatchKind.OCCUPATION:
        codes = [int(code) for code in alternative.kldb]
        return tantivy.Query.const_score_query(_one_of("kldb", codes), OCCUPATION_SCORE)
    if alternative.kind == MatchKind.CONDITION:
        return tantivy.Query.const_score_query(_one_of("flags", alternative.flags), CONDITION_SCORE)
    if alternative.kind == MatchKind.SPELLING:
        matched = _fuzzy(alternative)
    else:
        # A compound's words apart count where the job is named (title, occupation): in descriptions they
        # would match nearly every posting ("Lager" and "Helfer" somewhere in the text).
        in_body = in_body and alternative.kind != MatchKind.PART
        matched = _all(_words_anywhere(alternative.label, analyzer, in_body=in_body))
    # A match of several terms scores their sum; per term, alternatives of different lengths compare fairly.
    weight = ALTERNATIVE_WEIGHT.get(alternative.kind, 1.0) / max(1, len(alternative.terms))
    return tantivy.Query.boost_query(matched, weight) if weight != 1.0 else matched


def _words_anywhere(text: str, analyzer: GermanAnalyzer, *, in_body: bool) -> list[tantivy.Query]:
    """Return one query per word of the text: its term in the title or its parts, or the word in the body."""
    clauses = []
    for word in text.split():
        terms = analyzer.terms(word)
        if not terms:
            continue
        ways = [
            tantivy.Query.boost_query(_term(field, term), boost)
            for term in terms
            for field, boost in (("title", TITLE_BOOST), ("parts", PART_BOOST), ("beruf", BERUF_BOOST))
        ]
        if in_body and (body := body_terms(word)):
            ways.append(tantivy.Query.boost_query(_all([_term("body", term) for term in body]), BODY_BOOST))
        clauses.append(_any(ways))
    return clauses


def _fuzzy(alternative: Alternative) -> tantivy.Query:
    """Return a query for words spelled like the alternative's: its title term, word, and body terms."""
    term, *body = alternative.terms
    fields = [
        ("title", term, TITLE_BOOST),
        ("parts", term, PART_BOOST),
        ("title_words", alternative.label, TITLE_BOOST),
    ]
    fields += [("body", body_term, BODY_BOOST) for body_term in body[:1]]
    return _any(
        [
            tantivy.Query.boost_query(
                tantivy.Query.fuzzy_term_query(
                    SCHEMA, field, text, distance=2 if len(text) >= FUZZY_TWO else 1
                ),
                boost,
            )
            for field, text, boost in fields
        ]
    )


def _filter_clauses(query: SearchQuery) -> list[tantivy.Query]:
    """Return the filters of a query, each adding nothing to the score."""
    clauses: list[tantivy.Query] = []
    if query.kldb:
        clauses.append(_term("kldb" if len(query.kldb) == 5 else "kldb3", int(query.kldb)))
    any_of = [query.working_time, query.offer_kinds]
    clauses += [_one_of("flags", sorted(values)) for values in any_of if values]
    if query.fixed_term is not None:
        clauses.append(_term("flags", "befristet" if query.fixed_term else "unbefristet"))
    if query.entry_level:
        clauses.append(_term("flags", "einstieg"))
    if query.remote is not None:
        clauses.append(_term("flags", "remote_full" if query.remote == Remote.FULL else "remote_partial"))
    if query.level is not None:
        clauses.append(_term("flags", f"niveau{query.level}"))
    if query.employer:
        clauses.append(_term("employer_id", employer_id(query.employer)))
    if query.published_since is not None:
        since = facet_counts.day_number(query.published_since)
        clauses.append(_at_least("published", since, tantivy.FieldType.Unsigned))
    if query.salary_from_cents is not None:
        clauses.append(_at_least("salary", query.salary_from_cents, tantivy.FieldType.Integer))
    agencies = (("zeitarbeit", query.include_temp_agency), ("pav", query.include_private_agency))
    excluded = [flag for flag, included in agencies if not included]
    if excluded:
        clauses.append(tantivy.Query.all_query().and_must_not_match(_one_of("flags", excluded)))
    return [_filter(clause) for clause in clauses]


@dataclass(frozen=True, slots=True)
class _Stored:
    """What the index stores of a posting to explain a match: title terms and parts, occupation, flags."""

    title: set[str]
    parts: set[str]
    kldb: str | None
    flags: set[str]


def _reason(word: QueryWord, seen: _Stored) -> MatchReason | None:
    """Return how a query word matched a posting; None for an optional word that did not."""
    for alternative in word.alternatives:
        terms = set(alternative.terms)
        if alternative.kind == MatchKind.OCCUPATION:
            if seen.kldb in alternative.kldb:
                return MatchReason(word.text, MatchKind.OCCUPATION, seen.kldb or "")
        elif alternative.kind == MatchKind.CONDITION:
            if seen.flags & set(alternative.flags):
                return MatchReason(word.text, MatchKind.CONDITION, alternative.label)
        elif alternative.kind == MatchKind.SPELLING:
            continue
        elif terms and terms <= seen.title:
            kind = MatchKind.TITLE if alternative.kind == MatchKind.TITLE else alternative.kind
            return MatchReason(word.text, kind, "" if kind == MatchKind.TITLE else alternative.label)
        elif terms and terms <= seen.title | seen.parts:
            kind = MatchKind.PART if alternative.kind == MatchKind.TITLE else alternative.kind
            return MatchReason(word.text, kind, alternative.label)
    if not word.required:
        return None
    if any(a.kind == MatchKind.SPELLING for a in word.alternatives):
        return MatchReason(word.text, MatchKind.SPELLING, "")
    return MatchReason(word.text, MatchKind.TEXT, "")


def _count(result: tantivy.SearchResult) -> int:
    # The bindings' type stub omits `count`, which search(count=True) fills in.
    return int(getattr(result, "count", None) or 0)


def _ints(values: list[int | float | bool | None]) -> list[int]:
    return [int(v) if v is not None else 0 for v in values]
