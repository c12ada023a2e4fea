"""Measure the market figures at scale: refresh time of the aggregates and render time of the pages.

Run: .venv/bin/python bench/insights.py [--size 1000000] [--pages 200] [--skip-index]
Builds N synthetic postings in a temporary SQLite database (bulk insert), indexes them, refreshes the
aggregates, then renders occupation × place pages in-process (Django test client, no network) and prints
p50/p95. Occupations follow the Entgeltatlas headcounts, places their population, so cells are as uneven as
real ones. With STELLWERK_DATA_DIR set to the directory of an earlier run, its postings are used again.
Prints figures; asserts nothing. The machine is shared: read medians, not single runs.
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta

os.environ.setdefault("STELLWERK_DATA_DIR", tempfile.mkdtemp(prefix="stellwerk-bench-insights-"))
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stellwerk.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from stellwerk.insights.aggregates import refresh_aggregates  # noqa: E402
from stellwerk.insights.models import MarketAggregate  # noqa: E402
from stellwerk.normalize.skills import default_lexicon  # noqa: E402
from stellwerk.postings.indexing import reindex  # noqa: E402
from stellwerk.postings.models import Employer, Occupation, Place, Posting, SourceRecord  # noqa: E402
from stellwerk.postings.setup import prepare_database  # noqa: E402
from stellwerk.reference.salaries import default_salary_table  # noqa: E402

BATCH = 5_000
HISTORY_DAYS = 460
ACTIVE_DAYS = 60
EMPLOYER_KINDS = (
    "{} GmbH", "Klinikum {}", "Stadt {}", "{} Personalservice GmbH", "Universität {}", "{} Werke AG",
    "{} Start-up GmbH", "{} & Co. KG",
)  # fmt: skip


def percentiles(samples: Sequence[float]) -> str:
    """Return p50, p95 and p99 of durations in seconds as milliseconds."""
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return f"p50 {at(0.50):6.1f} ms   p95 {at(0.95):6.1f} ms   p99 {at(0.99):6.1f} ms   (n={len(ordered)})"


def timed(action: Callable[[], object]) -> float:
    """Return how long an action takes, in seconds."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


