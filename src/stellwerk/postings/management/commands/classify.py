"""`stellwerk classify FILE.csv`: add KldB 2010 codes and confidences to a CSV of job titles."""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError

from stellwerk.domain.results import Unknown
from stellwerk.normalize.classify import default_classifier
from stellwerk.normalize.titles import clean_title

REQUIRED = "titel"


def _reader(handle: TextIO, path: Path) -> tuple[csv.DictReader[str], list[str]]:
    """Return a reader for a comma-, semicolon- or tab-separated file, and its header."""
    sample = handle.read(64_000)
    handle.seek(0)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(handle, dialect=dialect)
    header = list(reader.fieldnames or [])
    if REQUIRED not in header:
        raise CommandError(f"{path}: no '{REQUIRED}' column (found: {', '.join(header) or 'none'})")
    return reader, header


class Command(BaseCommand):
    """Classify job titles (with `arbeitgeber`, `beschreibung` if present) into KldB 2010; CSV to stdout."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="CSV with a 'titel' column")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                self._classify(handle, path)
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc

    def _classify(self, handle: TextIO, path: Path) -> None:
        reader, header = _reader(handle, path)
        classifier = default_classifier()
        writer = csv.DictWriter(self.stdout, fieldnames=[*header, "kldb", "confidence"], lineterminator="\n")
        writer.writeheader()
        for row in reader:
            result = classifier.classify(
                clean_title(row.get(REQUIRED) or ""),
                row.get("arbeitgeber") or None,
                row.get("beschreibung") or None,
            )
            if isinstance(result, Unknown):
                row["kldb"], row["confidence"] = "", "0"
            else:
                row["kldb"], row["confidence"] = result.kldb, f"{result.confidence:.3f}"
            writer.writerow(row)
