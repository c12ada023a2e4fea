"""Measure search at national scale: a synthetic corpus of German postings, indexed through the product's own
path, queried in-process and over HTTP from `stellwerk serve` (the JSON API and the HTML results page), and
compared with SQLite FTS5.

Run:  .venv/bin/python bench/search.py                 (1,000,000 postings; about half an hour on 2 cores)
      .venv/bin/python bench/search.py --size 20000    (a quick run)
Prints figures; asserts nothing. The machine is shared: read medians and ratios, not single runs.

The corpus: job titles from the BA Berufs- und Tätigkeitsverzeichnis, drawn by the number of employees per
KldB code (Entgeltatlas head counts), at places of the gazetteer drawn by population (big cities get most
postings, as in real life), with employers drawn from a long-tailed list, terms of employment, pay for about a
third, and descriptions of 160 words drawn by the word frequencies of real German job ads. The postings go
into the database as rows and into the index through `stellwerk.postings.indexing.reindex`, exactly as a
full reindex does.

The queries: a fixed, seeded set of 240 searches of the kinds seekers run: occupation or keyword with a place
and radius, keyword alone, place alone, with filters (Teilzeit, unbefristet, ohne Zeitarbeit, Gehalt ab ...),
sorted by relevance, date, distance or salary; every search counts all facets, as the page and API do.
"""

from __future__ import annotations

import argparse
import csv
import functools
import gzip
import http.client
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 27)
QUERY_COUNT = 240
# Real descriptions have about 480 words; a third of that keeps a million postings quick to build.
DESCRIPTION_WORDS = 160
FULL_TEXTS = ROOT.parent / "shared" / "data" / "postings" / "ba_jobsuche_fulltext_2025.csv"