class Universe:
    """Weighted choices of occupations, places, employers and skills for synthetic postings."""

    def __init__(self, size: int, rng: random.Random) -> None:
        self.rng = rng
        salaries = default_salary_table()
        occupations = list(Occupation.objects.values_list("pk", "kldb"))
        self.occupations = [pk for pk, _ in occupations]
        self.occupation_weights = [
            (s.headcount or 100) if (s := salaries.get(kldb)) else 100 for _, kldb in occupations
        ]
        self.medians = {
            pk: s.median.cents if (s := salaries.get(kldb)) and s.median.cents else 350_000
            for pk, kldb in occupations
        }
        places = list(
            Place.objects.filter(population__isnull=False)
            .order_by("-population")
            .values_list("pk", "lat", "lon", "population")[:3000]
        )
        self.places = [(pk, lat, lon) for pk, lat, lon, _ in places]
        self.place_weights = [population for *_, population in places]
        lexicon = [skill.id for skill in default_lexicon().skills]
        self.skills_of = {pk: rng.sample(lexicon, 20) for pk in self.occupations}
        self.employers = self._employers(max(50, size // 20))

    def _employers(self, count: int) -> list[int]:
        names = [EMPLOYER_KINDS[i % len(EMPLOYER_KINDS)].format(f"Firma {i}") for i in range(count)]
        rows = [Employer(name=name, key=name.lower(), slug=f"firma-{i}") for i, name in enumerate(names)]
        Employer.objects.bulk_create(rows, batch_size=BATCH)
        return list(Employer.objects.order_by("pk").values_list("pk", flat=True))

    def postings(self, count: int) -> Iterator[tuple[SourceRecord, Posting]]:
        """Yield unsaved source records and postings."""
        now = timezone.now()
        rng = self.rng
        occupations = rng.choices(self.occupations, self.occupation_weights, k=count)
        places = rng.choices(self.places, self.place_weights, k=count)
        for n, (occupation, (place, lat, lon)) in enumerate(zip(occupations, places, strict=True)):
            seen = now - timedelta(days=rng.random() * HISTORY_DAYS)
            active = (now - seen).days < ACTIVE_DAYS or rng.random() < 0.05
            record = SourceRecord(
                source="bench", external_id=str(n), payload={}, content_hash="-", fetched_at=seen
            )
            median = self.medians[occupation]
            low = int(median * rng.uniform(0.7, 1.1)) if rng.random() < 0.2 else None
            posting = Posting(
                title_raw="Stelle", title="Stelle", slug="stelle", occupation_id=occupation, place_id=place,
                lat=lat + rng.uniform(-0.03, 0.03), lon=lon + rng.uniform(-0.03, 0.03),
                employer_id=self.employers[min(int(rng.paretovariate(1.2)) - 1, len(self.employers) - 1)],
                terms={"zeitarbeit": True} if rng.random() < 0.1 else {},
                salary_min_cents=low, salary_max_cents=int(low * 1.15) if low else None,
                skills=rng.sample(self.skills_of[occupation], rng.randint(0, 6)),
                first_seen=seen, last_seen=now if active else seen,
                status=Posting.Status.ACTIVE if active else Posting.Status.EXPIRED,
            )  # fmt: skip
            yield record, posting


def build(size: int, rng: random.Random) -> None:
    """Insert `size` synthetic postings in batches."""
    universe = Universe(size, rng)
    pending: list[tuple[SourceRecord, Posting]] = []
    for pair in universe.postings(size):
        pending.append(pair)
        if len(pending) >= BATCH:
            _insert(pending)
            pending = []
    _insert(pending)


@transaction.atomic
def _insert(pairs: list[tuple[SourceRecord, Posting]]) -> None:
    records = SourceRecord.objects.bulk_create([record for record, _ in pairs])
    for record, (_, posting) in zip(records, pairs, strict=True):
        posting.source_record = record
    Posting.objects.bulk_create([posting for _, posting in pairs])


def sample_pages(count: int, rng: random.Random) -> list[str]:
    """Return occupation × place paths: half the largest cells, half drawn at random."""
    cells = MarketAggregate.objects.filter(scope=MarketAggregate.Scope.PLACE, active__gt=0).exclude(kldb="")
    largest = list(cells.order_by("-active").values_list("kldb", "area")[: count // 2])
    ids = list(cells.values_list("pk", flat=True))
    drawn = list(
        cells.filter(pk__in=rng.sample(ids, min(len(ids), count - len(largest)))).values_list("kldb", "area")
    )
    return [f"/beruf/{kldb}/{area}" for kldb, area in largest + drawn]


def measure(client: Client, paths: Sequence[str]) -> list[float]:
    """Render each path once and return the durations; every response must be 200."""
    samples = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, (path, response.status_code)
    return samples


def main() -> None:
    """Build the data, refresh the aggregates and print refresh and render figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1_000_000, help="synthetic postings (default 1,000,000)")
    parser.add_argument("--pages", type=int, default=200, help="occupation × place pages to render")
    parser.add_argument("--skip-index", action="store_true", help="do not build the search index")
    parser.add_argument(
        "--pages-only", action="store_true", help="with a reused data directory: only render the pages"
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    rng = random.Random(20261129)
    print(f"setup (migrate + reference data): {timed(prepare_database):.1f} s")
    existing = Posting.objects.count()
    if existing:
        print(f"reusing {existing:,} postings in {os.environ['STELLWERK_DATA_DIR']}")
    else:
        print(f"insert {args.size:,} synthetic postings: {timed(lambda: build(args.size, rng)):.1f} s")
    if not (args.skip_index or args.pages_only):
        print(f"search index (reindex): {timed(reindex):.1f} s")
    if not args.pages_only:
        summary = refresh_aggregates()
        print(
            f"refresh aggregates: {summary.seconds:.1f} s for {summary.postings:,} postings "
            f"-> {summary.cells:,} cells ({summary.postings / summary.seconds:,.0f} postings/s)"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT SUM(LENGTH(figures)) FROM insights_marketaggregate")
        (stored,) = cursor.fetchone()
    print(f"stored figures: {stored / 1e6:,.1f} MB of JSON")
    client = Client()
    paths = sample_pages(args.pages, rng)
    measure(client, paths[:20])  # warm: templates, reference data, caches
    print(f"occupation × place page (cold paths):  {percentiles(measure(client, paths))}")
    print(f"occupation × place page (second view): {percentiles(measure(client, paths))}")
    occupations = [f"/beruf/{kldb}" for kldb in sorted({path.split("/")[2] for path in paths})[:50]]
    print(f"occupation page, nationwide:           {percentiles(measure(client, occupations))}")
    places = [f"/ort/{slug}" for slug in sorted({path.split("/")[3] for path in paths})[:50]]
    print(f"place page:                            {percentiles(measure(client, places))}")
    charts = [f"{path}/nachfrage.svg" for path in paths[:50]]
    print(f"demand chart SVG, first render:        {percentiles(measure(client, charts))}")
    print(f"demand chart SVG, cached:              {percentiles(measure(client, charts))}")
    sitemap = timed(lambda: client.get("/sitemap-beruf-ort.xml"))
    print(f"sitemap section (first page):          {sitemap * 1000:.0f} ms")


if __name__ == "__main__":
    main()
