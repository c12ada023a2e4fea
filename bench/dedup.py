"""Measure duplicate detection (pairwise precision and recall) and throughput on real BA postings.

Run: .venv/bin/python bench/dedup.py [--shared ../shared/data] [--seed 0] [--runs 3]

The labelled set (printed with its counts), built from postings/ba_jobsuche_fulltext_2025.csv, the 554 BA
postings with full descriptions, read through `stellwerk.sources.ba_jobsuche` as the importer reads them;
place key = postal code (none when the file says "Unknown"):
1. Every posting is its own true cluster, except six real duplicate pairs found by reading every pair of one
   employer with similar titles (REAL_DUPLICATES: partner-board copies of a BA ad whose texts are scraped
   pages, a truncated copy, a repost months later). Two pairs could not be decided by reading; one posting
   of each is left out (AMBIGUOUS). All other real pairs count as different jobs: same-employer ads with other
   titles or levels (NTT DATA, prognum, Ferchau: boilerplate-identical texts), one title in several towns
   (Swarovski stores, PIA Media, noerr), "Senior" and "Junior" ads of one employer (Beckhoff, W. Classen).
2. Copies of originals with at least MIN_WORDS words of description, as other sources publish them; each joins
   its original's true cluster:
   - repost: same source 2-9 weeks later, a reference number and closing date added, one line dropped;
   - aggregator: HTML markup and entities, the board's header and footer around the text, title noise
     (other gender marker, "in Vollzeit", "- <Ort>", "Stellenangebot:" ...), an employer-name variant (legal
     form dropped or added, "Standort <Ort>", umlauts spelled out, "&" as "und"), in 40 % truncated to
     35-75 % of the words with "… mehr lesen", in 25 % without place, in 10 % without employer;
   - reformatted: a feed that joins lines with bullets, shuffles paragraphs, spells out umlauts, alters
     the title;
   - employer_site: the employer's own page (employer_direct) up to 3 days earlier, full legal name, an
     "Über uns" paragraph and a gender-star title ("Informatiker*in").
3. Hard negatives, each a true cluster of its own, derived from an original of the same employer:
   - sibling_job: the title of another employer's posting and that posting's first half of text, with the
     original's second half (company, benefits) kept: same employer, place and boilerplate;
   - level: "Senior", "Junior", "Werkstudent" or "Teamleitung" added to the title, a fifth of lines changed;
   - other_place: the same ad for another town, for originals with a place (one employer, several
     locations: two offers on the market pages, by the clusterer's policy);
   - boilerplate pairs: restaurant, hospital, shop and trade jobs of one employer whose texts are the same
     company blurb ("Koch" / "Servicekraft", "Pflegefachkraft Station 3" / "Pflegefachkraft Intensiv").
Scores count pairs of postings: precision = pairs in one predicted cluster that share a true cluster, recall =
true pairs found in one predicted cluster. The copies are synthetic: they test the variations named above,
not unknown ones; the real pairs are few. Postings go in shuffled order, and again in another order.

The BA search results (postings/ba_jobsuche_search_bamberg_2025.csv, 6,823 titles without descriptions)
are reported apart: groups of identical employer, title and postal code with different reference numbers
(reposts and partner-board copies, or several vacancies of one staffing agency, which a text-less record
cannot tell apart), and which pairs the clusterer merges beyond such identical triples.

Throughput: postings per second through `Clusterer.add_many` (fingerprints and clustering, one call per
set) and through `add` one by one, for the real postings with text, the labelled set (copies carry HTML and
job-board frames) and the BA search results; median of --runs runs, wall clock and process CPU time (the
machine is shared, so CPU time is the steadier figure).
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import html
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from pathlib import Path

from stellwerk.dedup.clusters import Clusterer
from stellwerk.dedup.fingerprints import DedupPosting
from stellwerk.domain.postings import InvalidRecord, PostingData, RawRecord
from stellwerk.sources.ba_jobsuche import map_record, read_file

ROOT = Path(__file__).resolve().parent.parent
FULLTEXT = Path("postings/ba_jobsuche_fulltext_2025.csv")
SEARCH = Path("postings/ba_jobsuche_search_bamberg_2025.csv")
MIN_WORDS = 60
# Pairs judged by reading both ads: same employer, title and job; (BA reference number, reference number).
REAL_DUPLICATES = (
    ("10001-1002061116-S", "13635-Catch125_JB4969872-S"),  # ARS Altmann, KI-Manager: partner copy, 1 day
    ("10000-1204616619-S", "12688-28439916-RJA-S"),  # OCULUS: Regio-Jobanzeiger page 7 weeks later
    ("10001-1002238992-S", "12117-28464779-YF-S"),  # PVS holding: Yourfirm page 5 weeks later
    ("10000-1204830264-S", "12781-15992618-KAL-S"),  # HerkulesGroup: partner stub "see full ad"
    ("10001-1001633649-S", "12811-1845916-S"),  # MIPA: finest-jobs page, employer name in the title
    ("15006-k40180.4985-S", "15006-k40180.2878-S"),  # prognum: repost 4 months later, place dropped
)
# Left out: the first of each pair below, which reading could not decide.
AMBIGUOUS = (
    "12288-4683993598-S",  # Bertrandt "Prozessmanager Technik & Infrastruktur" / "Prozessmanager", XING
    "13319-856317",  # Hays "Fertigungsplaner" without place and text / the same title in 74199 and 78628
)
BOILERPLATE_PAIRS = (
    ("Gasthof Zur Post", "Koch", "Servicekraft"),
    ("Klinikum Nordstadt gGmbH", "Pflegefachkraft Station 3", "Pflegefachkraft Intensiv"),
    ("Autohaus Weber GmbH", "Kfz-Mechatroniker", "Automobilverkäufer"),
    ("Bäckerei Schmitt", "Bäcker", "Verkäufer Bäckereifiliale"),
    ("Elektro Maier GmbH & Co. KG", "Elektriker", "Elektroniker für Gebäudetechnik Kundendienst"),
    ("Stadtwerke Forchheim GmbH", "Sachbearbeiter Buchhaltung", "Sachbearbeiter Personal"),
    ("Logistik Franken GmbH", "Lagerhelfer", "Berufskraftfahrer CE"),
    ("Hotel Sonne", "Rezeptionist", "Zimmermädchen"),
    ("Seniorenzentrum St. Anna", "Pflegehelfer Nachtdienst", "Pflegefachkraft Frühdienst"),
    ("Metallbau Krug GmbH", "Schweißer", "Konstruktionsmechaniker"),
)
BLURB = (
    "Wir sind ein familiengeführtes Unternehmen mit über {n} Mitarbeiterinnen und Mitarbeitern "
    "in der Region. "
    "Seit Jahrzehnten stehen wir für Qualität, Verlässlichkeit und ein gutes Miteinander.\n"
    "Das bieten wir:\n• Unbefristeter Arbeitsvertrag\n• Faire Bezahlung und Urlaubsgeld\n"
    "• 30 Tage Urlaub\n• Zuschuss zum Deutschlandticket\n• Ein motiviertes Team und flache Hierarchien\n"
    "Haben wir Ihr Interesse geweckt? Dann freuen wir uns auf Ihre Bewerbung über unser Karriereportal "
    "oder per E-Mail an bewerbung@example.de."
)
TITLE_SUFFIXES = (" in Vollzeit", " - Vollzeit", " (Vollzeit/Teilzeit)", " ab sofort", " - unbefristet")
MARKERS = ("(w/m/d)", "(m/w/x)", "(all genders)", "(gn)", "m/w/d", "(d/m/w)")
LEVELS = ("Senior ", "Junior ", "Werkstudent ", "Teamleitung ")
HEADER = "Stellenangebot von {employer} auf JobPortal24\nJetzt bewerben\nMerken\n"
FOOTER = (
    "\nDiese Anzeige wurde am {day} auf JobPortal24 veröffentlicht.\n"
    "Ähnliche Jobs in {city}: Sachbearbeiter (m/w/d), Lagerhelfer (m/w/d), Verkäufer (m/w/d)\n"
    "Impressum | Datenschutz | AGB"
)
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass(frozen=True, slots=True)
class Labelled:
    """A posting, its true cluster and how it was made ("original", a copy kind or a negative kind)."""

    posting: DedupPosting
    group: str
    kind: str
    anchor: str | None = None


def load(path: Path) -> list[tuple[str, PostingData]]:
    """Return (reference number, mapped posting) of every readable record of a BA file."""
    loaded = []
    for item in read_file(path):
        if isinstance(item, RawRecord):
            try:
                loaded.append((item.external_id, map_record(item)))
            except InvalidRecord:
                continue
    return loaded


def to_posting(refnr: str, data: PostingData, source: str = "ba") -> DedupPosting:
    """Return the dedup view of a mapped BA posting."""
    published = data.published
    seen = datetime(published.year, published.month, published.day, 8, tzinfo=UTC) if published else None
    return DedupPosting(
        id=refnr, source=source, title=data.title, employer=data.employer, place=data.postal_code,
        place_name=data.place_name, text=data.description, published=published, first_seen=seen,
    )  # fmt: skip


def originals(shared: Path) -> tuple[list[Labelled], int]:
    """Return the real postings as originals (real duplicates share a group) and how many were left out."""
    group_of = {b: a for a, b in REAL_DUPLICATES}
    kept, dropped = [], 0
    for refnr, data in load(shared / FULLTEXT):
        if refnr in AMBIGUOUS:
            dropped += 1
            continue
        kept.append(Labelled(to_posting(refnr, data), group_of.get(refnr, refnr), "original"))
    return kept, dropped


class Variants:
    """Make copies and hard negatives of originals, reproducibly from one seed."""

    def __init__(self, pool: Sequence[Labelled], seed: int) -> None:
        self.rng = random.Random(seed)
        self.pool = [item for item in pool if len(item.posting.text.split()) >= MIN_WORDS]
        self.places = sorted({item.posting.place for item in pool if item.posting.place})
        self.count = 0

    def make(self) -> list[Labelled]:
        """Return copies (positives) and negatives of the pool, in generation order."""
        made: list[Labelled] = []
        plan: tuple[tuple[str, float, Callable[[DedupPosting], DedupPosting]], ...] = (
            ("repost", 0.3, self.repost),
            ("aggregator", 0.6, self.aggregator),
            ("reformatted", 0.3, self.reformatted),
            ("employer_site", 0.2, self.employer_site),
            ("sibling_job", 0.25, self.sibling_job),
            ("level", 0.15, self.level),
            ("other_place", 0.1, self.other_place),
        )
        for item in self.pool:
            for kind, share, build in plan:
                if kind == "other_place" and not item.posting.place:
                    continue
                if self.rng.random() < share:
                    negative = kind in ("sibling_job", "level", "other_place")
                    posting = build(item.posting)
                    group = posting.id if negative else item.group
                    made.append(Labelled(posting, group, kind, item.posting.id))
        return made + self.boilerplate_pairs()

    def _id(self, kind: str) -> str:
        self.count += 1
        return f"{kind}-{self.count}"

    def _later(self, posting: DedupPosting, low: int, high: int) -> dict[str, object]:
        days = self.rng.randint(low, high)
        published = (posting.published or date(2025, 9, 1)) + timedelta(days=days)
        seen = (posting.first_seen or datetime(2025, 9, 1, tzinfo=UTC)) + timedelta(days=days, hours=3)
        return {"published": published, "first_seen": seen}

    def repost(self, posting: DedupPosting) -> DedupPosting:
        """Return the same ad posted again weeks later with a reference number and one line dropped."""
        lines = posting.text.split("\n")
        if len(lines) > 4:
            del lines[self.rng.randrange(1, len(lines) - 1)]
        reference = f"Referenznummer: {self.rng.randint(10000, 99999)}-{self.rng.choice('ABCDEF')}"
        closing = f"Bewerbungen bitte bis zum {self.rng.randint(1, 28)}.{self.rng.randint(1, 12)}.2026."
        text = "\n".join([reference, *lines, closing])
        return replace(posting, id=self._id("repost"), text=text, **self._later(posting, 14, 63))  # type: ignore[arg-type]

    def aggregator(self, posting: DedupPosting) -> DedupPosting:
        """Return the ad as a job board shows it: HTML, its own frame, title noise, employer variant."""
        words = posting.text.split(" ")
        text = posting.text
        if self.rng.random() < 0.4:
            cut = int(len(words) * self.rng.uniform(0.35, 0.75))
            text = " ".join(words[:cut]) + " … mehr lesen"
        employer = self.employer_variant(posting.employer) if self.rng.random() > 0.1 else None
        if self.rng.random() < 0.25:
            posting = replace(posting, place=None, place_name=None)
        day = (posting.published or date(2025, 9, 1)) + timedelta(days=self.rng.randint(0, 5))
        framed = HEADER.format(employer=employer or "einem Arbeitgeber") + text
        framed += FOOTER.format(day=day.strftime("%d.%m.%Y"), city=posting.place_name or "der Region")
        return replace(
            posting, id=self._id("aggregator"), source="jobportal24", title=self.title_noise(posting),
            employer=employer, text=self.as_html(framed), **self._later(posting, 0, 5),  # type: ignore[arg-type]
        )  # fmt: skip

    def reformatted(self, posting: DedupPosting) -> DedupPosting:
        """Return the ad from a feed: one line joined by bullets, paragraphs shuffled, umlauts spelled out."""
        blocks = [block for block in re.split(r"\n\s*\n", posting.text) if block.strip()]
        self.rng.shuffle(blocks)
        text = " • ".join(line.strip() for block in blocks for line in block.split("\n") if line.strip())
        if self.rng.random() < 0.5:
            text = text.translate(UMLAUTS)
        return replace(
            posting, id=self._id("reformatted"), source="feed", title=self.title_noise(posting), text=text,
            **self._later(posting, 0, 10),  # type: ignore[arg-type]
        )  # fmt: skip

    def employer_site(self, posting: DedupPosting) -> DedupPosting:
        """Return the ad on the employer's own career page: full legal name, an intro, a gender-star title."""
        employer = posting.employer or "Arbeitgeber"
        if not re.search(r"\b(GmbH|AG|SE|KG|e\. ?V\.)", employer):
            employer += " GmbH & Co. KG"
        intro = (
            f"Über uns\n{employer} ist ein starker Arbeitgeber in der Region {posting.place_name or ''}.\n\n"
        )
        title = re.sub(r"(\w{4,}(?:er|or))\b", r"\1*in", posting.title, count=1)
        return replace(
            posting, id=self._id("employer"), source="employer", employer=employer, employer_direct=True,
            title=title, text=intro + posting.text, **self._later(posting, -3, 0),  # type: ignore[arg-type]
        )  # fmt: skip

    def sibling_job(self, posting: DedupPosting) -> DedupPosting:
        """Return another job of the same employer and place: other title and tasks, same company blurb."""
        # The title comes from another employer's ad, so it is no title this employer has published.
        other = self.rng.choice(self.pool).posting
        while other.employer == posting.employer or other.title == posting.title:
            other = self.rng.choice(self.pool).posting
        own, theirs = posting.text.split("\n"), other.text.split("\n")
        text = "\n".join(theirs[: len(theirs) // 2] + own[len(own) // 2 :])
        return replace(posting, id=self._id("sibling"), title=other.title, text=text)

    def level(self, posting: DedupPosting) -> DedupPosting:
        """Return the job one level up or down: a level word in the title, a fifth of the lines changed."""
        lines = posting.text.split("\n")
        for index in self.rng.sample(range(len(lines)), k=max(1, len(lines) // 5)):
            lines[index] = self.rng.choice(self.pool).posting.text.split("\n")[0]
        # After an employer prefix ("NTT DATA Deutschland SE: "), where boards put the title proper.
        prefix, _, title = posting.title.rpartition(": ")
        level = self.rng.choice([level for level in LEVELS if level.strip() not in title])
        title = level + re.sub(r"^\(?(Senior|Junior)\)?-?\s*", "", title)
        title = f"{prefix}: {title}" if prefix else title
        return replace(posting, id=self._id("level"), title=title, text="\n".join(lines))

    def other_place(self, posting: DedupPosting) -> DedupPosting:
        """Return the same ad for another town of the employer."""
        place = self.rng.choice([p for p in self.places if p != posting.place])
        return replace(posting, id=self._id("place"), place=place, place_name=None)

    def boilerplate_pairs(self) -> list[Labelled]:
        """Return pairs of different jobs of one employer whose texts are the same company blurb."""
        made = []
        for employer, *titles in BOILERPLATE_PAIRS:
            text = BLURB.format(n=self.rng.randint(20, 900))
            place = self.rng.choice(self.places)
            for title in titles:
                posting = DedupPosting(
                    id=self._id("blurb"), source="ba", title=f"{title} (m/w/d)", employer=employer,
                    place=place, text=text, published=date(2025, 9, 15),
                )  # fmt: skip
                made.append(Labelled(posting, posting.id, "boilerplate"))
        return made

    def title_noise(self, posting: DedupPosting) -> str:
        """Return the title with another gender marker and a noise prefix or suffix."""
        title = posting.title
        marker = self.rng.choice(MARKERS)
        title = re.sub(r"\((?:m|w|d)/(?:m|w|d)/(?:m|w|d)\)", f"({marker.strip('()')})", title)
        choice = self.rng.random()
        if choice < 0.4:
            title += self.rng.choice(TITLE_SUFFIXES)
        elif choice < 0.6 and posting.place_name:
            title += f" - {posting.place_name}"
        elif choice < 0.8:
            title = self.rng.choice(("Stellenangebot: ", "Job: ", "NEU: ")) + title
        return title.upper() if self.rng.random() < 0.05 else title

    def employer_variant(self, employer: str | None) -> str | None:
        """Return another spelling of an employer's name, as other sources write it."""
        if not employer:
            return employer
        options = [
            re.sub(r"\s*(gGmbH|GmbH & Co\. KG|GmbH|AG|SE|e\. ?V\.|mbH)\b.*$", "", employer) or employer,
            employer + " GmbH" if "GmbH" not in employer else employer.replace("GmbH", "G.m.b.H."),
            f"{employer} - Standort {self.rng.choice(('Nord', 'Süd', 'Zentrale'))}",
            employer.translate(UMLAUTS),
            employer.replace("&", "und"),
        ]
        return self.rng.choice(options)

    def as_html(self, text: str) -> str:
        """Return text as a board's HTML: paragraphs, list items for bullet lines, sometimes entities."""
        parts = []
        for line in text.split("\n"):
            if not line.strip():
                continue
            tag = "li" if line.lstrip().startswith(("•", "-", "*")) else "p"
            parts.append(f"<{tag}>{html.escape(line.lstrip('•-* '))}</{tag}>")
        marked = "\n".join(parts)
        if self.rng.random() < 0.5:
            marked = marked.replace("ä", "&auml;").replace("ö", "&ouml;").replace("ü", "&uuml;")
        return f'<div class="job-description">{marked}</div>'


@dataclass(frozen=True, slots=True)
class Scores:
    """Pairwise counts of one clustering against the truth."""

    true_pairs: int
    predicted_pairs: int
    found_pairs: int

    @property
    def precision(self) -> float:
        """Return the share of predicted pairs that are true."""
        return self.found_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        """Return the share of true pairs that were predicted."""
        return self.found_pairs / self.true_pairs if self.true_pairs else 1.0


def cluster(items: Sequence[Labelled]) -> tuple[Clusterer, dict[str, str]]:
    """Add the postings in the given order and return the clusterer and each posting's cluster."""
    clusterer = Clusterer()
    assignments = clusterer.add_many([item.posting for item in items])
    return clusterer, {a.posting_id: a.cluster_id for a in assignments}


def score(items: Sequence[Labelled], predicted: dict[str, str]) -> Scores:
    """Count true, predicted and found pairs."""
    truth = Counter(item.group for item in items)
    guess = Counter(predicted[item.posting.id] for item in items)
    both = Counter((item.group, predicted[item.posting.id]) for item in items)
    return Scores(_pairs(truth), _pairs(guess), _pairs(both))


def _pairs(counts: Counter[str] | Counter[tuple[str, str]]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def by_kind(items: Sequence[Labelled], predicted: dict[str, str]) -> None:
    """Print, per kind of copy or negative, how often it landed in its original's cluster."""
    print(f"\n  {'kind':<14} {'postings':>8} {'with its original':>18}")
    counts: dict[str, list[bool]] = defaultdict(list)
    for item in items:
        if item.anchor:
            counts[item.kind].append(predicted[item.posting.id] == predicted[item.anchor])
    for kind, hits in counts.items():
        print(f"  {kind:<14} {len(hits):>8} {sum(hits) / len(hits):>17.1%}")


def errors(items: Sequence[Labelled], clusterer: Clusterer, predicted: dict[str, str], limit: int) -> None:
    """Print some wrongly merged and some missed pairs with the clusterer's own explanation."""
    members: dict[str, list[Labelled]] = defaultdict(list)
    for item in items:
        members[predicted[item.posting.id]].append(item)
    wrong = [(a, b) for group in members.values() for a, b in combinations(group, 2) if a.group != b.group]
    truth: dict[str, list[Labelled]] = defaultdict(list)
    for item in items:
        truth[item.group].append(item)
    missed = [
        (a, b) for group in truth.values() for a, b in combinations(group, 2)
        if predicted[a.posting.id] != predicted[b.posting.id]
    ]  # fmt: skip
    for label, pairs in (("wrongly merged", wrong), ("missed", missed)):
        print(f"\n  {label}: {len(pairs)} pairs" + (f", first {limit}:" if len(pairs) > limit else ""))
        for a, b in pairs[:limit]:
            verdict = clusterer.explain(a.posting.id, b.posting.id)
            print(f"    [{a.kind} / {b.kind}] {a.posting.title[:45]!r} / {b.posting.title[:45]!r}")
            print(f"      {verdict.reason}")


def rates(postings: Sequence[DedupPosting], runs: int) -> tuple[float, float, float, float]:
    """Return the median postings/s of add_many and of add one by one, wall clock and CPU time."""
    results: list[tuple[float, float, float, float]] = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        Clusterer().add_many(postings)
        batch = (len(postings) / (time.perf_counter() - wall), len(postings) / (time.process_time() - cpu))
        clusterer = Clusterer()
        wall, cpu = time.perf_counter(), time.process_time()
        for posting in postings:
            clusterer.add(posting)
        single = (len(postings) / (time.perf_counter() - wall), len(postings) / (time.process_time() - cpu))
        results.append((*batch, *single))
    return tuple(statistics.median(run[i] for run in results) for i in range(4))  # type: ignore[return-value]


def search_section(shared: Path) -> list[DedupPosting]:
    """Print the repost groups of the BA search results and what the clusterer merges there."""
    loaded = load(shared / SEARCH)
    postings = [to_posting(refnr, data) for refnr, data in loaded]
    triples: dict[tuple[str, str, str | None], list[str]] = defaultdict(list)
    for posting in postings:
        if posting.title.strip():
            triples[(posting.employer or "", posting.title.strip(), posting.place)].append(posting.id)
    groups = [ids for ids in triples.values() if len(ids) > 1]
    pairs = [(a, b) for ids in groups for a, b in combinations(ids, 2)]
    cross = sum(a.split("-")[0] != b.split("-")[0] for a, b in pairs)
    clusterer = Clusterer()
    predicted = {a.posting_id: a.cluster_id for a in clusterer.add_many(postings)}
    same_triple = {frozenset(pair) for pair in pairs}
    merged = [
        (a, b) for ids in clusterer.clusters().values() if len(ids) > 1 for a, b in combinations(ids, 2)
    ]  # fmt: skip
    beyond = [pair for pair in merged if frozenset(pair) not in same_triple]
    found = sum(predicted[a] == predicted[b] for a, b in pairs)
    print(f"\nBA search results: {len(postings):,} postings without description")
    print(
        f"  {len(groups)} groups of identical employer + title + postal code, {len(pairs)} pairs "
        f"({cross} across partner prefixes of the reference number, {len(pairs) - cross} within one)"
    )
    print(f"  merged by the clusterer: {found} of these pairs; {len(beyond)} further pairs, first 8:")
    by_id = {posting.id: posting for posting in postings}
    for a, b in beyond[:8]:
        print(f"    {by_id[a].title[:40]!r} / {by_id[b].title[:40]!r}: {clusterer.explain(a, b).reason}")
    return postings


def main() -> int:
    """Build the labelled set, print precision and recall, error samples and throughput."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3, help="throughput runs (0: no throughput)")
    parser.add_argument("--errors", type=int, default=6, help="wrong and missed pairs to print")
    args = parser.parse_args()
    if not all((args.shared / path).is_file() for path in (FULLTEXT, SEARCH)):
        print(f"{args.shared} lacks the BA postings; pass --shared DIR (skipped)", file=sys.stderr)
        return 2
    base, dropped = originals(args.shared)
    made = Variants(base, args.seed).make()
    items = base + made
    kinds = Counter(item.kind for item in items)
    print(
        f"Labelled set: {len(items):,} postings in {len(set(i.group for i in items)):,} true clusters; "
        f"{len(base)} real ({len(REAL_DUPLICATES)} real duplicate pairs, {dropped} ambiguous left out), "
        + ", ".join(f"{kind} {count}" for kind, count in kinds.items() if kind != "original")
    )
    rng = random.Random(args.seed)
    for label in ("shuffled order", "another order"):
        order = list(items)
        rng.shuffle(order)
        clusterer, predicted = cluster(order)
        scores = score(order, predicted)
        print(
            f"\n{label}: precision {scores.precision:.3f}  recall {scores.recall:.3f}  "
            f"({scores.found_pairs} of {scores.predicted_pairs} predicted pairs true, "
            f"{scores.true_pairs} true pairs)"
        )
    by_kind(items, predicted)
    errors(order, clusterer, predicted, args.errors)
    search = search_section(args.shared)
    if args.runs < 1:
        return 0
    print(f"\nThroughput, median of {args.runs} runs (postings/s: wall clock, CPU time)")
    sets = (
        ("real postings with text", [item.posting for item in base]),
        ("labelled set (with copies)", [item.posting for item in items]),
        ("BA search (titles only)", search),
    )
    for label, postings in sets:
        batch_wall, batch_cpu, one_wall, one_cpu = rates(postings, args.runs)
        print(
            f"  {label:<27} add_many {batch_wall:>7,.0f} / {batch_cpu:>7,.0f}   "
            f"add one by one {one_wall:>7,.0f} / {one_cpu:>7,.0f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