# Words of German job ads, to fill descriptions around the job's own words.
VOCABULARY = [
    "wir",
    "suchen",
    "zur",
    "verstärkung",
    "unseres",
    "teams",
    "eine",
    "engagierte",
    "motivierte",
    "zuverlässige",
    "fachkraft",
    "mitarbeiter",
    "mitarbeiterin",
    "ihre",
    "aufgaben",
    "sie",
    "unterstützen",
    "betreuen",
    "planen",
    "organisieren",
    "koordinieren",
    "dokumentieren",
    "prüfen",
    "beraten",
    "kunden",
    "patienten",
    "bewohner",
    "kinder",
    "gäste",
    "projekte",
    "prozesse",
    "qualität",
    "sicherheit",
    "service",
    "vertrieb",
    "verwaltung",
    "produktion",
    "lager",
    "logistik",
    "montage",
    "wartung",
    "instandhaltung",
    "reparatur",
    "reinigung",
    "pflege",
    "versorgung",
    "ihr",
    "profil",
    "abgeschlossene",
    "ausbildung",
    "studium",
    "erfahrung",
    "berufserfahrung",
    "kenntnisse",
    "gute",
    "sehr",
    "deutsch",
    "englisch",
    "führerschein",
    "klasse",
    "teamfähigkeit",
    "eigenverantwortung",
    "sorgfalt",
    "belastbarkeit",
    "flexibilität",
    "freundlichkeit",
    "kommunikationsstärke",
    "wir",
    "bieten",
    "unbefristeten",
    "arbeitsvertrag",
    "tarifliche",
    "vergütung",
    "urlaubstage",
    "weihnachtsgeld",
    "urlaubsgeld",
    "betriebliche",
    "altersvorsorge",
    "weiterbildung",
    "fortbildung",
    "moderne",
    "arbeitsplätze",
    "flexible",
    "arbeitszeiten",
    "homeoffice",
    "mobiles",
    "arbeiten",
    "jobticket",
    "jobrad",
    "kantine",
    "familienfreundliches",
    "umfeld",
    "einarbeitung",
    "entwicklungsmöglichkeiten",
    "sicheren",
    "arbeitsplatz",
    "wachsenden",
    "unternehmen",
    "standort",
    "region",
    "bewerbung",
    "lebenslauf",
    "zeugnisse",
    "ansprechpartner",
    "ansprechpartnerin",
    "gerne",
    "freuen",
    "uns",
    "schicht",
    "frühschicht",
    "spätschicht",
    "nachtschicht",
    "wochenende",
    "teilzeit",
    "vollzeit",
    "minijob",
    "aushilfe",
    "befristet",
    "elternzeitvertretung",
    "software",
    "systeme",
    "daten",
    "netzwerk",
    "anwendungen",
    "entwicklung",
    "programmierung",
    "java",
    "python",
    "sql",
    "cloud",
    "sap",
    "office",
    "excel",
    "maschinen",
    "anlagen",
    "fahrzeuge",
    "werkzeuge",
    "material",
    "waren",
    "kommissionierung",
    "verpackung",
    "versand",
    "annahme",
    "buchhaltung",
    "rechnungen",
    "abrechnung",
    "steuern",
    "personal",
    "recruiting",
    "marketing",
    "einkauf",
    "planung",
    "controlling",
    "küche",
    "speisen",
    "restaurant",
    "hotel",
    "empfang",
    "verkauf",
    "beratung",
    "kasse",
    "filiale",
    "markt",
    "station",
    "klinik",
    "praxis",
]
LEGAL_FORMS = ("GmbH", "GmbH & Co. KG", "AG", "e.V.", "KG", "SE", "gGmbH", "OHG", "mbH")
EMPLOYER_WORDS = [
    "Nord",
    "Süd",
    "West",
    "Ost",
    "Rhein",
    "Main",
    "Elbe",
    "Alpen",
    "Spree",
    "Weser",
    "Ruhr",
    "Bayern",
    "Hanse",
    "Stadt",
    "Land",
    "Metall",
    "Technik",
    "Pflege",
    "Klinik",
    "Service",
    "Logistik",
    "Bau",
    "Energie",
    "Daten",
    "Software",
    "Handel",
    "Markt",
    "Holz",
    "Glas",
    "Druck",
    "Medien",
    "Transport",
    "Sozial",
    "Gesundheit",
    "Haus",
    "Garten",
    "Wohn",
    "Auto",
    "Elektro",
    "Maschinen",
    "Anlagen",
    "Systeme",
    "Consulting",
    "Personal",
    "Partner",
    "Gruppe",
]
WORDS = [
    "Informatiker",
    "Pflege",
    "MFA",
    "Verkäufer",
    "Lagerhelfer",
    "Koch",
    "Erzieher",
    "Elektriker",
    "Berufskraftfahrer",
    "Softwareentwickler",
    "Buchhalter",
    "Pflegefachkraft",
    "Mechatroniker",
    "Reinigungskraft",
    "Altenpfleger",
    "Industriemechaniker",
    "Sachbearbeiter",
    "Fachinformatiker",
    "Entwickler",
    "Ingenieur",
    "Kaufmann",
    "Vertrieb",
    "Projektmanager",
    "Physiotherapeut",
    "Zahnmedizinische",
    "Staplerfahrer",
    "Kommissionierer",
    "Servicekraft",
    "Friseur",
    "Maurer",
    "Tischler",
    "Anlagenmechaniker",
    "Steuerfachangestellte",
    "Controller",
    "Lehrer",
    "Sozialarbeiter",
    "Hausmeister",
    "Bäcker",
    "Produktionshelfer",
]
PHRASES = [
    "Fachinformatiker Systemintegration", "Medizinische Fachangestellte", "Kaufmann Büromanagement",
    "Fachkraft Lagerlogistik", "Gesundheits- und Krankenpfleger", "Java Entwickler", "SAP Berater",
    "Elektroniker Betriebstechnik", "Pflegefachkraft Teilzeit", "Koch Vollzeit", "Informatikerin",
    "Altenpflegerin", "Muenchen Verkäuferin", "Lagerarbeiter Nachtschicht", "Erzieherin Kita",
]  # fmt: skip
FILTERS: list[dict[str, str]] = [
    {}, {}, {}, {"arbeitszeit": "tz"}, {"arbeitszeit": "vz;tz"}, {"befristung": "2"},
    {"zeitarbeit": "false"}, {"veroeffentlichtseit": "7"}, {"gehalt": "3000"}, {"homeoffice": "teilweise"},
    {"angebotsart": "ausbildung"}, {"zeitarbeit": "false", "pav": "false", "befristung": "2"},
]  # fmt: skip
RADII = (10, 25, 25, 50, 100)


