"""Build src/stellwerk/data/entgeltatlas.tsv.gz from ../shared/data/salaries/entgeltatlas_de_kldb5.json.

One line per KldB 2010 code with the nationwide median, lower and upper quartile (whole euros, "c" where the
figure lies above the contribution ceiling, empty where withheld) and the headcount the figures rest on.
The reference date is not in the source file; it follows from the contribution ceiling the records report
(see stellwerk.reference.salaries.REFERENCE_YEAR_BY_CEILING_EUR) unless --stichtag names it.
The output is deterministic: rerunning on the same source gives a byte-identical file.

Run: .venv/bin/python scripts/build_salary_data.py [--shared ../shared/data] [--out src/stellwerk/data]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The builder runs as a plain script from a checkout, so the package need not be installed.
sys.path.insert(0, str(REPO / "src"))

from stellwerk.reference.salaries import (  # noqa: E402
    ATTRIBUTION,
    SalaryStatistic,
    parse_statistic,
    table_cell,
)

SOURCE_FILE = Path("salaries") / "entgeltatlas_de_kldb5.json"
OUTPUT_FILE = "entgeltatlas.tsv.gz"
COLUMNS = ("kldb", "level", "median_eur", "q25_eur", "q75_eur", "headcount")


def read_statistics(path: Path, stichtag: date | None) -> list[SalaryStatistic]:
    """Return the overall (all genders, ages, industries) statistic of every code that has one."""
    records = json.loads(path.read_text(encoding="utf-8"))
    statistics = []
    for code in sorted(records):
        # A few codes come without any figures, only their name.
        overall = records[code].get("0")
        if isinstance(overall, dict):
            statistics.append(parse_statistic(overall, stichtag))
    return statistics


def table_text(statistics: Sequence[SalaryStatistic]) -> str:
    """Return the packaged table: provenance lines, a header and one line per code."""
    regions = {(s.region_id, s.region) for s in statistics}
    dates = {s.reference_date for s in statistics}
    ceilings = {s.ceiling_cents for s in statistics}
    if len(regions) != 1 or len(dates) != 1 or len(ceilings) != 1:
        raise ValueError(f"expected one region, date and ceiling, got {regions}, {dates}, {ceilings}")
    ((region_id, region),), (stichtag,), (ceiling,) = regions, dates, ceilings
    lines = [
        "# Entgeltatlas: monthly gross pay of full-time employees subject to social insurance, per KldB 2010",
        f"# {ATTRIBUTION}",
        f"# region_id\t{region_id}",
        f"# region\t{region}",
        f"# stichtag\t{stichtag.isoformat()}",
        f"# beitragsbemessungsgrenze_eur\t{ceiling // 100}",
        "# " + "\t".join(COLUMNS),
    ]
    for s in statistics:
        headcount = "" if s.headcount is None else str(s.headcount)
        cells = (s.kldb, s.level, table_cell(s.median), table_cell(s.q25), table_cell(s.q75), headcount)
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """Build the packaged Entgeltatlas table and print how many codes it holds."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "src" / "stellwerk" / "data")
    parser.add_argument("--stichtag", type=date.fromisoformat, help="reference date, YYYY-MM-DD")
    args = parser.parse_args(argv)
    statistics = read_statistics(args.shared / SOURCE_FILE, args.stichtag)
    text = table_text(statistics)
    args.out.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the gzip header identical between runs.
    (args.out / OUTPUT_FILE).write_bytes(gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0))
    first = statistics[0]
    print(
        f"wrote {args.out / OUTPUT_FILE}: {len(statistics):,} codes, {first.region}, "
        f"Stichtag {first.reference_date.isoformat()}, ceiling {first.ceiling_cents // 100} EUR"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
