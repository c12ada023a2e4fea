"""Editorial articles: Markdown with figure placeholders rendered to safe HTML; else a generated summary.

Editors write `{{ gehalt.median }}` where the current median belongs; the page fills in the figure as it is
when the page is shown, so an article never goes stale on numbers. Markdown is rendered without raw HTML and
the result is cleaned with nh3 all the same: the admin is trusted, but not that much.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import nh3
from markdown_it import MarkdownIt

UNKNOWN = "keine Angabe"
PLACEHOLDERS: Mapping[str, str] = {
    "beruf.name": "Name des Berufs",
    "ort.name": "Name des Orts (oder „Deutschland“)",
    "angebote.aktuell": "Zahl der aktuellen Stellenangebote",
    "angebote.jahr": "Zahl der Stellenangebote der letzten 12 Monate",
    "nachfrage.trend": "Trend in Worten mit Zahl, z. B. „gestiegen: +12 % gegenüber dem Vorjahreszeitraum“",
    "nachfrage.veraenderung": "Veränderung in Prozent, z. B. „+12 %“",
    "gehalt.median": "Median des Bruttomonatsentgelts (Entgeltatlas)",
    "gehalt.q25": "unteres Quartil (Entgeltatlas)",
    "gehalt.q75": "oberes Quartil (Entgeltatlas)",
    "gehalt.einstieg": "geschätztes Einstiegsgehalt",
    "gehalt.quelle": "Quelle und Stichtag der Gehaltszahlen",
    "gehalt.angebote_median": "Median der Gehaltsangaben in Stellenangeboten",
    "arbeitgeber.top": "Arbeitgeber mit den meisten Angeboten",
    "arbeitgeber.zeitarbeit": "Anteil der Angebote in Zeitarbeit",
    "kenntnisse.top": "die drei meistgefragten Kenntnisse",
}
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+(?:\.[a-z_]+)*)\s*\}\}")
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
_TAGS = {
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "h2", "h3", "h4", "blockquote", "code", "pre", "hr",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}}


def unknown_placeholders(text: str) -> list[str]:
    """Return the placeholders in a text that the pages cannot fill, in order of appearance."""
    return list(dict.fromkeys(name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS))


def fill_placeholders(text: str, values: Mapping[str, str | None]) -> str:
    """Replace each known placeholder by its value ("keine Angabe" if unknown); leave others visible."""

    def value(match: re.Match[str]) -> str:
        name = match[1]
        if name not in PLACEHOLDERS:
            return match[0]
        return _escape_markdown(values.get(name) or UNKNOWN)

    return _PLACEHOLDER.sub(value, text)


def _escape_markdown(text: str) -> str:
    # Figures and names are text, not markup: an employer called "*Star* GmbH" stays literal.
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", text)


def render_markdown(text: str) -> str:
    """Render Markdown to HTML without raw HTML and sanitise the result."""
    return nh3.clean(
        _MARKDOWN.render(text), tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https"}
    )


def render_article(body: str, values: Mapping[str, str | None]) -> str:
    """Return an article's HTML with its placeholders filled."""
    return render_markdown(fill_placeholders(body, values))


@dataclass(frozen=True, slots=True)
class SummaryFacts:
    """What a generated summary may say; None where the data says nothing."""

    occupation: str | None
    area: str
    active: int
    trend: str | None
    median: str | None
    median_source: str | None
    entry: str | None
    skills: Sequence[str]
    employers: Sequence[str]
    temp_agency_percent: int | None


def summary_paragraph(facts: SummaryFacts) -> str:
    """Return a short plain-German paragraph from the figures, saying only what they support."""
    sentences = [_offers_sentence(facts)]
    if facts.trend:
        sentences.append(f"Die Zahl neuer Angebote ist {facts.trend}.")
    if facts.median and facts.median_source:
        sentences.append(
            f"Beschäftigte in diesem Beruf verdienen im Mittel (Median) {facts.median} brutto im Monat "
            f"({facts.median_source})."
        )
    if facts.entry:
        sentences.append(f"Als Richtwert für den Einstieg gelten etwa {facts.entry} brutto im Monat.")
    if facts.skills:
        sentences.append(f"Am häufigsten gefragt: {_enumeration(facts.skills)}.")
    if facts.employers:
        sentences.append(f"Die meisten Angebote kommen von {_enumeration(facts.employers)}.")
    if facts.temp_agency_percent:
        sentences.append(f"{facts.temp_agency_percent} % der Angebote sind in Zeitarbeit.")
    return " ".join(sentences)


def _offers_sentence(facts: SummaryFacts) -> str:
    subject = f" für {facts.occupation}" if facts.occupation else ""
    if facts.active == 0:
        return f"In {facts.area} gibt es derzeit keine Stellenangebote{subject} auf Stellwerk."
    if facts.active == 1:
        return f"In {facts.area} gibt es derzeit ein Stellenangebot{subject} auf Stellwerk."
    count = f"{facts.active:,}".replace(",", ".")
    return f"In {facts.area} gibt es derzeit {count} Stellenangebote{subject} auf Stellwerk."


def _enumeration(items: Sequence[str]) -> str:
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " und " + items[-1]