def percentiles(samples: Sequence[float]) -> str:
    """Return p50, p95 and p99 of timings in seconds, in milliseconds."""
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    return f"p50 {at(0.50):6.2f} ms   p95 {at(0.95):6.2f} ms   p99 {at(0.99):6.2f} ms   (n={len(samples)})"


def p95(samples: Sequence[float]) -> float:
    """Return the 95th percentile of timings in seconds."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


# -- the corpus -------------------------------------------------------------------------------------------


def _packaged_rows(name: str) -> list[list[str]]:
    raw = resources.files("stellwerk").joinpath("data", name).read_bytes()
    return [
        line.split("\t")
        for line in gzip.decompress(raw).decode("utf-8").split("\n")
        if line and line[0] != "#"
    ]


@dataclass(frozen=True, slots=True)
class Spot:
    """A place postings are drawn at: a gazetteer place at one of its PLZ."""

    slug: str
    name: str
    land: str
    plz: str
    lat: float
    lon: float


class Corpus:
    """Draws realistic synthetic postings; the same seed gives the same corpus."""

    def __init__(self, seed: int = 4) -> None:
        self.random = random.Random(seed)
        headcounts = {kldb: int(count) for kldb, count in _packaged_rows("kldb_headcounts.tsv.gz")}
        titles: dict[str, list[str]] = {}
        for kldb, title in _packaged_rows("job_titles.tsv.gz"):
            titles.setdefault(kldb, []).append(title)
        self.kldb_codes = [code for code in titles if headcounts.get(code)]
        self.kldb_weights = list(itertools_accumulate(headcounts[code] for code in self.kldb_codes))
        self.titles = titles
        self.spots, spot_weights = [], []
        for row in _packaged_rows("places.tsv.gz"):
            slug, name, land, _, _, _, population, _, codes, coordinates = row
            if not codes:
                continue
            for plz, point in zip(codes.split(","), coordinates.split(","), strict=True):
                lat, lon = point.split(":")
                self.spots.append(Spot(slug, name, land, plz, float(lat), float(lon)))
                spot_weights.append((int(population) if population else 300) / len(codes.split(",")))
        self.spot_weights = list(itertools_accumulate(spot_weights))
        self.words, self.word_weights = description_vocabulary()
        self.employers = [self._employer_name(i) for i in range(60_000)]
        # Employers hire with a long tail: a few large ones post a lot.
        self.employer_weights = list(
            itertools_accumulate(1 / (rank + 10) for rank in range(len(self.employers)))
        )

    def _employer_name(self, number: int) -> str:
        rnd = random.Random(number)
        first, second = rnd.choice(EMPLOYER_WORDS), rnd.choice(EMPLOYER_WORDS).lower()
        return f"{first}{second} {number} {rnd.choice(LEGAL_FORMS)}"

    def postings(self, count: int) -> Iterator[dict[str, Any]]:
        """Yield count postings as plain dicts."""
        for number in range(count):
            yield self._posting(number)

    def _posting(self, number: int) -> dict[str, Any]:
        rnd = self.random
        kldb = rnd.choices(self.kldb_codes, cum_weights=self.kldb_weights)[0]
        title = rnd.choice(self.titles[kldb]).replace("/in", "").replace("/-in", "")
        decorated = self._decorate(title)
        spot = rnd.choices(self.spots, cum_weights=self.spot_weights)[0]
        terms = self._terms()
        remote_everywhere = terms.get("homeoffice") == "full" and rnd.random() < 0.5
        salary = self._salary(kldb)
        words = rnd.choices(self.words, cum_weights=self.word_weights, k=DESCRIPTION_WORDS)
        words[DESCRIPTION_WORDS // 3 : DESCRIPTION_WORDS // 3] = title.split()
        return {
            "number": number,
            "title": decorated,
            "kldb": kldb,
            "beruf": title,
            "employer": rnd.choices(self.employers, cum_weights=self.employer_weights)[0],
            "spot": None if remote_everywhere else spot,
            "terms": terms,
            "salary": salary,
            "published": TODAY - timedelta(days=int(rnd.expovariate(1 / 14)) % 90),
            "description": " ".join(words),
        }

    def _decorate(self, title: str) -> str:
        rnd = self.random
        roll = rnd.random()
        if roll < 0.05:
            title = f"Junior {title}"
        elif roll < 0.08:
            title = f"Senior {title}"
        elif roll < 0.09:
            title = f"{title} – bundesweit"
        suffix = rnd.choice(["(m/w/d)", "(m/w/d)", "(w/m/d)", "(gn)", "", "in Teilzeit (m/w/d)", "*in"])
        return f"{title}{suffix}" if suffix == "*in" else f"{title} {suffix}".strip()

    def _terms(self) -> dict[str, Any]:
        rnd = self.random
        working = [
            code for code, p in (("vz", 0.7), ("tz", 0.35), ("snw", 0.1), ("mj", 0.04)) if rnd.random() < p
        ]
        terms: dict[str, Any] = {"arbeitszeit": working or ["vz"]}
        roll = rnd.random()
        if roll < 0.04:
            terms["homeoffice"] = "full"
        elif roll < 0.2:
            terms["homeoffice"] = "partial"
        if "homeoffice" in terms:
            terms["arbeitszeit"] = sorted({*terms["arbeitszeit"], "ho"})
        roll = rnd.random()
        if roll < 0.7:
            terms["befristet"] = roll < 0.22
        if rnd.random() < 0.12:
            terms["zeitarbeit"] = True
        if rnd.random() < 0.05:
            terms["pav"] = True
        roll = rnd.random()
        kinds = ["ausbildung", "praktikum", "werkstudent", "trainee", "berufseinstieg", "duales_studium"]
        limits = [0.05, 0.07, 0.09, 0.095, 0.125, 0.135]
        for kind, limit in zip(kinds, limits, strict=True):
            if roll < limit:
                terms["angebotsart"] = [kind]
                break
        return terms

    def _salary(self, kldb: str) -> tuple[int, int] | None:
        rnd = self.random
        if rnd.random() > 0.35:
            return None
        base = {"1": 2300, "2": 3000, "3": 4000, "4": 5200}.get(kldb[-1], 3000)
        low = int(base * rnd.uniform(0.8, 1.15)) * 100
        return low, low + rnd.choice([0, 30000, 50000, 80000])


def description_vocabulary() -> tuple[list[str], list[float]]:
    """Return words of German job ads with cumulative weights: how often real descriptions use them.

    The counts come from the 554 real BA descriptions in ../shared/data when it is there (Zipf-distributed,
    as language is: "und" in every ad, "Gabelstapler" in few); otherwise VOCABULARY with Zipf weights.
    """
    counts: Counter[str] = Counter()
    if FULL_TEXTS.is_file():
        with FULL_TEXTS.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                counts.update(re.findall(r"\w+", row["description"]))
    if not counts:
        counts.update({word: 1000 / (rank + 1) for rank, word in enumerate(VOCABULARY)})
    words = [word for word, _ in counts.most_common()]
    return words, list(itertools_accumulate(counts[word] for word in words))


def itertools_accumulate(values: Any) -> Iterator[float]:
    """Return running totals (cumulative weights for random.choices)."""
    total = 0.0
    for value in values:
        total += value
        yield total


# -- the database -----------------------------------------------------------------------------------------


def store(corpus: Corpus, size: int, batch: int = 5000) -> None:
    """Write size postings with their source records and employers into the database."""
    from django.db import transaction

    from stellwerk.domain.text import fold, slugify
    from stellwerk.postings.models import Employer, Occupation, Place, Posting, SourceRecord

    place_ids = dict(Place.objects.values_list("slug", "pk"))
    occupation_ids = dict(Occupation.objects.values_list("kldb", "pk"))
    employers = Employer.objects.bulk_create(
        [
            Employer(name=name, key=" ".join(fold(name).split()), slug=slugify(name))
            for name in corpus.employers
        ],
        batch_size=batch,
    )
    employer_ids = {e.name: e.pk for e in Employer.objects.only("pk", "name")} if employers else {}
    now = datetime(2026, 11, 27, 6, tzinfo=UTC)
    postings = corpus.postings(size)
    while chunk := list(itertools_islice(postings, batch)):
        with transaction.atomic():
            records = SourceRecord.objects.bulk_create(
                [
                    SourceRecord(
                        source="bench",
                        external_id=str(p["number"]),
                        payload={"n": p["number"]},
                        content_hash=str(p["number"]),
                        fetched_at=now,
                    )
                    for p in chunk
                ]
            )
            Posting.objects.bulk_create(
                [
                    _posting(p, r.pk, employer_ids, place_ids, occupation_ids, now)
                    for p, r in zip(chunk, records, strict=False)
                ]
            )


def _posting(
    p: dict[str, Any],
    record_id: int,
    employer_ids: dict[str, int],
    place_ids: dict[str, int],
    occupation_ids: dict[str, int],
    now: datetime,
) -> Any:
    from stellwerk.domain.text import slugify
    from stellwerk.postings.models import Posting

    spot: Spot | None = p["spot"]
    salary = p["salary"]
    return Posting(
        source_record_id=record_id,
        title_raw=p["title"],
        title=p["title"],
        slug=slugify(p["title"])[:100] or "stelle",
        employer_id=employer_ids[p["employer"]],
        place_id=place_ids.get(spot.slug) if spot else None,
        place_name=spot.name if spot else "",
        postal_code=spot.plz if spot else "",
        region=spot.land if spot else "bundesweit",
        lat=spot.lat if spot else None,
        lon=spot.lon if spot else None,
        occupation_id=occupation_ids.get(p["kldb"]),
        beruf=p["beruf"],
        description=p["description"],
        terms=p["terms"],
        salary_min_cents=salary[0] if salary else None,
        salary_max_cents=salary[1] if salary else None,
        published=p["published"],
        first_seen=now,
        last_seen=now,
    )


def itertools_islice(iterator: Iterator[Any], count: int) -> Iterator[Any]:
    """Return the next count items of an iterator."""
    for _, item in zip(range(count), iterator, strict=False):
        yield item


# -- the queries ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BenchQuery:
    """One search of the fixed set, as API parameters, and its kind for the report."""

    kind: str
    params: dict[str, str]


def queries(count: int = QUERY_COUNT, seed: int = 7) -> list[BenchQuery]:
    """Return the fixed, seeded set of searches."""
    from stellwerk.reference.gazetteer import default_gazetteer

    rnd = random.Random(seed)
    big = sorted((p for p in default_gazetteer().places if p.population), key=lambda p: -(p.population or 0))
    places = [p.name for p in big[:40]] + ["44137", "96047", "80331", "10115", "Bamberg", "Muenchen"]
    result = []
    for number in range(count):
        kind = ("text+radius", "text+radius", "text+radius", "text", "radius", "filters+radius")[number % 6]
        params: dict[str, str] = {}
        if kind != "radius":
            params["was"] = rnd.choice(WORDS + PHRASES)
        if kind != "text":
            params["wo"] = rnd.choice(places)
            params["umkreis"] = str(rnd.choice(RADII))
        if kind == "filters+radius":
            params.update(rnd.choice(FILTERS[3:]))
        sorts = ["relevanz"] * 5 + ["datum", "gehalt"] + (["entfernung"] if "wo" in params else [])
        params["sort"] = rnd.choice(sorts) if "was" in params else rnd.choice(["datum", "entfernung"])
        result.append(BenchQuery(kind, params))
    return result


# -- measuring --------------------------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> float:
    """Return how long an action took, in seconds."""
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def directory_size(path: Path) -> int:
    """Return the size of the files under path, in bytes."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def report(label: str, samples: dict[str, list[float]]) -> None:
    """Print the percentiles of all samples and of each kind of query."""
    everything = [s for values in samples.values() for s in values]
    print(f"{label}:  all           {percentiles(everything)}")
    for kind, values in sorted(samples.items()):
        print(f"{' ' * len(label)}   {kind:<13} {percentiles(values)}")


