"""Untrusted HTML from sources becomes plain text or a safe subset."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from stellwerk.normalize.html import html_to_line, html_to_text, sanitize_html


def test_scripts_and_styles_are_dropped_with_their_content() -> None:
    text = html_to_text(
        "<p>Wir bieten</p><script>alert('x')</script><style>p{}</style><ul><li>TVöD</li></ul>"
    )
    assert text == "Wir bieten\n\nTVöD"


def test_entities_are_decoded_and_blocks_end_lines() -> None:
    assert (
        html_to_text("Pflege&shy;fachkraft &amp; MFA<br>Vollzeit") == "Pflege\u00adfachkraft & MFA\nVollzeit"
    )


def test_plain_text_is_only_tidied() -> None:
    assert (
        html_to_text("  Pflegefachkraft   (m/w/d) \r\n\r\n\r\n Dortmund ")
        == "Pflegefachkraft (m/w/d)\n\nDortmund"
    )


def test_a_title_with_markup_becomes_one_line() -> None:
    assert html_to_line("<b>Pflegefachkraft</b><br/>(m/w/d)") == "Pflegefachkraft (m/w/d)"


def test_sanitize_keeps_formatting_and_drops_scripts_and_attributes() -> None:
    cleaned = sanitize_html(
        '<p onclick="x()">Hallo <a href="javascript:x">Link</a><script>bad()</script></p>'
    )
    assert cleaned == "<p>Hallo Link</p>"


@given(st.text())
def test_arbitrary_text_never_raises_and_leaves_no_script_tag(text: str) -> None:
    assert "<script" not in sanitize_html(text).lower()
    html_to_text(text)
