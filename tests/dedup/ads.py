"""Realistic German job ads and the shapes other sources give them, for the dedup tests."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, date, datetime

from stellwerk.dedup.fingerprints import DedupPosting

NURSE_TEXT = """Das Klinikum Dortmund ist mit über 4.700 Beschäftigten eines der größten kommunalen
Krankenhäuser Deutschlands und Lehrkrankenhaus der Universität Münster.

Ihre Aufgaben:
• Ganzheitliche Pflege und Betreuung unserer Patientinnen und Patienten auf der Station 3 (Kardiologie)
• Überwachung der Vitalparameter und Durchführung ärztlich angeordneter Maßnahmen
• Dokumentation der Pflegeprozesse in unserem digitalen Dokumentationssystem
• Anleitung von Auszubildenden und neuen Kolleginnen und Kollegen

Ihr Profil:
• Abgeschlossene Ausbildung als Pflegefachfrau/-mann oder Gesundheits- und Krankenpfleger/in
• Freude an der Arbeit im Team und Verantwortungsbewusstsein
• Bereitschaft zum Schichtdienst

Wir bieten:
• Vergütung nach TVöD-K inklusive Jahressonderzahlung und betrieblicher Altersvorsorge
• 30 Tage Urlaub, Fort- und Weiterbildung in unserem Bildungszentrum
• Zuschuss zum Deutschlandticket und Angebote der betrieblichen Gesundheitsförderung

Bewerben Sie sich bis zum 31.10.2025 über unser Karriereportal. Fragen beantwortet Ihnen
Frau Schäfer, Pflegedirektion, unter 0231 953-0."""

RESTAURANT_BLURB = """Der Gasthof Zur Post in Bamberg steht seit 1898 für fränkische Küche, regionale
Zutaten und herzliche Gastfreundschaft. Unser Team aus 25 Mitarbeiterinnen und Mitarbeitern freut sich
auf Verstärkung.

Das bieten wir:
• Unbefristeter Arbeitsvertrag und pünktliche Bezahlung über Tarif
• Geregelte Arbeitszeiten mit zwei freien Tagen pro Woche
• Kostenlose Verpflegung und Trinkgeldbeteiligung
• Ein familiäres Arbeitsklima in einem traditionsreichen Haus

Haben wir Ihr Interesse geweckt? Dann senden Sie uns Ihre Bewerbung per E-Mail an
bewerbung@gasthof-zur-post.example oder kommen Sie einfach vorbei."""

SEEN = datetime(2025, 9, 15, 8, tzinfo=UTC)


def nurse(**changes: object) -> DedupPosting:
    """Return the BA posting of a nurse at the Klinikum Dortmund, with fields changed as given."""
    posting = DedupPosting(
        id="ba-1",
        source="ba",
        title="Pflegefachkraft (m/w/d) Station 3 Kardiologie",
        employer="Klinikum Dortmund gGmbH",
        place="05913000",
        place_name="Dortmund",
        text=NURSE_TEXT,
        published=date(2025, 9, 15),
        first_seen=SEEN,
        content_hash="c-ba-1",
    )
    return replace(posting, **changes)  # type: ignore[arg-type]


def as_html(text: str) -> str:
    """Return text the way a job board's HTML carries it: paragraphs, list items, entities."""
    parts = []
    for line in text.split("\n"):
        if line.startswith("•"):
            parts.append(f"<li>{html.escape(line[1:].strip())}</li>")
        elif line.strip():
            parts.append(f"<p>{html.escape(line)}</p>")
    return "<div class='job'>" + "".join(parts).replace("ä", "&auml;").replace("ü", "&uuml;") + "</div>"


def aggregator_copy(**changes: object) -> DedupPosting:
    """Return the nurse ad as a job board shows it: HTML, gender marker and title noise, short employer."""
    posting = nurse(
        id="board-7",
        source="jobboard",
        title="Pflegefachkraft (w/m/d) Station 3 Kardiologie in Vollzeit - Dortmund",
        employer="Klinikum Dortmund",
        text="Jetzt bewerben!\n" + as_html(NURSE_TEXT) + "\nAnzeige vom 16.09.2025 · Impressum · Datenschutz",
        published=date(2025, 9, 16),
        first_seen=datetime(2025, 9, 16, 6, tzinfo=UTC),
        content_hash="c-board-7",
    )
    return replace(posting, **changes)  # type: ignore[arg-type]


def truncated_copy(**changes: object) -> DedupPosting:
    """Return the nurse ad as an aggregator teaser: the first half of the text and "mehr lesen"."""
    words = NURSE_TEXT.split(" ")
    posting = nurse(
        id="teaser-3",
        source="aggregator",
        title="Pflegefachkraft*in Station 3 Kardiologie",
        text=" ".join(words[: len(words) // 2]) + " … mehr lesen",
        first_seen=datetime(2025, 9, 17, 6, tzinfo=UTC),
        content_hash="c-teaser-3",
    )
    return replace(posting, **changes)  # type: ignore[arg-type]


def repost(**changes: object) -> DedupPosting:
    """Return the nurse ad posted again a month later with a new closing date and reference number."""
    text = "Referenznummer: PF-2025-117\n" + NURSE_TEXT.replace("31.10.2025", "30.11.2025")
    posting = nurse(
        id="ba-2",
        text=text,
        published=date(2025, 10, 15),
        first_seen=datetime(2025, 10, 15, 8, tzinfo=UTC),
        content_hash="c-ba-2",
    )
    return replace(posting, **changes)  # type: ignore[arg-type]


def restaurant(id: str, title: str, **changes: object) -> DedupPosting:
    """Return an ad of the Gasthof Zur Post whose text is only the house's standard blurb."""
    posting = DedupPosting(
        id=id,
        source="ba",
        title=title,
        employer="Gasthof Zur Post GmbH",
        place="09461000",
        place_name="Bamberg",
        text=RESTAURANT_BLURB,
        published=date(2025, 9, 20),
        first_seen=SEEN,
        content_hash=f"c-{id}",
    )
    return replace(posting, **changes)  # type: ignore[arg-type]
