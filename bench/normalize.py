"""Measure normalisation + classification throughput on the real BA postings in ../shared/data.

Run: .venv/bin/python bench/normalize.py [--shared ../shared/data] [--repeat 3]
Prints postings per second for the whole pass and per stage; the target is >= 5,000 postings/s.
Each figure is postings per second of wall time and of CPU time (the machine is shared: CPU time is
the steadier one), the median of the runs and the first run alone, when the caches of repeated titles,
places and pay texts are still cold (every stage after the first finds them partly warm).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from stellwerk.domain.postings import InvalidRecord, PostingData, RawRecord
from stellwerk.normalize.occupations import kldb_for_beruf
from stellwerk.normalize.places import match_place
from stellwerk.normalize.posting import default_normalizers, normalize_many, normalize_posting
from stellwerk.normalize.salary import parse_salary
from stellwerk.normalize.terms import parse_terms
from stellwerk.normalize.titles import clean_title
from stellwerk.sources.ba_jobsuche import map_record, read_file

ROOT = Path(__file__).resolve().parent.parent
FILES = ("postings/ba_jobsuche_search_bamberg_2025.csv", "postings/ba_jobsuche_fulltext_2025.csv")


def load(shared: Path) -> list[PostingData]:
    """Map every readable posting of the shared files."""
    postings = []
    for name in FILES:
        for item in read_file(shared / name):
            if isinstance(item, RawRecord):
                try:
                    postings.append(map_record(item))
                except InvalidRecord:
                    continue
    return postings


def rate(
    action: Callable[[PostingData], object], postings: list[PostingData], repeat: int
) -> tuple[float, float, float]:
    """Return postings per second of an action: median wall, median CPU, and CPU of the first run."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        for posting in postings:
            action(posting)
        wall.append(len(postings) / (time.perf_counter() - started))
        cpu.append(len(postings) / max(time.process_time() - started_cpu, 1e-9))
    return statistics.median(wall), statistics.median(cpu), cpu[0]


def batch_rate(
    action: Callable[[list[PostingData]], object], postings: list[PostingData], repeat: int
) -> tuple[float, float, float]:
    """Return postings per second of an action on all postings at once, measured like `rate`."""
    wall, cpu, first = rate(lambda _: action(postings), postings[:1], repeat)
    return wall * len(postings), cpu * len(postings), first * len(postings)


def main() -> None:
    """Load the postings, warm the normalisers, and print the rates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not (args.shared / FILES[0]).exists():
        sys.exit(f"{args.shared} does not hold the BA postings; pass --shared PATH")
    started = time.perf_counter()
    tools = default_normalizers()
    print(f"loading reference data and models: {time.perf_counter() - started:.2f} s")
    postings = load(args.shared)
    with_text = sum(1 for p in postings if p.description)
    print(f"{len(postings):,} postings ({with_text} with description)")
    unlabelled = [
        PostingData(title=p.title, employer=p.employer, description=p.description) for p in postings
    ]
    stages: list[tuple[str, Callable[[PostingData], object], list[PostingData]]] = [
        ("whole pass (BA label where given)", lambda p: normalize_posting(p, tools), postings),
        ("whole pass, classifier for every posting", lambda p: normalize_posting(p, tools), unlabelled),
        ("title cleaning", lambda p: clean_title(p.title), postings),
        (
            "place matching",
            lambda p: match_place(tools.gazetteer, p.place_name, p.postal_code, p.region),
            postings,
        ),
        ("BA label -> KldB", lambda p: kldb_for_beruf(tools.taxonomy, p.beruf or ""), postings),
        (
            "classifier",
            lambda p: tools.classifier.classify(p.title, p.employer, p.description or None),
            postings,
        ),
        ("salary", lambda p: parse_salary(f"{p.title}\n{p.description}"), postings),
        ("terms", lambda p: parse_terms(p.title, p.description), postings),
        ("skills", lambda p: tools.skills.extract(f"{p.title}\n{p.description}"), postings),
    ]
    print(f"{'postings/s':<42} {'wall':>10} {'CPU':>10} {'CPU, 1st run':>13}")
    # The batch runs first, while every cache is cold: its first run is what an import of new postings sees.
    batches: list[tuple[str, list[PostingData]]] = [
        ("batch normalize_many, classifier for all", unlabelled),
        ("batch normalize_many (BA label where given)", postings),
    ]
    for label, rows in batches:
        wall, cpu, first = batch_rate(lambda batch: normalize_many(batch, tools), rows, args.repeat)
        print(f"{label:<42} {wall:>10,.0f} {cpu:>10,.0f} {first:>13,.0f}")
    for label, action, rows in stages:
        wall, cpu, first = rate(action, rows, args.repeat)
        print(f"{label:<42} {wall:>10,.0f} {cpu:>10,.0f} {first:>13,.0f}")


if __name__ == "__main__":
    main()
