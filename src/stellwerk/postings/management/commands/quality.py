"""`stellwerk quality`: print data-quality figures of the postings and their sources."""

from __future__ import annotations

import dataclasses
import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from stellwerk.postings.quality import QualityReport, Share, quality_report


def _number(value: int) -> str:
    """Format an integer the German way: 7329 -> "7.329"."""
    return f"{value:,}".replace(",", ".")


def _share(label: str, share: Share) -> str:
    percent = f"{share.percent:5.1f}".replace(".", ",")
    return f"  {label:<28} {_number(share.count):>9} von {_number(share.total)}  ({percent} %)"


class Command(BaseCommand):
    """Print the share of postings geocoded, classified (by confidence), with salary, skills and terms."""

    help = __doc__

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--json", action="store_true", help="print one JSON object")

    def handle(self, *args: Any, **options: Any) -> None:
        report = quality_report()
        if options["json"]:
            self.stdout.write(json.dumps(_as_json(report), ensure_ascii=False, sort_keys=True))
            return
        write = self.stdout.write
        write(f"Stellenangebote: {_number(report.postings)}")
        write(_share("mit Ort (geokodiert)", report.geocoded))
        write("  Beruf (KldB 2010):")
        for label, share in report.classified.items():
            write(_share(f"  {label}", share))
        write(_share("mit Gehaltsangabe", report.with_salary))
        write(_share("mit Kompetenzen", report.with_skills))
        write(_share("mit Arbeitszeit/Vertrag", report.with_terms))
        write(
            _share("Dubletten (zusammengeführt)", report.duplicates)
            + f" in {_number(report.duplicate_clusters)} Gruppen"
        )
        self._top("Häufigste nicht gefundene Orte", report.unresolved_places)
        self._top("Häufigste nicht klassifizierte Titel", report.unclassified_titles)
        write("Quellen:")
        for source, count in report.records_by_source.items():
            failed = report.errors_by_source.get(source, [])
            rejected = sum(n for _, n in failed)
            write(f"  {source}: {_number(count)} Datensätze, {_number(rejected)} abgelehnt")
            for reason, n in failed:
                write(f"    {n:>6}× {reason}")

    def _top(self, title: str, rows: list[tuple[str, int]]) -> None:
        self.stdout.write(f"{title}:" + ("" if rows else " keine"))
        for text, count in rows:
            self.stdout.write(f"  {count:>6}× {text}")


def _as_json(report: QualityReport) -> dict[str, Any]:
    data = dataclasses.asdict(report)
    for key, value in list(data.items()):
        if isinstance(value, dict) and {"count", "total"} <= value.keys():
            data[key] = {**value, "percent": round(Share(**value).percent, 2)}
    data["classified"] = {
        label: {**value, "percent": round(Share(**value).percent, 2)}
        for label, value in data["classified"].items()
    }
    return data
