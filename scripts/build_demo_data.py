"""Build the packaged demo data set from the real BA search export in ../shared/data.

Only factual fields are kept (reference number, title, occupation, employer, place, dates); the file has the
shape of a BA Jobsuche API response, so `stellwerk import --demo` reads it like any other import.
Run: python scripts/build_demo_data.py [--shared ../shared/data] [--out PATH]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOURCE_FILE = "postings/ba_jobsuche_search_bamberg_2025.csv"
TOP_LEVEL = (
    "refnr",
    "titel",
    "beruf",
    "arbeitgeber",
    "aktuelleVeroeffentlichungsdatum",
    "modifikationsTimestamp",
    "eintrittsdatum",
)
PLACE = ("ort", "plz", "ortsteil", "region", "land")


def _value(text: str | None) -> str | None:
    return None if text in (None, "", "null") else text


def demo_record(row: dict[str, str]) -> dict[str, Any]:
    """Return the factual fields of one flattened search row in the API's nested shape."""
    record: dict[str, Any] = {key: _value(row.get(key)) for key in TOP_LEVEL}
    place: dict[str, Any] = {key: _value(row.get(f"arbeitsort.{key}")) for key in PLACE}
    lat, lon = _value(row.get("arbeitsort.koordinaten.lat")), _value(row.get("arbeitsort.koordinaten.lon"))
    if lat and lon:
        place["koordinaten"] = {"lat": float(lat), "lon": float(lon)}
    record["arbeitsort"] = {k: v for k, v in place.items() if v is not None}
    return {k: v for k, v in record.items() if v is not None}


def build(shared: Path, out: Path) -> int:
    """Write the demo file and return the number of postings in it."""
    with (shared / SOURCE_FILE).open(encoding="utf-8", newline="") as handle:
        records = [demo_record(row) for row in csv.DictReader(handle)]
    document = {"stellenangebote": records, "maxErgebnisse": len(records)}
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical across rebuilds.
    out.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    return len(records)


def main() -> None:
    """Parse arguments and build the demo data set."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=ROOT / "src/stellwerk/data/demo/ba_demo.json.gz")
    args = parser.parse_args()
    count = build(args.shared, args.out)
    print(f"{count} demo postings -> {args.out} ({args.out.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
