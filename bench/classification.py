"""Measure posting -> KldB 2010 classification on real BA postings, scored on employers not trained on.

Run: .venv/bin/python bench/classification.py [--shared ../shared/data] [--folds 5] [--seed 0] [--no-baseline]

Gold label of a posting: the KldB code of its BA `beruf` (the employer's choice from the BA occupation list),
through taxonomy/ba_berufe_kurz.csv; postings whose `beruf` maps to no or several codes are left out.
Postings are split into folds by employer (names reduced to their first distinctive word, so branches of
one firm stay together); every fold is scored by models that never saw that fold's employers.
Compared: the baseline (character TF-IDF + linear SVM on titles, trained on the other folds' postings),
our nearest-neighbour vote over the reference titles only (the same for every fold) and over the reference
titles plus the other folds' postings, the linear model alone (title, employer and description features,
trained on the reference titles plus the other folds' postings), and ours: both blended, retrained per fold
by the same function that builds the packaged model (scripts/build_classifier.py, from all postings), so
its fold scores are the packaged model's expected accuracy on employers it has not seen. The packaged model
itself is not scored: it saw every employer here. Unknown counts as wrong. Needs scikit-learn (the baseline
and the linear model are fitted with it). The blend weight and the calibration were tuned on these folds.
Prints figures; asserts nothing. The machine is shared: read medians and ratios, not single runs.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from stellwerk.domain.classification import Classification
from stellwerk.domain.results import Unknown
from stellwerk.domain.text import fold
from stellwerk.normalize.classify import (
    EXAMPLES_CALIBRATION,
    Example,
    OccupationClassifier,
    default_classifier,
    match_text,
)
from stellwerk.reference.taxonomy import default_taxonomy

ROOT = Path(__file__).resolve().parent.parent
# The packaged model's builder trains the per-fold models, so the bench scores what is shipped.
sys.path.insert(0, str(ROOT / "scripts"))
from build_classifier import trained_classifier  # noqa: E402

SEARCH = Path("postings/ba_jobsuche_search_bamberg_2025.csv")
FULLTEXT = Path("postings/ba_jobsuche_fulltext_2025.csv")
BERUFE = Path("taxonomy/ba_berufe_kurz.csv")
BANDS = ((0.0, 0.2), (0.2, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))
# Legal forms and words shared by unrelated employers do not identify an employer.
GENERIC = frozenset({
    "gmbh", "mbh", "co", "kg", "ag", "se", "ev", "ohg", "ug", "gbr", "kgaa", "aor", "ggmbh", "und", "the",
    "der", "die", "das", "fuer", "stadt", "landkreis", "gemeinde", "markt", "bezirk", "klinikum", "kliniken",
    "klinik", "universitaetsklinikum", "universitaet", "hochschule", "praxis", "zahnarztpraxis", "dr", "med",
    "dipl", "ing", "autohaus", "hotel", "gasthof", "restaurant", "deutsche", "deutsches", "bayerische",
    "evangelische", "katholische", "kreis", "freistaat", "regierung", "landratsamt", "steuerberatung",
    "kanzlei", "elektro", "metallbau", "niederlassung",
})  # fmt: skip

Prediction = Classification | Unknown | str


@dataclass(frozen=True, slots=True)
class Posting:
    """A BA posting with its gold KldB code."""

    title: str
    employer: str
    description: str | None
    kldb: str


def gold_codes(shared: Path) -> dict[str, set[str]]:
    """Return the KldB codes of each BA occupation short name (the Jobsuche `beruf` field)."""
    codes: dict[str, set[str]] = defaultdict(set)
    with (shared / BERUFE).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            codes[row[10]].add(row[1][2:7])
    return codes


def load_postings(shared: Path) -> tuple[list[Posting], int]:
    """Return the postings of both files whose `beruf` has exactly one code, and how many were left out."""
    codes = gold_codes(shared)
    postings, skipped = [], 0
    sources = ((SEARCH, "titel", "arbeitgeber", None), (FULLTEXT, "job_title", "company", "description"))
    for path, title, employer, description in sources:
        with (shared / path).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found = codes.get(row["beruf"], set())
                if len(found) != 1:
                    skipped += 1
                    continue
                text = row[description] if description else None
                postings.append(Posting(row[title], row[employer], text, next(iter(found))))
    return postings, skipped


def employer_key(name: str) -> str:
    """Return the first distinctive word of an employer's name ("I.K. Hofmann GmbH" -> "hofmann")."""
    words = [w for w in re.findall(r"[a-z0-9]+", fold(name)) if len(w) > 2 and w not in GENERIC]
    return words[0] if words else fold(name).strip()


