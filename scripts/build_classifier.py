"""Build the occupation classifier's packaged data in src/stellwerk/data from ../shared/data.

Three files: the employment headcount of each KldB code (Entgeltatlas), the classifier's prior; the
nearest-neighbour index: the packaged taxonomy's reference titles plus the real BA postings whose `beruf`
maps to exactly one KldB code through taxonomy/ba_berufe_kurz.csv (title, employer and that code; the same
labelling bench/classification.py scores against, on held-out employers); and the linear model, a linear
SVM fitted on the same reference titles and postings (title n-grams and words, employer words, description
words), its small weights dropped. Index rows are stored, not the n-gram index, which is built at first
use. `trained_classifier` is what bench/classification.py retrains per fold. Needs scikit-learn (only
here: at runtime the model is numpy). The output is deterministic: rerunning on the same source gives
byte-identical files.

Run: .venv/bin/python scripts/build_classifier.py [--shared ../shared/data] [--check]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
# The builder runs as a plain script from a checkout, so the package need not be installed.
sys.path.insert(0, str(REPO / "src"))

from stellwerk.normalize.classify import (  # noqa: E402
    HEADCOUNTS_FILE,
    LINEAR_FILE,
    MODEL_FILE,
    Example,
    OccupationClassifier,
    Settings,
    employer_text,
    match_text,
    reference_rows,
)
from stellwerk.normalize.classify_linear import (  # noqa: E402
    FeatureSettings,
    Featurizer,
    LinearModel,
    PostingText,
)
from stellwerk.reference.taxonomy import Taxonomy, default_taxonomy  # noqa: E402

ENTGELTATLAS = Path("salaries") / "entgeltatlas_de_kldb5.json"
BERUFE = Path("taxonomy") / "ba_berufe_kurz.csv"
# Each file with its title, employer and description columns.
POSTINGS = (
    (Path("postings") / "ba_jobsuche_search_bamberg_2025.csv", "titel", "arbeitgeber", None),
    (Path("postings") / "ba_jobsuche_fulltext_2025.csv", "job_title", "company", "description"),
)
# Regularisation of the linear SVM.
SVM_C = 0.5
# Weights smaller than this are dropped from the packaged linear model: it shrinks, accuracy stays.
KEEP_WEIGHT = 0.05
HEADER = (
    "# kldb\theadcount (employees subject to social insurance, Germany, Entgeltatlas)\n"
    "# Quelle: Statistik der Bundesagentur für Arbeit. Censored (negative) counts are left out.\n"
)


def headcounts(entgeltatlas: Path) -> dict[str, int]:
    """Return the Germany-wide headcount of each KldB code that the Entgeltatlas publishes."""
    records = json.loads(entgeltatlas.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for code, record in records.items():
        overall = record.get("0")
        # Small occupations are published as a negative placeholder instead of a count.
        if (
            isinstance(overall, dict)
            and isinstance(overall.get("besetzung"), int)
            and overall["besetzung"] > 0
        ):
            counts[code] = overall["besetzung"]
    return dict(sorted(counts.items()))


def headcounts_file(counts: dict[str, int]) -> bytes:
    """Return the headcounts as a gzipped TSV without a timestamp, so the bytes depend on the data only."""
    body = HEADER + "".join(f"{code}\t{count}\n" for code, count in counts.items())
    return gzip.compress(body.encode("utf-8"), mtime=0)


def beruf_codes(berufe: Path) -> dict[str, set[str]]:
    """Return the KldB codes of each BA occupation short name (the Jobsuche `beruf` field)."""
    codes: dict[str, set[str]] = {}
    with berufe.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            codes.setdefault(row[10], set()).add(row[1][2:7])
    return codes


def labelled_postings(shared: Path) -> list[Example]:
    """Return the BA postings whose `beruf` names exactly one KldB code, as training examples."""
    codes = beruf_codes(shared / BERUFE)
    examples = []
    for path, title, employer, description in POSTINGS:
        with (shared / path).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                found = codes.get(row["beruf"], set())
                if len(found) == 1 and row[title].strip():
                    text = row[description] if description else None
                    examples.append(Example(row[title], next(iter(found)), row[employer], text))
    return examples


def linear_model(taxonomy: Taxonomy, examples: list[Example]) -> LinearModel:
    """Fit the linear model (a linear SVM) on the reference titles and the examples."""
    from scipy import sparse  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from sklearn.svm import LinearSVC  # type: ignore[import-untyped,import-not-found,unused-ignore]

    reference = [
        (PostingText(match_text(r.text)), r.kldb, r.weight) for r in reference_rows(taxonomy, Settings())
    ]
    labelled = [
        (PostingText(match_text(e.title), employer_text(e.employer or ""), e.description or ""), e.kldb, 1.0)
        for e in examples
    ]
    rows = [row for row in reference + labelled if row[0].title]
    featurizer = Featurizer.fit((posting for posting, _, _ in rows), FeatureSettings())
    vectors = [featurizer.vector(posting) for posting, _, _ in rows]
    matrix = sparse.csr_matrix(
        (
            [w for v in vectors for w in v.values()],
            [c for v in vectors for c in v],
            np.concatenate(([0], np.cumsum([len(v) for v in vectors]))),
        ),
        shape=(len(vectors), len(featurizer.names)),
    )
    # A fixed seed for liblinear's shuffling, so that rebuilding gives the same bytes.
    svm = LinearSVC(C=SVM_C, random_state=0)
    svm.fit(matrix, [code for _, code, _ in rows], sample_weight=[w for _, _, w in rows])
    return LinearModel.from_dense(
        [str(c) for c in svm.classes_], featurizer, svm.coef_, svm.intercept_, KEEP_WEIGHT
    )


def trained_classifier(
    taxonomy: Taxonomy, examples: list[Example], counts: dict[str, int] | None = None
) -> OccupationClassifier:
    """Return the classifier as packaged: index of reference titles and examples plus the linear model."""
    return OccupationClassifier.train(taxonomy, examples, counts, linear=linear_model(taxonomy, examples))


def model_files(examples: list[Example], counts: dict[str, int]) -> tuple[bytes, bytes]:
    """Return the saved index and linear model trained on the taxonomy and the examples."""
    classifier = trained_classifier(default_taxonomy(), examples, counts)
    with tempfile.TemporaryDirectory() as scratch:
        index, linear = Path(scratch) / MODEL_FILE, Path(scratch) / LINEAR_FILE
        classifier.save(index, linear)
        return index.read_bytes(), linear.read_bytes()


def main() -> int:
    """Build the headcounts and the classifier index in src/stellwerk/data."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--check", action="store_true", help="fail if the packaged file is out of date")
    args = parser.parse_args()
    sources = [args.shared / ENTGELTATLAS, args.shared / BERUFE] + [args.shared / p[0] for p in POSTINGS]
    missing = [str(path) for path in sources if not path.is_file()]
    if missing:
        print(f"{', '.join(missing)} not found: pass --shared DIR with the shared data", file=sys.stderr)
        return 2
    data = REPO / "src" / "stellwerk" / "data"
    counts = headcounts(args.shared / ENTGELTATLAS)
    examples = labelled_postings(args.shared)
    started = time.perf_counter()
    index, linear = model_files(examples, counts)
    fresh = {
        data / HEADCOUNTS_FILE: headcounts_file(counts),
        data / MODEL_FILE: index,
        data / LINEAR_FILE: linear,
    }
    seconds = time.perf_counter() - started
    if args.check:
        stale = [path for path, body in fresh.items() if not path.is_file() or path.read_bytes() != body]
        print("up to date" if not stale else f"out of date: {', '.join(map(str, stale))}")
        return 1 if stale else 0
    for path, body in fresh.items():
        path.write_bytes(body)
        print(f"{path.relative_to(REPO)}: {len(body):,} bytes")
    print(f"{len(counts)} headcounts; classifier from {len(examples):,} postings, built in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