def in_process(bench: list[BenchQuery], rounds: int) -> dict[str, list[float]]:
    """Time the search service (parameters -> place -> index -> postings) for every query."""
    from stellwerk.postings.indexing import search_backend
    from stellwerk.postings.search import JobSearch, search_jobs
    from stellwerk.postings.serving import prepare_serving
    from stellwerk.reference.gazetteer import default_gazetteer

    prepare_serving()  # as `stellwerk serve` does before its first request
    gazetteer, backend = default_gazetteer(), search_backend()

    def run(query: BenchQuery) -> None:
        search = JobSearch.from_params({k: [v] for k, v in query.params.items()})
        search_jobs(search, gazetteer, backend, today=TODAY)

    for query in bench:  # warm the caches once
        run(query)
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        for query in bench:
            samples.setdefault(query.kind, []).append(timed(functools.partial(run, query)))
    return samples


def through_http(
    bench: list[BenchQuery], data_dir: Path, rounds: int, paths: Sequence[str]
) -> tuple[dict[str, dict[str, list[float]]], str]:
    """Serve with `stellwerk serve`, time GET of each path for every query; return samples by path and the
    server's memory."""
    port = 8700 + os.getpid() % 200
    env = {**os.environ, "STELLWERK_DATA_DIR": str(data_dir), "STELLWERK_ALLOWED_HOSTS": "127.0.0.1"}
    command = [str(Path(sys.executable).parent / "stellwerk"), "serve", "--port", str(port), "--threads", "4"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        connection = _wait_for(port, server)
        samples: dict[str, dict[str, list[float]]] = {path: {} for path in paths}
        for path in paths:
            for round_number in range(rounds + 1):
                for query in bench:
                    started = time.perf_counter()
                    connection.request("GET", f"{path}?{urlencode(query.params)}")
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        raise RuntimeError(f"{path} {query.params}: HTTP {response.status}")
                    if round_number:  # the first round warms the server
                        samples[path].setdefault(query.kind, []).append(time.perf_counter() - started)
        memory = _memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return samples, memory


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> http.client.HTTPConnection:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"stellwerk serve stopped: {server.stderr.read().decode() if server.stderr else ''}"
            )
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", "/api/v1/jobs?size=1")
            connection.getresponse().read()
            return connection
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("stellwerk serve did not answer within 5 minutes")