def group_folds(postings: Sequence[Posting], folds: int, seed: int) -> list[list[int]]:
    """Split posting indices into folds by employer: shuffled groups, each to the currently smallest fold."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, posting in enumerate(postings):
        groups[employer_key(posting.employer)].append(i)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    keys.sort(key=lambda key: -len(groups[key]))  # stable: equal sizes keep the shuffled order
    result: list[list[int]] = [[] for _ in range(folds)]
    for key in keys:
        min(result, key=len).extend(groups[key])
    return [sorted(part) for part in result]


def code_of(prediction: Prediction) -> str:
    """Return the predicted code, or "" for Unknown."""
    if isinstance(prediction, Classification):
        return prediction.kldb
    return prediction if isinstance(prediction, str) else ""


def accuracy(predictions: Sequence[Prediction], gold: Sequence[str]) -> tuple[float, float]:
    """Return the share of right 5-digit and 3-digit codes."""
    codes = [code_of(p) for p in predictions]
    five = sum(c == g for c, g in zip(codes, gold, strict=True))
    three = sum(bool(c) and c[:3] == g[:3] for c, g in zip(codes, gold, strict=True))
    return five / len(gold), three / len(gold)


def baseline(train: Sequence[Posting], test: Sequence[Posting]) -> list[Prediction]:
    """Predict with character TF-IDF + linear SVM trained on the training postings' titles."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from sklearn.svm import LinearSVC  # type: ignore[import-untyped,import-not-found,unused-ignore]

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    features = vectorizer.fit_transform([p.title for p in train])
    model = LinearSVC(C=1.0).fit(features, [p.kldb for p in train])
    return [str(code) for code in model.predict(vectorizer.transform([p.title for p in test]))]


def ours(classifier: OccupationClassifier, test: Sequence[Posting]) -> list[Prediction]:
    """Predict with our classifier from title, employer and description."""
    return list(
        classifier.classify_many(
            [p.title for p in test], [p.employer for p in test], [p.description for p in test]
        )
    )


def title_majority(train: Sequence[Posting], test: Sequence[Posting]) -> tuple[int, int, int]:
    """Return how many test titles were seen in training, and how often their majority code is right."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for posting in train:
        seen[match_text(posting.title)][posting.kldb] += 1
    covered = five = three = 0
    for posting in test:
        counts = seen.get(match_text(posting.title))
        if counts:
            covered += 1
            code = counts.most_common(1)[0][0]
            five += code == posting.kldb
            three += code[:3] == posting.kldb[:3]
    return covered, five, three


def print_folds(name: str, scores: Sequence[tuple[float, float]]) -> None:
    """Print one model's accuracy per fold and the mean."""
    cells = "  ".join(f"{five:6.1%} {three:6.1%}" for five, three in scores)
    five = statistics.mean(s[0] for s in scores)
    three = statistics.mean(s[1] for s in scores)
    print(f"{name:<26} {cells}   | {five:6.1%} {three:6.1%}")


def print_bands(name: str, predictions: Sequence[Prediction], gold: Sequence[str]) -> None:
    """Print accuracy by confidence band: calibrated means the band's accuracy lies inside the band."""
    print(f"\n{name}: accuracy by confidence band")
    print(f"  {'band':<11} {'postings':>8} {'share':>7} {'mean conf':>9} {'5-digit':>8} {'3-digit':>8}")
    rows: list[tuple[str, list[int]]] = [(f"{low:.1f}-{min(high, 1.0):.1f}", []) for low, high in BANDS]
    unknown: list[int] = []
    for i, prediction in enumerate(predictions):
        if not isinstance(prediction, Classification):
            unknown.append(i)
            continue
        for (low, high), (_, members) in zip(BANDS, rows, strict=True):
            if low <= prediction.confidence < high:
                members.append(i)
    for label, members in [*rows, ("Unknown", unknown)]:
        if not members:
            continue
        picked = [predictions[i] for i in members]
        confidences = [p.confidence for p in picked if isinstance(p, Classification)]
        mean = f"{statistics.mean(confidences):9.2f}" if confidences else f"{'-':>9}"
        five, three = accuracy(picked, [gold[i] for i in members])
        share = len(members) / len(predictions)
        print(f"  {label:<11} {len(members):>8} {share:>7.1%} {mean} {five:>8.1%} {three:>8.1%}")


