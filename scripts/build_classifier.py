"""Build the occupation classifier's packaged data in src/stellwerk/data from ../shared/data.

The classifier itself is built at first use from the packaged taxonomy; all it needs beyond that is the
employment headcount of each KldB code (Entgeltatlas), its prior. No postings go into the package.
The output is deterministic: rerunning on the same source gives a byte-identical file.

Run: .venv/bin/python scripts/build_classifier.py [--shared ../shared/data] [--check]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The builder runs as a plain script from a checkout, so the package need not be installed.
sys.path.insert(0, str(REPO / "src"))

from stellwerk.normalize.classify import HEADCOUNTS_FILE, OccupationClassifier  # noqa: E402
from stellwerk.reference.taxonomy import default_taxonomy  # noqa: E402

ENTGELTATLAS = Path("salaries") / "entgeltatlas_de_kldb5.json"
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


def main() -> int:
    """Build src/stellwerk/data/kldb_headcounts.tsv.gz and report the classifier's build time."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--check", action="store_true", help="fail if the packaged file is out of date")
    args = parser.parse_args()
    source = args.shared / ENTGELTATLAS
    if not source.is_file():
        print(f"{source} not found: pass --shared DIR with the shared data", file=sys.stderr)
        return 2
    target = REPO / "src" / "stellwerk" / "data" / HEADCOUNTS_FILE
    counts = headcounts(source)
    fresh = headcounts_file(counts)
    if args.check:
        current = target.read_bytes() if target.is_file() else b""
        print("up to date" if current == fresh else f"{target} is out of date")
        return 0 if current == fresh else 1
    target.write_bytes(fresh)
    started = time.perf_counter()
    classifier = OccupationClassifier.train(default_taxonomy())
    seconds = time.perf_counter() - started
    print(f"{target.relative_to(REPO)}: {len(counts)} codes, {target.stat().st_size:,} bytes")
    print(f"classifier: {len(classifier.rows):,} index rows, built in {seconds:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