def _memory(pid: int) -> str:
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return f"peak RSS {fields['VmHWM'].strip()}, current RSS {fields['VmRSS'].strip()}"


# -- SQLite FTS5 on the same corpus and queries -----------------------------------------------------------

_FTS_WORKING_TIME = {"vz": 1, "tz": 2, "snw": 4, "ho": 8, "mj": 16}


def build_fts(source_db: Path, target: Path) -> float:
    """Copy the postings into an FTS5 table and a table of filter columns; return the seconds it took."""
    import json

    started = time.perf_counter()
    db = sqlite3.connect(target)
    db.executescript(
        """
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE meta (id INTEGER PRIMARY KEY, lat REAL, lon REAL, published INTEGER, salary INTEGER,
                           az INTEGER, befristet INTEGER, zeitarbeit INTEGER, pav INTEGER, kldb TEXT,
                           employer TEXT);
        """
    )
    db.execute("ATTACH DATABASE ? AS src", (str(source_db),))
    rows = db.execute(
        """SELECT p.id, p.title, coalesce(e.name, '') || ' ' || p.beruf || ' ' || p.description, p.lat, p.lon,
                  p.published, coalesce(p.salary_max_cents, p.salary_min_cents, -1), p.terms, o.kldb, e.name
           FROM src.postings_posting p LEFT JOIN src.postings_employer e ON e.id = p.employer_id
           LEFT JOIN src.postings_occupation o ON o.id = p.occupation_id"""
    )
    while chunk := rows.fetchmany(10_000):
        texts, metas = [], []
        for pid, title, body, lat, lon, published, salary, terms, kldb, employer in chunk:
            parsed = json.loads(terms or "{}")
            working = sum(_FTS_WORKING_TIME[c] for c in parsed.get("arbeitszeit", []))
            day = date.fromisoformat(published).toordinal() if published else -1
            texts.append((pid, title, body))
            agencies = int(bool(parsed.get("zeitarbeit"))), int(bool(parsed.get("pav")))
            fixed = parsed.get("befristet")
            metas.append((pid, lat, lon, day, salary, working, fixed, *agencies, kldb, employer))
        db.executemany("INSERT INTO fts (rowid, title, body) VALUES (?, ?, ?)", texts)
        db.executemany("INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", metas)
    db.execute("CREATE INDEX meta_lat ON meta (lat)")
    db.commit()
    db.close()
    return time.perf_counter() - started