def throughput(postings: Sequence[Posting]) -> None:
    """Print the packaged classifier's load time and postings per second (batch and one by one)."""
    default_taxonomy()
    started = time.perf_counter()
    classifier = default_classifier()
    seconds = time.perf_counter() - started
    print(f"\nPackaged classifier: {len(classifier.rows):,} index rows, loaded in {seconds:.2f} s")
    titles = [p.title for p in postings]
    employers = [p.employer for p in postings]
    descriptions = [p.description for p in postings]
    distinct = list(dict.fromkeys(titles))
    runs: list[tuple[str, int, Callable[[], object]]] = [
        (
            "classify_many, all postings with employers",
            len(titles),
            lambda: classifier.classify_many(titles, employers, descriptions),
        ),
        (
            "classify_many, all titles (repeats cached)",
            len(titles),
            lambda: classifier.classify_many(titles),
        ),
        ("classify_many, distinct titles", len(distinct), lambda: classifier.classify_many(distinct)),
        (
            "classify one by one, distinct titles",
            len(distinct),
            lambda: [classifier.classify(t) for t in distinct],
        ),
    ]
    for label, count, run in runs:
        rates = []
        for _ in range(3):
            classifier._cache.clear()
            started = time.perf_counter()
            run()
            rates.append(count / (time.perf_counter() - started))
        print(f"  {label:<46} {statistics.median(rates):>9,.0f} titles/s (median of 3)")


def main() -> int:
    """Print accuracy per fold and mean, confidence bands and throughput."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-baseline", action="store_true", help="skip the SVM baseline (about a minute)")
    args = parser.parse_args()
    if not all((args.shared / path).is_file() for path in (SEARCH, FULLTEXT, BERUFE)):
        print(
            f"{args.shared} lacks the BA postings or the BA occupation list; pass --shared DIR",
            file=sys.stderr,
        )
        return 2
    postings, skipped = load_postings(args.shared)
    folds = group_folds(postings, args.folds, args.seed)
    employers = len({employer_key(p.employer) for p in postings})
    print(
        f"{len(postings):,} postings with one gold code ({skipped} left out), {employers:,} employers, "
        f"{args.folds} folds by employer, seed {args.seed}"
    )
    if not _has_sklearn():
        return 2
    evaluate(postings, folds, not args.no_baseline)
    throughput(postings)
    return 0


def evaluate(postings: Sequence[Posting], folds: Sequence[Sequence[int]], run_baseline: bool) -> None:
    """Train and score every model on every fold; print the table and the confidence bands."""
    taxonomy = default_taxonomy()
    reference = OccupationClassifier.train(taxonomy)
    scores: dict[str, list[tuple[float, float]]] = defaultdict(list)
    pooled: dict[str, list[Prediction]] = defaultdict(list)
    gold_pooled: list[str] = []
    majority = [0, 0, 0, 0]
    for part in folds:
        held_out = set(part)
        train = [p for i, p in enumerate(postings) if i not in held_out]
        test = [postings[i] for i in part]
        gold = [p.kldb for p in test]
        gold_pooled += gold
        examples = [Example(p.title, p.kldb, p.employer, p.description) for p in train if p.title.strip()]
        trained = trained_classifier(taxonomy, examples)
        settings = trained.settings
        knn = OccupationClassifier(
            trained.rows, trained.headcounts, replace(settings, calibration=EXAMPLES_CALIBRATION)
        )
        linear = OccupationClassifier(
            trained.rows, trained.headcounts, replace(settings, linear_weight=1.0), trained.linear
        )
        predictions = {
            "kNN, reference only": ours(reference, test),
            "kNN, + postings of folds": ours(knn, test),
            "linear, + postings of folds": ours(linear, test),
            "ours: kNN + linear": ours(trained, test),
        }
        if run_baseline:
            predictions = {"baseline char TF-IDF + SVM": baseline(train, test), **predictions}
        for name, predicted in predictions.items():
            scores[name].append(accuracy(predicted, gold))
            pooled[name] += predicted
        covered, five, three = title_majority(train, test)
        majority = [majority[0] + covered, majority[1] + five, majority[2] + three, majority[3] + len(test)]
    print(
        f"\n{'accuracy (5-digit 3-digit)':<26} "
        + "  ".join(f"{'fold ' + str(i + 1):>13}" for i in range(len(folds)))
        + "   |  mean"
    )
    for name, fold_scores in scores.items():
        print_folds(name, fold_scores)
    covered, five, three, total = majority
    print(
        f"\nCeiling check: {covered / total:.0%} of test titles occur in the training folds; for those the "
        f"training majority code is right {five / covered:.1%} (5-digit) / {three / covered:.1%} (3-digit)."
    )
    for name in ("ours: kNN + linear", "kNN, + postings of folds"):
        print_bands(name, pooled[name], gold_pooled)


def _has_sklearn() -> bool:
    try:
        import sklearn  # type: ignore[import-untyped,import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        print("scikit-learn is not installed: pip install -e '.[bench]'", file=sys.stderr)
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
