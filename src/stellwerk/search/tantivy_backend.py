"""Search backend on tantivy: an embedded index in the data directory, swapped atomically on rebuild."""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import tantivy

from stellwerk.domain.places import bounding_box, haversine_km
from stellwerk.search.german import analyze
from stellwerk.search.interfaces import IndexDocument, SearchHit, SearchQuery, SearchResult, Sort

TITLE_BOOST = 3.0
_WRITER_HEAP = 64_000_000
_POINTER = "CURRENT"
_NO_DATE = -1


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("id", stored=True, indexed=True, fast=True)
    # Text is analysed in Python (search/german.py) and handed over as space-separated terms.
    builder.add_text_field("title", tokenizer_name="whitespace")
    builder.add_text_field("body", tokenizer_name="whitespace")
    builder.add_text_field("kldb", tokenizer_name="raw")
    builder.add_float_field("lat", indexed=True, fast=True)
    builder.add_float_field("lon", indexed=True, fast=True)
    builder.add_integer_field("published", indexed=True, fast=True)
    return builder.build()


SCHEMA = _schema()


def _to_tantivy(document: IndexDocument) -> tantivy.Document:
    fields: dict[str, Any] = {
        "id": document.posting_id,
        "title": " ".join(analyze(document.title)),
        "body": " ".join(analyze(document.body)),
        "published": document.published.toordinal() if document.published else _NO_DATE,
    }
    if document.kldb:
        fields["kldb"] = document.kldb
    if document.lat is not None and document.lon is not None:
        fields["lat"] = document.lat
        fields["lon"] = document.lon
    return tantivy.Document.from_dict(fields, SCHEMA)


class TantivySearch:
    """A tantivy index under `directory`; generations live in subfolders named by the CURRENT file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._index: tantivy.Index | None = None

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
            self._index = tantivy.Index(SCHEMA, path=str(self.directory / generation), reuse=True)
            self._generation = generation
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
        return name, tantivy.Index(SCHEMA, path=str(self.directory / name), reuse=False)

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
        with self._write_lock():
            writer = index.writer(heap_size=_WRITER_HEAP, num_threads=1)
            for posting_id in deleted:
                writer.delete_documents_by_term("id", posting_id)
            for document in documents:
                writer.delete_documents_by_term("id", document.posting_id)
                writer.add_document(_to_tantivy(document))
            writer.commit()
            writer.wait_merging_threads()

    def rebuild(self, documents: Iterable[IndexDocument]) -> int:
        """Build a new generation from all documents, swap it in, and remove the old ones."""
        with self._write_lock():
            old = self._current_generation()
            name, index = self._create_generation()
            writer = index.writer(heap_size=_WRITER_HEAP * 2)
            count = 0
            for document in documents:
                writer.add_document(_to_tantivy(document))
                count += 1
            writer.commit()
            writer.wait_merging_threads()
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
        index.reload()
        return index.searcher()

    def count(self) -> int:
        """Return the number of indexed postings."""
        return int(self._searcher().num_docs)

    def search(self, query: SearchQuery) -> SearchResult:
        """Return the page of hits for a query; radius searches are filtered by true distance."""
        if query.sort == Sort.RELEVANCE and not analyze(query.text):
            # Without words there is no relevance to rank by; newest first is what seekers expect.
            query = replace(query, sort=Sort.DATE)
        searcher = self._searcher()
        tantivy_query = self._build_query(query)
        if query.geo is None:
            return self._search_plain(searcher, tantivy_query, query)
        return self._search_radius(searcher, tantivy_query, query)

    def _build_query(self, query: SearchQuery) -> tantivy.Query:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for term in dict.fromkeys(analyze(query.text)):
            title = tantivy.Query.boost_query(tantivy.Query.term_query(SCHEMA, "title", term), TITLE_BOOST)
            body = tantivy.Query.term_query(SCHEMA, "body", term)
            either = tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, title), (tantivy.Occur.Should, body)]
            )
            clauses.append((tantivy.Occur.Must, either))
        if query.kldb:
            clauses.append((tantivy.Occur.Must, tantivy.Query.term_query(SCHEMA, "kldb", query.kldb)))
        if query.geo is not None:
            min_lat, max_lat, min_lon, max_lon = bounding_box(
                query.geo.lat, query.geo.lon, query.geo.radius_km
            )
            for field, low, high in (("lat", min_lat, max_lat), ("lon", min_lon, max_lon)):
                box = tantivy.Query.range_query(SCHEMA, field, tantivy.FieldType.Float, low, high)
                clauses.append((tantivy.Occur.Must, box))
        if not clauses:
            return tantivy.Query.all_query()
        return tantivy.Query.boolean_query(clauses)

    def _search_plain(
        self, searcher: tantivy.Searcher, tq: tantivy.Query, query: SearchQuery
    ) -> SearchResult:
        by_date = query.sort == Sort.DATE
        result = searcher.search(
            tq,
            limit=max(1, query.limit),
            count=True,
            offset=query.offset,
            order_by_field="published" if by_date else None,
        )
        addresses = [address for _, address in result.hits]
        ids = _ints(searcher.fast_field_values("id", addresses))
        scores = [0.0 if by_date else float(key) for key, _ in result.hits]
        hits = [SearchHit(pid, score, None) for pid, score in zip(ids, scores, strict=True)]
        return SearchResult(count=_count(result), hits=hits)

    def _search_radius(
        self, searcher: tantivy.Searcher, tq: tantivy.Query, query: SearchQuery
    ) -> SearchResult:
        geo = query.geo
        assert geo is not None
        total = _count(searcher.search(tq, limit=1, count=True))
        if total == 0:
            return SearchResult(count=0, hits=[])
        # The bounding box over-selects at its corners; every candidate is checked by true distance.
        result = searcher.search(tq, limit=total, count=False)
        addresses = [address for _, address in result.hits]
        lats = _floats(searcher.fast_field_values("lat", addresses))
        lons = _floats(searcher.fast_field_values("lon", addresses))
        ids = _ints(searcher.fast_field_values("id", addresses))
        days = _ints(searcher.fast_field_values("published", addresses)) if query.sort == Sort.DATE else None
        inside: list[tuple[float, float, int, int]] = []
        for position, (score, _) in enumerate(result.hits):
            distance = haversine_km(geo.lat, geo.lon, lats[position], lons[position])
            if distance <= geo.radius_km:
                day = days[position] if days is not None else 0
                inside.append((float(score), distance, ids[position], day))
        inside.sort(key=_sort_key(query.sort))
        page = inside[query.offset : query.offset + query.limit]
        hits = [SearchHit(pid, score, round(distance, 1)) for score, distance, pid, _ in page]
        return SearchResult(count=len(inside), hits=hits)


def _count(result: tantivy.SearchResult) -> int:
    # The bindings' type stub omits `count`, which search(count=True) fills in.
    return int(getattr(result, "count", None) or 0)


def _ints(values: list[int | float | bool | None]) -> list[int]:
    return [int(v) if v is not None else 0 for v in values]


def _floats(values: list[int | float | bool | None]) -> list[float]:
    return [float(v) if v is not None else float("nan") for v in values]


def _sort_key(sort: Sort) -> Any:
    if sort == Sort.DISTANCE:
        return lambda row: (row[1], -row[0], row[2])
    if sort == Sort.DATE:
        return lambda row: (-row[3], row[1], row[2])
    return lambda row: (-row[0], row[1], row[2])