def fts_search(db: sqlite3.Connection, params: dict[str, str], place: Any) -> int:
    """Run one search the way an FTS5 application would: match, filter, count, page and facet counts."""
    where, args = [], []
    if place is not None:
        radius = float(params["umkreis"])
        dlat = radius / 111.2
        cos_lat = math.cos(math.radians(place.lat))
        where.append("m.lat BETWEEN ? AND ? AND ((m.lat - ?) * 111.2) * ((m.lat - ?) * 111.2) + "
                     "((m.lon - ?) * 111.2 * ?) * ((m.lon - ?) * 111.2 * ?) <= ?")  # fmt: skip
        args += [place.lat - dlat, place.lat + dlat, place.lat, place.lat, place.lon, cos_lat, place.lon,
                 cos_lat, radius * radius]  # fmt: skip
    if "arbeitszeit" in params:
        mask = sum(_FTS_WORKING_TIME[c] for c in params["arbeitszeit"].split(";"))
        where.append("(m.az & ?) != 0")
        args.append(mask)
    if params.get("befristung") == "2":
        where.append("m.befristet = 0")
    if params.get("zeitarbeit") == "false":
        where.append("m.zeitarbeit = 0")
    if params.get("pav") == "false":
        where.append("m.pav = 0")
    if "gehalt" in params:
        where.append("m.salary >= ?")
        args.append(int(params["gehalt"]) * 100)
    if "veroeffentlichtseit" in params:
        where.append("m.published >= ?")
        args.append(TODAY.toordinal() - int(params["veroeffentlichtseit"]))
    condition = " AND ".join(where) or "1"
    if params.get("was"):
        match = " ".join(f'"{w.lower()[:7]}"*' for w in params["was"].replace("-", " ").split())
        sql = (f"CREATE TEMP TABLE hits AS SELECT m.*, bm25(fts, 3.0, 1.0) AS score FROM fts "
               f"JOIN meta m ON m.id = fts.rowid WHERE fts MATCH ? AND {condition}")  # fmt: skip
        db.execute(sql, [match, *args])
    else:
        db.execute(f"CREATE TEMP TABLE hits AS SELECT m.*, 0.0 AS score FROM meta m WHERE {condition}", args)
    order = {"datum": "published DESC", "gehalt": "salary DESC"}.get(params.get("sort", ""), "score")
    count = db.execute("SELECT count(*) FROM hits").fetchone()[0]
    db.execute(f"SELECT id FROM hits ORDER BY {order} LIMIT 20").fetchall()
    for column in ("az", "befristet", "zeitarbeit", "pav"):
        db.execute(f"SELECT {column}, count(*) FROM hits GROUP BY {column}").fetchall()
    db.execute("SELECT kldb, count(*) AS n FROM hits GROUP BY kldb ORDER BY n DESC LIMIT 15").fetchall()
    db.execute(
        "SELECT substr(kldb, 1, 3) AS g, count(*) AS n FROM hits GROUP BY g ORDER BY n DESC LIMIT 15"
    ).fetchall()
    db.execute(
        "SELECT employer, count(*) AS n FROM hits GROUP BY employer ORDER BY n DESC LIMIT 10"
    ).fetchall()
    db.execute("SELECT published, count(*) FROM hits GROUP BY published").fetchall()
    db.execute("SELECT salary / 100000, count(*) FROM hits GROUP BY 1").fetchall()
    db.execute("DROP TABLE hits")
    return int(count)


