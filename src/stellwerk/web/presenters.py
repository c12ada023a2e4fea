"""Turn stored posting fields into German phrases for the pages."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from stellwerk.normalize.skills import SkillLexicon

WORKING_TIME = {
    "vz": "Vollzeit",
    "tz": "Teilzeit",
    "snw": "Schicht, Nacht, Wochenende",
    "ho": "Homeoffice",
    "mj": "Minijob",
}
OFFER_KINDS = {
    "ausbildung": "Ausbildung",
    "duales_studium": "Duales Studium",
    "praktikum": "Praktikum",
    "werkstudent": "Werkstudium",
    "trainee": "Trainee",
    "berufseinstieg": "Berufseinstieg",
}
PERIODS = {"hour": "pro Stunde", "month": "im Monat", "year": "im Jahr"}


def thousands(count: int) -> str:
    """Format a whole number with German thousands separators: 187960 -> "187.960"."""
    # What Django's intcomma filter gives in German, at a tenth of its cost: a results page shows dozens.
    return f"{count:,}".replace(",", ".")


def euro(cents: int) -> str:
    """Format cents as German euros: 330000 -> "3.300 €", 1850 -> "18,50 €"."""
    whole, rest = divmod(cents, 100)
    text = thousands(whole)
    return f"{text},{rest:02d} €" if rest else f"{text} €"


def kilometres(distance: float) -> str:
    """Format a distance in km with at most one decimal, German style: 12.3 -> "12,3", 12.0 -> "12"."""
    return f"{distance:.1f}".removesuffix(".0").replace(".", ",")


def german_date(day: date) -> str:
    """Format a date as Germans write it short: "3.11.2026"."""
    return f"{day.day}.{day.month}.{day.year}"


def salary_phrases(salary: dict[str, Any]) -> list[str]:
    """Return the stated amounts and tariffs of a posting as German phrases."""
    phrases = []
    for amount in salary.get("betraege", []):
        low, high = amount.get("min_cents"), amount.get("max_cents")
        if low is not None and high is not None and low != high:
            figure = f"{euro(low)} – {euro(high)}"
        elif low is not None:
            figure = euro(low) if high is not None else f"ab {euro(low)}"
        else:
            figure = f"bis {euro(high)}"
        gross = {True: " brutto", False: " netto"}.get(amount.get("brutto"), "")
        period = PERIODS.get(amount.get("zeitraum", ""), "")
        inferred = "" if amount.get("zeitraum_angegeben", True) else " (Zeitraum geschätzt)"
        phrases.append(f"{figure}{gross} {period}{inferred}".strip())
    for tariff in salary.get("tarife", []):
        group = f" {tariff['gruppe']}" if tariff.get("gruppe") else ""
        phrases.append(f"Tarif: {tariff['tarifvertrag']}{group}")
    return phrases


def terms_phrases(terms: dict[str, Any]) -> list[str]:
    """Return working time, contract and offer kind of a posting as German phrases."""
    phrases = [", ".join(WORKING_TIME[c] for c in terms.get("arbeitszeit", []) if c in WORKING_TIME)]
    remote = terms.get("homeoffice")
    if remote:
        phrases.append("komplett remote" if remote == "full" else "teilweise Homeoffice")
    fixed = terms.get("befristet")
    if fixed is not None:
        phrases.append("befristet" if fixed else "unbefristet")
    if terms.get("zeitarbeit"):
        phrases.append("Zeitarbeit")
    if terms.get("pav"):
        phrases.append("private Arbeitsvermittlung")
    phrases += [OFFER_KINDS[k] for k in terms.get("angebotsart", []) if k in OFFER_KINDS]
    return [p for p in phrases if p]


def skill_labels(skill_ids: Iterable[str], lexicon: SkillLexicon) -> list[str]:
    """Return the display labels of stored skill ids; ids a newer lexicon dropped are skipped."""
    labels = []
    for skill_id in skill_ids:
        try:
            labels.append(lexicon.skill(skill_id).label)
        except KeyError:
            continue
    return labels
