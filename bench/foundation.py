"""Measure import speed and search latency on the packaged demo data set (6,823 real BA postings).

Run: .venv/bin/python bench/foundation.py   (uses a fresh temporary data directory, SQLite)
Prints figures; asserts nothing. The machine is shared: read medians and ratios, not single runs.
"""

from __future__ import annotations

import http.client
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from urllib.parse import urlencode

os.environ["STELLWERK_DATA_DIR"] = tempfile.mkdtemp(prefix="stellwerk-bench-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stellwerk.settings")

import django

django.setup()

from stellwerk.normalize.posting import default_normalizers  # noqa: E402
from stellwerk.postings.importing import demo_path, import_records  # noqa: E402
from stellwerk.postings.indexing import process_outbox, reindex, search_backend  # noqa: E402
from stellwerk.postings.search import JobSearch, search_jobs  # noqa: E402
from stellwerk.postings.setup import prepare_database  # noqa: E402
from stellwerk.reference.gazetteer import default_gazetteer  # noqa: E402
from stellwerk.search.interfaces import Sort  # noqa: E402
from stellwerk.sources.ba_jobsuche import read_file  # noqa: E402

WORDS = [
    "", "Informatiker", "Pflege", "Verkäufer", "Lager", "Mechatroniker", "Koch", "Erzieher", "Helfer",
    "Fachkraft Lagerlogistik", "Elektroniker", "Medizinische Fachangestellte", "Berufskraftfahrer",
    "Industriemechaniker", "Reinigung", "Gabelstapler", "Buchhalter", "Vertrieb", "Teilzeit", "Ingenieur",
]  # fmt: skip
PLACES = [
    "", "Bamberg", "Nürnberg", "96047", "Erlangen", "Bayreuth", "Coburg", "Würzburg", "Forchheim",
    "Schweinfurt",
]  # fmt: skip
RADII = [10, 25, 50, 100]


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return f"p50 {at(0.50):6.2f} ms   p95 {at(0.95):6.2f} ms   p99 {at(0.99):6.2f} ms   (n={len(samples)})"


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def queries() -> list[JobSearch]:
    searches = []
    for i, word in enumerate(WORDS):
        for j, place in enumerate(PLACES):
            sort = [Sort.RELEVANCE, Sort.DATE, Sort.DISTANCE][(i + j) % 3] if place else Sort.RELEVANCE
            if sort == Sort.RELEVANCE and not word:
                sort = Sort.DATE
            searches.append(JobSearch(was=word, wo=place, umkreis=RADII[(i + j) % 4], sort=sort))
    return searches


def main() -> None:
    gazetteer = default_gazetteer()
    print(f"setup (migrate + reference data): {timed(prepare_database):.2f} s")
    items = list(read_file(demo_path()))
    loading = timed(default_normalizers)
    print(f"loading normalisers (gazetteer, taxonomy, classifier, skills): {loading:.2f} s")
    started = time.perf_counter()
    summary = import_records(items, default_normalizers())
    first = time.perf_counter() - started
    indexing = timed(process_outbox)
    print(
        f"import, first run:  {summary.new} new in {first:.2f} s = {summary.new / first:,.0f} records/s "
        f"(normalise, store, index after each batch; outbox rest {indexing:.2f} s)"
    )
    rerun = timed(lambda: import_records(items, default_normalizers()))
    rate = len(items) / rerun
    print(f"import, rerun:      {len(items)} unchanged in {rerun:.2f} s = {rate:,.0f} records/s")
    print(f"reindex:            {timed(reindex):.2f} s for {search_backend().count()} postings")

    searches = queries()
    backend = search_backend()
    for search in searches:  # warm caches once
        search_jobs(search, gazetteer, backend)
    samples = [timed(lambda s=s: search_jobs(s, gazetteer, backend)) for s in searches for _ in range(3)]
    print(f"search in-process:  {percentiles(samples)}")

    import waitress.server

    from stellwerk.wsgi import application

    server = waitress.server.create_server(application, host="127.0.0.1", port=0, threads=4)
    port = server.effective_port  # type: ignore[union-attr]
    threading.Thread(target=server.run, daemon=True).start()
    connection = http.client.HTTPConnection("127.0.0.1", port)
    http_samples = []
    for search in searches * 2:
        params = {"was": search.was, "wo": search.wo, "umkreis": search.umkreis, "sort": search.sort.value}
        started = time.perf_counter()
        connection.request("GET", "/api/v1/jobs?" + urlencode(params))
        response = connection.getresponse()
        response.read()
        http_samples.append(time.perf_counter() - started)
        assert response.status == 200, (params, response.status)
    print(f"search via HTTP API: {percentiles(http_samples)}")
    page_samples = []
    for search in searches:
        params = {"was": search.was, "wo": search.wo, "umkreis": search.umkreis}
        started = time.perf_counter()
        connection.request("GET", "/jobs?" + urlencode(params))
        response = connection.getresponse()
        response.read()
        page_samples.append(time.perf_counter() - started)
    print(f"search page (HTML):  {percentiles(page_samples)}")
    median_count = statistics.median(search_jobs(s, gazetteer, backend).count for s in searches)
    print(f"median result count: {median_count:.0f}")
    server.close()


if __name__ == "__main__":
    main()