def measure_fts(target: Path, bench: list[BenchQuery], rounds: int) -> dict[str, list[float]]:
    """Time every query on the FTS5 copy of the corpus."""
    from stellwerk.reference.gazetteer import default_gazetteer

    gazetteer = default_gazetteer()
    db = sqlite3.connect(target)
    db.execute("PRAGMA temp_store = MEMORY")
    places = {q.params["wo"]: gazetteer.resolve(q.params["wo"]) for q in bench if "wo" in q.params}
    for query in bench:
        fts_search(db, query.params, places.get(query.params.get("wo", "")))
    samples: dict[str, list[float]] = {}
    for _ in range(rounds):
        for query in bench:
            place = places.get(query.params.get("wo", ""))
            samples.setdefault(query.kind, []).append(
                timed(functools.partial(fts_search, db, query.params, place))
            )
    db.close()
    return samples


# -- the run ----------------------------------------------------------------------------------------------


def main() -> None:
    """Build the corpus, index it, and print the figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--size", type=int, default=1_000_000, help="postings in the corpus (default 1,000,000)"
    )
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds over the queries (default 2)")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurement")
    parser.add_argument("--no-fts", action="store_true", help="skip the SQLite FTS5 comparison")
    parser.add_argument(
        "--no-build", action="store_true", help="search the index already in the --keep directory"
    )
    parser.add_argument(
        "--keep", type=Path, help="use (and keep) this data directory instead of a temporary one"
    )
    args = parser.parse_args()

    data_dir = args.keep or Path(tempfile.mkdtemp(prefix="stellwerk-search-bench-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["STELLWERK_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stellwerk.settings")
    import django

    django.setup()
    from django.conf import settings

    from stellwerk.postings.indexing import reindex, search_backend
    from stellwerk.postings.models import Posting
    from stellwerk.postings.setup import prepare_database
    from stellwerk.search.german import default_analyzer

    try:
        prepare_database()
        corpus = Corpus()
        if Posting.objects.count() < args.size:
            seconds = timed(lambda: store(corpus, args.size))
            print(f"corpus: {args.size:,} postings into SQLite in {seconds:.0f} s")
        else:
            print(f"corpus: {Posting.objects.count():,} postings already in {data_dir}")
        if not args.no_build:
            default_analyzer()  # loaded once per process; not part of the build's time
            seconds = timed(reindex)
            count = search_backend().count()
            index_size = directory_size(Path(settings.SEARCH_INDEX_DIR))
            rate, size = count / seconds, index_size / 2**20
            print(f"index build (stellwerk.postings.indexing.reindex): {count:,} postings in {seconds:.0f} s "
                  f"= {rate:,.0f} postings/s; index size {size:,.0f} MiB")  # fmt: skip
        bench = queries()
        print(f"queries: {len(bench)} fixed searches, every one with all facets; {args.rounds} timed rounds")
        ours = in_process(bench, args.rounds)
        report("in-process (search_jobs)", ours)
        if not args.no_http:
            # The API is what the targets name; the HTML page is what seekers wait for.
            samples, memory = through_http(bench, data_dir, args.rounds, ("/api/v1/jobs", "/jobs"))
            report("HTTP GET /api/v1/jobs    ", samples["/api/v1/jobs"])
            report("HTTP GET /jobs (HTML)    ", samples["/jobs"])
            print(f"serving process (stellwerk serve): {memory}")
        if not args.no_fts:
            target = data_dir / "fts5.sqlite3"
            target.unlink(missing_ok=True)
            database = Path(settings.DATABASES["default"]["NAME"])
            print(f"SQLite FTS5 build: {build_fts(database, target):.0f} s, "
                  f"{target.stat().st_size / 2**20:,.0f} MiB")  # fmt: skip
            theirs = measure_fts(target, bench, args.rounds)
            report("SQLite FTS5 in-process   ", theirs)
            for kind in sorted(ours):
                ratio = statistics.median(theirs[kind]) / statistics.median(ours[kind])
                tail = p95(theirs[kind]) / p95(ours[kind])
                print(f"FTS5 / Stellwerk, median {kind:<13} {ratio:5.1f}x   p95 {tail:5.1f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
