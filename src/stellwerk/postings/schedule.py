"""Recurring source runs, configured in a TOML file (`sources.toml`) and run by `stellwerk worker`."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from stellwerk.postings.models import SourceRun
from stellwerk.sources.ba_api import JobQuery

Kind = Literal["ba", "jsonld", "feed"]
_INTERVAL = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
_BA_KEYS = {"was", "wo", "umkreis", "berufsfeld", "arbeitgeber", "angebotsart", "arbeitszeit", "befristung"}
_BA_KEYS |= {"zeitarbeit", "pav"}


class InvalidSchedule(ValueError):
    """The sources file cannot be used; the message names the entry and the reason."""


@dataclass(frozen=True, slots=True)
class ScheduledRun:
    """One recurring run: which source, with what settings, how often."""

    kind: Kind
    name: str
    every: timedelta
    settings: Mapping[str, Any]

    def ba_query(self, since: datetime | None, now: datetime) -> JobQuery:
        """Return the BA query; after a finished run only what was published since (plus a day's margin)."""
        fields = {key: value for key, value in self.settings.items() if key in _BA_KEYS}
        for key in ("arbeitszeit", "befristung"):
            if key in fields and not isinstance(fields[key], list):
                fields[key] = [fields[key]]
        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
        if since is not None:
            fields["veroeffentlichtseit"] = min(100, (now - since).days + 1)
        return JobQuery(**fields)


def parse_interval(text: str) -> timedelta:
    """Read an interval such as "30m", "6h" or "1d"."""
    match = _INTERVAL.match(text)
    if match is None:
        raise InvalidSchedule(f"Intervall {text!r} nicht lesbar: Zahl und m, h oder d, etwa 6h")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


def load_schedule(path: Path) -> list[ScheduledRun]:
    """Read the sources file; raise InvalidSchedule naming the entry at fault."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InvalidSchedule(f"{path}: {exc}") from None
    runs = []
    for kind in ("ba", "jsonld", "feed"):
        for number, entry in enumerate(document.get(kind, []), start=1):
            runs.append(_entry(kind, number, entry))
    unknown = set(document) - {"ba", "jsonld", "feed"}
    if unknown:
        raise InvalidSchedule(f"{path}: unbekannte Abschnitte {sorted(unknown)} (erlaubt: ba, jsonld, feed)")
    return runs


def _entry(kind: Kind, number: int, entry: Any) -> ScheduledRun:
    label = f"[[{kind}]] Nr. {number}"
    if not isinstance(entry, dict):
        raise InvalidSchedule(f"{label}: kein Abschnitt")
    settings = dict(entry)
    every = parse_interval(str(settings.pop("every", "1d")))
    name = str(settings.pop("name", "") or f"{kind}-{number}")
    if kind == "jsonld" and not (settings.get("urls") or settings.get("sitemap")):
        raise InvalidSchedule(f"{label}: urls oder sitemap fehlt")
    if kind == "feed" and not settings.get("location"):
        raise InvalidSchedule(f"{label}: location (Datei oder URL) fehlt")
    run = ScheduledRun(kind, name, every, settings)
    if kind == "ba":
        try:
            run.ba_query(None, datetime.now())
        except (TypeError, ValueError) as exc:
            raise InvalidSchedule(f"{label}: {exc}") from None
    return run


def last_finished(run: ScheduledRun) -> SourceRun | None:
    """Return the latest finished run of a schedule entry."""
    return (
        SourceRun.objects.filter(parameters__zeitplan=run.name, status=SourceRun.Status.FINISHED)
        .order_by("-finished_at")
        .first()
    )


def is_due(run: ScheduledRun, now: datetime) -> bool:
    """Tell whether a schedule entry should run now."""
    last = last_finished(run)
    return last is None or last.finished_at is None or last.finished_at + run.every <= now
