"""Where the time of the fixed search queries goes, on an index bench/search.py built and kept.

Run:  .venv/bin/python bench/search_stages.py --keep DIR [--rounds 3]
Runs every query of bench/search.py once to warm the caches, then `rounds` times, and keeps each query's best
run: the machine is shared, and the best of a few runs varies far less than one run. Prints, per kind of
query, the mean of those best times split into the backend's search, the wait for the facet counts and
their reading in Python (the rest is the place, the parameters and loading the postings), the p50 and p95
of all best times, and the slowest queries. To compare two versions, run it for each, one after the other.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

STAGES = ("total", "backend", "wait", "facets")


def main() -> None:
    """Time the stages of every fixed query and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", type=Path, required=True, help="the data directory bench/search.py kept")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each query (default 3)")
    parser.add_argument("--slowest", type=int, default=10, help="slowest queries to list (default 10)")
    args = parser.parse_args()
    os.environ["STELLWERK_DATA_DIR"] = str(args.keep)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stellwerk.settings")
    import django

    django.setup()
    import search as bench
    from stellwerk.postings.indexing import search_backend
    from stellwerk.postings.search import JobSearch, search_jobs
    from stellwerk.postings.serving import prepare_serving
    from stellwerk.reference.gazetteer import default_gazetteer
    from stellwerk.search import facets, tantivy_backend

    spent: dict[str, float] = defaultdict(float)

    def timing(stage: str, action: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(action)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return action(*args, **kwargs)
            finally:
                spent[stage] += time.perf_counter() - started

        return timed

    # Measuring instruments only: each wrapper adds a call and a clock read to a search.
    tantivy_backend.TantivySearch.search = timing("backend", tantivy_backend.TantivySearch.search)  # type: ignore[method-assign]
    facets.facets = timing("facets", facets.facets)
    Future.result = timing("wait", Future.result)  # type: ignore[method-assign]

    prepare_serving()
    gazetteer, backend = default_gazetteer(), search_backend()
    queries = bench.queries()

    def run(query: bench.BenchQuery) -> dict[str, float]:
        search = JobSearch.from_params({k: [v] for k, v in query.params.items()})
        spent.clear()
        started = time.perf_counter()
        search_jobs(search, gazetteer, backend, today=bench.TODAY)
        spent["total"] = time.perf_counter() - started
        return dict(spent)

    for query in queries:
        run(query)
    best: dict[int, dict[str, float]] = {}
    for _ in range(args.rounds):
        for number, query in enumerate(queries):
            times = run(query)
            if number not in best or times["total"] < best[number]["total"]:
                best[number] = times
    print(f"{len(queries)} queries, best of {args.rounds} runs each; mean in ms")
    print(f"{'kind':<16}" + "".join(f"{stage:>10}" for stage in STAGES))
    for kind in [*sorted({q.kind for q in queries}), None]:
        rows = [best[n] for n, q in enumerate(queries) if kind is None or q.kind == kind]
        means = (statistics.mean(row.get(stage, 0.0) for row in rows) * 1000 for stage in STAGES)
        print(f"{kind or 'all':<16}" + "".join(f"{mean:10.2f}" for mean in means))
    totals = sorted(row["total"] for row in best.values())
    p50, p95 = totals[len(totals) // 2] * 1000, totals[int(len(totals) * 0.95)] * 1000
    print(f"all best times: p50 {p50:.2f} ms, p95 {p95:.2f} ms")
    print("slowest:")
    for number in sorted(best, key=lambda n: -best[n]["total"])[: args.slowest]:
        row, query = best[number], queries[number]
        parts = " ".join(f"{stage} {row.get(stage, 0.0) * 1000:.2f}" for stage in STAGES[1:])
        print(f"  {row['total'] * 1000:6.2f} ms ({parts})  {query.kind} {query.params}")


if __name__ == "__main__":
    main()
