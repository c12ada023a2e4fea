"""Articles: placeholders filled from the figures, Markdown rendered safely; the generated summary."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stellwerk.insights.articles import (
    PLACEHOLDERS,
    SummaryFacts,
    fill_placeholders,
    render_article,
    render_markdown,
    summary_paragraph,
    unknown_placeholders,
)


def test_placeholders_are_filled_and_unknown_values_say_so() -> None:
    text = "Median: {{ gehalt.median }}, Trend: {{nachfrage.trend}}, Einstieg: {{ gehalt.einstieg }}."
    filled = fill_placeholders(text, {"gehalt.median": "4.800 €", "nachfrage.trend": "gestiegen: +12 %"})
    assert filled == "Median: 4.800 €, Trend: gestiegen: +12 %, Einstieg: keine Angabe."


def test_unknown_placeholders_are_found_and_left_visible() -> None:
    text = "{{ gehalt.median }} und {{ gehalt.maximum }} und {{ gehalt.maximum }}"
    assert unknown_placeholders(text) == ["gehalt.maximum"]
    assert "{{ gehalt.maximum }}" in fill_placeholders(text, {})


def test_markdown_is_rendered_without_scripts_or_dangerous_links() -> None:
    html = render_markdown(
        "## Überblick\n\n**Gute** Aussichten. [Mehr](https://example.org) [x](javascript:alert(1))\n\n"
        "<script>alert(1)</script><img src=x onerror=alert(1)>"
    )
    assert "<h2>Überblick</h2>" in html
    assert "<strong>Gute</strong>" in html
    assert 'href="https://example.org"' in html
    assert 'href="javascript' not in html
    assert "<script" not in html
    assert "<img" not in html


def test_values_are_text_not_markup() -> None:
    html = render_article(
        "Top: {{ arbeitgeber.top }}", {"arbeitgeber.top": "*Star* <b>GmbH</b> [x](http://a)"}
    )
    assert "<em>" not in html
    assert "<b>" not in html
    assert "<a" not in html
    assert "Star" in html


@given(st.text(max_size=300), st.dictionaries(st.sampled_from(sorted(PLACEHOLDERS)), st.text(max_size=40)))
def test_no_text_and_no_value_gets_a_script_onto_the_page(body: str, values: dict[str, str]) -> None:
    html = render_article(body + "<script>x</script>{{ gehalt.median }}", values)
    assert "<script" not in html.lower()


def test_summary_says_only_what_the_figures_support() -> None:
    facts = SummaryFacts(
        occupation="Medizininformatiker/in",
        area="Dortmund",
        active=12,
        trend="deutlich gestiegen: +38 % gegenüber dem Vorjahreszeitraum",
        median="5.100 €",
        median_source="Entgeltatlas der Bundesagentur für Arbeit, Dortmund, Stichtag 31.12.2023",
        entry="3.900 €",
        skills=["SQL", "HL7", "Python"],
        employers=["Klinikum Dortmund"],
        temp_agency_percent=8,
    )
    text = summary_paragraph(facts)
    assert text.startswith("In Dortmund gibt es derzeit 12 Stellenangebote für Medizininformatiker/in")
    assert "deutlich gestiegen: +38 %" in text
    assert "(Median) 5.100 € brutto im Monat (Entgeltatlas" in text
    assert "SQL, HL7 und Python" in text
    assert "8 % der Angebote sind in Zeitarbeit" in text
    bare = SummaryFacts(None, "Bamberg", 1, None, None, None, None, [], [], None)
    assert summary_paragraph(bare) == "In Bamberg gibt es derzeit ein Stellenangebot auf Stellwerk."
